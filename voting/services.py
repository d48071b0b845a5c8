"""Every write to a vote goes through rooms.runner.run_command: one transaction with
the meeting row locked, the room's next sequence number, the reply stored per client message id
(a retried message applies once), the ack after commit and the event broadcast after commit.

Events are all "vote.changed" (docs/protocol.md, "Votes"). Every screen sees the definition and
the turnout; results once revealed (a `live` vote from its opening), and facilitators ("mod")
also once closed: an open `at_close` vote shows turnout only, to the facilitator too. Only the
voter's phone ("own") learns its own ballot. No event pairs a participant with a content.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from informaction.text import clean_text
from rooms import sql
from rooms.enums import RoomPhase
from rooms.errors import DomainError
from rooms.events import RoomEvent
from rooms.models import Meeting, Participant
from rooms.roles import Actor
from rooms.runner import Change, Unit, run_command
from rooms.sources import vote_candidates

from . import selectors, tally
from .counting import DEFAULT_MAX_DOTS, grade_scale
from .enums import (
    AGGREGATE_METHODS,
    LIST_METHODS,
    MAPPING_METHODS,
    BallotState,
    PaperSource,
    RegistrationSource,
    RevealMode,
    VoteMethod,
)
from .errors import from_ballot_error, invalid_ballot, vote_not_found
from .models import Ballot, PaperCount, Vote, VoteOption, VoterRegistration
from .payloads import TurnoutPayload

MAX_OPTIONS = 60
MAX_LABEL = 200
MAX_TITLE = 200
MAX_NOTE = 200
MAX_PAPER_BALLOTS = 1000
MAX_DOTS_LIMIT = 100
MAX_GRADES = 10
MAX_GRADE_LABEL = 40
SCORE_LIMIT = 100
SCORE_SPAN = 20
_DIGITS = re.compile(r"^(0|[1-9][0-9]{0,17})$")  # one spelling per id: no "012"


# --- Reading the request --------------------------------------------------------------------------


def _bad_settings(message: Any) -> DomainError:
    return DomainError("vote.bad_settings", message)


def _int_setting(raw: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = raw.get(key, default)
    if value is None:
        value = default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DomainError(
            "vote.bad_settings",
            _("Réglage « %(key)s » : un entier de %(low)s à %(high)s est attendu."),
            key=key,
            low=low,
            high=high,
        )
    return value


def _grade_labels(raw: Any, key: str) -> list[str] | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_GRADES:
        raise DomainError(
            "vote.bad_settings",
            _("Réglage « %(key)s » : de 2 à %(max)s mentions, de la meilleure à la pire."),
            key=key,
            max=MAX_GRADES,
        )
    labels = [clean_text(g) if isinstance(g, str) else "" for g in raw]
    if not all(0 < len(g) <= MAX_GRADE_LABEL for g in labels) or len(set(labels)) != len(labels):
        raise DomainError(
            "vote.bad_settings",
            _("Réglage « %(key)s » : chaque mention est un texte court, différent des autres."),
            key=key,
        )
    return labels


def normalised_settings(method: str, raw: Any) -> dict[str, Any]:
    """The method's settings with every key present. Keys of other methods are ignored."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise _bad_settings(_("Les réglages du vote sont illisibles."))
    if method == VoteMethod.DOTS:
        max_dots = _int_setting(raw, "max_dots", DEFAULT_MAX_DOTS, 1, MAX_DOTS_LIMIT)
        per_option = _int_setting(raw, "max_per_option", max_dots, 1, max_dots)
        return {"max_dots": max_dots, "max_per_option": per_option}
    if method == VoteMethod.MAJORITY_JUDGMENT:
        grades = _grade_labels(raw.get("grades"), "grades")
        grades_en = _grade_labels(raw.get("grades_en"), "grades_en")
        if grades is None:
            if grades_en is not None:
                raise _bad_settings(_("Donnez les mentions en français avant l'anglais."))
            scale = tally.DEFAULT_GRADE_SCALE
            return {"grades": list(scale.labels_fr), "grades_en": list(scale.labels_en or ())}
        if grades_en is not None and len(grades_en) != len(grades):
            raise _bad_settings(_("Autant de mentions en anglais qu'en français."))
        return {"grades": grades, "grades_en": grades_en or list(grades)}
    if method == VoteMethod.SCORE:
        low = _int_setting(raw, "min_score", 0, -SCORE_LIMIT, SCORE_LIMIT)
        high = _int_setting(raw, "max_score", 5, -SCORE_LIMIT, SCORE_LIMIT)
        if not low < high <= low + SCORE_SPAN:
            raise DomainError(
                "vote.bad_settings",
                _("La note maximale doit dépasser la minimale, de %(span)s au plus."),
                span=SCORE_SPAN,
            )
        return {"min_score": low, "max_score": high}
    return {}


