"""Timeline, questions board and breakout-group commands of the room socket (issue 6).

Debrief columns need no command of their own: `idea.submit` carries `kind` (consumers/room.py).
"""

from __future__ import annotations

from typing import Any

from deliberation import services

from .protocol import Envelope, optional, optional_int, require
from .room import RoomConsumer, command


@command("idea.answer")
async def idea_answer(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.idea_answer,
        client_id=env.id,
        idea_id=require(env.data, "idea", int),
        answered=optional(env.data, "answered", bool, True),
    )


@command("timeline.start")
async def timeline_start(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(services.timeline_start, client_id=env.id)


@command("timeline.mark")
async def timeline_mark(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.timeline_mark,
        client_id=env.id,
        kind=require(env.data, "kind", str),
        label=optional(env.data, "label", str, ""),
        speaker=optional(env.data, "speaker", str, ""),
        offset=optional_int(env.data, "offset"),
    )


@command("timeline.edit")
async def timeline_edit(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.timeline_edit,
        client_id=env.id,
        mark_id=require(env.data, "mark", int),
        kind=optional(env.data, "kind", str, None),
        label=optional(env.data, "label", str, None),
        speaker=optional(env.data, "speaker", str, None),
        offset=optional_int(env.data, "offset"),
    )


@command("timeline.delete")
async def timeline_delete(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.timeline_delete, client_id=env.id, mark_id=require(env.data, "mark", int)
    )


@command("groups.bring_back")
async def groups_bring_back(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(services.groups_bring_back, client_id=env.id)
