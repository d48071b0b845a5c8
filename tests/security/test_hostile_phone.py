"""A hostile phone cannot make other phones' commands fail (issue 10, items 1 and 7).

What a database cannot store (lone surrogates, NUL, integers beyond 64 bits) is refused at the
protocol edge with a clear error, the socket stays usable; and whatever slips through fails its
own command only: the rest of the group commit is stored and acknowledged.
"""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from channels.db import database_sync_to_async

from consumers.batcher import RoomBatcher
from deliberation import services
from deliberation.models import Idea
from tests.consumers.test_room import idea_texts, participant_cookie, room, screen
from tests.factories import make_participant, participant_actor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

# Raw frames as a hostile phone writes them: JSON escapes that decode to what no database stores.
POISONED_FRAMES = [
    ('{"type":"idea.submit","id":"p1","data":{"text":"x\\ud800"}}', "p1"),
    ('{"type":"idea.submit","id":"p2","data":{"text":"x\\u0000y"}}', "p2"),
    ('{"type":"idea.submit","id":"p3","data":{"text":"ok","title":"\\udfff"}}', "p3"),
    ('{"type":"idea.submit","id":"p4","data":{"text":"ok","\\ud800":1}}', "p4"),
    ('{"type":"idea.support","id":"p5","data":{"idea":1000000000000000000000000000000}}', "p5"),
    ('{"type":"idea.support","id":"p6","data":{"idea":-9223372036854775809}}', "p6"),
    ('{"type":"idea.support","id":"p7","data":{"idea":1e30}}', "p7"),
    ('{"type":"idea.submit","id":"p\\u0000","data":{"text":"ok"}}', None),
    ('{"type":"idea.submit","id":"\\ud800","data":{"text":"ok"}}', None),
    ('{"type":"idea.submit","id":123456789012345678901234567890,"data":{"text":"ok"}}', None),
    ('{"type":"idea.\\ud800","id":"p8","data":{}}', "p8"),
    ('{"type":"idea\\u0000submit","id":"p9","data":{"text":"ok"}}', "p9"),
]


async def test_unstorable_values_get_a_clear_error_and_the_socket_stays_usable():
    meeting, (lea, *_) = await room()
    async with screen(meeting.join_code, participant_cookie(lea.device)) as phone:
        await phone.receive()
        replies = []
        for raw, _expected_id in POISONED_FRAMES:
            await phone.ws.send_to(text_data=raw)
            reply = await phone.receive()
            while reply["type"] not in {"ack", "error"}:  # presence, deltas: not replies
                reply = await phone.receive()
            replies.append(reply)
        still_works = await phone.request("idea.submit", {"text": "Toujours là"}, "ok")

    assert [(r["type"], r["id"], r["code"]) for r in replies] == [
        ("error", expected_id, "protocol.bad_frame") for _raw, expected_id in POISONED_FRAMES
    ]
    # A float where an idea id goes is a malformed field; everything else cannot be stored.
    assert all(
        r["message"].startswith("Message illisible")
        for r, (raw, _id) in zip(replies, POISONED_FRAMES, strict=True)
        if "1e30" not in raw
    )
    assert still_works["type"] == "ack"
    assert await idea_texts(meeting) == ["Toujours là"]


@database_sync_to_async
def _actors(meeting, count: int) -> list:
    return [participant_actor(make_participant(meeting, f"P{n}")) for n in range(count)]


async def test_one_poisoned_command_in_a_group_commit_fails_alone(caplog):
    meeting, _people = await room()
    actors = await _actors(meeting, 21)
    batcher = RoomBatcher.for_room(meeting.pk)

    def submit(n: int, client_id: str):
        return batcher.submit(
            services.idea_submit,
            meeting_id=meeting.pk,
            actor=actors[n],
            client_id=client_id,
            text=f"Idée numéro {n}",
            title="",
            kind=None,
        )

    # Past the protocol edge (as a bug elsewhere could let it through): a message id no database
    # stores, which fails the batch's lookup of retried commands, before any command runs.
    calls = [submit(n, f"c{n}") for n in range(20)]
    calls.insert(7, submit(20, "c\ud800"))
    with caplog.at_level(logging.ERROR):
        results = await asyncio.gather(*calls, return_exceptions=True)

    failed = [r for r in results if isinstance(r, BaseException)]
    acked = [r for r in results if not isinstance(r, BaseException)]
    assert len(acked) == 20
    assert len(failed) == 1
    assert results[7] is failed[0]
    assert sorted(r["seq"] for r in acked) == sorted({r["seq"] for r in acked})
    stored = await database_sync_to_async(
        lambda: sorted(Idea.objects.filter(meeting=meeting).values_list("text", flat=True))
    )()
    assert stored == sorted(f"Idée numéro {n}" for n in range(20))
    tracebacks = [r for r in caplog.records if r.exc_info and r.name.startswith("consumers")]
    assert len(tracebacks) == 1


async def test_poisoned_command_among_phones_leaves_their_acks_and_screens_intact():
    meeting, (lea, karim, sam) = await room()
    async with (
        screen(meeting.join_code, participant_cookie(lea.device)) as hostile,
        screen(meeting.join_code, participant_cookie(karim.device)) as phone,
        screen(meeting.join_code, participant_cookie(sam.device)) as other,
    ):
        for ws in (hostile, phone, other):
            await ws.receive()
        await hostile.ws.send_to(text_data=POISONED_FRAMES[0][0])
        reply = await phone.request("idea.submit", {"text": "Un banc au parc"}, "k1")
        await other.until(lambda s: "Un banc au parc" in s.texts(), "the idea on another phone")
        await hostile.until(lambda s: any(f.get("id") == "p1" for f in s.frames), "the refusal")
        refused = next(f for f in hostile.frames if f.get("id") == "p1")

    assert reply["type"] == "ack"
    assert refused["code"] == "protocol.bad_frame"
    assert json.dumps(refused)  # the reply itself is valid JSON text (no lone surrogate echoed)