def _option_specs(meeting: Meeting, options: Any) -> list[dict[str, Any]]:
    """[{"idea": 12} | {"theme": "Mobilité"} | {"label": "Autre"}] → fields of VoteOption."""
    if not isinstance(options, list) or not options:
        raise DomainError("vote.no_options", _("Ajoutez au moins une option au vote."))
    if len(options) > MAX_OPTIONS:
        raise DomainError("vote.too_many_options", _("%(max)s options au plus."), max=MAX_OPTIONS)
    idea_ids = [o.get("idea") for o in options if isinstance(o, dict) and "idea" in o]
    if any(isinstance(i, bool) or not isinstance(i, int) for i in idea_ids):
        raise DomainError("vote.bad_option", _("Une option est illisible."))
    # The board's visible ideas among them, with their labels (rooms/sources.py).
    ideas = vote_candidates(meeting, "idea", idea_ids)
    specs: list[dict[str, Any]] = []
    for raw in options:
        if not isinstance(raw, dict) or not any(k in raw for k in ("idea", "theme", "label")):
            raise DomainError("vote.bad_option", _("Une option est illisible."))
        label = raw.get("label", "")
        theme = raw.get("theme", "")
        if not isinstance(label, str) or not isinstance(theme, str):
            raise DomainError("vote.bad_option", _("Une option est illisible."))
        label, theme = clean_text(label), clean_text(theme)
        idea_id = None
        if "idea" in raw:
            idea_id = raw["idea"]
            if idea_id not in ideas:
                raise DomainError(
                    "vote.unknown_idea", _("Une idée choisie n'existe pas ou n'est pas visible.")
                )
            label = label or clean_text(ideas[idea_id])[:MAX_LABEL]
        label = label or theme
        if not label:
            raise DomainError("vote.bad_option", _("Une option n'a pas de libellé."))
        if len(label) > MAX_LABEL or len(theme) > MAX_LABEL:
            raise DomainError(
                "vote.option_too_long",
                _("Libellé trop long (%(max)s caractères au plus)."),
                max=MAX_LABEL,
            )
        specs.append({"label": label, "theme": theme, "idea_id": idea_id})
    seen_ideas = [s["idea_id"] for s in specs if s["idea_id"] is not None]
    seen_labels = [s["label"].casefold() for s in specs]
    if len(set(seen_ideas)) != len(seen_ideas) or len(set(seen_labels)) != len(seen_labels):
        raise DomainError("vote.duplicate_option", _("Une option figure deux fois."))
    return specs


