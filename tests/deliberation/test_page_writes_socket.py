"""The page writes are room commands: a facilitator's socket may send them, and every screen
follows the numbers they take."""

from __future__ import annotations

import pytest

from tests.consumers.test_room import login_cookie, participant_cookie, room, screen

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_groups_summary_and_questionnaire_from_the_board_socket():
    meeting, (lea, _, _) = await room()
    async with (
        screen(meeting.join_code, participant_cookie(lea.device)) as phone,
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board,
    ):
        for s in (phone, board):
            await s.receive()
        refused = await phone.request("groups.create", {"count": 2}, "p1")
        groups = await board.request("groups.create", {"count": 2}, "b1")
        summary = await board.request("minutes.summary", {"summary": "Synthèse"}, "b2")
        asked = await board.request("questionnaire.create", {"title": "Votre avis"}, "b3")
        await phone.until(lambda s: s.version >= asked["seq"], "the questionnaire's number")
        await board.until(lambda s: s.version >= asked["seq"], "the questionnaire on the board")

    assert refused["code"] == "auth.facilitator_only"
    assert len(groups["data"]["groups"]) == 2
    assert summary["data"] == {"summary": "Synthèse", "place": ""}
    assert (groups["seq"], summary["seq"], asked["seq"]) == (1, 2, 3)
    assert [g["color"] for g in phone.meeting["groups"]] == ["royalblue", "crimson"]
    board_events = [e["type"] for f in board.frames if f["type"] == "delta" for e in f["events"]]
    phone_events = [e["type"] for f in phone.frames if f["type"] == "delta" for e in f["events"]]
    assert board_events == ["meeting.changed", "minutes.changed", "questionnaire.changed"]
    assert phone_events == ["meeting.changed"]
