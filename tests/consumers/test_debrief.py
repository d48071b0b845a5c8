"""Debrief and timeline commands through the room socket: acks, columns, facilitator-only marks."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from rooms.enums import RoomPhase
from rooms.models import Meeting
from tests.consumers.test_room import login_cookie, participant_cookie, room, screen

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@database_sync_to_async
def set_phase(meeting: Meeting, phase: str) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(phase=phase)


async def test_debrief_column_from_phone_reaches_board_and_marks_stay_with_facilitators():
    meeting, (lea, karim, _) = await room()
    await set_phase(meeting, RoomPhase.DEBRIEF)
    async with (
        screen(meeting.join_code, participant_cookie(lea.device)) as phone,
        screen(meeting.join_code, participant_cookie(karim.device)) as other,
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board,
    ):
        for s in (phone, other, board):
            await s.receive()
        refused = await phone.request("idea.submit", {"text": "Sans colonne"}, "c0")
        posted = await phone.request(
            "idea.submit", {"text": "Trop de bruit", "kind": "critique"}, "c1"
        )
        mark = await board.request("timeline.mark", {"kind": "video", "label": "Vidéo"}, "b1")
        await other.until(lambda s: s.version >= mark["seq"], "the mark's sequence number")
        await board.until(lambda s: s.version >= mark["seq"], "the mark on the board")

    assert refused["code"] == "idea.bad_kind"
    assert posted["type"] == "ack"
    assert [(i["text"], i["kind"]) for i in other.ideas.values()] == [("Trop de bruit", "critique")]
    board_events = [e["type"] for f in board.frames if f["type"] == "delta" for e in f["events"]]
    phone_events = [e["type"] for f in other.frames if f["type"] == "delta" for e in f["events"]]
    assert "timeline.changed" in board_events
    assert "timeline.changed" not in phone_events
    snapshot = next(f for f in other.frames if f["type"] == "snapshot")
    assert "timeline" not in snapshot["data"]


async def test_participant_cannot_send_timeline_commands():
    meeting, (lea, _, _) = await room()
    async with screen(meeting.join_code, participant_cookie(lea.device)) as phone:
        await phone.receive()
        reply = await phone.request("timeline.mark", {"kind": "note"}, "x1")

    assert reply["code"] == "auth.facilitator_only"
