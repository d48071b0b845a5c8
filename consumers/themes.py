"""Theme and clustering commands of the room socket: shape checks, then one service call."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from deliberation import services

from .protocol import ClientError, Envelope, optional, optional_int, require
from .room import RoomConsumer, command

MAX_IDS = 2000


def _id_list(data: dict[str, Any], key: str) -> list[int]:
    values = require(data, key, list)
    if len(values) > MAX_IDS or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        raise ClientError(
            "protocol.bad_frame", _("Champ « %(field)s » : une liste d'identifiants."), field=key
        )
    return values


@command("theme.create")
async def theme_create(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.theme_create,
        client_id=env.id,
        name=optional(env.data, "name", str, ""),
        color=optional(env.data, "color", str, None),
        keywords=optional(env.data, "keywords", str, ""),
        preset=optional(env.data, "preset", str, ""),
    )


@command("theme.update")
async def theme_update(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.theme_update,
        client_id=env.id,
        theme_id=require(env.data, "theme", int),
        name=optional(env.data, "name", str, None),
        color=optional(env.data, "color", str, None),
        keywords=optional(env.data, "keywords", str, None),
    )


@command("theme.delete")
async def theme_delete(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.theme_delete, client_id=env.id, theme_id=require(env.data, "theme", int)
    )


@command("theme.split")
async def theme_split(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.theme_split,
        client_id=env.id,
        theme_id=require(env.data, "theme", int),
        idea_ids=_id_list(env.data, "ideas"),
        name=require(env.data, "name", str),
    )


@command("idea.move")
async def idea_move(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.ideas_assign,
        client_id=env.id,
        command="idea.move",
        assignments=[(require(env.data, "idea", int), optional_int(env.data, "theme"))],
    )


@command("ideas.assign")
async def ideas_assign(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    items = require(env.data, "assignments", list)
    if len(items) > MAX_IDS or not all(isinstance(i, dict) for i in items):
        raise ClientError("protocol.bad_frame", _("« assignments » : une liste de {idea, theme}."))
    pairs = [(require(item, "idea", int), optional_int(item, "theme")) for item in items]
    return await ws.call(services.ideas_assign, client_id=env.id, assignments=pairs)


@command("idea.merge")
async def idea_merge(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.ideas_merge,
        client_id=env.id,
        target_id=require(env.data, "target", int),
        idea_ids=_id_list(env.data, "ideas"),
    )


@command("idea.unmerge")
async def idea_unmerge(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.ideas_unmerge, client_id=env.id, idea_id=require(env.data, "idea", int)
    )


@command("idea.suggest_theme")
async def idea_suggest_theme(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.idea_suggest_theme,
        client_id=env.id,
        idea_id=require(env.data, "idea", int),
        theme_id=require(env.data, "theme", int),
    )


def _help(name: str):
    async def handler(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
        result = await ws.call(services.clustering_help, command=name)
        return {"seq": None, "data": result}

    return handler


for _name in ("themes.suggest", "ideas.find_duplicates", "themes.discover"):
    command(_name)(_help(_name))
