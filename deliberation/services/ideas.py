"""What phones do with ideas: post, edit, delete, support; with the lean SQL of the commands a
whole room sends at once (posting and supporting)."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rooms.errors import DomainError
from rooms.events import RoomEvent
from rooms.models import Meeting
from rooms.roles import Actor
from rooms.runner import Change, Unit, run_command

from ..enums import IdeaState
from ..models import Idea
from ._common import get_idea, idea_event, validated_kind, validated_text

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
        clean, clean_title = validated_text(text, title)
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
        return {"idea": idea.pk, "state": idea.state}, idea_event(idea, meeting, created=True)

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
        idea = get_idea(meeting, idea_id)
        if idea.author_id != actor.participant_id:
            raise DomainError("idea.not_author", _("Vous ne pouvez modifier que vos idées."))
        idea.text, idea.title = validated_text(text, title)
        idea.save(update_fields=["text", "title", "updated_at"])
        return {"idea": idea.pk}, idea_event(idea, meeting)

    return run_command(
        meeting_id=meeting_id, actor=actor, command="idea.edit", client_id=client_id, change=change
    )


def idea_delete(
    *, meeting_id: int, actor: Actor, client_id: str | None, idea_id: Any
) -> dict[str, Any]:
    """The author deletes their own idea while ideas are open (kept, marked deleted)."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        idea = get_idea(meeting, idea_id)
        if idea.author_id != actor.participant_id:
            raise DomainError("idea.not_author", _("Vous ne pouvez supprimer que vos idées."))
        idea.state = IdeaState.DELETED
        idea.save(update_fields=["state", "updated_at"])
        return {"idea": idea.pk}, idea_event(idea, meeting)

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


def _idea_kind_checked(meeting: Meeting, kind: Any) -> str:
    clean = validated_kind(meeting, kind)
    if not clean:
        raise DomainError("idea.bad_kind", _("Choisissez une colonne : atout, critique ou piste."))
    return clean
