"""Every write to a meeting: rules, limits, the transaction, the room sequence and the broadcast.

A command runs in one transaction that locks the meeting row, checks the rules, applies the
change, takes the room's next sequence number and stores the reply under the client's message id
(so a retried message is applied once). The event goes to the room's relays after commit.
"""

from __future__ import annotations

import dataclasses
import functools
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from informaction.text import clean_text
from rooms.enums import PHASE_ORDER, RoomPhase
from rooms.errors import DomainError
from rooms.events import RoomEvent
from rooms.models import Meeting
from rooms.roles import Actor, check_command
from rooms.runner import Change, Unit, run_command
from rooms.services import new_join_code

from .enums import IdeaState
from .models import Idea, Support, Theme, ThemeSuggestion
from .payloads import idea_payload, idea_views, meeting_payload, theme_payload


def meeting_create(
    *,
    owner: AbstractBaseUser,
    title: str,
    description: str = "",
    session_id: int | None = None,
    premoderation: bool = False,
    hidden_until_reveal: bool = False,
) -> Meeting:
    """Create a meeting in the draft phase with a fresh, unused join code."""
    title, description = clean_text(title), clean_text(description)
    if not title:
        raise DomainError("meeting.title_empty", _("Donnez un titre à la réunion."))
    if len(description) > settings.MEETING_DESCRIPTION_MAX_LENGTH:
        raise DomainError(
            "meeting.description_too_long",
            _("La description est trop longue (%(length)s caractères, %(max)s au plus)."),
            length=len(description),
            max=settings.MEETING_DESCRIPTION_MAX_LENGTH,
        )
    for _attempt in range(20):
        code = new_join_code()
        if not Meeting.objects.filter(join_code=code).exists():
            break
    else:  # pragma: no cover - 887 million codes
        raise DomainError("meeting.no_code", _("Aucun code libre, réessayez."))
    # A webconference's audience asks questions: the questions switch starts on.
    allow_questions = False
    if session_id is not None:
        allow_questions = _linkable_session(owner, session_id).is_webconference
    return Meeting.objects.create(
        owner=owner,
        title=title[:200],
        description=description,
        join_code=code,
        session_id=session_id,
        premoderation=premoderation,
        hidden_until_reveal=hidden_until_reveal,
        allow_questions=allow_questions,
    )


def _linkable_session(owner: AbstractBaseUser, session_id: int) -> Any:
    """The programme session `session_id` if `owner` may edit its event (events/permissions.py):
    a meeting linked to a session is advertised on its pages and lands in its event report."""
    from events.permissions import editable_sessions

    session = editable_sessions(owner).filter(pk=session_id).first()
    if session is None:
        raise DomainError(
            "meeting.session_forbidden",
            _("Seuls les organisateurs de cet événement peuvent y lier une réunion."),
        )
    return session


def _idea_event(idea: Idea, meeting: Meeting, *, created: bool = False) -> RoomEvent:
    mod, public, own = idea_views(idea, meeting, created=created)
    return RoomEvent("idea.changed", mod=mod, public=public, own_pid=idea.author_id, own=own)


def _meeting_event(meeting: Meeting, extra: dict[str, Any] | None = None) -> RoomEvent:
    payload = {**meeting_payload(meeting), **(extra or {})}
    return RoomEvent("meeting.changed", mod=payload, public=payload)


def _validated_text(text: Any, title: Any) -> tuple[str, str]:
    if not isinstance(text, str) or not isinstance(title, str):
        raise DomainError("idea.invalid", _("Le texte de l'idée est invalide."))
    text, title = clean_text(text), clean_text(title)
    if not text:
        raise DomainError("idea.empty", _("L'idée est vide : écrivez quelques mots."))
    if len(text) > settings.IDEA_MAX_LENGTH:
        raise DomainError(
            "idea.too_long",
            _("L'idée est trop longue (%(length)s caractères, %(max)s au plus)."),
            length=len(text),
            max=settings.IDEA_MAX_LENGTH,
        )
    if len(title) > settings.IDEA_TITLE_MAX_LENGTH:
        raise DomainError(
            "idea.title_too_long",
            _("Le titre est trop long (%(max)s caractères au plus)."),
            max=settings.IDEA_TITLE_MAX_LENGTH,
        )
    return text, title


def _get_idea(meeting: Meeting, idea_id: Any) -> Idea:
    if not isinstance(idea_id, int) or isinstance(idea_id, bool):
        raise DomainError("idea.not_found", _("Cette idée n'existe pas."))
    idea = next(
        iter(
            Idea.objects.select_related("author")
            .filter(meeting=meeting, pk=idea_id)
            .exclude(state=IdeaState.DELETED)
            .order_by()[:1]
        ),
        None,
    )
    if idea is None:
        raise DomainError("idea.not_found", _("Cette idée n'existe pas."))
    return idea


# --- Participant commands ---------------------------------------------------------------------


def idea_submit(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    text: Any,
    title: Any = "",
    kind: Any = None,
    unit: Unit | None = None,
) -> dict[str, Any]:
    """Post an idea. Pending when the meeting is pre-moderated. Rate-limited per participant.

    `kind`: "idea" or "question" while ideas are open; a debrief column (strength, critique,
    improvement) in the debrief phase. Emits "idea.changed" (to the public only when it is
    visible to everyone).
    """

    def change(meeting: Meeting, unit: Unit) -> Change:
        clean_kind = _idea_kind_checked(meeting, kind)
        clean, clean_title = _validated_text(text, title)
        recent = _recent_ideas(unit)
        if recent.get(actor.participant_id, 0) >= settings.IDEA_RATE_LIMIT_PER_MINUTE:
            raise DomainError(
                "idea.rate_limited",
                _("Doucement : %(max)s idées par minute au plus. Réessayez dans un instant."),
                max=settings.IDEA_RATE_LIMIT_PER_MINUTE,
            )
        idea = Idea(
            meeting=meeting,
            author=actor.participant,
            text=clean,
            title=clean_title,
            kind=clean_kind,
            state=IdeaState.PENDING if meeting.premoderation else IdeaState.VISIBLE,
        )
        _insert(idea)
        recent[actor.participant_id] = recent.get(actor.participant_id, 0) + 1
        return {"idea": idea.pk, "state": idea.state}, _idea_event(idea, meeting, created=True)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="idea.submit",
        client_id=client_id,
        change=change,
        unit=unit,
        refuses_before_writing=True,
    )


