"""The room socket end to end through the ASGI application: acks, frames, errors, visibility."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core import signing
from django.test import Client

from deliberation.models import Idea
from informaction.asgi import application
from rooms.models import Meeting
from rooms.web import DEVICE_SALT
from tests.factories import make_meeting, make_participant

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

TIMEOUT = 5


class Screen:
    """A test socket that keeps the room state as a client would (docs/protocol.md)."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.ws = communicator
        self.version = 0
        self.ideas: dict[int, dict[str, Any]] = {}
        self.frames: list[dict[str, Any]] = []
        self.online: int | None = None
        self.meeting: dict[str, Any] = {}

    async def send(self, kind: str, data: dict | None = None, msg_id: str | None = None) -> None:
        frame: dict[str, Any] = {"type": kind, "data": data or {}}
        if msg_id is not None:
            frame["id"] = msg_id
        await self.ws.send_to(text_data=json.dumps(frame))

    async def receive(self) -> dict[str, Any]:
        frame = json.loads(await self.ws.receive_from(timeout=TIMEOUT))
        self.frames.append(frame)
        self._apply(frame)
        return frame

    def _apply(self, frame: dict[str, Any]) -> None:
        if frame["type"] == "snapshot":
            self.version = frame["data"]["version"]
            self.ideas = {i["id"]: i for i in frame["data"]["ideas"]}
            self.meeting = frame["data"]["meeting"]
            self.online = frame["online"]
        elif frame["type"] == "delta":
            assert frame["from"] <= self.version, "a frame was missed"
            for event in frame["events"]:
                if event["seq"] <= self.version:
                    continue
                data = event["data"]
                if event["type"] == "idea.changed":
                    if data.get("removed"):
                        self.ideas.pop(data["id"], None)
                    else:
                        self.ideas[data["id"]] = {**self.ideas.get(data["id"], {}), **data}
                elif event["type"] == "meeting.changed":
                    self.meeting = data
            self.version = max(self.version, frame["upto"])
        elif frame["type"] == "presence":
            self.online = frame["online"]

    async def request(self, kind: str, data: dict | None = None, msg_id: str = "m") -> dict:
        """Send a command and return its ack or error, keeping other frames applied."""
        await self.send(kind, data, msg_id)
        while True:
            frame = await self.receive()
            if frame["type"] in {"ack", "error"} and frame.get("id") == msg_id:
                return frame

    async def until(self, predicate, what: str = "condition") -> None:
        """Receive frames until `predicate(self)` holds."""
        while not predicate(self):
            try:
                await self.receive()
            except TimeoutError:
                pytest.fail(f"timed out waiting for {what}")

    async def nothing_more(self) -> None:
        assert await self.ws.receive_nothing(timeout=0.4)

    def texts(self) -> list[str]:
        return sorted(i["text"] for i in self.ideas.values())


def participant_cookie(device: str) -> str:
    value = signing.Signer(salt=DEVICE_SALT).sign(device)
    return f"{settings.PARTICIPANT_COOKIE_NAME}={value}"


@database_sync_to_async
def login_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@asynccontextmanager
async def screen(code: str, cookie: str = "", origin: str = "http://127.0.0.1", lang: str = ""):
    headers = [(b"host", b"127.0.0.1")]
    if origin:
        headers.append((b"origin", origin.encode()))
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    if lang:
        headers.append((b"accept-language", lang.encode()))
    communicator = WebsocketCommunicator(application, f"/ws/room/{code}/", headers=headers)
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    client = Screen(communicator)
    try:
        yield client
    finally:
        await communicator.disconnect()


@database_sync_to_async
def room(**fields) -> tuple[Meeting, list]:
    meeting = make_meeting(**fields)
    assert meeting.owner  # loaded here, outside the event loop
    people = [make_participant(meeting, name) for name in ("Léa", "Karim", "")]
    return meeting, people


@database_sync_to_async
def idea_texts(meeting: Meeting) -> list[str]:
    return sorted(Idea.objects.filter(meeting=meeting).values_list("text", flat=True))


async def test_idea_submit_acked_after_commit_and_shown_to_others():
    meeting, (lea, karim, _) = await room()
    async with (
        screen(meeting.join_code, participant_cookie(lea.device)) as phone_a,
        screen(meeting.join_code, participant_cookie(karim.device)) as phone_b,
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board,
    ):
        for s in (phone_a, phone_b, board):
            await s.receive()  # snapshot

        reply = await phone_a.request("idea.submit", {"text": "Un marché bio"}, "c1")
        assert await idea_texts(meeting) == ["Un marché bio"]  # committed before the ack
        await phone_b.until(lambda s: s.version >= reply["seq"], "the idea on phone B")
        await board.until(lambda s: s.version >= reply["seq"], "the idea on the board")

    assert reply["type"] == "ack"
    assert reply["seq"] == 1
    assert phone_b.texts() == ["Un marché bio"]
    assert [(i["author"], bool(i.get("mine"))) for i in phone_b.ideas.values()] == [("Léa", False)]
    assert board.texts() == ["Un marché bio"]
    assert phone_b.meeting["phase"] == "collect"


