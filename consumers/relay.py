"""One relay per server process and room: receives room events once, sends coalesced frames.

A room event crosses the channel layer once per process (the relay's channel is the only member
of the room group from this process). The relay orders events by room sequence number, waits
briefly for a missing one, and writes ``delta`` frames to each local socket: to facilitators'
screens (the projected board) every ``ROOM_BOARD_FRAME_INTERVAL`` at most, to phones every
``ROOM_FRAME_INTERVAL`` at most, at once when the room is quiet. The text of a frame is serialised
once per audience: facilitators, participants, and the few participants with a view of their own
in it.

The relay also watches its own subscription: a broken channel layer (receive errors) or a
restarted one (Redis forgets its groups; the relay's own heartbeat stops coming back) makes it
join the room group again, with backoff, then compare the room's sequence number in the database
with what screens have: events lost meanwhile end in a ``gap`` frame, so every screen fetches a
snapshot.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import Iterable
from typing import Any, Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from rooms import broadcast
from rooms.broadcast import room_group
from rooms.selectors import current_seq

from .protocol import dumps
from .wire import Frame

logger = logging.getLogger(__name__)

HOLE_WAIT = 1.0  # seconds to wait for a missing sequence number before telling clients to resync
# After a gap, screens fetch snapshots and the processes run late for a while: a missing number
# is waited for longer then, so one gap does not set off a cascade of them.
HOLE_WAIT_RESYNCING = 3.0
RESYNC_PERIOD = 10.0
# The heartbeat also probes the subscription: the relay hears its own heartbeat back, or joins the
# room group again (a restarted Redis forgets every group).
PRESENCE_HEARTBEAT = 2.0
PROBE_TIMEOUT = 5.0
RESUBSCRIBE_BACKOFF_MAX = 2.0
PRESENCE_STALE = 35.0
# Every SEQ_CHECK_PERIOD the relay reads the room's sequence number: an event lost with nothing
# after it (Redis publish/subscribe drops what a reconnecting process misses) still ends in a gap.
SEQ_CHECK_PERIOD = 10.0
IDLE_STOP_DELAY = 30.0
# Frames written to sockets before the writer lets the event loop run other work.
WRITES_PER_TURN = 100
PROCESS_ID = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"


class LocalSocket(Protocol):
    identified: bool
    facilitator: bool
    projector: bool
    participant_id: int | None

    async def deliver(self, frame: Frame, facilitators: bool | None) -> None:
        """`facilitators`: the audience the frame was made for (None: any)."""


class _Stream:
    """The delta frames of one audience, on its own cadence and its own from/upto chain."""

    __slots__ = (
        "facilitators",
        "interval",
        "events",
        "upto",
        "reach",
        "gap",
        "last_flush",
        "handle",
    )

    def __init__(self, facilitators: bool, interval: float) -> None:
        self.facilitators = facilitators
        self.interval = interval
        self.events: list[dict[str, Any]] = []
        self.upto = 0
        self.reach = 0  # the next frame's `upto` covers at least this (events lost in a gap)
        self.gap = False
        self.last_flush = 0.0
        self.handle: asyncio.TimerHandle | None = None


class RoomRelay:
    """The per-process hub of one room: ``await RoomRelay.attach(meeting_id, socket)``."""

    _relays: dict[tuple[int, int], RoomRelay] = {}

    def __init__(self, meeting_id: int, loop: asyncio.AbstractEventLoop) -> None:
        self.meeting_id = meeting_id
        self.loop = loop
        self.sockets: set[Any] = set()
        # The identified participants' sockets, by participant (a phone may have several).
        self.by_participant: dict[int, set[Any]] = {}
        self.participant_sockets = 0  # how many sockets by_participant holds
        # The screens that show how many people are connected (facilitators' and projected
        # screens): the only ones sent `presence` frames; a phone has it in its snapshot.
        self.counting_screens: set[Any] = set()
        # State the room's sockets share per phone (their snapshot budget), gone with the relay.
        self.budgets: dict[Any, Any] = {}
        self.pending: dict[int, dict[str, Any]] = {}
        self.upto = 0
        self.channel: str | None = None
        self.started = asyncio.Event()
        self.receive_task: asyncio.Task[None] | None = None
        self.presence_task: asyncio.Task[None] | None = None
        self.writer_task: asyncio.Task[None] | None = None
        # Frames leave in order through one writer task: lists of (socket, frame, audience), one
        # per flush.
        self.outbox: asyncio.Queue[list[tuple[Any, Frame, bool | None]]] = asyncio.Queue()
        self.stop_handle: asyncio.TimerHandle | None = None
        self.hole_handle: asyncio.TimerHandle | None = None
        self.hole_since: float | None = None
        self.streams = (
            _Stream(True, settings.ROOM_BOARD_FRAME_INTERVAL),
            _Stream(False, settings.ROOM_FRAME_INTERVAL),
        )
        self.presence: dict[str, tuple[int, float]] = {}
        self.online_sent = -1
        self.presence_dirty = False
        self.layer = get_channel_layer()
        # The subscription: False after a receive error or a heartbeat that did not come back.
        self.subscribed = False
        self.resubscribe_failures = 0
        self.resubscribe_after = 0.0
        self.probe_sent: float | None = None  # when the heartbeat not yet heard back was sent
        self.catch_up_handle: asyncio.TimerHandle | None = None
        self.last_gap = float("-inf")  # loop time of the last gap frame

    # --- lifecycle ------------------------------------------------------------------------------

    @classmethod
    async def attach(cls, meeting_id: int, socket: LocalSocket) -> RoomRelay:
        """Register a socket; start the process's relay for the room if it is the first one."""
        loop = asyncio.get_running_loop()
        key = (id(loop), meeting_id)
        relay = cls._relays.get(key)
        if relay is None:
            relay = cls(meeting_id, loop)
            cls._relays[key] = relay
            try:
                await relay._start()
            except BaseException:
                cls._relays.pop(key, None)
                raise
        else:
            await relay.started.wait()
        if relay.stop_handle is not None:
            relay.stop_handle.cancel()
            relay.stop_handle = None
        relay.sockets.add(socket)
        relay.presence_changed()
        return relay

    def identified(self, socket: LocalSocket) -> None:
        """The socket now knows who it is: count it among the room's participants."""
        if socket.participant_id is not None:
            mine = self.by_participant.setdefault(socket.participant_id, set())
            if socket not in mine:
                mine.add(socket)
                self.participant_sockets += 1
        if socket.facilitator or socket.projector:
            self.counting_screens.add(socket)
        self.presence_changed()

    def sockets_of(self, participant_id: int | None) -> set[Any]:
        """The identified sockets of one participant in this process."""
        return self.by_participant.get(participant_id, set()) if participant_id else set()

    def detach(self, socket: LocalSocket) -> None:
        self.sockets.discard(socket)
        self.counting_screens.discard(socket)
        mine = self.by_participant.get(socket.participant_id) if socket.participant_id else None
        if mine is not None and socket in mine:
            mine.discard(socket)
            self.participant_sockets -= 1
            if not mine:
                del self.by_participant[socket.participant_id]
        self.presence_changed()
        if not self.sockets and self.stop_handle is None:
            self.stop_handle = self.loop.call_later(IDLE_STOP_DELAY, self._stop_if_idle)

    async def _start(self) -> None:
        broadcast.remember_loop(self.loop)
        self.channel = await self.layer.new_channel("relay.")
        await self.layer.group_add(room_group(self.meeting_id), self.channel)
        self.subscribed = True
        # Read after joining the group: every later change arrives as an event.
        self.upto = await database_sync_to_async(current_seq)(self.meeting_id)
        for stream in self.streams:
            stream.upto = self.upto
        self.receive_task = self.loop.create_task(self._receive_loop())
        self.presence_task = self.loop.create_task(self._presence_loop())
        self.writer_task = self.loop.create_task(self._writer())
        self.started.set()

    def _stop_if_idle(self) -> None:
        self.stop_handle = None
        if self.sockets:
            return
        self._relays.pop((id(self.loop), self.meeting_id), None)
        for task in (self.receive_task, self.presence_task, self.writer_task):
            if task is not None:
                task.cancel()
        handles = (self.hole_handle, self.catch_up_handle, *(s.handle for s in self.streams))
        for handle in handles:
            if handle is not None:
                handle.cancel()
        if self.channel is not None:
            self.loop.create_task(self._leave_group())

    async def _leave_group(self) -> None:
        """Leave the room group; a layer that is down forgets the group anyway (it expires)."""
        try:
            await self.layer.group_discard(room_group(self.meeting_id), self.channel)
        except Exception as exc:
            logger.warning("relay of room %s could not leave its group: %r", self.meeting_id, exc)

    async def _receive_loop(self) -> None:
        assert self.channel is not None
        failures = 0
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                if failures == 1:  # one traceback per incident
                    logger.exception("relay receive failed for room %s", self.meeting_id)
                self.subscribed = False
                await asyncio.sleep(min(RESUBSCRIBE_BACKOFF_MAX, 0.25 * 2**failures))
                continue
            if failures:
                logger.warning("relay of room %s receives again", self.meeting_id)
                failures = 0
            kind = message.get("type")
            if kind == "room.events":
                for event in message["events"]:
                    self._on_event(event)
            elif kind == "room.presence":
                if message["process"] == PROCESS_ID:
                    self.probe_sent = None  # our own heartbeat came back: still subscribed
                self.presence[message["process"]] = (int(message["count"]), time.monotonic())
                self._send_presence_if_changed()

    # --- the subscription -----------------------------------------------------------------------

    async def _keep_subscribed(self, now: float) -> None:
        """Join the room group again if the subscription is lost, with backoff."""
        if self.probe_sent is not None and now - self.probe_sent > PROBE_TIMEOUT:
            if self.subscribed:
                logger.warning("relay of room %s stopped hearing its heartbeat", self.meeting_id)
            self.subscribed = False
            self.probe_sent = None
        if self.subscribed or now < self.resubscribe_after:
            return
        try:
            # Leave first: a layer that believes it is still subscribed (publish/subscribe keeps
            # its own list) then subscribes again for real.
            await self.layer.group_discard(room_group(self.meeting_id), self.channel)
            await self.layer.group_add(room_group(self.meeting_id), self.channel)
            seq = await database_sync_to_async(current_seq)(self.meeting_id)
        except Exception:
            self.resubscribe_failures += 1
            delay = min(RESUBSCRIBE_BACKOFF_MAX, 0.25 * 2**self.resubscribe_failures)
            self.resubscribe_after = now + delay
            if self.resubscribe_failures == 1:
                logger.exception("relay of room %s cannot subscribe again", self.meeting_id)
            return
        logger.warning("relay of room %s subscribed again at seq %s", self.meeting_id, seq)
        self.subscribed = True
        self.resubscribe_failures = 0
        self.presence_dirty = True
        # Events may have been lost meanwhile; those still on their way get HOLE_WAIT.
        self._expect(seq, HOLE_WAIT)

    async def _check_seq(self) -> None:
        """Compare the room's sequence number with the screens': the tail of a lost stretch."""
        try:
            seq = await database_sync_to_async(current_seq)(self.meeting_id)
        except Exception:
            logger.exception("relay of room %s could not read its sequence", self.meeting_id)
            return
        # Events committed a moment ago are still on their way: they get the longer wait.
        self._expect(seq, HOLE_WAIT_RESYNCING)

    def _expect(self, seq: int, wait: float) -> None:
        """Screens must reach `seq` within `wait` seconds, by events or by a gap (a catch-up
        already waiting keeps its time: a later look at the sequence finds what it leaves)."""
        if seq > self.upto and self.catch_up_handle is None:
            self.catch_up_handle = self.loop.call_later(wait, self._catch_up, seq)

    def _catch_up(self, seq: int) -> None:
        """Screens must reach `seq`: what did not arrive by now is lost; frames say `gap`."""
        self.catch_up_handle = None
        if self.upto >= seq:
            return
        for lost in [n for n in self.pending if n <= seq]:
            self.pending.pop(lost)
        self.upto = seq
        now = self.last_gap = self.loop.time()
        for stream in self.streams:
            stream.reach = seq
            stream.gap = True
            if stream.handle is None:
                delay = max(0.0, stream.last_flush + stream.interval - now)
                stream.handle = self.loop.call_later(delay, self._flush, stream)
        self._order()

    async def _writer(self) -> None:
        while True:
            items = await self.outbox.get()
            for index, (socket, frame, audience) in enumerate(items, 1):
                try:
                    await socket.deliver(frame, audience)
                except Exception:
                    logger.exception("frame not delivered in room %s", self.meeting_id)
                if index % WRITES_PER_TURN == 0:
                    # Let acks and the group commit's next batch through: a frame for 2,000
                    # phones is 2,000 writes, and other sockets must not wait for all of them.
                    await asyncio.sleep(0)

    # --- events and frames ----------------------------------------------------------------------

    def _on_event(self, event: dict[str, Any]) -> None:
        seq = int(event["seq"])
        if seq <= self.upto:
            return  # already on screens (it was in the snapshot or a previous frame)
        self.pending[seq] = event
        self._order()

    def _on_hole_timer(self) -> None:
        self.hole_handle = None
        self._order()

    def _order(self) -> None:
        """Hand the events that follow the last one in sequence to both audiences' streams."""
        now = self.loop.time()
        batch: list[dict[str, Any]] = []
        next_seq = self.upto + 1
        while next_seq in self.pending:
            batch.append(self.pending.pop(next_seq))
            next_seq += 1
        gap = False
        if self.pending and not batch:
            # A sequence number is missing: another process has not delivered it yet.
            if self.hole_since is None:
                self.hole_since = now
            resyncing = now - self.last_gap < RESYNC_PERIOD
            if now - self.hole_since < (HOLE_WAIT_RESYNCING if resyncing else HOLE_WAIT):
                if self.hole_handle is None:
                    self.hole_handle = self.loop.call_later(0.05, self._on_hole_timer)
                return
            batch = [self.pending.pop(seq) for seq in sorted(self.pending)]
            gap = True
            self.last_gap = now
        self.hole_since = None if not self.pending else (self.hole_since or now)
        if self.pending and self.hole_handle is None:
            self.hole_handle = self.loop.call_later(0.05, self._on_hole_timer)
        if not batch:
            return
        self.upto = int(batch[-1]["seq"])
        for stream in self.streams:
            stream.events.extend(batch)
            stream.gap = stream.gap or gap
            if stream.handle is None:
                delay = max(0.0, stream.last_flush + stream.interval - now)
                stream.handle = self.loop.call_later(delay, self._flush, stream)

    def _flush(self, stream: _Stream) -> None:
        stream.handle = None
        if not stream.events and stream.reach <= stream.upto:
            return
        batch, stream.events = stream.events, []
        last = int(batch[-1]["seq"]) if batch else 0
        previous, stream.upto = stream.upto, max(last, stream.reach)
        gap, stream.gap = stream.gap, False
        stream.last_flush = self.loop.time()
        # Sockets still being identified take both audiences' frames and keep their own later.
        targets = [
            s for s in self.sockets if not s.identified or s.facilitator == stream.facilitators
        ]
        if not targets:
            return
        head = f'{{"type":"delta","from":{previous},"upto":{stream.upto}'
        if gap:
            head += ',"gap":true'
        head += ',"events":['
        if stream.facilitators:
            frame = Frame(head + ",".join(_moderator_parts(batch)) + "]}", shared=True)
            self.outbox.put_nowait([(s, frame, True) for s in targets])
        else:
            self.outbox.put_nowait(_participant_items(head, batch, targets))

    # --- presence: connected participants across processes ------------------------------------

    def local_count(self) -> int:
        # Sockets still being identified have no participant id yet: not counted.
        return self.participant_sockets

    def online(self) -> int:
        cutoff = time.monotonic() - PRESENCE_STALE
        others = sum(c for p, (c, at) in self.presence.items() if p != PROCESS_ID and at >= cutoff)
        return others + self.local_count()

    def presence_changed(self) -> None:
        """A socket joined, left or was identified: publish the count at the next tick."""
        self.presence_dirty = True

    async def _presence_loop(self) -> None:
        last_heartbeat = 0.0
        seq_checked = time.monotonic()
        publish_failures = 0
        while True:
            await asyncio.sleep(1.0)
            now = time.monotonic()
            await self._keep_subscribed(now)
            if now - seq_checked >= SEQ_CHECK_PERIOD:
                seq_checked = now
                await self._check_seq()
            if self.presence_dirty or now - last_heartbeat >= PRESENCE_HEARTBEAT:
                self.presence_dirty = False
                last_heartbeat = now
                if self.probe_sent is None:
                    self.probe_sent = now
                try:
                    await self.layer.group_send(
                        room_group(self.meeting_id),
                        {
                            "type": "room.presence",
                            "process": PROCESS_ID,
                            "count": self.local_count(),
                        },
                    )
                except Exception:
                    self.probe_sent = None  # nothing was sent, nothing to hear back
                    publish_failures += 1
                    if publish_failures == 1:  # one traceback per incident
                        logger.exception("presence not published for room %s", self.meeting_id)
                else:
                    publish_failures = 0
            self._send_presence_if_changed()

    def _send_presence_if_changed(self) -> None:
        online = self.online()
        if online == self.online_sent:
            return
        self.online_sent = online
        frame = Frame(dumps({"type": "presence", "online": online}), shared=True)
        self.outbox.put_nowait([(s, frame, None) for s in self.counting_screens])