def idea_edit(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    idea_id: Any,
    text: Any,
    title: Any = "",
) -> dict[str, Any]:
    """The author edits their own idea while ideas are open. Emits "idea.changed"."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        idea = _get_idea(meeting, idea_id)
        if idea.author_id != actor.participant_id:
            raise DomainError("idea.not_author", _("Vous ne pouvez modifier que vos idées."))
        idea.text, idea.title = _validated_text(text, title)
        idea.save(update_fields=["text", "title", "updated_at"])
        return {"idea": idea.pk}, _idea_event(idea, meeting)

    return run_command(
        meeting_id=meeting_id, actor=actor, command="idea.edit", client_id=client_id, change=change
    )


def idea_delete(
    *, meeting_id: int, actor: Actor, client_id: str | None, idea_id: Any
) -> dict[str, Any]:
    """The author deletes their own idea while ideas are open (kept, marked deleted)."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        idea = _get_idea(meeting, idea_id)
        if idea.author_id != actor.participant_id:
            raise DomainError("idea.not_author", _("Vous ne pouvez supprimer que vos idées."))
        idea.state = IdeaState.DELETED
        idea.save(update_fields=["state", "updated_at"])
        return {"idea": idea.pk}, _idea_event(idea, meeting)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="idea.delete",
        client_id=client_id,
        change=change,
    )


def idea_support(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    idea_id: Any,
    on: bool = True,
    unit: Unit | None = None,
) -> dict[str, Any]:
    """Add (or, with on=False, withdraw) the participant's one "+1" on someone else's idea.

    Emits "idea.changed" with the new count; the supporter's own view also says `supported`.
    """
    command = "idea.support" if on else "idea.unsupport"

    def change(meeting: Meeting, unit: Unit) -> Change:
        found = _support_target(meeting, idea_id, actor.participant_id)
        if found is None:
            raise DomainError("idea.not_found", _("Cette idée n'existe pas."))
        state, author_id, supports, supported = found
        pair = (idea_id, actor.participant_id)
        writes = _SupportWrites.of(unit)
        # Supports of this unit not written yet count too.
        supports = writes.counts.get(idea_id, supports)
        supported = supported or pair in writes.supported
        shown = actor.facilitator or meeting.ideas_public or author_id == actor.participant_id
        if state != IdeaState.VISIBLE or not shown:
            raise DomainError("idea.not_found", _("Cette idée n'existe pas."))
        if author_id == actor.participant_id:
            raise DomainError("idea.own_idea", _("Vous ne pouvez pas soutenir votre propre idée."))
        if on and supported:
            raise DomainError("idea.already_supported", _("Vous soutenez déjà cette idée."))
        if not on and not supported:
            raise DomainError("idea.not_supported", _("Vous ne soutenez pas cette idée."))
        # Every support change holds the meeting lock, so the stored count moves by exactly one
        # (merges and unmerges recount it in full).
        supports += 1 if on else -1
        if on:
            writes.add(pair, supports)
        else:
            writes.withdraw(pair, supports)
        counts = {"id": idea_id, "supports": supports}
        public = counts if meeting.ideas_public else None
        own = {**counts, "supported": on}
        event = RoomEvent(
            "idea.changed", mod=counts, public=public, own_pid=actor.participant_id, own=own
        )
        return {"idea": idea_id, "supports": supports, "supported": on}, event

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command=command,
        client_id=client_id,
        change=change,
        unit=unit,
        refuses_before_writing=True,
    )


# --- Lean SQL for the commands a whole room sends at once ----------------------------------------
# idea.submit and idea.support arrive by hundreds a second (1,000 phones, bench/load_room.py). The
# ORM spent more time building these few statements than the database spent running them, so
# they are written out here, in SQL that SQLite and PostgreSQL both run. Same rules, same tests.


def _sql(statement: str, params: list[Any]) -> Any:
    """Run one statement; return the cursor's first row (None if none) and its row count."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone() if cursor.description else None
        return row, cursor.rowcount


@functools.cache
def _insert_statement(model: type[models.Model], vendor: str) -> tuple[str, tuple[Any, ...]]:
    """INSERT … RETURNING id for `model`, and its fields in order; built once per model."""
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    quote = connection.ops.quote_name
    # Table and column names from the model, quoted; values as %s parameters.
    statement = "INSERT INTO {} ({}) VALUES ({}) RETURNING {}".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
        quote(model._meta.pk.column),
    )
    return statement, fields


def _insert(obj: models.Model) -> None:
    """Save a new object as ``save()`` would (defaults, auto_now), with a statement built once
    per model instead of compiled by the ORM each time; `obj.pk` is set."""
    if not connection.features.can_return_columns_from_insert:
        obj.save(force_insert=True)
        return
    statement, fields = _insert_statement(type(obj), connection.vendor)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    row, _count = _sql(statement, params)
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = connection.alias


def _recent_ideas(unit: Unit) -> dict[int, int]:
    """Ideas posted in the last minute (the rate limit) by each participant of the unit, counted
    in one statement for all of them and kept up to date by the unit's ideas."""
    recent = unit.memo.get("recent_ideas")
    if recent is None:
        since = connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(minutes=1))
        ids = sorted(unit.participant_ids) or [0]
        marks = ", ".join(["%s"] * len(ids))  # placeholders only
        statement = (
            "SELECT author_id, COUNT(*) FROM deliberation_idea"  # noqa: S608
            f" WHERE created_at >= %s AND author_id IN ({marks}) GROUP BY author_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, [since, *ids])
            recent = {author: int(count) for author, count in cursor.fetchall()}
        unit.memo["recent_ideas"] = recent
    return recent


def _support_target(
    meeting: Meeting, idea_id: Any, participant_id: int | None
) -> tuple[str, int | None, int, bool] | None:
    """(state, author id, support count, supported already) of an idea of this meeting, or None.

    "Supported already" counts a support of the idea or of an idea merged into it.
    """
    if not isinstance(idea_id, int) or isinstance(idea_id, bool):
        return None
    row, _count = _sql(
        "SELECT state, author_id, support_count, EXISTS ("
        " SELECT 1 FROM deliberation_support s INNER JOIN deliberation_idea m ON m.id = s.idea_id"
        " WHERE s.participant_id = %s AND (s.idea_id = %s OR m.merged_into_id = %s))"
        " FROM deliberation_idea WHERE id = %s AND meeting_id = %s",
        [participant_id, idea_id, idea_id, idea_id, meeting.pk],
    )
    return None if row is None else (row[0], row[1], row[2], bool(row[3]))


def _support_insert(pairs: list[tuple[int, int | None]]) -> None:
    """Insert supports, (idea id, participant id) each, in as few statements as possible."""
    created = connection.ops.adapt_datetimefield_value(timezone.now())
    for start in range(0, len(pairs), 300):
        chunk = pairs[start : start + 300]
        rows = ", ".join(["(%s, %s, %s)"] * len(chunk))  # placeholders only
        _sql(
            "INSERT INTO deliberation_support (idea_id, participant_id, created_at) VALUES "  # noqa: S608
            + rows,
            [value for idea_id, pid in chunk for value in (idea_id, pid, created)],
        )


def _support_counts_update(counts: dict[int, int]) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE deliberation_idea SET support_count = %s WHERE id = %s",
            [(count, idea_id) for idea_id, count in counts.items()],
        )