async def test_idea_support_counts_on_every_screen_and_flags_supporter():
    meeting, (lea, karim, anon) = await room()
    async with (
        screen(meeting.join_code, participant_cookie(lea.device)) as author,
        screen(meeting.join_code, participant_cookie(karim.device)) as fan,
        screen(meeting.join_code, participant_cookie(anon.device)) as other,
    ):
        for s in (author, fan, other):
            await s.receive()
        idea_id = (await author.request("idea.submit", {"text": "Des bancs"}, "i1"))["data"]["idea"]
        ack = await fan.request("idea.support", {"idea": idea_id}, "s1")
        twice = await fan.request("idea.support", {"idea": idea_id}, "s2")
        for s in (author, fan, other):
            await s.until(lambda s: s.version >= ack["seq"], "the support")

    assert ack["data"] == {"idea": idea_id, "supports": 1, "supported": True}
    assert (twice["type"], twice["code"]) == ("error", "idea.already_supported")
    assert [s.ideas[idea_id]["supports"] for s in (author, fan, other)] == [1, 1, 1]
    assert [s.ideas[idea_id].get("supported") for s in (author, fan, other)] == [None, True, None]


async def test_bad_frames_get_clear_errors_and_socket_stays_usable():
    meeting, (lea, *_) = await room()
    async with screen(meeting.join_code, participant_cookie(lea.device)) as phone:
        await phone.receive()
        errors = []
        for raw in (
            "{not json",
            "[1, 2]",
            json.dumps({"id": "x1"}),
            json.dumps({"type": "room.events", "id": "x2", "data": {}}),
            json.dumps({"type": "idea.submit", "id": "x3", "data": "texte"}),
            json.dumps({"type": "idea.submit", "id": "x4", "data": {"text": 12}}),
            json.dumps({"type": "idea.submit", "id": "x5", "data": {"text": "a" * 17000}}),
            json.dumps({"type": "idea.submit", "id": "x6", "data": {"text": "a" * 501}}),
            json.dumps({"type": "idea.submit", "id": "x7", "data": {"text": "   "}}),
            json.dumps({"type": "idea.hide", "id": "x8", "data": {"idea": 1}}),
            json.dumps({"type": "idea.support", "id": "x9", "data": {"idea": 424242}}),
        ):
            await phone.ws.send_to(text_data=raw)
            frame = await phone.receive()
            errors.append((frame["type"], frame["id"], frame["code"]))
        await phone.ws.send_to(bytes_data=b"\x00\x01")
        binary = await phone.receive()
        still_works = await phone.request("idea.submit", {"text": "Toujours là"}, "ok")

    assert errors == [
        ("error", None, "protocol.bad_json"),
        ("error", None, "protocol.bad_frame"),
        ("error", "x1", "protocol.bad_frame"),
        ("error", "x2", "protocol.unknown_command"),
        ("error", "x3", "protocol.bad_frame"),
        ("error", "x4", "protocol.bad_frame"),
        ("error", None, "protocol.too_large"),
        ("error", "x6", "idea.too_long"),
        ("error", "x7", "idea.empty"),
        ("error", "x8", "auth.facilitator_only"),
        ("error", "x9", "idea.not_found"),
    ]
    assert binary["code"] == "protocol.bad_frame"
    assert still_works["type"] == "ack"
    assert await idea_texts(meeting) == ["Toujours là"]


async def test_error_messages_in_french_by_default_and_english_when_asked():
    meeting, (lea, *_) = await room()
    messages = {}
    for lang in ("", "en-GB,en;q=0.8"):
        async with screen(meeting.join_code, participant_cookie(lea.device), lang=lang) as phone:
            await phone.receive()
            frame = await phone.request("idea.submit", {"text": ""}, "e")
            messages[lang or "default"] = frame["message"]

    assert messages == {
        "default": "L'idée est vide : écrivez quelques mots.",
        "en-GB,en;q=0.8": "The idea is empty: write a few words.",
    }


async def test_retried_message_after_reconnect_is_applied_once():
    meeting, (lea, *_) = await room()
    cookie = participant_cookie(lea.device)
    async with screen(meeting.join_code, cookie) as phone:
        await phone.receive()
        first = await phone.request("idea.submit", {"text": "Une seule fois"}, "c-42")
    async with screen(meeting.join_code, cookie) as phone_again:
        snapshot = await phone_again.receive()
        retried = await phone_again.request("idea.submit", {"text": "Une seule fois"}, "c-42")

    assert retried == first
    assert await idea_texts(meeting) == ["Une seule fois"]
    assert [i["text"] for i in snapshot["data"]["ideas"]] == ["Une seule fois"]