def _option_id(raw: Any) -> int:
    """An option id from the wire: an int, or a JSON object key (a decimal string)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and _DIGITS.match(raw):
        return int(raw)
    raise tally.BallotError("ballot.unknown_option", "unknown option")


def canonical_ballot(vote: Vote, option_ids: list[int], ballot: Any) -> Any:
    """Check one ballot with the tally's validators and return its stored (JSON) form.

    Mappings get string keys in option order (dots: options without a dot left out); approval
    lists are put in option order; rankings keep their order. Raises DomainError.
    """
    method, settings = vote.method, vote.settings
    try:
        if method in MAPPING_METHODS:
            if not isinstance(ballot, dict):
                raise invalid_ballot()
            values = {_option_id(k): v for k, v in ballot.items()}
            if method == VoteMethod.DOTS:
                tally.validate_dots_ballot(
                    values,
                    options=option_ids,
                    max_dots=settings["max_dots"],
                    max_per_option=settings["max_per_option"],
                )
                return {str(o): values[o] for o in option_ids if values.get(o)}
            if method == VoteMethod.MAJORITY_JUDGMENT:
                tally.validate_grades_ballot(
                    values, options=option_ids, scale=grade_scale(settings)
                )
            else:
                tally.validate_score_ballot(
                    values,
                    options=option_ids,
                    min_score=settings["min_score"],
                    max_score=settings["max_score"],
                )
            return {str(o): values[o] for o in option_ids if o in values}
        if method in LIST_METHODS:
            if not isinstance(ballot, list):
                raise invalid_ballot()
            items = [_option_id(o) for o in ballot]
            if method == VoteMethod.APPROVAL:
                tally.validate_approval_ballot(items, options=option_ids)
                chosen = set(items)
                return [o for o in option_ids if o in chosen]
            tally.validate_ranked_ballot(items, options=option_ids)
            return items
        if not isinstance(ballot, str):
            raise tally.BallotError("ballot.invalid_choice", "")
        tally.validate_yes_no_ballot(ballot)
        return ballot
    except tally.BallotError as error:
        raise from_ballot_error(error, settings) from None


def _canonical_counts(vote: Vote, option_ids: list[int], counts: Any) -> dict[str, int]:
    """Aggregate paper / show-of-hands counts: {option id or yes|no|abstain: n ≥ 0}."""
    try:
        if not isinstance(counts, dict) or not counts:
            raise tally.BallotError("ballot.invalid_count", "")
        clean: dict[str, int] = {}
        for key, n in counts.items():
            if vote.method == VoteMethod.YES_NO:
                if key not in tally.YES_NO_CHOICES:
                    raise tally.BallotError("ballot.invalid_choice", "")
                name = key
            else:
                option = _option_id(key)
                if option not in option_ids:
                    raise tally.BallotError("ballot.unknown_option", "")
                name = str(option)
            if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 1_000_000:
                raise tally.BallotError("ballot.invalid_count", "")
            clean[name] = n
    except tally.BallotError as error:
        raise from_ballot_error(error, vote.settings) from None
    order = (
        list(tally.YES_NO_CHOICES)
        if vote.method == VoteMethod.YES_NO
        else [str(o) for o in option_ids]
    )
    return {k: clean[k] for k in order if k in clean}


# --- Loading and events ---------------------------------------------------------------------------


def _get_vote(meeting: Meeting, actor: Actor, vote_id: Any) -> Vote:
    """The vote of this meeting; participants never reach a draft (nor another meeting)."""
    if isinstance(vote_id, bool) or not isinstance(vote_id, int):
        raise vote_not_found()
    if actor.participant is not None and actor.participant.meeting_id != meeting.pk:
        raise vote_not_found()
    vote = Vote.objects.filter(meeting=meeting, pk=vote_id).first()
    if vote is None or (not actor.facilitator and vote.state == BallotState.DRAFT):
        raise vote_not_found()
    return vote


def _vote_event(vote: Vote) -> RoomEvent:
    """The whole vote: facilitators with paper entries and drafts, the public without drafts;
    results where `selectors.results_visible`."""
    options = list(vote.options.all())
    turnout = selectors.turnout(vote)
    mod = selectors.vote_view(vote, facilitator=True, options=options, turnout_now=turnout)
    public = None
    if vote.state != BallotState.DRAFT:
        public = selectors.vote_view(
            vote, facilitator=False, options=options, turnout_now=turnout, with_results=False
        )
        if vote.revealed:
            public["results"] = mod["results"]
    return RoomEvent("vote.changed", mod=mod, public=public, key=f"vote:{vote.pk}")


def _turnout_event(
    vote: Vote,
    participant_id: int,
    my_ballot: Any,
    unit: Unit,
    turnout: TurnoutPayload | None = None,
) -> RoomEvent:
    """After a ballot: small views (turnout; live results of a revealed vote while few enough
    ballots, the same for every screen), own ballot."""
    turnout = selectors.turnout(vote) if turnout is None else turnout
    mod: dict[str, Any] = {"id": vote.pk, "turnout": turnout}
    public: dict[str, Any] = {"id": vote.pk, "turnout": turnout}
    # The vote is open here: its count is visible to a screen only once revealed.
    if vote.revealed and turnout["ballots"] <= selectors.live_results_max_ballots():

        def count() -> None:
            mod["results"] = public["results"] = selectors.compute_results(vote)

        # One count per unit (a group commit holds many ballots), carried by the last event that
        # asks for it (screens merge events in order, so earlier ones need no results of their own).
        unit.defer(("vote.results", vote.pk), count)
    own = {"id": vote.pk, "my_ballot": my_ballot}
    return RoomEvent(
        "vote.changed",
        mod=mod,
        public=public,
        own_pid=participant_id,
        own=own,
        key=f"vote:{vote.pk}",
    )


def _state_reply(vote: Vote) -> dict[str, Any]:
    return {"vote": vote.pk, "state": vote.state, "revealed": vote.revealed}


# --- Facilitator commands -------------------------------------------------------------------------


def vote_create(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    method: Any,
    options: Any = None,
    title: Any = "",
    settings: Any = None,
    reveal: Any = RevealMode.LIVE,
    registered_only: bool = False,
    open_now: bool = False,
) -> dict[str, Any]:
    """Create a vote (a draft, or open at once with `open_now`) with its options, taken from
    ideas, theme labels or free text. A yes/no poll has no options: its title is the question.

    Raises DomainError vote.unknown_method, vote.no_options, vote.bad_option, vote.unknown_idea,
    vote.duplicate_option, vote.too_many_options, vote.bad_settings, vote.title_*.
    Emits "vote.changed" (to facilitators only while a draft).
    """

    def change(meeting: Meeting, unit: Unit) -> Change:
        if method not in VoteMethod.values:
            raise DomainError("vote.unknown_method", _("Ce mode de vote n'existe pas."))
        if reveal not in RevealMode.values:
            raise DomainError("vote.bad_settings", _("Affichage des résultats inconnu."))
        clean_title = clean_text(title) if isinstance(title, str) else ""
        if len(clean_title) > MAX_TITLE:
            raise DomainError(
                "vote.title_too_long",
                _("Question trop longue (%(max)s caractères au plus)."),
                max=MAX_TITLE,
            )
        if method == VoteMethod.YES_NO:
            if options:
                raise DomainError(
                    "vote.bad_option", _("Un vote oui / non n'a pas d'options : posez la question.")
                )
            if not clean_title:
                raise DomainError("vote.title_empty", _("Écrivez la question posée."))
            specs: list[dict[str, Any]] = []
        else:
            specs = _option_specs(meeting, options)
        vote = Vote.objects.create(
            meeting=meeting,
            title=clean_title,
            method=method,
            settings=normalised_settings(method, settings),
            reveal=reveal,
            registered_only=bool(registered_only),
            created_by_id=actor.user_id,
        )
        VoteOption.objects.bulk_create(
            VoteOption(vote=vote, position=i, **spec) for i, spec in enumerate(specs)
        )
        if open_now:
            _open(meeting, vote)
        return {
            **_state_reply(vote),
            "options": list(vote.options.values_list("pk", flat=True)),
        }, _vote_event(vote)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="vote.create",
        client_id=client_id,
        change=change,
    )


def _open(meeting: Meeting, vote: Vote) -> None:
    if vote.state == BallotState.OPEN:
        raise DomainError("vote.already_open", _("Ce vote est déjà ouvert."))
    if vote.state != BallotState.DRAFT:
        raise DomainError("vote.closed", _("Ce vote est clos."))
    if meeting.phase != RoomPhase.VOTE:
        raise DomainError(
            "meeting.wrong_phase",
            _("Passez d'abord la réunion à la phase « %(phase)s »."),
            phase=RoomPhase.VOTE.label,
        )
    if Vote.objects.filter(meeting=meeting, state=BallotState.OPEN).exclude(pk=vote.pk).exists():
        raise DomainError("vote.another_open", _("Un autre vote est ouvert : clôturez-le d'abord."))
    vote.state = BallotState.OPEN
    vote.revealed = vote.reveal == RevealMode.LIVE
    vote.opened_at = timezone.now()
    vote.save(update_fields=["state", "revealed", "opened_at"])


def vote_open(
    *, meeting_id: int, actor: Actor, client_id: str | None, vote_id: Any
) -> dict[str, Any]:
    """Open a draft vote to ballots (meeting in the vote phase, no other vote open).

    Results become visible to all at once when the vote's reveal mode is "live".
    Emits "vote.changed".
    """

    def change(meeting: Meeting, unit: Unit) -> Change:
        vote = _get_vote(meeting, actor, vote_id)
        _open(meeting, vote)
        return _state_reply(vote), _vote_event(vote)

    return run_command(
        meeting_id=meeting_id, actor=actor, command="vote.open", client_id=client_id, change=change
    )


def vote_close(
    *, meeting_id: int, actor: Actor, client_id: str | None, vote_id: Any, publish: bool = True
) -> dict[str, Any]:
    """Close an open vote and freeze its result (`cached_results`, never recounted after).

    With `publish` (the default) the result is shown to everyone at once (state "published");
    without, the vote stays "closed" — facilitators see the result, `vote.reveal` shows it.
    Emits "vote.changed".
    """

    def change(meeting: Meeting, unit: Unit) -> Change:
        vote = _get_vote(meeting, actor, vote_id)
        if vote.state == BallotState.DRAFT:
            raise DomainError("vote.not_open", _("Ce vote n'est pas ouvert."))
        if vote.state != BallotState.OPEN:
            raise DomainError("vote.closed", _("Ce vote est déjà clos."))
        try:
            vote.cached_results = selectors.compute_results(vote)
        except tally.BallotError as error:  # pragma: no cover - every ballot was validated
            raise from_ballot_error(error, vote.settings) from None
        vote.state = BallotState.PUBLISHED if publish else BallotState.CLOSED
        vote.revealed = bool(publish)
        vote.closed_at = timezone.now()
        vote.save(update_fields=["cached_results", "state", "revealed", "closed_at"])
        return _state_reply(vote), _vote_event(vote)

    return run_command(
        meeting_id=meeting_id, actor=actor, command="vote.close", client_id=client_id, change=change
    )


def vote_reveal(
    *, meeting_id: int, actor: Actor, client_id: str | None, vote_id: Any
) -> dict[str, Any]:
    """Show the results to everyone: live from now on (open vote) or the frozen result (closed
    vote, which becomes "published"). Emits "vote.changed" carrying the results."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        vote = _get_vote(meeting, actor, vote_id)
        if vote.state == BallotState.DRAFT:
            raise DomainError("vote.not_open", _("Ce vote n'est pas ouvert."))
        if vote.revealed:
            raise DomainError("vote.already_revealed", _("Les résultats sont déjà affichés."))
        vote.revealed = True
        if vote.state == BallotState.CLOSED:
            vote.state = BallotState.PUBLISHED
        vote.save(update_fields=["revealed", "state"])
        return _state_reply(vote), _vote_event(vote)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="vote.reveal",
        client_id=client_id,
        change=change,
    )