class _SupportWrites:
    """The supports given and the counts changed in a unit, written once when it ends (one
    INSERT, one UPDATE per idea), whether the unit holds one command or a room's burst."""

    def __init__(self) -> None:
        self.new: list[tuple[int, int | None]] = []
        self.supported: set[tuple[int, int | None]] = set()
        self.counts: dict[int, int] = {}

    @classmethod
    def of(cls, unit: Unit) -> _SupportWrites:
        writes = unit.memo.get(cls)
        if writes is None:
            writes = unit.memo[cls] = cls()
            unit.defer(cls, writes.flush)
        return writes

    def add(self, pair: tuple[int, int | None], count: int) -> None:
        self.new.append(pair)
        self.supported.add(pair)
        self.counts[pair[0]] = count

    def withdraw(self, pair: tuple[int, int | None], count: int) -> None:
        self.flush()  # the withdrawn support may be one of this unit's
        _support_delete(*pair)
        self.supported.discard(pair)
        self.counts[pair[0]] = count

    def flush(self) -> None:
        """Write the supports so far, and every support count changed."""
        if self.new:
            _support_insert(self.new)
            self.new = []
        if self.counts:
            _support_counts_update(self.counts)
            self.counts = {}


def _support_delete(idea_id: int, participant_id: int | None) -> int:
    """Withdraw the participant's support of the idea and of ideas merged into it."""
    _row, count = _sql(
        "DELETE FROM deliberation_support WHERE participant_id = %s AND (idea_id = %s"
        " OR idea_id IN (SELECT id FROM deliberation_idea WHERE merged_into_id = %s))",
        [participant_id, idea_id, idea_id],
    )
    return int(count)


# --- Facilitator commands ----------------------------------------------------------------------


def idea_add_paper(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    text: Any,
    title: Any = "",
    kind: Any = None,
) -> dict[str, Any]:
    """A facilitator types in a paper post-it: visible at once, marked as entered on behalf."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        clean_kind = _validated_kind(meeting, kind, any_kind=True)
        clean, clean_title = _validated_text(text, title)
        idea = Idea.objects.create(
            meeting=meeting,
            kind=clean_kind,
            entered_by_id=actor.user_id,
            on_behalf=True,
            text=clean,
            title=clean_title,
            state=IdeaState.VISIBLE,
        )
        return {"idea": idea.pk, "state": idea.state}, _idea_event(idea, meeting, created=True)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="idea.add_paper",
        client_id=client_id,
        change=change,
    )


_MODERATION_TARGETS: dict[str, tuple[set[str], str]] = {
    # command: (states it applies to, resulting state)
    "idea.hide": ({IdeaState.VISIBLE, IdeaState.PENDING}, IdeaState.HIDDEN),
    "idea.restore": ({IdeaState.HIDDEN}, IdeaState.VISIBLE),
    "idea.approve": ({IdeaState.PENDING}, IdeaState.VISIBLE),
}


def idea_moderate(
    *, meeting_id: int, actor: Actor, client_id: str | None, command: str, idea_id: Any
) -> dict[str, Any]:
    """Hide, restore or approve an idea (facilitator). Emits "idea.changed"."""
    if command not in _MODERATION_TARGETS:
        raise ValueError(command)
    from_states, to_state = _MODERATION_TARGETS[command]

    def change(meeting: Meeting, unit: Unit) -> Change:
        idea = _get_idea(meeting, idea_id)
        if idea.state not in from_states:
            raise DomainError(
                "idea.wrong_state",
                _("Impossible : l'idée est « %(state)s »."),
                state=IdeaState(idea.state).label,
            )
        idea.state = to_state
        idea.save(update_fields=["state", "updated_at"])
        return {"idea": idea.pk, "state": idea.state}, _idea_event(idea, meeting)

    return run_command(
        meeting_id=meeting_id, actor=actor, command=command, client_id=client_id, change=change
    )


def idea_pin(
    *, meeting_id: int, actor: Actor, client_id: str | None, idea_id: Any, pinned: bool
) -> dict[str, Any]:
    """Pin an idea to the top of the board, or unpin it (facilitator)."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        idea = _get_idea(meeting, idea_id)
        idea.pinned = bool(pinned)
        idea.save(update_fields=["pinned", "updated_at"])
        return {"idea": idea.pk, "pinned": idea.pinned}, _idea_event(idea, meeting)

    return run_command(
        meeting_id=meeting_id, actor=actor, command="idea.pin", client_id=client_id, change=change
    )


def idea_moderate_edit(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    idea_id: Any,
    text: Any,
    title: Any = "",
) -> dict[str, Any]:
    """A facilitator corrects a typo in anyone's idea."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        idea = _get_idea(meeting, idea_id)
        idea.text, idea.title = _validated_text(text, title)
        idea.save(update_fields=["text", "title", "updated_at"])
        return {"idea": idea.pk}, _idea_event(idea, meeting)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="idea.moderate_edit",
        client_id=client_id,
        change=change,
    )


def meeting_set_phase(
    *, meeting_id: int, actor: Actor, client_id: str | None, phase: Any = None
) -> dict[str, Any]:
    """Move the meeting to `phase`, or to the next phase when `phase` is None (one click).

    Emits "meeting.changed".
    """
    command = "meeting.advance" if phase is None else "meeting.set_phase"

    def change(meeting: Meeting, unit: Unit) -> Change:
        if phase is None:
            position = PHASE_ORDER.index(meeting.phase)
            if position + 1 >= len(PHASE_ORDER):
                raise DomainError("meeting.last_phase", _("La réunion est déjà terminée."))
            target = PHASE_ORDER[position + 1]
        elif phase in PHASE_ORDER:
            target = phase
        else:
            raise DomainError("meeting.unknown_phase", _("Cette phase n'existe pas."))
        meeting.phase = target
        if meeting.started_at is None and target != RoomPhase.DRAFT:
            meeting.started_at = timezone.now()  # the timeline's zero, unless started by hand
        meeting.save(update_fields=["phase", "started_at"])
        return {"phase": meeting.phase}, _meeting_event(meeting)

    return run_command(
        meeting_id=meeting_id, actor=actor, command=command, client_id=client_id, change=change
    )


def meeting_configure(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    premoderation: bool | None = None,
    hidden_until_reveal: bool | None = None,
    allow_theme_suggestions: bool | None = None,
    allow_questions: bool | None = None,
) -> dict[str, Any]:
    """Switch pre-moderation, "hidden until reveal", participants' theme suggestions or questions
    from the public on or off.

    Emits "meeting.changed"."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        if premoderation is not None:
            meeting.premoderation = bool(premoderation)
        if hidden_until_reveal is not None:
            meeting.hidden_until_reveal = bool(hidden_until_reveal)
            if meeting.hidden_until_reveal:
                meeting.revealed = False
        if allow_theme_suggestions is not None:
            meeting.allow_theme_suggestions = bool(allow_theme_suggestions)
        if allow_questions is not None:
            meeting.allow_questions = bool(allow_questions)
        meeting.save(
            update_fields=[
                "premoderation",
                "hidden_until_reveal",
                "revealed",
                "allow_theme_suggestions",
                "allow_questions",
            ]
        )
        return meeting_payload(meeting), _with_public_ideas(meeting)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="meeting.configure",
        client_id=client_id,
        change=change,
    )


