"""Group commit: the busy commands of a room, queued per process and run in one database call.

While one batch is in the database thread, the next commands of the room wait here; they then
go together: one thread hop, one lock of the meeting row, one commit (a PostgreSQL commit costs
milliseconds; at 1,000 phones a room sends hundreds of commands a second). Each command keeps
its own reply or error. Acks still follow the commit.

A failure that is not a refusal (a value the database cannot store, a bug) undoes the whole
transaction; then each command of the batch runs again alone, so the failure stays with the
command that caused it and the others are stored and acknowledged. One traceback is logged per
incident, not one per phone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async

from rooms.runner import run_batch

logger = logging.getLogger(__name__)

MAX_BATCH = 200
Call = tuple[Callable[..., dict[str, Any]], dict[str, Any], asyncio.Future]
ServiceCall = tuple[Callable[..., dict[str, Any]], dict[str, Any]]


class CommandFailed(Exception):
    """A command failed for a reason other than a refusal; the batcher has logged it already."""


class RoomBatcher:
    """One per process and room; get it with ``RoomBatcher.for_room(meeting_id)``."""

    _batchers: dict[tuple[int, int], RoomBatcher] = {}

    def __init__(self, meeting_id: int) -> None:
        self.meeting_id = meeting_id
        self.queue: list[Call] = []
        self.draining = False

    @classmethod
    def for_room(cls, meeting_id: int) -> RoomBatcher:
        key = (id(asyncio.get_running_loop()), meeting_id)
        batcher = cls._batchers.get(key)
        if batcher is None:
            batcher = cls._batchers[key] = cls(meeting_id)
        return batcher

    async def submit(self, service: Callable[..., dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
        """Queue one service call; returns its reply or raises its DomainError."""
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self.queue.append((service, kwargs, future))
        if not self.draining:
            self.draining = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self.queue:
                batch, self.queue = self.queue[:MAX_BATCH], self.queue[MAX_BATCH:]
                calls = [(service, kwargs) for service, kwargs, _future in batch]
                results = await self._run(calls)
                for (_service, _kwargs, future), result in zip(batch, results, strict=True):
                    if future.done():
                        continue
                    if isinstance(result, Exception):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self.draining = False

    async def _run(self, calls: list[ServiceCall]) -> list[Any]:
        """The results of one group commit; if it fails as a whole, of each call run alone."""
        try:
            return await database_sync_to_async(run_batch)(meeting_id=self.meeting_id, calls=calls)
        except Exception as exc:
            if len(calls) == 1:
                logger.exception("command failed in room %s", self.meeting_id)
                return [_failed(exc)]
            logger.warning(
                "group commit of %d commands failed in room %s (%s): each runs alone",
                len(calls),
                self.meeting_id,
                type(exc).__name__,
            )
        results: list[Any] = []
        failures = 0
        for call in calls:
            try:
                results += await database_sync_to_async(run_batch)(
                    meeting_id=self.meeting_id, calls=[call]
                )
            except Exception as exc:
                failures += 1
                if failures == 1:
                    logger.exception("command failed in room %s", self.meeting_id)
                results.append(_failed(exc))
        if failures > 1:
            logger.error(
                "%d of %d commands failed in room %s (the first one's traceback is above)",
                failures,
                len(calls),
                self.meeting_id,
            )
        return results


def _failed(exc: Exception) -> CommandFailed:
    failed = CommandFailed(str(exc))
    failed.__cause__ = exc
    return failed
