"""Issue 12: the projected screen shows what the room may see, nothing else, by construction.

With pre-moderation on (an idea waiting, with a text no one else may read) and a secret vote
(`reveal: at_close`, ballots cast, then closed for the facilitators' eyes first), the projected
screen's socket (snapshot and every delta frame) and its page's HTML never carry the pending text
or any count of the vote; the facilitator's socket carries both. The projected screen is
read-only: every command is refused (`auth.read_only`) and the socket stays open.
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from informaction.asgi import application
from rooms.roles import PROJECTION_COOKIE, projection_pairing
from tests.consumers.test_room import (
    TIMEOUT,
    Screen,
    login_cookie,
    participant_cookie,
    room,
    screen,
)
from tests.security.test_vote_results_privacy import results_in

PENDING = "Texte retenu ZQX-EN-ATTENTE insulte"
APPROVED = "Des bancs à l'ombre place du marché"


@asynccontextmanager
async def projection_screen(code: str, cookie: str):
    """A socket of the projected screen (`?view=projection`)."""
    headers = [
        (b"host", b"127.0.0.1"),
        (b"origin", b"http://127.0.0.1"),
        (b"cookie", cookie.encode()),
    ]
    communicator = WebsocketCommunicator(
        application, f"/ws/room/{code}/?view=projection", headers=headers
    )
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    try:
        yield Screen(communicator)
    finally:
        await communicator.disconnect()


def counts_in(value: Any) -> list[str]:
    """Keys that would carry a count per option anywhere in `value`."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in {"totals", "tally", "counts", "ballot_totals", "percentages"} and item:
                found.append(key)
            found += counts_in(item)
    elif isinstance(value, list):
        for item in value:
            found += counts_in(item)
    return found


def paired_cookie(meeting_id: int) -> str:
    return f"{PROJECTION_COOKIE}={projection_pairing(meeting_id)}"


