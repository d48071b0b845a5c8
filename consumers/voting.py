"""Vote commands on the room socket: shape checks here, rules in voting.services.

Registered into RoomConsumer's command registry by the import at the end of consumers/room.py.
"""

from __future__ import annotations

from typing import Any

from voting import selectors, services

from .protocol import Envelope, optional, require
from .room import BATCHED, RoomConsumer, command

_BALLOT_SHAPES = (dict, list, str)


@command("vote.create")
async def vote_create(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.vote_create,
        client_id=env.id,
        method=require(env.data, "method", str),
        title=optional(env.data, "title", str, ""),
        options=optional(env.data, "options", list, []),
        settings=optional(env.data, "settings", dict, {}),
        reveal=optional(env.data, "reveal", str, "live"),
        registered_only=optional(env.data, "registered_only", bool, False),
        open_now=optional(env.data, "open", bool, False),
    )


@command("vote.open")
async def vote_open(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.vote_open, client_id=env.id, vote_id=require(env.data, "vote", int)
    )


@command("vote.close")
async def vote_close(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.vote_close,
        client_id=env.id,
        vote_id=require(env.data, "vote", int),
        publish=optional(env.data, "publish", bool, True),
    )


@command("vote.reveal")
async def vote_reveal(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.vote_reveal, client_id=env.id, vote_id=require(env.data, "vote", int)
    )


@command("vote.paper_count")
async def vote_paper_count(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.paper_count_add,
        client_id=env.id,
        vote_id=require(env.data, "vote", int),
        source=require(env.data, "source", str),
        counts=optional(env.data, "counts", dict, None),
        ballots=optional(env.data, "ballots", list, None),
        note=optional(env.data, "note", str, ""),
    )


@command("vote.paper_remove")
async def vote_paper_remove(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.paper_count_remove,
        client_id=env.id,
        vote_id=require(env.data, "vote", int),
        paper_id=require(env.data, "paper", int),
    )


@command("vote.results")
async def vote_results(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    # A read: answered in the ack (seq null); facilitators always, participants once revealed.
    return await ws.call(selectors.vote_results_for, vote_id=require(env.data, "vote", int))


@command("ballot.cast")
async def ballot_cast(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.ballot_cast,
        client_id=env.id,
        vote_id=require(env.data, "vote", int),
        ballot=require(env.data, "ballot", _BALLOT_SHAPES),
    )


@command("ballot.withdraw")
async def ballot_withdraw(ws: RoomConsumer, env: Envelope) -> dict[str, Any]:
    return await ws.call(
        services.ballot_withdraw, client_id=env.id, vote_id=require(env.data, "vote", int)
    )


# A room votes at once: ballots join the room's group commit.
BATCHED.add(services.ballot_cast)
