"""The room relay alone (consumers/relay.py): order, holes, one chain of frames per audience."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from django.test import override_settings

from consumers.relay import HOLE_WAIT, HOLE_WAIT_RESYNCING, RoomRelay
from consumers.wire import Frame

pytestmark = pytest.mark.asyncio


class FakeSocket:
    """What the relay needs of a consumer; records the frames it is given."""

    def __init__(
        self, *, facilitator: bool = False, participant_id: int | None = None, identified=True
    ) -> None:
        self.facilitator = facilitator
        self.participant_id = participant_id
        self.identified = identified
        self.frames: list[tuple[dict[str, Any], bool | None]] = []

    async def deliver(self, frame: Frame, facilitators: bool | None = None) -> None:
        self.frames.append((json.loads(frame.text), facilitators))

    def deltas(self) -> list[dict[str, Any]]:
        return [f for f, _audience in self.frames if f["type"] == "delta"]


def idea_event(seq: int, *, author: int | None = None, pending: bool = False) -> dict[str, Any]:
    data = {"id": seq, "text": f"idée {seq}"}
    return {
        "seq": seq,
        "type": "idea.changed",
        "mod": {**data, "state": "pending" if pending else "visible"},
        "public": None if pending else data,
        "own": {"pid": author, "data": {**data, "mine": True}} if author else None,
    }


async def started_relay(*sockets: FakeSocket) -> RoomRelay:
    relay = RoomRelay(1, asyncio.get_running_loop())
    relay.writer_task = relay.loop.create_task(relay._writer())
    relay.sockets.update(sockets)
    return relay


def stop(relay: RoomRelay) -> None:
    assert relay.writer_task is not None
    relay.writer_task.cancel()
    for handle in (relay.hole_handle, *(stream.handle for stream in relay.streams)):
        if handle is not None:
            handle.cancel()


def assert_chained(deltas: list[dict[str, Any]], start: int, end: int) -> None:
    assert deltas[0]["from"] == start
    assert [d["from"] for d in deltas[1:]] == [d["upto"] for d in deltas[:-1]]
    assert deltas[-1]["upto"] == end


@override_settings(ROOM_BOARD_FRAME_INTERVAL=0.05, ROOM_FRAME_INTERVAL=0.3)
async def test_board_gets_frames_more_often_than_phones_each_chain_whole():
    board = FakeSocket(facilitator=True)
    phone = FakeSocket(participant_id=7)
    author = FakeSocket(participant_id=8)
    relay = await started_relay(board, phone, author)
    try:
        for seq in range(1, 21):
            relay._on_event(idea_event(seq, author=8 if seq == 5 else None, pending=seq == 9))
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.4)
    finally:
        stop(relay)

    board_deltas, phone_deltas = board.deltas(), phone.deltas()
    assert len(board_deltas) > len(phone_deltas) >= 2
    assert_chained(board_deltas, 0, 20)
    assert_chained(phone_deltas, 0, 20)
    # The board sees every idea, the pending one too; phones only what is public.
    board_ids = [e["data"]["id"] for d in board_deltas for e in d["events"]]
    phone_ids = [e["data"]["id"] for d in phone_deltas for e in d["events"]]
    assert board_ids == list(range(1, 21))
    assert phone_ids == [n for n in range(1, 21) if n != 9]
    # The author's frame carries its own view right after the public item; others' do not.
    mine = [e for d in author.deltas() for e in d["events"] if e["data"].get("mine")]
    assert [e["seq"] for e in mine] == [5]
    assert not any(e["data"].get("mine") for d in phone_deltas for e in d["events"])
    assert {audience for _f, audience in board.frames} == {True}
    assert {audience for _f, audience in phone.frames} == {False}


async def test_quiet_room_sends_at_once_to_both_audiences():
    board, phone = FakeSocket(facilitator=True), FakeSocket(participant_id=3)
    relay = await started_relay(board, phone)
    try:
        relay._on_event(idea_event(1))
        await asyncio.sleep(0.01)
    finally:
        stop(relay)

    assert [d["upto"] for d in board.deltas()] == [1]
    assert [d["upto"] for d in phone.deltas()] == [1]


async def test_socket_being_identified_gets_both_audiences_frames():
    newcomer = FakeSocket(identified=False)
    relay = await started_relay(newcomer)
    try:
        relay._on_event(idea_event(1, pending=True))
        await asyncio.sleep(0.01)
    finally:
        stop(relay)

    audiences = sorted(
        (audience, [e["seq"] for e in f["events"]]) for f, audience in newcomer.frames
    )
    assert audiences == [(False, []), (True, [1])]


@pytest.mark.parametrize("late", [True, False])
async def test_missing_sequence_number_waits_then_frames_say_gap(late):
    board, phone = FakeSocket(facilitator=True), FakeSocket(participant_id=3)
    relay = await started_relay(board, phone)
    try:
        relay._on_event(idea_event(1))
        relay._on_event(idea_event(3))  # 2 is still on its way from another process
        await asyncio.sleep(0.2)
        if late:
            relay._on_event(idea_event(2))
            await asyncio.sleep(0.35)
        else:
            await asyncio.sleep(HOLE_WAIT + 0.35)
    finally:
        stop(relay)

    for socket in (board, phone):
        deltas = socket.deltas()
        seqs = [e["seq"] for d in deltas for e in d["events"]]
        if late:
            assert seqs == [1, 2, 3]
            assert not any(d.get("gap") for d in deltas)
        else:
            assert seqs == [1, 3]
            assert deltas[-1]["gap"] is True
        assert deltas[-1]["upto"] == 3


async def test_after_a_gap_a_late_event_is_waited_for_longer():
    """Screens fetching snapshots after a gap slow every process down: an event that comes
    later than HOLE_WAIT (but within HOLE_WAIT_RESYNCING) then still arrives in order."""
    phone = FakeSocket(participant_id=3)
    relay = await started_relay(phone)
    try:
        relay._on_event(idea_event(1))
        relay._on_event(idea_event(3))  # 2 never comes: a gap
        await asyncio.sleep(HOLE_WAIT + 0.35)
        relay._on_event(idea_event(5))  # 4 comes late, after HOLE_WAIT
        await asyncio.sleep(HOLE_WAIT + 0.3)
        relay._on_event(idea_event(4))
        await asyncio.sleep(0.35)
    finally:
        stop(relay)

    deltas = phone.deltas()
    assert [e["seq"] for d in deltas for e in d["events"]] == [1, 3, 4, 5]
    assert [bool(d.get("gap")) for d in deltas] == [False, True, False]
    assert HOLE_WAIT + 0.3 < HOLE_WAIT_RESYNCING


async def test_phones_get_only_the_last_support_count_of_an_idea_in_a_frame():
    """Support counts carry the idea's key: within one frame only the last count of an idea goes
    to phones (its seq stays covered by upto), and the supporter still gets their own view."""
    phone, fan = FakeSocket(participant_id=3), FakeSocket(participant_id=4)
    relay = await started_relay(phone, fan)

    def support(seq: int, idea: int, count: int, pid: int) -> dict[str, Any]:
        counts = {"id": idea, "supports": count}
        return {
            "seq": seq,
            "type": "idea.changed",
            "mod": counts,
            "public": counts,
            "own": {"pid": pid, "data": {**counts, "supported": True}},
            "key": f"idea:{idea}",
        }

    try:
        relay._on_event(idea_event(1))  # a quiet room: sent at once
        await asyncio.sleep(0.01)
        for seq, (idea, count, pid) in enumerate([(1, 1, 4), (1, 2, 5), (2, 1, 5)], start=2):
            relay._on_event(support(seq, idea, count, pid))
        await asyncio.sleep(0.4)
    finally:
        stop(relay)

    last = phone.deltas()[-1]
    assert (last["from"], last["upto"]) == (1, 4)
    assert [(e["seq"], e["data"]) for e in last["events"]] == [
        (3, {"id": 1, "supports": 2}),
        (4, {"id": 2, "supports": 1}),
    ]
    mine = [(e["seq"], e["data"]) for e in fan.deltas()[-1]["events"]]
    assert mine == [
        (2, {"id": 1, "supports": 1, "supported": True}),
        (3, {"id": 1, "supports": 2}),
        (4, {"id": 2, "supports": 1}),
    ]


async def test_a_process_frames_only_its_own_phones_items(monkeypatch):
    """Phones 8 and 9 are on another process of the room: this one makes no frame for them."""
    from consumers import relay as relay_module

    built: list[str] = []

    class CountedFrame(Frame):
        __slots__ = ()

        def __init__(self, text: str, shared: bool = False) -> None:
            built.append(text)
            super().__init__(text, shared)

    monkeypatch.setattr(relay_module, "Frame", CountedFrame)
    mine, other = FakeSocket(participant_id=7), FakeSocket(participant_id=6)
    relay = await started_relay(mine, other)
    try:
        for seq, author in enumerate((7, 8, 9), start=1):
            relay._on_event(idea_event(seq, author=author))
        await asyncio.sleep(0.01)
    finally:
        stop(relay)

    assert len(built) == 2  # the public frame and phone 7's own
    own = [e["seq"] for d in mine.deltas() for e in d["events"] if e["data"].get("mine")]
    assert own == [1]
    assert [e["seq"] for d in other.deltas() for e in d["events"]] == [1, 2, 3]
    assert not any(e["data"].get("mine") for d in other.deltas() for e in d["events"])