async def run_the_room(board: Screen, phones: list[Screen]) -> int:
    """Ideas (one held back, one approved), then a secret vote with ballots, closed for the
    facilitators first. Returns the room version the board reached."""
    lea, karim, ines = phones
    held = await lea.request("idea.submit", {"text": PENDING}, "i1")
    assert held["data"]["state"] == "pending"
    kept = await karim.request("idea.submit", {"text": APPROVED}, "i2")
    assert (await board.request("idea.approve", {"idea": kept["data"]["idea"]}, "a1"))[
        "type"
    ] == "ack"
    assert (await board.request("meeting.set_phase", {"phase": "vote"}, "p1"))["type"] == "ack"
    created = await board.request(
        "vote.create",
        {
            "method": "dots",
            "title": "Nos priorités",
            "options": [{"label": "Pistes cyclables"}, {"label": "Bancs"}],
            "reveal": "at_close",
            "open": True,
        },
        "v1",
    )
    assert created["type"] == "ack", created
    vote, (first, second) = created["data"]["vote"], created["data"]["options"]
    for n, (phone, option) in enumerate(zip(phones, (first, first, second), strict=True)):
        cast = await phone.request(
            "ballot.cast", {"vote": vote, "ballot": {str(option): 2}}, f"b{n}"
        )
        assert cast["type"] == "ack", cast
    closed = await board.request("vote.close", {"vote": vote, "publish": False}, "c1")
    assert closed["type"] == "ack", closed
    shown = await board.request("projection.set", {"view": "results", "vote": vote}, "s1")
    assert shown["type"] == "ack", shown
    return shown["seq"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_projected_socket_never_carries_pending_text_or_secret_counts():
    meeting, people = await room(premoderation=True)
    owner_cookie = await login_cookie(meeting.owner)
    async with (
        screen(meeting.join_code, owner_cookie) as board,
        projection_screen(meeting.join_code, paired_cookie(meeting.pk)) as wall,
        projection_screen(meeting.join_code, owner_cookie) as console_preview,
        screen(meeting.join_code, participant_cookie(people[0].device)) as lea,
        screen(meeting.join_code, participant_cookie(people[1].device)) as karim,
        screen(meeting.join_code, participant_cookie(people[2].device)) as ines,
    ):
        for s in (board, wall, console_preview, lea, karim, ines):
            await s.receive()  # snapshot
        assert wall.frames[0]["data"]["me"] == {"role": "projector"}
        assert console_preview.frames[0]["data"]["me"] == {"role": "projector"}

        seq = await run_the_room(board, [lea, karim, ines])
        for projected in (wall, console_preview):
            await projected.until(lambda s: s.version >= seq, "the projection to catch up")
            # Refused, and the socket still answers afterwards.
            refused = await projected.request("idea.submit", {"text": "Depuis le mur"}, "x1")
            assert (refused["type"], refused["code"]) == ("error", "auth.read_only")
            await projected.send("snapshot.get", {}, "x2")
            await projected.until(
                lambda s: s.frames[-1]["type"] == "snapshot" and s.frames[-1]["id"] == "x2",
                "a snapshot read on the projected screen",
            )
        board_text = json.dumps(board.frames, ensure_ascii=False)
        await board.until(lambda s: s.version >= seq, "the board to catch up")

    for projected in (wall, console_preview):
        text = json.dumps(projected.frames, ensure_ascii=False)
        assert PENDING not in text
        assert APPROVED in text  # the room sees what was approved
        assert results_in(projected.frames) == []
        assert counts_in(projected.frames) == []
        assert projected.meeting["projection"]["view"] == "results"
        (vote,) = projected.frames[-1]["data"]["votes"]
        assert (vote["state"], vote["results"], vote["turnout"]["ballots"]) == ("closed", None, 3)
    # The console sees both: the held-back idea, and the count once closed.
    assert PENDING in json.dumps(board.frames, ensure_ascii=False) or PENDING in board_text
    assert results_in(board.frames) != []


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_projection_socket_needs_a_facilitator_or_a_paired_device():
    meeting, people = await room()
    other, _ = await room()
    async with (
        projection_screen(meeting.join_code, participant_cookie(people[0].device)) as phone,
        projection_screen(meeting.join_code, paired_cookie(other.pk)) as elsewhere,
        projection_screen(meeting.join_code, f"{PROJECTION_COOKIE}=forged") as forged,
    ):
        for refused in (phone, elsewhere, forged):
            frame = await refused.receive()
            assert (frame["type"], frame["code"]) == ("error", "auth.not_participant")


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_projected_screen_is_not_counted_among_connected_people():
    meeting, people = await room()
    async with (
        projection_screen(meeting.join_code, paired_cookie(meeting.pk)) as wall,
        screen(meeting.join_code, participant_cookie(people[0].device)) as lea,
    ):
        await wall.receive()
        await lea.receive()
        await wall.until(lambda s: s.online == 1, "presence of the one phone")


@database_sync_to_async
def projection_html(meeting, cookie_user=None, paired: bool = False) -> str:
    client = Client()
    if cookie_user is not None:
        client.force_login(cookie_user)
    if paired:
        client.cookies[PROJECTION_COOKIE] = projection_pairing(meeting.pk)
    response = client.get(reverse("projection", kwargs={"pk": meeting.pk}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_projection_page_html_shows_no_pending_text_and_no_result():
    meeting, people = await room(premoderation=True)
    owner_cookie = await login_cookie(meeting.owner)
    async with (
        screen(meeting.join_code, owner_cookie) as board,
        screen(meeting.join_code, participant_cookie(people[0].device)) as lea,
        screen(meeting.join_code, participant_cookie(people[1].device)) as karim,
        screen(meeting.join_code, participant_cookie(people[2].device)) as ines,
    ):
        for s in (board, lea, karim, ines):
            await s.receive()
        await run_the_room(board, [lea, karim, ines])

    for html in (
        await projection_html(meeting, cookie_user=meeting.owner),
        await projection_html(meeting, paired=True),
    ):
        assert PENDING not in html
        assert APPROVED not in html  # nothing of the room is in the page: the socket brings it
        assert "Pistes cyclables" not in html
        assert meeting.join_code in html
        assert '"results"' not in html
