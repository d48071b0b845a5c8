"""Group commit: the busy commands of a room, queued per process and run in one database call.

While one batch is in the database thread, the next commands of the room wait here; they then
go together: one thread hop, one lock of the meeting row, one commit (a PostgreSQL commit costs
milliseconds; at 1,000 phones a room sends hundreds of commands a second). Each command keeps
its own reply or error. Acks still follow the commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async

from deliberation.services import run_batch

MAX_BATCH = 200
Call = tuple[Callable[..., dict[str, Any]], dict[str, Any], asyncio.Future]


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
                try:
                    results = await database_sync_to_async(run_batch)(
                        meeting_id=self.meeting_id, calls=calls
                    )
                except Exception as exc:  # the whole transaction failed: every caller hears it
                    for _service, _kwargs, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_service, _kwargs, future), result in zip(batch, results, strict=True):
                    if future.done():
                        continue
                    if isinstance(result, Exception):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self.draining = False
