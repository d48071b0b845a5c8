"""Every change to a room: one transaction, the room's next sequence numbers, the reply stored per
client message (a retried message applies once), the events broadcast after commit.

A change runs inside a `Unit` (unit of work): the transaction holding the meeting row's lock. A
single command gets a unit of its own (`run_command`); a burst of commands of one room shares one
(`run_batch`, the group commit: one lock, one sequence update, one commit). Services receive the
unit explicitly and use its methods: `memo` for reads every command of a unit would repeat, and
`defer` for writes made once at the end of the unit (bulk inserts, one count for many ballots).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, connection, transaction

from . import sql
from .broadcast import broadcast_many_on_commit
from .errors import DomainError
from .events import NOOP, RoomEvent
from .models import ClientCommand, Meeting
from .roles import Actor, check_command

Reply = dict[str, Any]
# What a change returns: the ack data, and the event (or events, each taking its own number).
Change = tuple[dict[str, Any], RoomEvent | list[RoomEvent]]
Call = tuple[Callable[..., Reply], dict[str, Any]]  # a service and its arguments


class Unit:
    """One transaction on a locked room, shared by the commands applied in it."""

    def __init__(
        self,
        meeting: Meeting,
        stored: dict[tuple[str, str], Reply] | None = None,
        participant_ids: set[int] | None = None,
        calls: list[Call] | None = None,
    ) -> None:
        self.meeting = meeting
        # The service calls of a group commit, for services that read ahead for all of theirs.
        self.calls = calls or []
        self.stored = stored if stored is not None else {}
        # Participants whose commands are in this unit (reads can cover them all at once).
        self.participant_ids = participant_ids if participant_ids is not None else set()
        self.memo: dict[Any, Any] = {}
        self._deferred: dict[Any, Callable[[], None]] = {}
        self._new_commands = sql.NewRows()
        self._events: list[tuple[int, RoomEvent]] = []

    def kwargs_of(self, service: Callable[..., Reply]) -> list[dict[str, Any]]:
        """The arguments of this unit's calls of `service` (none outside a group commit)."""
        return [kwargs for called, kwargs in self.calls if called is service]

    def defer(self, key: Any, callback: Callable[[], None]) -> None:
        """Run `callback` once before the unit commits; a later callback under the same `key`
        replaces an earlier one (callbacks run in the order of their last use)."""
        self._deferred.pop(key, None)
        self._deferred[key] = callback

    def run_deferred(self, key: Any) -> None:
        """Run the callback deferred under `key` now (a command needs its writes), if any."""
        callback = self._deferred.pop(key, None)
        if callback is not None:
            callback()

    def apply(
        self,
        *,
        actor: Actor,
        command: str,
        client_id: str | None,
        change: Callable[[Meeting, Unit], Change],
        savepoint: bool = True,
    ) -> Reply:
        """Check the command against the table, apply `change`, number its events."""
        key = (actor.key, client_id or "")
        if client_id and key in self.stored:
            return self.stored[key]
        meeting = self.meeting
        check_command(actor, meeting, command)
        if savepoint:  # a command refused half-way leaves the rest of the unit intact
            with transaction.atomic():
                data, events = change(meeting, self)
        else:  # refused before any write, or an error that undoes the whole unit
            data, events = change(meeting, self)
        if isinstance(events, RoomEvent):
            events = [events]
        self.emit(events or [NOOP])
        reply = {"seq": meeting.seq, "data": data}
        if client_id:
            self.stored[key] = reply
            self._new_commands.add(
                ClientCommand(meeting=meeting, actor=actor.key, client_id=client_id, reply=reply)
            )
        return reply

    def emit(self, events: list[RoomEvent]) -> None:
        """Number `events` with the room's next sequence numbers; broadcast after commit."""
        first = self.meeting.seq + 1
        self.meeting.seq += len(events)
        self._events.extend((first + offset, event) for offset, event in enumerate(events))

    def finish(self) -> None:
        """The deferred writes, the room's sequence, the stored replies, the broadcast after
        commit. Called inside the transaction, once."""
        while self._deferred:
            self._deferred.pop(next(iter(self._deferred)))()
        if self._events:
            sql.run(
                "UPDATE deliberation_meeting SET seq = %s WHERE id = %s",
                [self.meeting.seq, self.meeting.pk],
            )
            messages = [event.message(seq) for seq, event in self._events]
            broadcast_many_on_commit(self.meeting.pk, messages)
        self._new_commands.insert()