async def test_premoderated_idea_never_reaches_other_phones_until_approved():
    meeting, (lea, karim, _) = await room(premoderation=True)
    async with (
        screen(meeting.join_code, participant_cookie(lea.device)) as author,
        screen(meeting.join_code, participant_cookie(karim.device)) as other,
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board,
    ):
        for s in (author, other, board):
            await s.receive()
        ack = await author.request("idea.submit", {"text": "Propos à vérifier"}, "p1")
        await board.until(lambda s: s.version >= ack["seq"], "the pending idea on the board")
        await other.until(lambda s: s.version >= ack["seq"], "the frame after the idea")
        other_saw_before = "Propos à vérifier" in json.dumps(other.frames, ensure_ascii=False)
        idea_id = ack["data"]["idea"]
        approved = await board.request("idea.approve", {"idea": idea_id}, "a1")
        for s in (other, board):
            await s.until(lambda s: s.version >= approved["seq"], "the approved idea")

    assert ack["data"]["state"] == "pending"
    assert board.ideas[idea_id]["state"] == "visible"
    assert other_saw_before is False
    assert other.texts() == ["Propos à vérifier"]


async def test_hidden_until_reveal_phones_see_only_their_own_until_reveal():
    meeting, (lea, karim, _) = await room(hidden_until_reveal=True)
    async with (
        screen(meeting.join_code, participant_cookie(lea.device)) as a,
        screen(meeting.join_code, participant_cookie(karim.device)) as b,
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board,
    ):
        for s in (a, b, board):
            await s.receive()
        await a.request("idea.submit", {"text": "Idée de Léa"}, "1")
        last = await b.request("idea.submit", {"text": "Idée de Karim"}, "1")
        for s in (a, b, board):
            await s.until(lambda s: s.version >= last["seq"], "both ideas")
        before = (a.texts(), b.texts(), board.texts())
        reveal = await board.request("meeting.reveal", {}, "r")
        for s in (a, b):
            await s.until(lambda s: s.version >= reveal["seq"], "the reveal")

    assert before == (["Idée de Léa"], ["Idée de Karim"], ["Idée de Karim", "Idée de Léa"])
    assert a.meeting["revealed"] is True
    assert [sorted(i["text"] for i in s.meeting["ideas"]) for s in (a, b)] == [
        ["Idée de Karim", "Idée de Léa"]
    ] * 2


async def test_facilitator_moves_phase_and_every_screen_shows_it():
    meeting, (lea, *_) = await room()
    async with (
        screen(meeting.join_code, participant_cookie(lea.device)) as phone,
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board,
    ):
        await phone.receive()
        await board.receive()
        ack = await board.request("meeting.advance", {}, "next")
        await phone.until(lambda s: s.version >= ack["seq"], "the new phase")
        refused = await phone.request("idea.submit", {"text": "Trop tard"}, "late")

    assert ack["data"] == {"phase": "review"}
    assert (phone.meeting["phase"], phone.meeting["phase_label"]) == ("review", "Idées closes")
    assert refused["code"] == "meeting.wrong_phase"
    assert refused["message"] == "Impossible pendant la phase « Idées closes »."


async def test_socket_without_joining_gets_error_then_close():
    meeting, _ = await room()
    async with screen(meeting.join_code, participant_cookie("never-joined")) as stranger:
        frame = await stranger.receive()
        closed = await stranger.ws.receive_output(timeout=TIMEOUT)

    assert (frame["type"], frame["code"]) == ("error", "auth.not_participant")
    assert closed == {"type": "websocket.close", "code": 4403}


async def test_forged_participant_cookie_is_not_trusted():
    meeting, (lea, *_) = await room()
    forged = f"{settings.PARTICIPANT_COOKIE_NAME}={lea.device}:forgedsignature"
    async with screen(meeting.join_code, forged) as stranger:
        frame = await stranger.receive()

    assert frame["code"] == "auth.not_participant"


async def test_unknown_join_code_gets_error():
    async with screen("ZZZZZZ") as stranger:
        frame = await stranger.receive()

    assert (frame["code"], frame["message"]) == (
        "meeting.not_found",
        "Aucune réunion avec ce code.",
    )


