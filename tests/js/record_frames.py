"""Record real room frames for the JavaScript store tests (tests/js/*.test.mjs).

Runs small scenarios through the ASGI application with Channels' WebsocketCommunicator (as
tests/consumers/ do) and writes every frame each screen received to tests/js/frames/<name>.json:
``{"about": "...", "screens": {"board": [frame, ...], "phone_a": [...], ...}}``. Not collected by
the normal test run (the name does not start with ``test_``); run it by hand after a protocol
change, then run ``node --test tests/js/``:

    python -m pytest tests/js/record_frames.py -q -p no:cacheprovider

(embedded backends: unset DATABASE_URL and REDIS_URL first). Ids and times change from one
recording to the next; the tests read them from the frames.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async

from consumers.relay import RoomRelay
from tests.consumers.test_room import Screen, login_cookie, participant_cookie, room, screen

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

FRAMES = Path(__file__).parent / "frames"


def save(name: str, about: str, screens: dict[str, Screen]) -> None:
    """Write the frames each screen received, in order."""
    FRAMES.mkdir(exist_ok=True)
    data = {"about": about, "screens": {key: s.frames for key, s in screens.items()}}
    text = json.dumps(data, ensure_ascii=False, indent=1)
    (FRAMES / f"{name}.json").write_text(text + "\n", encoding="utf-8")


async def settle(seq: int, *screens: Screen) -> None:
    """Receive on every screen until it shows the room at `seq` or later."""
    for s in screens:
        await s.until(lambda s: s.version >= seq, f"version {seq}")


@database_sync_to_async
def set_phase(meeting, phase: str) -> None:
    type(meeting).objects.filter(pk=meeting.pk).update(phase=phase)


async def ok(s: Screen, kind: str, data: dict, msg_id: str) -> dict[str, Any]:
    reply = await s.request(kind, data, msg_id)
    assert reply["type"] == "ack", reply
    return reply


async def test_record_ideas():
    meeting, (lea, karim, _) = await room()
    async with (
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board,
        screen(meeting.join_code, participant_cookie(lea.device)) as phone_a,
        screen(meeting.join_code, participant_cookie(karim.device)) as phone_b,
    ):
        for s in (board, phone_a, phone_b):
            await s.receive()
        first = await ok(phone_a, "idea.submit", {"text": "Un marché bio le samedi"}, "a1")
        idea = first["data"]["idea"]
        await ok(phone_b, "idea.submit", {"text": "Des bancs place du marché"}, "b1")
        await ok(phone_b, "idea.support", {"idea": idea}, "b2")
        await ok(board, "meeting.configure", {"premoderation": True}, "f1")
        pending = await ok(phone_b, "idea.submit", {"text": "Une navette gratuite"}, "b3")
        await settle(pending["seq"], board, phone_a, phone_b)
        await ok(board, "idea.approve", {"idea": pending["data"]["idea"]}, "f2")
        theme = await ok(board, "theme.create", {"name": "Mobilité"}, "f3")
        await ok(board, "meeting.set_phase", {"phase": "cluster"}, "f4")
        await ok(board, "meeting.configure", {"allow_theme_suggestions": True}, "f5")
        await ok(
            board,
            "idea.move",
            {"idea": pending["data"]["idea"], "theme": theme["data"]["theme"]},
            "f6",
        )
        suggest = {"idea": idea, "theme": theme["data"]["theme"]}
        last = await ok(phone_b, "idea.suggest_theme", suggest, "b4")
        await settle(last["seq"], board, phone_a, phone_b)
    save(
        "ideas",
        "Léa (phone_a) and Karim (phone_b) post ideas, Karim supports Léa's; the board turns "
        "pre-moderation on, Karim's third idea is pending (board and Karim only) and approved; "
        "a theme, the cluster phase, theme suggestions on, the idea moved, Karim suggests a theme.",
        {"board": board, "phone_a": phone_a, "phone_b": phone_b},
    )


async def test_record_votes():
    meeting, (lea, karim, _) = await room()
    await set_phase(meeting, "vote")
    async with (
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board,
        screen(meeting.join_code, participant_cookie(lea.device)) as phone_a,
        screen(meeting.join_code, participant_cookie(karim.device)) as phone_b,
    ):
        for s in (board, phone_a, phone_b):
            await s.receive()
        options = [
            {"label": "Plus de bancs"},
            {"label": "Un jardin partagé"},
            {"label": "Des fontaines"},
        ]
        data = {"method": "dots", "title": "Priorités", "options": options, "open": True}
        created = await ok(board, "vote.create", {**data, "settings": {"max_dots": 3}}, "f1")
        vote, ids = created["data"]["vote"], created["data"]["options"]
        await settle(created["seq"], phone_a, phone_b)
        casts = [
            (phone_a, {str(ids[0]): 2, str(ids[1]): 1}, "a1"),
            (phone_b, {str(ids[1]): 3}, "b1"),
            (phone_a, {str(ids[2]): 1}, "a2"),
        ]
        for phone, ballot, msg_id in casts:
            cast = await ok(phone, "ballot.cast", {"vote": vote, "ballot": ballot}, msg_id)
            await settle(cast["seq"], board, phone_a, phone_b)  # one frame per ballot
        closed = await ok(board, "vote.close", {"vote": vote}, "f2")
        await settle(closed["seq"], board, phone_a, phone_b)
        hidden = {**data, "title": "Sans résultats en direct", "reveal": "at_close"}
        second = (await ok(board, "vote.create", hidden, "f3"))["data"]["vote"]
        cast = await ok(phone_b, "ballot.cast", {"vote": second, "ballot": {}}, "b2")
        await settle(cast["seq"], board, phone_a, phone_b)
        closed = await ok(board, "vote.close", {"vote": second}, "f4")
        await settle(closed["seq"], board, phone_a, phone_b)
    save(
        "votes",
        "A dots vote (3 dots, live results) created open by the board; Léa (phone_a) casts, Karim "
        "(phone_b) casts, Léa casts again (her ballot replaced), each ballot in its own frame; the "
        "board closes and publishes. Then a second vote with results at the close only: Karim "
        "casts an empty ballot (the turnout comes without results) and the board closes it.",
        {"board": board, "phone_a": phone_a, "phone_b": phone_b},
    )


async def test_record_debrief():
    meeting, (lea, karim, _) = await room()
    await set_phase(meeting, "debrief")
    async with (
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board,
        screen(meeting.join_code, participant_cookie(lea.device)) as phone_a,
    ):
        for s in (board, phone_a):
            await s.receive()
        await ok(board, "timeline.start", {}, "f1")
        await ok(phone_a, "idea.submit", {"text": "Bonne ambiance", "kind": "strength"}, "a1")
        await ok(phone_a, "idea.submit", {"text": "Trop long", "kind": "critique"}, "a2")
        await ok(
            phone_a, "idea.submit", {"text": "Un minuteur visible", "kind": "improvement"}, "a3"
        )
        mark = await ok(
            board, "timeline.mark", {"kind": "speaker", "speaker": "Léa", "offset": 90}, "f2"
        )
        await ok(board, "timeline.mark", {"kind": "note", "label": "Pause", "offset": 30}, "f3")
        edit = {"mark": mark["data"]["mark"], "label": "Ouverture"}
        last = await ok(board, "timeline.edit", edit, "f4")
        await settle(last["seq"], board, phone_a)
    save(
        "debrief",
        "Debrief phase: the board starts the timeline; Léa (phone_a) posts a strength, a critique "
        "and an improvement; the board adds two marks (facilitators only) and edits the first.",
        {"board": board, "phone_a": phone_a},
    )


async def test_record_reconnect():
    meeting, (lea, karim, _) = await room()
    cookie = participant_cookie(lea.device)
    async with (
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board,
        screen(meeting.join_code, participant_cookie(karim.device)) as phone_b,
    ):
        for s in (board, phone_b):
            await s.receive()
        async with screen(meeting.join_code, cookie) as before:
            await before.receive()
            seen = await ok(phone_b, "idea.submit", {"text": "Avant la coupure"}, "b1")
            await settle(seen["seq"], before)
        # Léa's phone is offline while the room moves on.
        await ok(phone_b, "idea.submit", {"text": "Pendant la coupure"}, "b2")
        await ok(board, "idea.add_paper", {"text": "Un post-it du mur"}, "f1")
        async with screen(meeting.join_code, cookie) as after:
            await after.receive()
            last = await ok(phone_b, "idea.submit", {"text": "Après la coupure"}, "b3")
            await settle(last["seq"], after)
    save(
        "reconnect",
        "Léa's phone (phone_a) sees one idea, loses its socket while two more come, reconnects "
        "(phone_a_again: a newer snapshot) and follows the next idea.",
        {"phone_a": before, "phone_a_again": after},
    )


async def test_record_gap(monkeypatch):
    """The relay never hears one event (a lost message): after HOLE_WAIT the frames say gap."""
    meeting, (lea, karim, _) = await room()
    lost: list[int] = []
    on_event = RoomRelay._on_event

    def losing(self: RoomRelay, event: dict[str, Any]) -> None:
        if event.get("type") == "idea.changed" and "Perdue" in json.dumps(event) and not lost:
            lost.append(int(event["seq"]))
            return
        on_event(self, event)

    monkeypatch.setattr(RoomRelay, "_on_event", losing)
    async with (
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board,
        screen(meeting.join_code, participant_cookie(lea.device)) as phone_a,
    ):
        for s in (board, phone_a):
            await s.receive()
        await ok(phone_a, "idea.submit", {"text": "Première idée"}, "a1")
        await ok(phone_a, "idea.submit", {"text": "Perdue en route"}, "a2")
        last = await ok(phone_a, "idea.submit", {"text": "Troisième idée"}, "a3")
        await settle(last["seq"], board, phone_a)
        assert any(f.get("gap") for f in phone_a.frames), "no gap frame"
        await phone_a.send("snapshot.get", {}, "resync")
        await phone_a.until(lambda s: s.frames[-1]["type"] == "snapshot", "the snapshot")
    save(
        "gap",
        "The relay loses the event of Léa's second idea: the next frames say gap (upto covers "
        "it); phone_a then asks for a snapshot, which has all three ideas.",
        {"board": board, "phone_a": phone_a},
    )
