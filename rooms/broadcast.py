"""Hand a room's numbered events to the relays after commit (one channel-layer message each).

A message is ``{"type": "room.events", "events": [RoomEvent.message(seq), ...]}`` (rooms/events.py);
the relays (consumers/relay.py, one per server process) coalesce events into frames.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

# The server's event loop, recorded by the first relay: publishing from a service thread then
# schedules the send on that loop without blocking the database thread.
_loop: asyncio.AbstractEventLoop | None = None
_loop_thread: int | None = None


def room_group(meeting_id: int) -> str:
    """The channel-layer group of every relay (one per server process) hosting the room's sockets
    (ASCII letters, digits and dots; under 100 characters)."""
    return f"room.{int(meeting_id)}"


def remember_loop(loop: asyncio.AbstractEventLoop) -> None:
    global _loop, _loop_thread
    _loop, _loop_thread = loop, threading.get_ident()


class PublishAfterCommit:
    """The on-commit callback; tests read `meeting_id` and `event` from captured callbacks."""

    def __init__(self, meeting_id: int, event: dict[str, Any]) -> None:
        self.meeting_id = meeting_id
        self.event = event

    def __call__(self) -> None:
        publish(self.meeting_id, self.event)


class PublishManyAfterCommit:
    """The on-commit callback of a group commit: all its events in one channel-layer message."""

    def __init__(self, meeting_id: int, events: list[dict[str, Any]]) -> None:
        self.meeting_id = meeting_id
        self.events = events

    def __call__(self) -> None:
        publish_many(self.meeting_id, self.events)


def broadcast_on_commit(meeting_id: int, event: dict[str, Any]) -> None:
    """Queue `event` for the room's relays once the current transaction commits."""
    transaction.on_commit(PublishAfterCommit(meeting_id, event))


def broadcast_many_on_commit(meeting_id: int, events: list[dict[str, Any]]) -> None:
    """Queue `events` (in sequence order) as one message once the transaction commits."""
    transaction.on_commit(PublishManyAfterCommit(meeting_id, events))


def publish(meeting_id: int, event: dict[str, Any]) -> None:
    publish_many(meeting_id, [event])


def publish_many(meeting_id: int, events: list[dict[str, Any]]) -> None:
    """Send events to the room group: one channel-layer message per server process."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "room.events", "events": events}
    coroutine = layer.group_send(room_group(meeting_id), message)
    loop = _loop
    if loop is not None and loop.is_running() and not loop.is_closed():
        if threading.get_ident() == _loop_thread:
            loop.create_task(coroutine)
        else:
            future = asyncio.run_coroutine_threadsafe(coroutine, loop)
            future.add_done_callback(_log_failure)
        return
    coroutine.close()
    async_to_sync(layer.group_send)(room_group(meeting_id), message)


# A channel layer that is down fails every publish: one traceback per incident (a minute).
FAILURE_LOG_INTERVAL = 60.0
_failures = {"count": 0, "logged_at": float("-inf")}


def _log_failure(future: Any) -> None:
    if future.cancelled() or future.exception() is None:
        return
    _failures["count"] += 1
    now = time.monotonic()
    if now - _failures["logged_at"] >= FAILURE_LOG_INTERVAL:
        logger.error(
            "room event not published (%d since the last report); relays catch up with a gap",
            _failures["count"],
            exc_info=future.exception(),
        )
        _failures.update(count=0, logged_at=now)
