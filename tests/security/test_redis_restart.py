"""A Redis restart does not freeze the room (issue 10, item 2).

The test starts its own redis-server on a free port (never the shared one) and restarts it in the
middle: afterwards, a change made by one phone reaches the other phone and the board within a few
seconds, by a delta or by the `gap` → `snapshot.get` path the protocol gives every screen.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest

from informaction.settings import redis_channel_layer
from tests.consumers.test_room import Screen, login_cookie, participant_cookie, room, screen
from tests.redis_server import RedisServer, own_redis

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

RECOVERY_WAIT = 12.0  # seconds a screen may take to show a change made after the restart


@pytest.fixture
def own_redis_layer(settings) -> Iterator[RedisServer]:
    with own_redis() as server:
        url = f"redis://127.0.0.1:{server.port}/0"
        settings.CHANNEL_LAYERS = {"default": redis_channel_layer(url, "test-restart")}
        yield server


async def _shows(client: Screen, text: str, deadline: float) -> bool:
    """Follow the protocol (gap → snapshot.get) until `text` is on the screen or time is up."""
    while text not in client.texts():
        if time.monotonic() > deadline:
            return False
        if client.ws.output_queue.empty():  # a receive that times out would stop the socket
            await asyncio.sleep(0.05)
            continue
        frame = await client.receive()
        if frame["type"] == "delta" and frame.get("gap"):
            await client.send("snapshot.get", {}, f"resync-{time.monotonic()}")
    return True


async def test_after_a_redis_restart_changes_reach_the_other_screens(own_redis_layer):
    meeting, (lea, karim, _) = await room()
    async with (
        screen(meeting.join_code, participant_cookie(lea.device)) as author,
        screen(meeting.join_code, participant_cookie(karim.device)) as other,
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board,
    ):
        for client in (author, other, board):
            await client.receive()
        await author.request("idea.submit", {"text": "Avant la panne"}, "a1")
        before = time.monotonic() + RECOVERY_WAIT
        assert await _shows(other, "Avant la panne", before)
        assert await _shows(board, "Avant la panne", before)

        own_redis_layer.stop()
        await asyncio.sleep(0.5)
        own_redis_layer.start()
        await asyncio.sleep(0.5)

        reply = await author.request("idea.submit", {"text": "Après la panne"}, "a2")
        deadline = time.monotonic() + RECOVERY_WAIT
        other_sees = await _shows(other, "Après la panne", deadline)
        board_sees = await _shows(board, "Après la panne", deadline)

    assert reply["type"] == "ack"
    assert other_sees, "the other phone never showed the change made after the restart"
    assert board_sees, "the board never showed the change made after the restart"


@pytest.fixture
def in_memory_layer(settings) -> None:
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"expiry": 60}}
    }


@asynccontextmanager
async def two_phones() -> AsyncIterator[tuple[Screen, Screen]]:
    """Two phones of a new room, their snapshots received: (author, other)."""
    meeting, (lea, karim, _) = await room()
    async with (
        screen(meeting.join_code, participant_cookie(lea.device)) as author,
        screen(meeting.join_code, participant_cookie(karim.device)) as other,
    ):
        for client in (author, other):
            await client.receive()
        yield author, other


async def test_a_layer_that_forgets_its_groups_silently_is_joined_again(in_memory_layer):
    """No receive error at all (a client library that reconnects by itself): the relay notices
    that its own heartbeat no longer comes back and joins the room group again."""
    from channels.layers import get_channel_layer

    async with two_phones() as (author, other):
        get_channel_layer().groups.clear()  # what a restarted Redis forgets
        reply = await author.request("idea.submit", {"text": "Pendant l'oubli"}, "f1")
        other_sees = await _shows(other, "Pendant l'oubli", time.monotonic() + RECOVERY_WAIT)

    assert reply["type"] == "ack"
    assert other_sees, "the other phone never showed the change"


async def test_an_event_lost_with_nothing_after_it_still_reaches_the_screens(
    in_memory_layer, monkeypatch
):
    """Redis publish/subscribe drops what a reconnecting process misses. When the lost event is
    the room's last one, no later event shows the hole: the relay's periodic look at the room's
    sequence number does, and the screens get a gap frame, then the change by a snapshot."""
    from consumers import relay
    from rooms import broadcast

    monkeypatch.setattr(relay, "SEQ_CHECK_PERIOD", 1.0)
    async with two_phones() as (author, other):
        delivered = broadcast.publish_many
        lost: list[int] = []

        def lose_the_next_ideas(meeting_id, events):
            if not lost:
                lost.extend(int(event["seq"]) for event in events)
                return
            delivered(meeting_id, events)

        monkeypatch.setattr(broadcast, "publish_many", lose_the_next_ideas)
        reply = await author.request("idea.submit", {"text": "Perdue en route"}, "l1")
        other_sees = await _shows(other, "Perdue en route", time.monotonic() + RECOVERY_WAIT)

    assert reply["type"] == "ack"
    assert lost, "the test did not lose the event it meant to lose"
    assert other_sees, "the other phone never showed the change whose event was lost"
