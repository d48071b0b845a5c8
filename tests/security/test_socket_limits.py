"""Sockets of one phone are capped, snapshots have their own budget (issue 10, item 5), and a
facilitator's socket loses its rights with its session or its role (item 6)."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest
from channels.db import database_sync_to_async
from django.contrib.sessions.backends.db import SessionStore

from consumers import room as room_consumer
from consumers.relay import RoomRelay
from tests.consumers.test_room import login_cookie, participant_cookie, room, screen
from tests.factories import make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def _closed_with(client) -> tuple[dict, int]:
    """The error frame a closed socket got, and its close code."""
    error = await client.receive()
    while error["type"] != "error":
        error = await client.receive()
    closing = await client.ws.receive_output(timeout=5)
    while closing["type"] != "websocket.close":
        closing = await client.ws.receive_output(timeout=5)
    return error, closing["code"]


async def test_one_phone_keeps_a_few_sockets_and_the_oldest_ones_are_told_and_closed():
    meeting, (lea, karim, _) = await room()
    cookie = participant_cookie(lea.device)
    cap = room_consumer.MAX_SOCKETS_PER_DEVICE
    async with screen(meeting.join_code, cookie) as oldest:
        await oldest.receive()
        async with screen(meeting.join_code, participant_cookie(karim.device)) as neighbour:
            await neighbour.receive()
            async with AsyncExitStack() as stack:
                clients = []
                for _ in range(cap):
                    client = await stack.enter_async_context(screen(meeting.join_code, cookie))
                    clients.append(client)
                    await client.until(lambda s: s.meeting, "its snapshot")
                error, code = await _closed_with(oldest)
                newest_works = await clients[-1].request("idea.submit", {"text": "Encore là"}, "n")
                neighbour_works = await neighbour.request("idea.support", {"idea": 10**9}, "k")
                relay = next(iter(RoomRelay._relays.values()))
                lea_sockets = sum(1 for s in relay.sockets if s.participant_id == lea.pk)

    assert error["code"] == "auth.replaced"
    assert "ouverte ailleurs" in error["message"]
    assert code == room_consumer.CLOSE_REPLACED
    assert lea_sockets == cap
    assert newest_works["type"] == "ack"
    assert neighbour_works["code"] == "idea.not_found"  # answered: the neighbour is untouched


async def test_snapshot_requests_beyond_the_budget_cost_no_query_and_one_is_owed(monkeypatch):
    monkeypatch.setattr(room_consumer, "SNAPSHOT_RATE", 2.0)  # one owed snapshot in 0.5 s
    meeting, (lea, *_) = await room()
    async with screen(meeting.join_code, participant_cookie(lea.device)) as phone:
        await phone.receive()
        for n in range(int(room_consumer.SNAPSHOT_BURST)):
            await phone.send("snapshot.get", {}, f"s{n}")
            assert (await phone.receive())["id"] == f"s{n}"
        reads = []
        read_snapshot = room_consumer._snapshot
        monkeypatch.setattr(
            room_consumer, "_snapshot", lambda *a, **k: reads.append(1) or read_snapshot(*a, **k)
        )
        for n in range(10):
            await phone.send("snapshot.get", {}, f"flood{n}")
        await asyncio.sleep(0.05)
        answered_now, reads_now = phone.ws.output_queue.qsize(), len(reads)
        owed = await phone.receive()
        while owed["type"] != "snapshot":  # presence frames may come first
            owed = await phone.receive()
        await asyncio.sleep(0.8)
        later = [await phone.receive() for _ in range(phone.ws.output_queue.qsize())]

    assert answered_now == 0
    assert reads_now == 0
    assert len(reads) == 1
    assert "snapshot" not in [frame["type"] for frame in later]  # ten requests, one snapshot
    assert (owed["type"], owed["id"]) == ("snapshot", "flood9")


async def test_sockets_of_one_phone_share_its_snapshot_budget(monkeypatch):
    monkeypatch.setattr(room_consumer, "SNAPSHOT_RATE", 2.0)  # a token every 0.5 s
    meeting, (lea, *_) = await room()
    cookie = participant_cookie(lea.device)
    async with screen(meeting.join_code, cookie) as tab, screen(meeting.join_code, cookie) as other:
        for client in (tab, other):
            await client.receive()
        for n in range(int(room_consumer.SNAPSHOT_BURST)):
            await tab.send("snapshot.get", {}, f"t{n}")
            await tab.until(lambda s, n=n: any(f.get("id") == f"t{n}" for f in s.frames), "it")
        await other.send("snapshot.get", {}, "o1")
        await asyncio.sleep(0.1)
        for _ in range(other.ws.output_queue.qsize()):  # presence frames may be there
            await other.receive()
        answered_at_once = [f for f in other.frames if f.get("id") == "o1"]
        await other.until(lambda s: any(f.get("id") == "o1" for f in s.frames), "the owed one")

    assert answered_at_once == []  # the other tab spent the phone's budget


@database_sync_to_async
def _end_session(cookie: str) -> None:
    SessionStore(cookie.split("=", 1)[1]).delete()  # what logging out does


async def test_facilitator_socket_after_logout_gets_no_more_rights():
    meeting, _people = await room()
    cookie = await login_cookie(meeting.owner)
    async with screen(meeting.join_code, cookie) as board:
        await board.receive()
        await _end_session(cookie)
        await board.send("meeting.advance", {}, "adv")
        error, code = await _closed_with(board)

    assert error["code"] == "auth.rights_ended"
    assert code == room_consumer.CLOSE_NOT_ALLOWED
    phase = await database_sync_to_async(lambda: type(meeting).objects.get(pk=meeting.pk).phase)()
    assert phase == meeting.phase


@database_sync_to_async
def _co_facilitator(meeting):
    user = make_user()
    meeting.facilitators.add(user)
    return user


async def test_facilitator_removed_from_the_meeting_is_closed_while_idle(monkeypatch):
    monkeypatch.setattr(room_consumer, "FACILITATOR_RECHECK", 0.2)
    meeting, _people = await room()
    helper = await _co_facilitator(meeting)
    async with screen(meeting.join_code, await login_cookie(helper)) as board:
        snapshot = await board.receive()
        await database_sync_to_async(meeting.facilitators.remove)(helper)
        error, code = await _closed_with(board)

    assert snapshot["data"]["me"]["role"] == "facilitator"
    assert error["code"] == "auth.rights_ended"
    assert code == room_consumer.CLOSE_NOT_ALLOWED