def _require_open(vote: Vote) -> None:
    if vote.state == BallotState.DRAFT:
        raise DomainError("vote.not_open", _("Ce vote n'est pas encore ouvert."))
    if vote.state != BallotState.OPEN:
        raise DomainError("vote.closed", _("Ce vote est clos : le bulletin n'est pas compté."))


def paper_count_add(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    vote_id: Any,
    source: Any,
    counts: Any = None,
    ballots: Any = None,
    note: Any = "",
) -> dict[str, Any]:
    """Record votes cast without a phone while the vote is open, marked with their source.

    Dots, approval and yes/no take aggregate `counts` ({option id | answer: n}) from paper or a
    show of hands; the other methods take individual paper `ballots`, each checked like a
    phone ballot. Reported apart from phone ballots. Emits "vote.changed".
    """

    def change(meeting: Meeting, unit: Unit) -> Change:
        vote = _get_vote(meeting, actor, vote_id)
        _require_open(vote)
        if source not in PaperSource.values:
            raise DomainError("vote.bad_paper", _("Source inconnue : papier ou main levée."))
        if note is not None and not isinstance(note, str):
            raise DomainError("vote.bad_paper", _("La remarque doit être un texte."))
        clean_note = clean_text(note or "")[:MAX_NOTE]
        option_ids = list(vote.options.values_list("pk", flat=True))
        if vote.method in AGGREGATE_METHODS:
            if ballots is not None:
                raise DomainError(
                    "vote.bad_paper", _("Pour ce mode de vote, saisissez des totaux par option.")
                )
            content: dict[str, Any] = {"counts": _canonical_counts(vote, option_ids, counts)}
        else:
            if source != PaperSource.PAPER or counts is not None:
                raise DomainError(
                    "vote.paper_not_supported",
                    _("Pour ce mode de vote, saisissez les bulletins papier un par un."),
                )
            if not isinstance(ballots, list) or not 0 < len(ballots) <= MAX_PAPER_BALLOTS:
                raise DomainError(
                    "vote.bad_paper",
                    _("Saisissez de 1 à %(max)s bulletins papier."),
                    max=MAX_PAPER_BALLOTS,
                )
            content = {"ballots": [canonical_ballot(vote, option_ids, b) for b in ballots]}
        entry = PaperCount.objects.create(
            vote=vote, source=source, content=content, note=clean_note, entered_by_id=actor.user_id
        )
        return {"vote": vote.pk, "paper": entry.pk}, _vote_event(vote)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="vote.paper_count",
        client_id=client_id,
        change=change,
    )