def meeting_reveal(*, meeting_id: int, actor: Actor, client_id: str | None) -> dict[str, Any]:
    """Reveal every visible idea to every phone. Emits "meeting.changed" carrying the ideas."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        if not meeting.hidden_until_reveal:
            raise DomainError("meeting.not_hidden", _("Les idées sont déjà visibles de tous."))
        meeting.revealed = True
        meeting.save(update_fields=["revealed"])
        return meeting_payload(meeting), _with_public_ideas(meeting)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="meeting.reveal",
        client_id=client_id,
        change=change,
    )


def _with_public_ideas(meeting: Meeting) -> RoomEvent:
    """A meeting change that may change what the public sees: it carries the public idea list.

    Clients replace their list of others' ideas with it (their own ideas stay).
    """
    event = _meeting_event(meeting)
    if meeting.ideas_public:
        ideas = (
            Idea.objects.filter(meeting=meeting, state=IdeaState.VISIBLE)
            .select_related("author")
            .order_by("created_at", "pk")
        )
        public_ideas = [idea_payload(i) for i in ideas]
    else:
        public_ideas = []
    return dataclasses.replace(event, public={**(event.public or {}), "ideas": public_ideas})


def _family_support_count(idea_ids: list[int]) -> int:
    """Supports of an idea and the ideas merged into it: once per participant."""
    return Support.objects.filter(idea_id__in=idea_ids).values("participant_id").distinct().count()


# --- Themes and clustering (facilitator) ----------------------------------------------------------

# CSS colour names (RFC 7986 wants names too), readable as a band or a tag on white and on navy.
THEME_COLORS = (
    "steelblue",
    "olivedrab",
    "crimson",
    "sienna",
    "forestgreen",
    "darkorchid",
    "darkorange",
    "teal",
    "goldenrod",
    "slategray",
    "palevioletred",
    "royalblue",
    "indigo",
    "peru",
)
THEME_NAME_MAX_LENGTH = 60


def _get_theme(meeting: Meeting, theme_id: Any) -> Theme:
    if not isinstance(theme_id, int) or isinstance(theme_id, bool):
        raise DomainError("theme.not_found", _("Ce thème n'existe pas."))
    theme = Theme.objects.filter(meeting=meeting, pk=theme_id).first()
    if theme is None:
        raise DomainError("theme.not_found", _("Ce thème n'existe pas."))
    return theme


def _theme_event(theme: Theme | None, removed_id: int | None = None) -> RoomEvent:
    data = theme_payload(theme) if theme is not None else {"id": removed_id, "removed": True}
    return RoomEvent("theme.changed", mod=data, public=data)


def _clean_theme_name(name: Any) -> str:
    if not isinstance(name, str) or not clean_text(name):
        raise DomainError("theme.name_empty", _("Donnez un nom au thème."))
    name = clean_text(name)
    if len(name) > THEME_NAME_MAX_LENGTH:
        raise DomainError(
            "theme.name_too_long",
            _("Nom de thème trop long (%(max)s caractères au plus)."),
            max=THEME_NAME_MAX_LENGTH,
        )
    return name


def _clean_color(color: Any, meeting: Meeting) -> str:
    if color in (None, ""):
        used = set(Theme.objects.filter(meeting=meeting).values_list("color", flat=True))
        return next((c for c in THEME_COLORS if c not in used), THEME_COLORS[0])
    if color not in THEME_COLORS:
        raise DomainError("theme.bad_color", _("Cette couleur n'est pas proposée."))
    return str(color)


def theme_create(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    name: Any,
    color: Any = None,
    keywords: Any = "",
    preset: Any = "",
) -> dict[str, Any]:
    """Create a theme, typed or from a preset (its French label and colour by default)."""
    from .theme_presets import preset_by_slug

    def change(meeting: Meeting, unit: Unit) -> Change:
        preset_obj = preset_by_slug(preset) if isinstance(preset, str) and preset else None
        if preset and preset_obj is None:
            raise DomainError("theme.unknown_preset", _("Ce thème prédéfini n'existe pas."))
        theme_name = _clean_theme_name(
            name if name else (preset_obj.label_fr if preset_obj else "")
        )
        theme_color = _clean_color(color or (preset_obj.color if preset_obj else None), meeting)
        if not isinstance(keywords, str) or len(keywords) > 300:
            raise DomainError(
                "theme.bad_keywords", _("Mots-clés invalides (300 caractères au plus).")
            )
        position = Theme.objects.filter(meeting=meeting).count()
        theme = Theme.objects.create(
            meeting=meeting,
            name=theme_name,
            color=theme_color,
            keywords=clean_text(keywords),
            preset_slug=preset_obj.slug if preset_obj else "",
            position=position,
        )
        return {"theme": theme.pk}, _theme_event(theme)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="theme.create",
        client_id=client_id,
        change=change,
    )


def theme_update(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    theme_id: Any,
    name: Any = None,
    color: Any = None,
    keywords: Any = None,
) -> dict[str, Any]:
    """Rename, recolour or change the keywords of a theme."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        theme = _get_theme(meeting, theme_id)
        if name is not None:
            theme.name = _clean_theme_name(name)
        if color is not None:
            theme.color = _clean_color(color, meeting)
        if keywords is not None:
            if not isinstance(keywords, str) or len(keywords) > 300:
                raise DomainError(
                    "theme.bad_keywords", _("Mots-clés invalides (300 caractères au plus).")
                )
            theme.keywords = clean_text(keywords)
        theme.save()
        return {"theme": theme.pk}, _theme_event(theme)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="theme.update",
        client_id=client_id,
        change=change,
    )


