"""What phones do with ideas: post, edit, delete, support; with the lean SQL of the commands a
whole room sends at once (posting and supporting)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rooms import sql
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
        _NewIdeas.of(unit).add(idea, unit)
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
        writes = _Supports.of(unit, meeting)
        found = writes.target(unit, meeting, idea_id, actor.participant_id)
        if found is None:
            raise DomainError("idea.not_found", _("Cette idée n'existe pas."))
        state, author_id, supports, supported = found
        pair = (idea_id, actor.participant_id)
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
            "idea.changed",
            mod=counts,
            public=public,
            own_pid=actor.participant_id,
            own=own,
            key=f"idea:{idea_id}",  # a frame keeps an idea's last count only
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


# --- The writes of the commands a whole room sends at once (rooms/sql.py) ------------------------


class _NewIdeas:
    """The ideas posted in a unit. SQLite stores each at once (no round trip); PostgreSQL
    reserves the unit's ids in one statement and stores the ideas in one at the unit's end."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.pending = sql.NewRows()

    @classmethod
    def of(cls, unit: Unit) -> _NewIdeas:
        new = unit.memo.get(cls)
        if new is None:
            new = unit.memo[cls] = cls()
        return new

    def add(self, idea: Idea, unit: Unit) -> None:
        if not self.ids:  # reserved on PostgreSQL only (rooms/sql.py)
            self.ids = sql.reserve_ids(Idea, max(1, len(unit.kwargs_of(idea_submit))))
        if not self.ids:
            sql.insert_one(idea)
            return
        idea.pk = self.ids.pop(0)
        self.pending.add(idea)
        # Again each time: a support may have written the earlier ones (run_deferred).
        unit.defer(_NewIdeas, self.pending.insert)


def _recent_ideas(unit: Unit) -> dict[int, int]:
    """Ideas posted in the last minute (the rate limit) by each participant of the unit, counted
    in one statement for all of them and kept up to date by the unit's ideas."""
    recent = unit.memo.get("recent_ideas")
    if recent is None:
        since = connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(minutes=1))
        ids = sorted(unit.participant_ids) or [0]
        statement = (
            "SELECT author_id, COUNT(*) FROM deliberation_idea"  # noqa: S608 - placeholders only
            f" WHERE created_at >= %s AND author_id IN ({sql.marks(len(ids))}) GROUP BY author_id"
        )
        recent = {author: int(count) for author, count in sql.rows(statement, [since, *ids])}
        unit.memo["recent_ideas"] = recent
    return recent


class _Supports:
    """What the supports of a unit need to know and write: the ideas they target and who
    already supports them (read for the whole unit in two statements), the supports given and
    the counts changed (written once when the unit ends)."""

    def __init__(self) -> None:
        self.targets: dict[int, tuple[str, int | None]] = {}  # idea id: (state, author id)
        self.counts: dict[int, int] = {}  # the ideas' support counts, as this unit leaves them
        self.supported: set[tuple[int, int | None]] = set()  # (idea id, participant id)
        self.new: list[tuple[int, int | None]] = []
        self.dirty: set[int] = set()  # ideas whose count is not written yet

    @classmethod
    def of(cls, unit: Unit, meeting: Meeting) -> _Supports:
        supports = unit.memo.get(cls)
        if supports is None:
            supports = unit.memo[cls] = cls()
            supports._read_ahead(unit, meeting)
            unit.defer(cls, supports.flush)
        return supports

    def _read_ahead(self, unit: Unit, meeting: Meeting) -> None:
        """The ideas every support of the unit targets, and their supports by the unit's people."""
        ids = sorted({i for kw in unit.kwargs_of(idea_support) if _is_id(i := kw.get("idea_id"))})
        if len(ids) < 2:  # one support: its own statement in `target` is enough
            return
        id_marks = sql.marks(len(ids))
        for idea_id, state, author_id, count in sql.rows(
            "SELECT id, state, author_id, support_count FROM deliberation_idea"  # noqa: S608
            f" WHERE meeting_id = %s AND id IN ({id_marks})",
            [meeting.pk, *ids],
        ):
            self.targets[idea_id] = (state, author_id)
            self.counts.setdefault(idea_id, count)
        people = sorted(unit.participant_ids) or [0]
        for pid, idea_id, merged_into in sql.rows(
            "SELECT s.participant_id, s.idea_id, m.merged_into_id FROM deliberation_support s"  # noqa: S608
            " INNER JOIN deliberation_idea m ON m.id = s.idea_id"
            f" WHERE s.participant_id IN ({sql.marks(len(people))})"
            f" AND (s.idea_id IN ({id_marks}) OR m.merged_into_id IN ({id_marks}))",
            [*people, *ids, *ids],
        ):
            self.supported.add((idea_id, pid))
            if merged_into is not None:
                self.supported.add((merged_into, pid))

    def target(
        self, unit: Unit, meeting: Meeting, idea_id: Any, participant_id: int | None
    ) -> tuple[str, int | None, int, bool] | None:
        """(state, author id, support count, supported already) of an idea of this meeting, or
        None. "Supported already" counts a support of the idea or of an idea merged into it."""
        if not _is_id(idea_id):
            return None
        if idea_id not in self.targets:  # not read ahead (a single support, a new idea)
            unit.run_deferred(_NewIdeas)
            row, _count = sql.run(
                "SELECT state, author_id, support_count, EXISTS ("
                " SELECT 1 FROM deliberation_support s"
                " INNER JOIN deliberation_idea m ON m.id = s.idea_id"
                " WHERE s.participant_id = %s AND (s.idea_id = %s OR m.merged_into_id = %s))"
                " FROM deliberation_idea WHERE id = %s AND meeting_id = %s",
                [participant_id, idea_id, idea_id, idea_id, meeting.pk],
            )
            if row is None:
                return None
            self.targets[idea_id] = (row[0], row[1])
            self.counts.setdefault(idea_id, row[2])
            if row[3]:
                self.supported.add((idea_id, participant_id))
        state, author_id = self.targets[idea_id]
        pair = (idea_id, participant_id)
        return state, author_id, self.counts[idea_id], pair in self.supported

    def add(self, pair: tuple[int, int | None], count: int) -> None:
        self.new.append(pair)
        self.supported.add(pair)
        self._count(pair[0], count)

    def withdraw(self, pair: tuple[int, int | None], count: int) -> None:
        self.flush()  # the withdrawn support may be one of this unit's
        _support_delete(*pair)
        self.supported.discard(pair)
        self._count(pair[0], count)

    def _count(self, idea_id: int, count: int) -> None:
        self.counts[idea_id] = count
        self.dirty.add(idea_id)

    def flush(self) -> None:
        """Write the supports so far, and every support count changed."""
        if self.new:
            created = connection.ops.adapt_datetimefield_value(timezone.now())
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO deliberation_support (idea_id, participant_id, created_at)"
                    " VALUES (%s, %s, %s)",
                    [(idea_id, pid, created) for idea_id, pid in self.new],
                )
            self.new = []
        if self.dirty:
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE deliberation_idea SET support_count = %s WHERE id = %s",
                    [(self.counts[idea_id], idea_id) for idea_id in sorted(self.dirty)],
                )
            self.dirty = set()


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _support_delete(idea_id: int, participant_id: int | None) -> int:
    """Withdraw the participant's support of the idea and of ideas merged into it."""
    _row, count = sql.run(
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