@pytest.mark.parametrize("origin", ["http://evil.example", ""])
async def test_foreign_or_missing_origin_is_refused(origin):
    meeting, (lea, *_) = await room()
    headers = [(b"host", b"127.0.0.1"), (b"cookie", participant_cookie(lea.device).encode())]
    if origin:
        headers.append((b"origin", origin.encode()))
    communicator = WebsocketCommunicator(application, f"/ws/room/{meeting.join_code}/", headers)

    connected, _ = await communicator.connect(timeout=TIMEOUT)

    assert connected is False


async def test_presence_counts_connected_phones_on_the_board():
    meeting, (lea, karim, _) = await room()
    async with screen(meeting.join_code, await login_cookie(meeting.owner)) as board:
        await board.receive()
        async with (
            screen(meeting.join_code, participant_cookie(lea.device)),
            screen(meeting.join_code, participant_cookie(karim.device)),
        ):
            await board.until(lambda s: s.online == 2, "two phones online")
        await board.until(lambda s: s.online == 0, "phones gone")


async def test_phones_are_not_sent_the_presence_count():
    """Only the screens that show it get `presence` frames: at 5,000 phones a count sent to every
    phone each second was 5,000 frames a second no phone displays (docs/protocol.md)."""
    meeting, (lea, karim, _) = await room()
    async with (
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board,
        screen(meeting.join_code, participant_cookie(lea.device)) as phone,
    ):
        await board.receive()
        await phone.receive()
        assert phone.online == 1  # the snapshot still says how many are connected
        async with screen(meeting.join_code, participant_cookie(karim.device)):
            await board.until(lambda s: s.online == 2, "two phones online")
            await phone.nothing_more()
        await board.until(lambda s: s.online == 1, "one phone gone")
        await phone.nothing_more()

    assert [f["type"] for f in phone.frames] == ["snapshot"]


async def test_burst_of_changes_is_coalesced_into_fewer_chained_frames():
    meeting, people = await room()
    phones = [participant_cookie(p.device) for p in people]
    async with screen(meeting.join_code, await login_cookie(meeting.owner)) as board:
        await board.receive()
        async with (
            screen(meeting.join_code, phones[0]) as a,
            screen(meeting.join_code, phones[1]) as b,
            screen(meeting.join_code, phones[2]) as c,
        ):
            for s in (a, b, c):
                await s.receive()
            for n in range(6):
                for s in (a, b, c):
                    await s.send("idea.submit", {"text": f"idée {n}"}, f"b{n}")
            for s in (a, b, c):
                await s.until(lambda s: sum(f["type"] == "ack" for f in s.frames) == 6, "six acks")
            await board.until(lambda s: len(s.ideas) == 18, "18 ideas on the board")

    deltas = [f for f in board.frames if f["type"] == "delta"]
    assert sum(len(f["events"]) for f in deltas) == 18
    assert len(deltas) < 18
    assert [f["from"] for f in deltas[1:]] == [f["upto"] for f in deltas[:-1]]
    assert deltas[-1]["upto"] == 18


async def test_snapshot_get_answers_with_the_request_id():
    meeting, (lea, *_) = await room()
    async with screen(meeting.join_code, participant_cookie(lea.device)) as phone:
        await phone.receive()
        await phone.send("snapshot.get", {}, "snap-1")
        frame = await phone.receive()

    assert (frame["type"], frame["id"], frame["data"]["me"]["role"]) == (
        "snapshot",
        "snap-1",
        "participant",
    )


async def test_flood_of_frames_is_rate_limited_without_closing():
    meeting, (lea, *_) = await room()
    async with screen(meeting.join_code, participant_cookie(lea.device)) as phone:
        await phone.receive()
        for n in range(60):
            await phone.send("nope", {}, f"f{n}")
        codes = [(await phone.receive())["code"] for _ in range(60)]

    assert codes.count("protocol.unknown_command") >= 30
    assert "protocol.rate_limited" in codes


async def test_a_phone_gets_its_snapshot_while_the_rooms_database_thread_is_busy():
    """A hall of phones joining must not queue behind the room's commits (issue 14): a phone's
    identification and snapshot are reads, made in a page thread, not in the database thread
    that runs the room's group commits (here held by a commit that waits)."""
    import asyncio
    import threading

    meeting, (lea, karim, _) = await room()
    release = threading.Event()
    async with screen(meeting.join_code, participant_cookie(lea.device)) as first:
        await first.receive()  # the room's relay started (it reads the sequence in that thread)
        busy = asyncio.ensure_future(database_sync_to_async(release.wait)(3 * TIMEOUT))
        try:
            async with screen(meeting.join_code, participant_cookie(karim.device)) as phone:
                frame = await phone.receive()
            still_busy = not busy.done()
        finally:
            release.set()
            await busy

    assert frame["type"] == "snapshot"
    assert frame["data"]["me"]["name"] == "Karim"
    assert still_busy