def theme_delete(
    *, meeting_id: int, actor: Actor, client_id: str | None, theme_id: Any
) -> dict[str, Any]:
    """Delete a theme; its ideas go back to "not sorted" (nothing else is lost)."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        theme = _get_theme(meeting, theme_id)
        ideas = list(Idea.objects.filter(theme=theme).select_related("author"))
        theme_pk = theme.pk
        theme.delete()
        events = []
        for idea in ideas:
            idea.theme = None
            events.append(_idea_event(idea, meeting))
        events.append(_theme_event(None, removed_id=theme_pk))
        return {"theme": theme_pk, "ideas": [i.pk for i in ideas]}, events

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="theme.delete",
        client_id=client_id,
        change=change,
    )


def _sortable_idea(meeting: Meeting, idea_id: Any) -> Idea:
    idea = _get_idea(meeting, idea_id)
    if idea.state != IdeaState.VISIBLE:
        raise DomainError(
            "idea.wrong_state",
            _("Impossible : l'idée est « %(state)s »."),
            state=IdeaState(idea.state).label,
        )
    return idea


def idea_move(
    *, meeting_id: int, actor: Actor, client_id: str | None, idea_id: Any, theme_id: Any
) -> dict[str, Any]:
    """Drag one idea into a theme (None: back to "not sorted"). Emits "idea.changed"."""
    return ideas_assign(
        meeting_id=meeting_id,
        actor=actor,
        client_id=client_id,
        assignments=[(idea_id, theme_id)],
        command="idea.move",
    )


def ideas_assign(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    assignments: list[tuple[Any, Any]],
    command: str = "ideas.assign",
) -> dict[str, Any]:
    """Put ideas in themes (theme None: back to "not sorted"): one drag, or accepted suggestions.

    All or nothing: one unknown idea or theme refuses the whole list.
    """
    if not assignments:
        raise DomainError("ideas.nothing_to_assign", _("Aucune idée à classer."))
    if len(assignments) > 2000:
        raise DomainError("ideas.too_many", _("Trop d'idées à la fois (2000 au plus)."))

    def change(meeting: Meeting, unit: Unit) -> Change:
        events, moved = [], []
        themes: dict[int, Theme] = {}
        for idea_id, theme_id in assignments:
            idea = _sortable_idea(meeting, idea_id)
            if theme_id is None:
                idea.theme = None
            else:
                if theme_id not in themes:
                    themes[theme_id] = _get_theme(meeting, theme_id)
                idea.theme = themes[theme_id]
            idea.save(update_fields=["theme", "updated_at"])
            moved.append(idea.pk)
            events.append(_idea_event(idea, meeting))
        return {"ideas": moved}, events

    return run_command(
        meeting_id=meeting_id, actor=actor, command=command, client_id=client_id, change=change
    )


def theme_split(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    theme_id: Any,
    idea_ids: list[Any],
    name: Any,
) -> dict[str, Any]:
    """Split a theme: the listed ideas of it move to a new theme named `name`."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        source = _get_theme(meeting, theme_id)
        if not idea_ids:
            raise DomainError("theme.split_empty", _("Choisissez les idées du nouveau thème."))
        ideas = [_sortable_idea(meeting, i) for i in idea_ids]
        if any(idea.theme_id != source.pk for idea in ideas):
            raise DomainError(
                "theme.split_foreign", _("Ces idées ne sont pas toutes dans ce thème.")
            )
        new = Theme.objects.create(
            meeting=meeting,
            name=_clean_theme_name(name),
            color=_clean_color(None, meeting),
            position=Theme.objects.filter(meeting=meeting).count(),
        )
        events = [_theme_event(new)]
        for idea in ideas:
            idea.theme = new
            idea.save(update_fields=["theme", "updated_at"])
            events.append(_idea_event(idea, meeting))
        return {"theme": new.pk, "ideas": [i.pk for i in ideas]}, events

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="theme.split",
        client_id=client_id,
        change=change,
    )


def ideas_merge(
    *, meeting_id: int, actor: Actor, client_id: str | None, target_id: Any, idea_ids: list[Any]
) -> dict[str, Any]:
    """Merge duplicates into `target`: they disappear from the board, their texts stay with it.

    Supports are counted once per participant over the merged family. Undo with ideas_unmerge.
    """

    def change(meeting: Meeting, unit: Unit) -> Change:
        target = _sortable_idea(meeting, target_id)
        sources = [_sortable_idea(meeting, i) for i in idea_ids if i != target_id]
        if not sources:
            raise DomainError(
                "idea.merge_needs_two", _("Choisissez au moins deux idées à fusionner.")
            )
        events = []
        for source in sources:
            # An idea that already absorbed others hands them over: merges stay one level deep.
            Idea.objects.filter(merged_into=source).update(merged_into=target)
            source.state = IdeaState.MERGED
            source.merged_into = target
            source.save(update_fields=["state", "merged_into", "updated_at"])
            events.append(_idea_event(source, meeting))
        family = [target.pk, *target.merged_ideas.values_list("pk", flat=True)]
        target.support_count = _family_support_count(family)
        target.save(update_fields=["support_count", "updated_at"])
        events.append(_idea_event(target, meeting))
        return {"idea": target.pk, "merged": [s.pk for s in sources]}, events

    return run_command(
        meeting_id=meeting_id, actor=actor, command="idea.merge", client_id=client_id, change=change
    )


def ideas_unmerge(
    *, meeting_id: int, actor: Actor, client_id: str | None, idea_id: Any
) -> dict[str, Any]:
    """Undo a merge: the idea comes back on the board with its own supports."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        if not isinstance(idea_id, int) or isinstance(idea_id, bool):
            raise DomainError("idea.not_found", _("Cette idée n'existe pas."))
        idea = Idea.objects.filter(meeting=meeting, pk=idea_id, state=IdeaState.MERGED).first()
        if idea is None or idea.merged_into_id is None:
            raise DomainError("idea.not_merged", _("Cette idée n'est pas fusionnée."))
        target = Idea.objects.select_related("author").get(pk=idea.merged_into_id)
        idea.state, idea.merged_into = IdeaState.VISIBLE, None
        idea.support_count = _family_support_count([idea.pk])
        idea.save(update_fields=["state", "merged_into", "support_count", "updated_at"])
        family = [target.pk, *target.merged_ideas.values_list("pk", flat=True)]
        target.support_count = _family_support_count(family)
        target.save(update_fields=["support_count", "updated_at"])
        return {"idea": idea.pk, "from": target.pk}, [
            _idea_event(target, meeting),
            _idea_event(idea, meeting),
        ]

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="idea.unmerge",
        client_id=client_id,
        change=change,
    )


def idea_suggest_theme(
    *, meeting_id: int, actor: Actor, client_id: str | None, idea_id: Any, theme_id: Any
) -> dict[str, Any]:
    """A participant proposes a theme for an idea (if allowed); facilitators see the tally."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        if not meeting.allow_theme_suggestions:
            raise DomainError(
                "theme.suggestions_off", _("L'animation n'a pas ouvert les propositions de thème.")
            )
        idea = _sortable_idea(meeting, idea_id)
        theme = _get_theme(meeting, theme_id)
        ThemeSuggestion.objects.update_or_create(
            idea=idea, participant=actor.participant, defaults={"theme": theme}
        )
        counts = dict(
            ThemeSuggestion.objects.filter(idea=idea)
            .values_list("theme_id")
            .annotate(n=Count("pk"))
            .values_list("theme_id", "n")
        )
        data = {"idea": idea.pk, "suggestions": {str(k): v for k, v in counts.items()}}
        event = RoomEvent("theme.suggested", mod=data)
        return {"idea": idea.pk, "theme": theme.pk}, event

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="idea.suggest_theme",
        client_id=client_id,
        change=change,
    )