def paper_count_remove(
    *, meeting_id: int, actor: Actor, client_id: str | None, vote_id: Any, paper_id: Any
) -> dict[str, Any]:
    """Delete a mistyped paper entry while the vote is open. Emits "vote.changed"."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        vote = _get_vote(meeting, actor, vote_id)
        _require_open(vote)
        deleted, _rows = PaperCount.objects.filter(vote=vote, pk=paper_id).delete()
        if not deleted:
            raise DomainError("vote.paper_not_found", _("Cette saisie n'existe pas."))
        return {"vote": vote.pk, "paper": paper_id}, _vote_event(vote)

    if isinstance(paper_id, bool) or not isinstance(paper_id, int):
        raise DomainError("vote.paper_not_found", _("Cette saisie n'existe pas."))
    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="vote.paper_remove",
        client_id=client_id,
        change=change,
    )


# --- Participant commands -------------------------------------------------------------------------


def ballot_cast(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    vote_id: Any,
    ballot: Any,
    unit: Unit | None = None,
) -> dict[str, Any]:
    """Store the participant's ballot in an open vote, replacing an earlier one (one per voter).

    Checked with the tally's validators; an invalid ballot changes nothing. Raises DomainError
    vote.not_found (also for a vote of another meeting), vote.not_open, vote.closed,
    vote.registration_required, ballot.* (docs/voting.md). The ack carries the ballot as
    counted. Emits "vote.changed": turnout to all, the ballot only to the voter's own phones.
    """

    def change(meeting: Meeting, unit: Unit) -> Change:
        # In a group commit the vote, its options and the turnout are read once (the meeting
        # row is locked for the whole unit: no close, no other ballot in between).
        box = unit.memo.get(("ballot.cast", vote_id))
        if box is None or actor.participant.meeting_id != meeting.pk:
            vote = _get_vote(meeting, actor, vote_id)
            _require_open(vote)
            box = _BallotBox(vote, unit)
            unit.memo[("ballot.cast", vote_id)] = box
        vote = box.vote
        _check_registration(vote, actor.participant)
        content = canonical_ballot(vote, box.options, ballot)
        box.cast(actor.participant, content, unit)
        reply = {"vote": vote.pk, "counted": True, "ballot": content}
        return reply, _turnout_event(vote, actor.participant_id, content, unit, box.turnout)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="ballot.cast",
        client_id=client_id,
        change=change,
        unit=unit,
        refuses_before_writing=True,
    )


class _BallotBox:
    """The ballots of one vote cast in a unit: the vote's options, turnout and the unit's voters
    who had a ballot, read once; the ballots written in one upsert when the unit ends. The
    meeting row is locked meanwhile: no close and no other ballot of these voters in between."""

    def __init__(self, vote: Vote, unit: Unit) -> None:
        self.vote = vote
        self.options = list(vote.options.values_list("pk", flat=True))
        self.turnout = selectors.turnout(vote)
        self.voters = set(
            Ballot.objects.filter(vote=vote, participant_id__in=unit.participant_ids).values_list(
                "participant_id", flat=True
            )
        )
        self.pending: dict[int, Ballot] = {}  # by voter: their last ballot in the unit

    def cast(self, participant: Participant, content: Any, unit: Unit) -> None:
        """Count `participant`'s ballot (replacing theirs); it is written before the unit ends
        (and before the live results, deferred after it, are counted)."""
        if participant.pk not in self.voters:
            self.voters.add(participant.pk)
            self.turnout = {**self.turnout, "ballots": self.turnout["ballots"] + 1}
        ballot = Ballot(vote=self.vote, participant=participant, content=content)
        self.pending[participant.pk] = ballot
        unit.defer(("ballots", self.vote.pk), self.flush)

    def flush(self) -> None:
        rows = sql.NewRows(on_conflict=(("vote_id", "participant_id"), ("content", "updated_at")))
        for ballot in self.pending.values():
            rows.add(ballot)
        self.pending = {}
        rows.insert()


def ballot_withdraw(
    *, meeting_id: int, actor: Actor, client_id: str | None, vote_id: Any
) -> dict[str, Any]:
    """Remove the participant's ballot from an open vote. Emits "vote.changed" like a cast."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        vote = _get_vote(meeting, actor, vote_id)
        _require_open(vote)
        deleted, _rows = Ballot.objects.filter(vote=vote, participant=actor.participant).delete()
        if not deleted:
            raise DomainError("vote.no_ballot", _("Vous n'avez pas voté à ce vote."))
        reply = {"vote": vote.pk, "counted": False, "ballot": None}
        return reply, _turnout_event(vote, actor.participant_id, None, unit)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="ballot.withdraw",
        client_id=client_id,
        change=change,
    )


def _check_registration(vote: Vote, participant: Participant | None) -> None:
    if vote.registered_only and not selectors.is_registered(participant):
        raise DomainError(
            "vote.registration_required",
            _("Ce vote est réservé aux personnes venues avec un lien personnel ou un billet."),
        )


# --- Registration (called by the personal-link / ticket join flows) -------------------------------


@transaction.atomic
def voter_register(*, participant: Participant, source: str) -> VoterRegistration:
    """Mark a participant as registered (joined with a personal link or a ticket)."""
    if source not in RegistrationSource.values:
        raise ValueError(source)
    registration, _created = VoterRegistration.objects.get_or_create(
        participant=participant, defaults={"source": source}
    )
    return registration
