"""Reads: vote payloads for each audience, turnout, results and the anonymised ballot export."""

from __future__ import annotations

import random
import time
from typing import Any

from django.conf import settings as django_settings
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from rooms import sql
from rooms.errors import DomainError
from rooms.models import Meeting, Participant
from rooms.roles import Actor
from rooms.snapshot import SnapshotPart

from . import counting
from .enums import BallotState
from .errors import vote_not_found
from .models import Ballot, PaperCount, Vote, VoteOption
from .payloads import TurnoutPayload, VotePayload, option_payload, paper_entry_payload, vote_payload

EXPORT_FORMAT = "informaction.ballots/1"


def live_results_max_ballots() -> int:
    """Above this many ballots, events on each ballot carry the turnout only (docs/voting.md)."""
    return getattr(django_settings, "VOTE_LIVE_RESULTS_MAX_BALLOTS", 300)


def is_registered(participant: Participant | None) -> bool:
    """Whether the phone joined with a personal link or a ticket (read for every phone page)."""
    if participant is None:
        return False
    return bool(
        sql.rows(
            "SELECT 1 FROM voting_voterregistration WHERE participant_id = %s", [participant.pk]
        )
    )


def eligible_count(vote: Vote) -> int:
    people = Participant.objects.filter(meeting_id=vote.meeting_id)
    if vote.registered_only:
        people = people.filter(voter_registration__isnull=False)
    return people.count()


def turnout(vote: Vote, *, ballots: int | None = None, paper: int | None = None) -> TurnoutPayload:
    return {
        "ballots": Ballot.objects.filter(vote=vote).count() if ballots is None else ballots,
        "eligible": eligible_count(vote),
        "paper": PaperCount.objects.filter(vote=vote).count() if paper is None else paper,
    }


def _definition(vote: Vote, options: list[VoteOption]) -> dict[str, Any]:
    return {
        "id": vote.pk,
        "title": vote.title,
        "method": vote.method,
        "settings": vote.settings,
        "options": [{"id": o.pk, "label": o.label} for o in options],
    }


def _paper_entries(vote: Vote) -> list[dict[str, Any]]:
    return [
        {"source": p.source, "note": p.note, **p.content}
        for p in PaperCount.objects.filter(vote=vote).order_by("created_at", "pk")
    ]


def compute_results(vote: Vote, options: list[VoteOption] | None = None) -> dict[str, Any]:
    """Count the vote now from the database (phones + paper). Cost: one pass over the ballots."""
    options = list(vote.options.all()) if options is None else options
    contents = list(Ballot.objects.filter(vote=vote).values_list("content", flat=True))
    definition = _definition(vote, options)
    return counting.count(
        method=vote.method,
        settings=vote.settings,
        options=definition["options"],
        ballots=contents,
        paper=_paper_entries(vote),
    )


def results(vote: Vote, options: list[VoteOption] | None = None) -> dict[str, Any] | None:
    """The frozen result once closed, else a live count; None for a draft."""
    if vote.state in (BallotState.CLOSED, BallotState.PUBLISHED):
        return vote.cached_results
    if vote.state == BallotState.DRAFT:
        return None
    return compute_results(vote, options)


def results_visible(vote: Vote, *, facilitator: bool) -> bool:
    """Whether a screen may see the vote's count: everyone once revealed (a `live` vote from
    its opening, an `at_close` one after `vote.reveal` or a published close), facilitators
    also once it is closed. Until then an `at_close` vote shows every screen, the
    facilitator's included, its turnout only (docs/voting.md, "Secrecy")."""
    if vote.revealed:
        return True
    return facilitator and vote.state in (BallotState.CLOSED, BallotState.PUBLISHED)


def vote_view(
    vote: Vote,
    *,
    facilitator: bool,
    options: list[VoteOption] | None = None,
    turnout_now: TurnoutPayload | None = None,
    with_results: bool = True,
) -> VotePayload:
    """A vote as facilitators (paper entries, results once closed) or participants see it;
    results only where `results_visible`. Never carries anybody's ballot."""
    options = list(vote.options.all()) if options is None else options
    shown = None
    if with_results and results_visible(vote, facilitator=facilitator):
        shown = results(vote, options)
    payload = vote_payload(vote, options, turnout_now or turnout(vote), shown)
    if facilitator:
        payload["paper"] = [paper_entry_payload(p) for p in PaperCount.objects.filter(vote=vote)]
    return payload


def votes_for_snapshot(meeting_id: int, actor: Actor) -> list[dict[str, Any]]:
    """Every vote `actor` may see (drafts only for facilitators); a participant's view carries
    their own ballot (`my_ballot`) and whether they may vote."""
    if not actor.facilitator:
        return with_own_ballots(meeting_id, actor, participant_vote_views(meeting_id))
    votes = Vote.objects.filter(meeting_id=meeting_id).prefetch_related("options")
    return [
        dict(view)
        for view in _views(votes.annotate(ballot_count=Count("ballots", distinct=True)), True)
    ]


VoteViews = list[tuple[int, bool, dict[str, Any]]]