def _moderator_parts(batch: list[dict[str, Any]]) -> list[str]:
    stale = _superseded(batch, "mod")
    return [
        dumps({"seq": event["seq"], "type": event["type"], "data": event["mod"]})
        for index, event in enumerate(batch)
        if event.get("mod") is not None and index not in stale
    ]


def _participant_items(
    head: str, batch: list[dict[str, Any]], targets: list[Any]
) -> list[tuple[Any, Frame, bool | None]]:
    """One public frame, and a frame of their own for the participants with own items in it
    that have a socket here (each process of a room frames its own phones' items only)."""
    public_parts: list[str | None] = []
    own_parts: dict[int, dict[int, str]] = {}
    here = {s.participant_id for s in targets}
    stale = _superseded(batch, "public")
    for index, event in enumerate(batch):
        seq, kind = event["seq"], event["type"]
        public = event.get("public") if index not in stale else None
        public_parts.append(
            dumps({"seq": seq, "type": kind, "data": public}) if public is not None else None
        )
        own = event.get("own")
        pid = int(own["pid"]) if own and own.get("pid") is not None else None
        if pid is not None and pid in here and own["data"] is not None:
            item = dumps({"seq": seq, "type": kind, "data": own["data"]})
            own_parts.setdefault(pid, {})[index] = item
    public_frame = Frame(
        head + ",".join(p for p in public_parts if p is not None) + "]}", shared=True
    )
    own_frames = {
        pid: Frame(head + ",".join(_interleave(public_parts, items)) + "]}")
        for pid, items in own_parts.items()
    }
    return [(s, own_frames.get(s.participant_id, public_frame), False) for s in targets]


def _superseded(batch: list[dict[str, Any]], audience: str) -> set[int]:
    """Indexes of events that a later event with the same coalescing key carries again, for this
    audience, with the same fields or more (rooms/events.py): merging only the later one gives the
    same screen, so the earlier ones are not sent (their seq stays covered by upto)."""
    stale: set[int] = set()
    later: dict[Any, set[str]] = {}
    for index in range(len(batch) - 1, -1, -1):
        event = batch[index]
        data = event.get(audience)
        key = event.get("key")
        if key is None or not isinstance(data, dict):
            continue
        fields = set(data)
        if fields <= later.get(key, set()):
            stale.add(index)
        else:
            later[key] = later.get(key, set()) | fields
    return stale


def _interleave(public_parts: list[str | None], own_items: dict[int, str]) -> Iterable[str]:
    """Public items in order, each participant-only item right after its event's public item."""
    for index, part in enumerate(public_parts):
        if part is not None:
            yield part
        own = own_items.get(index)
        if own is not None:
            yield own