def clustering_help(*, meeting_id: int, actor: Actor, command: str) -> dict[str, Any]:
    """Machine suggestions (facilitator, no change): "themes.suggest", "ideas.find_duplicates"
    or "themes.discover". Only visible ideas are considered; nothing changes without a click.
    """
    from . import clustering

    meeting = Meeting.objects.get(pk=meeting_id)
    check_command(actor, meeting, command)
    ideas = list(
        Idea.objects.filter(meeting=meeting, state=IdeaState.VISIBLE).values_list(
            "pk", "title", "text", "theme_id"
        )
    )
    texts = [(pk, f"{title} {text}".strip()) for pk, title, text, _theme in ideas]
    if command == "ideas.find_duplicates":
        pairs = clustering.find_duplicates(texts)
        return {"pairs": [{"a": p.a, "b": p.b, "score": round(p.score, 3)} for p in pairs]}
    if command == "themes.discover":
        result = clustering.discover_themes([t for t in texts])
        return {
            "groups": [
                {
                    "label": g.label,
                    "keywords": list(g.keywords),
                    "ideas": list(g.idea_ids),
                    "preset": g.preset_slug,
                    "cohesion": round(g.cohesion, 3),
                }
                for g in result.groups
            ],
            "unsorted": list(result.unsorted),
        }
    themes = list(Theme.objects.filter(meeting=meeting))
    if not themes:
        raise DomainError("theme.none", _("Créez d'abord des thèmes (ou choisissez-en)."))
    sort_themes = [
        clustering.Theme(
            key=str(t.pk),
            name=t.name,
            keywords=tuple(k.strip() for k in t.keywords.split(",") if k.strip()),
            preset_slug=t.preset_slug or (getattr(clustering.find_preset(t.name), "slug", None)),
        )
        for t in themes
    ]
    placed = {pk: str(theme) for pk, _title, _text, theme in ideas if theme is not None}
    result = clustering.sort_ideas(texts, sort_themes, placed)
    return {
        "suggestions": [
            {
                "idea": s.idea_id,
                "theme": int(s.theme_key) if s.theme_key else None,
                "best_guess": int(s.best_guess) if s.best_guess else None,
                "confidence": round(s.confidence, 3),
            }
            for s in result.suggestions
        ]
    }


# --- Debrief, timeline, questions board, breakout groups, minutes (issue 6) ---------------------
# Debrief columns and webconference questions are ideas with a `kind`; breakout groups are child
# meetings (`Meeting.parent`); the timeline is TimelineMark rows at offsets from `started_at`.


def _validated_kind(meeting: Meeting, kind: Any, *, any_kind: bool = False) -> str:
    """The kind of a new post. Participants: a debrief column in the debrief phase, otherwise an
    idea, or a question when the meeting takes questions (`Meeting.allow_questions`).
    Facilitators (paper post-its) may type any kind at any time."""
    from .enums import DEBRIEF_KINDS, IdeaKind

    if kind in (None, ""):
        return IdeaKind.IDEA if meeting.phase != RoomPhase.DEBRIEF or any_kind else ""
    if any_kind:
        allowed: tuple[str, ...] = tuple(IdeaKind.values)
    elif meeting.phase == RoomPhase.DEBRIEF:
        allowed = DEBRIEF_KINDS
    else:
        if kind == IdeaKind.QUESTION and not meeting.allow_questions:
            raise DomainError(
                "idea.questions_closed",
                _("Les questions ne sont pas ouvertes dans cette réunion : proposez une idée."),
            )
        allowed = (IdeaKind.IDEA, IdeaKind.QUESTION)
    if kind not in allowed:
        raise DomainError("idea.bad_kind", _("Choisissez une colonne : atout, critique ou piste."))
    return str(kind)


def _idea_kind_checked(meeting: Meeting, kind: Any) -> str:
    clean = _validated_kind(meeting, kind)
    if not clean:
        raise DomainError("idea.bad_kind", _("Choisissez une colonne : atout, critique ou piste."))
    return clean


def idea_answer(
    *, meeting_id: int, actor: Actor, client_id: str | None, idea_id: Any, answered: bool = True
) -> dict[str, Any]:
    """Mark a webconference question answered (or not). Emits "idea.changed"."""
    from .enums import IdeaKind

    def change(meeting: Meeting, unit: Unit) -> Change:
        idea = _get_idea(meeting, idea_id)
        if idea.kind != IdeaKind.QUESTION:
            raise DomainError("idea.not_question", _("Ce n'est pas une question."))
        idea.answered = bool(answered)
        idea.save(update_fields=["answered", "updated_at"])
        return {"idea": idea.pk, "answered": idea.answered}, _idea_event(idea, meeting)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="idea.answer",
        client_id=client_id,
        change=change,
    )


# Timeline --------------------------------------------------------------------------------------

TIMELINE_LABEL_MAX = 200
TIMELINE_SPEAKER_MAX = 120
TIMELINE_MAX_OFFSET = 7 * 24 * 3600


def _timeline_event(mark: Any = None, removed_id: int | None = None) -> RoomEvent:
    from .payloads import timeline_mark_payload

    data = timeline_mark_payload(mark) if mark is not None else {"id": removed_id, "removed": True}
    # The timeline is the facilitators' tool (and the minutes'): phones never get it.
    return RoomEvent("timeline.changed", mod=data)


def _clean_mark_fields(kind: Any, label: Any, speaker: Any) -> tuple[str, str, str]:
    from .enums import TimelineKind

    if kind not in TimelineKind.values:
        raise DomainError("timeline.bad_kind", _("Type de repère inconnu."))
    if not isinstance(label, str) or not isinstance(speaker, str):
        raise DomainError("timeline.invalid", _("Repère invalide."))
    label, speaker = clean_text(label), clean_text(speaker)
    if len(label) > TIMELINE_LABEL_MAX or len(speaker) > TIMELINE_SPEAKER_MAX:
        raise DomainError(
            "timeline.too_long",
            _("Texte trop long (%(max)s caractères au plus)."),
            max=TIMELINE_LABEL_MAX,
        )
    return str(kind), label, speaker


def _clean_offset(offset: Any) -> int:
    if (
        not isinstance(offset, int)
        or isinstance(offset, bool)
        or not (0 <= offset <= TIMELINE_MAX_OFFSET)
    ):
        raise DomainError("timeline.bad_offset", _("Minutage invalide."))
    return offset