def participant_vote_views(meeting_id: int) -> VoteViews:
    """What every participant sees of the room's votes, the same for all of them:
    (vote id, registered only, view) each."""
    votes = (
        Vote.objects.filter(meeting_id=meeting_id)
        .exclude(state=BallotState.DRAFT)
        .prefetch_related("options")
        .annotate(ballot_count=Count("ballots", distinct=True))
    )
    votes = list(votes)
    return [
        (vote.pk, vote.registered_only, dict(view))
        for vote, view in zip(votes, _views(votes, False), strict=True)
    ]


def with_own_ballots(meeting_id: int, actor: Actor, views: VoteViews) -> list[dict[str, Any]]:
    """The participant's copy of `views`, with their own ballot and whether they may vote."""
    mine: dict[int, Any] = {}
    registered = False
    if actor.participant_id is not None and views:
        mine = dict(
            Ballot.objects.filter(
                participant_id=actor.participant_id, vote__meeting_id=meeting_id
            ).values_list("vote_id", "content")
        )
        registered = is_registered(actor.participant)
    return [
        {**view, "my_ballot": mine.get(vote_id), "may_vote": registered or not registered_only}
        for vote_id, registered_only, view in views
    ]


def _views(votes: Any, facilitator: bool) -> list[Any]:
    return [
        vote_view(
            vote,
            facilitator=facilitator,
            options=list(vote.options.all()),
            turnout_now=turnout(vote, ballots=vote.ballot_count),
        )
        for vote in votes
    ]


def live_results_shared_seconds() -> float:
    """How old a live count served to phones by `vote.results` may be (docs/voting.md)."""
    return getattr(django_settings, "VOTE_LIVE_RESULTS_SHARED_SECONDS", 1.0)


# vote id -> (monotonic time, (opened_at, room seq) the count reflects, {id, results, turnout}).
# Per process. Above VOTE_LIVE_RESULTS_MAX_BALLOTS every screen polls `vote.results`; the count
# is shared so that a room of phones asking at once costs one recount, not one per phone.
_live_counts: dict[int, tuple[float, tuple[Any, int], dict[str, Any]]] = {}


def _live_read(vote: Vote, *, facilitator: bool) -> dict[str, Any]:
    """An open vote's live count and turnout, recounted only when the room changed since the last
    count; phones may get a count up to `live_results_shared_seconds()` old."""
    seq = Meeting.objects.filter(pk=vote.meeting_id).values_list("seq", flat=True).first()
    version = (vote.opened_at, seq)
    now = time.monotonic()
    hit = _live_counts.get(vote.pk)
    if hit is not None and hit[1][0] == vote.opened_at:
        fresh = hit[1] == version
        if fresh or (not facilitator and now - hit[0] < live_results_shared_seconds()):
            return hit[2]
    data = {"id": vote.pk, "results": compute_results(vote), "turnout": turnout(vote)}
    _live_counts[vote.pk] = (now, version, data)
    return data


def vote_results_for(*, meeting_id: int, actor: Actor, vote_id: Any) -> dict[str, Any]:
    """The `vote.results` read, where `results_visible` (a draft has no results yet)."""
    vote = Vote.objects.filter(meeting_id=meeting_id, pk=vote_id).first()
    if vote is None or (not actor.facilitator and vote.state == BallotState.DRAFT):
        raise vote_not_found()
    if vote.state != BallotState.DRAFT and not results_visible(vote, facilitator=actor.facilitator):
        raise DomainError("vote.results_hidden", _("Les résultats ne sont pas encore affichés."))
    if vote.state == BallotState.OPEN:
        return _live_read(vote, facilitator=actor.facilitator)
    _live_counts.pop(vote.pk, None)
    return {"id": vote.pk, "results": results(vote), "turnout": turnout(vote)}


def anonymised_ballots(vote: Vote) -> dict[str, Any]:
    """The public ballot export: the vote definition, every ballot content in a fresh random
    order (no participant, no time, no id), the paper entries and the stored result.

    Anyone can recompute the result from it (voting/counting.py, ``manage.py vote_recount``).
    """
    options = list(vote.options.all())
    contents = list(Ballot.objects.filter(vote=vote).values_list("content", flat=True))
    shuffler = random.SystemRandom()  # a fresh, unpredictable order on every export
    shuffler.shuffle(contents)
    paper = _paper_entries(vote)
    for entry in paper:
        if "ballots" in entry:
            entry["ballots"] = list(entry["ballots"])
            shuffler.shuffle(entry["ballots"])
    definition = _definition(vote, options)
    definition["options"] = [
        {**o, "idea": p["idea"], "theme": p["theme"]}
        for o, p in zip(definition["options"], (option_payload(x) for x in options), strict=True)
    ]
    return {
        "format": EXPORT_FORMAT,
        "vote": {**definition, "state": vote.state},
        "ballots": contents,
        "paper": paper,
        "result": vote.cached_results,
    }


VOTES_PART = SnapshotPart(
    "votes",
    facilitator=lambda meeting, actor: {"votes": votes_for_snapshot(meeting.pk, actor)},
    public=lambda meeting: {"votes": participant_vote_views(meeting.pk)},
    personal=lambda meeting, actor, public: {
        "votes": with_own_ballots(meeting.pk, actor, public["votes"])
    },
    # The projected screen: the public views, with nobody's ballot.
    projector=lambda meeting, public: {"votes": [view for _id, _only, view in public["votes"]]},
)