def run_command(
    *,
    meeting_id: int,
    actor: Actor,
    command: str,
    client_id: str | None,
    change: Callable[[Meeting, Unit], Change],
    unit: Unit | None = None,
    refuses_before_writing: bool = False,
) -> Reply:
    """Apply `change` to the locked meeting once per (actor, client_id); return the stored reply.

    The reply is ``{"seq": n, "data": {...}}``, n being the number of the change's last event.
    Raises DomainError (nothing is stored then). With `unit` (a group commit), the change joins
    it, in a savepoint unless `refuses_before_writing` says that `change` raises DomainError only
    before its first write (the crowd's commands).
    """
    if unit is not None:
        return unit.apply(
            actor=actor,
            command=command,
            client_id=client_id,
            change=change,
            savepoint=not refuses_before_writing,
        )
    if client_id:
        stored = _stored_reply(meeting_id, actor, client_id)
        if stored is not None:
            return stored
    try:
        with transaction.atomic():
            meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
            own = Unit(meeting, participant_ids=_ids_of([actor]))
            reply = own.apply(
                actor=actor, command=command, client_id=client_id, change=change, savepoint=False
            )
            own.finish()
    except IntegrityError:
        # The same message arrived twice at once: the first one won; answer as it did.
        stored = _stored_reply(meeting_id, actor, client_id) if client_id else None
        if stored is None:
            raise
        return stored
    return reply


def run_system_change(*, meeting_id: int, change: Callable[[Meeting], list[RoomEvent]]) -> None:
    """A change no client sent (a name erased, a phone renamed from a page) that screens show:
    the events `change` returns take the room's next numbers and are broadcast after commit."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().filter(pk=meeting_id).first()
        if meeting is None:
            return
        events = change(meeting)
        if events:
            unit = Unit(meeting)
            unit.emit(events)
            unit.finish()


def run_batch(*, meeting_id: int, calls: list[Call]) -> list[Reply | DomainError]:
    """Run several service calls of one room in one unit (group commit).

    Each call is ``(service, kwargs)`` as the transport would make it; the service gets the unit
    as `unit=`. Each result is the reply or the DomainError that refused it.
    """
    keyed = [kwargs for _service, kwargs in calls if kwargs.get("client_id")]
    client_ids = [kwargs["client_id"] for kwargs in keyed]
    actors = list({kwargs["actor"].key for kwargs in keyed})
    results: list[Reply | DomainError] = []
    with transaction.atomic():
        meeting = sql.get_one(Meeting, for_update=True, id=meeting_id)  # once per batch
        if meeting is None:
            raise Meeting.DoesNotExist
        stored = _stored_replies(meeting_id, actors, client_ids)
        unit = Unit(meeting, stored, _ids_of(kwargs["actor"] for _s, kwargs in calls), calls)
        for service, kwargs in calls:
            try:
                results.append(service(**kwargs, unit=unit))
            except DomainError as exc:
                results.append(exc)
        unit.finish()
    return results


def _stored_replies(
    meeting_id: int, actors: list[str], client_ids: list[str]
) -> dict[tuple[str, str], Reply]:
    """The replies already stored for these messages (a batch's resends), in one statement."""
    if not client_ids:
        return {}
    # With the actors too, the lookup uses the (meeting, actor, client id) unique index instead
    # of reading every command the room ever stored.
    rows = sql.rows(
        "SELECT actor, client_id, reply FROM deliberation_clientcommand"  # noqa: S608
        f" WHERE meeting_id = %s AND actor IN ({sql.marks(len(actors))})"
        f" AND client_id IN ({sql.marks(len(client_ids))})",
        [meeting_id, *actors, *client_ids],
    )
    reply_field = ClientCommand._meta.get_field("reply")
    return {
        (actor, client_id): reply_field.from_db_value(reply, None, connection)
        for actor, client_id, reply in rows
    }


def _ids_of(actors: Any) -> set[int]:
    return {a.participant_id for a in actors if a.participant_id is not None}


def _stored_reply(meeting_id: int, actor: Actor, client_id: str) -> Reply | None:
    return (
        ClientCommand.objects.filter(meeting_id=meeting_id, actor=actor.key, client_id=client_id)
        .values_list("reply", flat=True)
        .first()
    )