def timeline_start(*, meeting_id: int, actor: Actor, client_id: str | None) -> dict[str, Any]:
    """Start the chrono ("Démarrer le chrono"): the timeline's zero is now.

    Emits "meeting.changed"."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        meeting.started_at = timezone.now()
        meeting.save(update_fields=["started_at"])
        return {"started_at": meeting.started_at.isoformat()}, _meeting_event(meeting)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="timeline.start",
        client_id=client_id,
        change=change,
    )


def timeline_mark(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    kind: Any,
    label: Any = "",
    speaker: Any = "",
    offset: Any = None,
) -> dict[str, Any]:
    """One click: mark a moment (now, or at `offset` seconds). Starts the chrono if needed.

    Emits "timeline.changed" to facilitators (and "meeting.changed" when it starts the chrono).
    """
    from .models import TimelineMark

    def change(meeting: Meeting, unit: Unit) -> Change:
        clean_kind, clean_label, clean_speaker = _clean_mark_fields(kind, label, speaker)
        events: list[RoomEvent] = []
        now = timezone.now()
        if meeting.started_at is None:
            meeting.started_at = now
            meeting.save(update_fields=["started_at"])
            events.append(_meeting_event(meeting))
        seconds = (
            _clean_offset(offset)
            if offset is not None
            else min(TIMELINE_MAX_OFFSET, max(0, int((now - meeting.started_at).total_seconds())))
        )
        mark = TimelineMark.objects.create(
            meeting=meeting,
            kind=clean_kind,
            label=clean_label,
            speaker=clean_speaker,
            offset_seconds=seconds,
            created_by_id=actor.user_id,
        )
        events.append(_timeline_event(mark))
        return {"mark": mark.pk, "offset": seconds}, events

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="timeline.mark",
        client_id=client_id,
        change=change,
    )


def _get_mark(meeting: Meeting, mark_id: Any) -> Any:
    from .models import TimelineMark

    if not isinstance(mark_id, int) or isinstance(mark_id, bool):
        raise DomainError("timeline.not_found", _("Ce repère n'existe pas."))
    mark = TimelineMark.objects.filter(meeting=meeting, pk=mark_id).first()
    if mark is None:
        raise DomainError("timeline.not_found", _("Ce repère n'existe pas."))
    return mark


def timeline_edit(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    mark_id: Any,
    kind: Any = None,
    label: Any = None,
    speaker: Any = None,
    offset: Any = None,
) -> dict[str, Any]:
    """Correct a mark afterwards (also once the meeting is closed). Emits "timeline.changed"."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        mark = _get_mark(meeting, mark_id)
        clean_kind, clean_label, clean_speaker = _clean_mark_fields(
            mark.kind if kind is None else kind,
            mark.label if label is None else label,
            mark.speaker if speaker is None else speaker,
        )
        mark.kind, mark.label, mark.speaker = clean_kind, clean_label, clean_speaker
        if offset is not None:
            mark.offset_seconds = _clean_offset(offset)
        mark.save()
        return {"mark": mark.pk}, _timeline_event(mark)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="timeline.edit",
        client_id=client_id,
        change=change,
    )


def timeline_delete(
    *, meeting_id: int, actor: Actor, client_id: str | None, mark_id: Any
) -> dict[str, Any]:
    """Remove a mark. Emits "timeline.changed" with a removal marker."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        mark = _get_mark(meeting, mark_id)
        pk = mark.pk
        mark.delete()
        return {"mark": pk}, _timeline_event(removed_id=pk)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="timeline.delete",
        client_id=client_id,
        change=change,
    )


# Breakout groups -------------------------------------------------------------------------------

# Named and coloured as in the seminars: Blue, Red, Green, Yellow… (CSS colour names).
GROUP_PRESETS: tuple[tuple[str, str], ...] = (
    (_("Bleu"), "royalblue"),
    (_("Rouge"), "crimson"),
    (_("Vert"), "forestgreen"),
    (_("Jaune"), "goldenrod"),
    (_("Violet"), "darkorchid"),
    (_("Orange"), "darkorange"),
    (_("Turquoise"), "teal"),
    (_("Gris"), "slategray"),
)
MAX_GROUPS = len(GROUP_PRESETS)


@transaction.atomic
def groups_create(*, parent: Meeting, count: int, facilitators: list[Any] | None = None) -> list:
    """Split a meeting into `count` more parallel groups, each a child meeting with its own code,
    QR, board and facilitators (the parent's by default). Colours continue after existing ones."""
    parent = Meeting.objects.select_for_update().get(pk=parent.pk)
    if parent.parent_id is not None:
        raise DomainError("groups.nested", _("Un groupe ne se divise pas en sous-groupes."))
    existing = list(Meeting.objects.filter(parent=parent).values_list("group_color", flat=True))
    if not isinstance(count, int) or count < 1 or len(existing) + count > MAX_GROUPS:
        raise DomainError("groups.bad_count", _("De 1 à %(max)s groupes en tout."), max=MAX_GROUPS)
    free = [(name, color) for name, color in GROUP_PRESETS if color not in existing]
    people = list(parent.facilitators.all()) if facilitators is None else facilitators
    created = []
    for name, color in free[:count]:
        child = meeting_create(
            owner=parent.owner,
            title=f"{parent.title} — {_('Groupe')} {name}",
            premoderation=parent.premoderation,
        )
        child.parent = parent
        child.group_color = color
        child.phase = RoomPhase.COLLECT
        child.place = parent.place
        child.save(update_fields=["parent", "group_color", "phase", "place"])
        child.facilitators.set(people)
        created.append(child)
    return created


def group_for_newcomer(*, parent: Meeting) -> Meeting | None:
    """Spread evenly: the open group with the fewest participants (ties: the first)."""
    groups = (
        Meeting.objects.filter(parent=parent)
        .exclude(phase=RoomPhase.CLOSED)
        .annotate(n=Count("participants"))
        .order_by("n", "pk")
    )
    return groups.first()


def groups_bring_back(*, meeting_id: int, actor: Actor, client_id: str | None) -> dict[str, Any]:
    """Back in plenary: copy each group's top proposals (its pinned, visible ideas) into the
    plenary as ideas marked with their group. Applied once per proposal (re-running adds only
    new ones). Emits one "idea.changed" per copied proposal."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        children = list(Meeting.objects.filter(parent=meeting).order_by("pk"))
        if not children:
            raise DomainError("groups.none", _("Cette réunion n'a pas de groupes."))
        already = set(
            Idea.objects.filter(meeting=meeting, from_group__in=children).values_list(
                "from_group_id", "text"
            )
        )
        events, copied = [], []
        for child in children:
            proposals = Idea.objects.filter(
                meeting=child, pinned=True, state=IdeaState.VISIBLE
            ).order_by("-support_count", "created_at", "pk")
            for source in proposals:
                if (child.pk, source.text) in already:
                    continue
                idea = Idea.objects.create(
                    meeting=meeting,
                    entered_by_id=actor.user_id,
                    on_behalf=True,
                    title=source.title,
                    text=source.text,
                    from_group=child,
                    state=IdeaState.VISIBLE,
                )
                idea.from_group = child
                copied.append(idea.pk)
                events.append(_idea_event(idea, meeting, created=True))
        return {"ideas": copied}, events

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="groups.bring_back",
        client_id=client_id,
        change=change,
    )


# Minutes, questionnaire, idea → session, edition seeding ---------------------------------------


def minutes_summary_update(*, meeting: Meeting, summary: str, place: str | None = None) -> None:
    """The organizer's editable summary (and the place) printed in the minutes."""
    meeting.minutes_summary = clean_text(summary or "")[:20000]
    fields = ["minutes_summary"]
    if place is not None:
        meeting.place = clean_text(place)[:200]
        fields.append("place")
    meeting.save(update_fields=fields)


QUESTION_MAX = 12


def normalised_questions(raw: Any) -> list[dict[str, str]]:
    """[{"label", "type": "scale"|"text"}] → the same with stable keys q1, q2…"""
    if not isinstance(raw, list) or not 1 <= len(raw) <= QUESTION_MAX:
        raise DomainError(
            "questionnaire.bad_questions",
            _("De 1 à %(max)s questions."),
            max=QUESTION_MAX,
        )
    questions = []
    for index, item in enumerate(raw, start=1):
        label = clean_text(str(item.get("label", ""))) if isinstance(item, dict) else ""
        kind = item.get("type") if isinstance(item, dict) else None
        if not label or len(label) > 200 or kind not in ("scale", "text"):
            raise DomainError("questionnaire.bad_questions", _("Question %(n)s invalide."), n=index)
        questions.append({"key": f"q{index}", "label": label, "type": kind})
    return questions


# Lazy labels: normalised_questions() translates them in the language active at creation time.
DEFAULT_QUESTIONS = [
    {"label": _("Dans l'ensemble, êtes-vous satisfait·e ?"), "type": "scale"},
    {"label": _("Avez-vous pu vous exprimer ?"), "type": "scale"},
    {
        "label": _("L'organisation (lieu, horaires, accueil) vous a-t-elle convenu ?"),
        "type": "scale",
    },
    {"label": _("Un mot pour la prochaine fois ?"), "type": "text"},
]


def questionnaire_create(
    *, title: str, questions: Any = None, meeting: Meeting | None = None, event: Any = None
) -> Any:
    """A questionnaire for one meeting or one event, reachable by an opaque token (QR code)."""
    from .models import Questionnaire

    if (meeting is None) == (event is None):
        raise ValueError("a questionnaire belongs to a meeting or to an event")
    title = clean_text(title or "")[:200]
    if not title:
        raise DomainError("questionnaire.title_empty", _("Donnez un titre au questionnaire."))
    return Questionnaire.objects.create(
        meeting=meeting,
        event=event,
        title=title,
        questions=normalised_questions(DEFAULT_QUESTIONS if questions is None else questions),
        token=secrets.token_urlsafe(12),
    )


def questionnaire_answer(*, questionnaire: Any, respondent: str, answers: Any) -> Any:
    """Store (or replace) a respondent's answers: scales are integers 1–5, texts ≤ 1000 chars;
    unanswered questions are left out."""
    from .models import QuestionnaireResponse

    if not questionnaire.is_open:
        raise DomainError("questionnaire.closed", _("Ce questionnaire est clos."))
    if not isinstance(answers, dict):
        raise DomainError("questionnaire.invalid", _("Réponses invalides."))
    clean: dict[str, Any] = {}
    for question in questionnaire.questions:
        value = answers.get(question["key"])
        if value in (None, ""):
            continue
        if question["type"] == "scale":
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = 0
            if not 1 <= number <= 5:
                raise DomainError("questionnaire.bad_scale", _("Une note va de 1 à 5."))
            clean[question["key"]] = number
        else:
            text = clean_text(str(value))
            if len(text) > 1000:
                raise DomainError("questionnaire.too_long", _("1000 caractères au plus."))
            if text:
                clean[question["key"]] = text
    response, _created = QuestionnaireResponse.objects.update_or_create(
        questionnaire=questionnaire, respondent=respondent[:64], defaults={"answers": clean}
    )
    return response


def session_from_idea(
    *,
    user: AbstractBaseUser,
    event: Any,
    meeting: Meeting,
    starts_at: Any,
    ends_at: Any,
    idea: Idea | None = None,
    theme: Theme | None = None,
) -> Any:
    """One click: an idea or a theme of a public meeting becomes a programme session that links
    back to it (SessionOrigin). Uses the events app's own service (its rules, its rights)."""
    from events.services import SessionFields, session_create

    from .models import SessionOrigin

    if (idea is None) == (theme is None):
        raise ValueError("from an idea or from a theme")
    source_meeting_id = idea.meeting_id if idea is not None else theme.meeting_id
    if source_meeting_id != meeting.pk:
        raise DomainError("idea.not_found", _("Cette idée n'existe pas."))
    if idea is not None:
        title = idea.title or idea.text.split("\n", 1)[0][:120]
        description = idea.text
    else:
        texts = Idea.objects.filter(theme=theme, state=IdeaState.VISIBLE).order_by(
            "-support_count", "pk"
        )[:5]
        title = theme.name
        description = "\n".join(f"- {i.text}" for i in texts)
    note = _("Issue de la réunion « %(title)s ».") % {"title": meeting.title}
    with transaction.atomic():
        session = session_create(
            user=user,
            event=event,
            data=SessionFields(
                title=title,
                starts_at=starts_at,
                ends_at=ends_at,
                description=f"{description}\n\n{note}".strip(),
            ),
        )
        SessionOrigin.objects.create(session=session, meeting=meeting, idea=idea, theme=theme)
    return session


SEED_MAX = 30


def ideas_seed_from_meeting(
    *, meeting_id: int, actor: Actor, client_id: str | None, source: Meeting
) -> dict[str, Any]:
    """Seed a meeting's board with the previous edition's outcome: the source meeting's pinned
    ideas and group proposals, then its most supported ideas (up to 30), as paper post-its."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        if source.pk == meeting.pk:
            raise DomainError("seed.same_meeting", _("Choisissez une autre réunion."))
        picked = list(
            Idea.objects.filter(meeting=source, state=IdeaState.VISIBLE, kind="idea").order_by(
                "-pinned", "-support_count", "pk"
            )[:SEED_MAX]
        )
        existing = set(Idea.objects.filter(meeting=meeting).values_list("text", flat=True))
        events, created = [], []
        for old in picked:
            if old.text in existing:
                continue
            idea = Idea.objects.create(
                meeting=meeting,
                entered_by_id=actor.user_id,
                on_behalf=True,
                title=old.title,
                text=old.text,
                state=IdeaState.VISIBLE,
            )
            created.append(idea.pk)
            events.append(_idea_event(idea, meeting, created=True))
        return {"ideas": created}, events

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="idea.add_paper",
        client_id=client_id,
        change=change,
    )
