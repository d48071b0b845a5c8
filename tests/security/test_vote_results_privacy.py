"""Issue 10, item 10: an `at_close` vote shows turnout only, on every screen, until it closes.

"Results at close" is a promise to the room: nobody, the facilitator included, watches the
count move while people vote (in a small room, a change after one person's ballot tells how
that person voted). The facilitator's screen used to get live results after each ballot.
Until the close (or an explicit `vote.reveal`), every frame carries the turnout only.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from django.db import connections

from rooms.enums import RoomPhase
from rooms.errors import DomainError
from rooms.runner import run_batch
from rooms.snapshot import board_snapshot
from tests.consumers.test_room import login_cookie, participant_cookie, room, screen
from tests.factories import facilitator_actor, make_meeting, make_participant, participant_actor
from tests.voting.test_consumers import VoteScreen, open_vote
from voting import selectors, services
from voting.models import Vote


def results_in(frames: Any) -> list[Any]:
    """Every non-empty `results` anywhere in `frames`."""
    found = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("results"):
                found.append(value["results"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(frames)
    return found


# --- services -------------------------------------------------------------------------------------


@pytest.fixture
def at_close_vote(db):
    meeting = make_meeting(phase=RoomPhase.VOTE)
    people = [make_participant(meeting, n) for n in ("Léa", "Karim", "Inès")]
    reply = services.vote_create(
        meeting_id=meeting.pk,
        actor=facilitator_actor(meeting),
        client_id=None,
        method="dots",
        options=[{"label": "Pistes cyclables"}, {"label": "Bancs"}],
        reveal="at_close",
        open_now=True,
    )
    return meeting, people, Vote.objects.get(pk=reply["data"]["vote"])


def ballot_call(meeting, person, vote, n: int):
    first = vote.options.values_list("pk", flat=True)[0]
    data = {"meeting_id": meeting.pk, "actor": participant_actor(person), "client_id": f"b{n}"}
    return services.ballot_cast, {**data, "vote_id": vote.pk, "ballot": {str(first): 1}}


def events_of(callbacks) -> list[dict]:
    found = []
    for cb in callbacks:
        found += getattr(cb, "events", None) or ([cb.event] if hasattr(cb, "event") else [])
    return found


def test_ballot_events_carry_turnout_only_for_the_facilitator_too(
    at_close_vote, django_capture_on_commit_callbacks
):
    meeting, (lea, karim, ines), vote = at_close_vote
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        service, kwargs = ballot_call(meeting, lea, vote, 0)
        service(**kwargs)
        run_batch(
            meeting_id=meeting.pk,
            calls=[ballot_call(meeting, p, vote, n) for n, p in enumerate((karim, ines), 1)],
        )
        services.paper_count_add(
            meeting_id=meeting.pk,
            actor=facilitator_actor(meeting),
            client_id=None,
            vote_id=vote.pk,
            source="hands",
            counts={str(vote.options.values_list("pk", flat=True)[1]): 4},
        )

    events = events_of(callbacks)
    assert len(events) == 4
    assert [e["mod"]["turnout"]["ballots"] for e in events] == [1, 2, 3, 3]
    assert results_in([e["mod"] for e in events]) == []
    assert results_in([e["public"] for e in events]) == []


def test_facilitator_snapshot_and_results_read_hide_the_count_until_close(at_close_vote):
    meeting, (lea, *_), vote = at_close_vote
    service, kwargs = ballot_call(meeting, lea, vote, 0)
    service(**kwargs)
    board = facilitator_actor(meeting)

    (seen,) = board_snapshot(meeting.pk, board)["votes"]
    with pytest.raises(DomainError) as refused:
        selectors.vote_results_for(meeting_id=meeting.pk, actor=board, vote_id=vote.pk)

    assert seen["results"] is None
    assert seen["turnout"]["ballots"] == 1
    assert refused.value.code == "vote.results_hidden"


def test_the_close_brings_the_result_to_every_screen(
    at_close_vote, django_capture_on_commit_callbacks
):
    meeting, (lea, *_), vote = at_close_vote
    service, kwargs = ballot_call(meeting, lea, vote, 0)
    service(**kwargs)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.vote_close(
            meeting_id=meeting.pk,
            actor=facilitator_actor(meeting),
            client_id=None,
            vote_id=vote.pk,
            publish=False,
        )

    (closed,) = events_of(callbacks)
    assert closed["mod"]["results"]["tally"]["ballot_count"] == 1  # the facilitator first
    assert closed["public"]["results"] is None  # the room once published
    board_view = board_snapshot(meeting.pk, facilitator_actor(meeting))["votes"]
    assert board_view[0]["results"]["tally"]["ballot_count"] == 1


def test_an_early_reveal_shows_live_results_to_everyone_alike(
    at_close_vote, django_capture_on_commit_callbacks
):
    meeting, (lea, *_), vote = at_close_vote
    services.vote_reveal(
        meeting_id=meeting.pk, actor=facilitator_actor(meeting), client_id=None, vote_id=vote.pk
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        service, kwargs = ballot_call(meeting, lea, vote, 0)
        service(**kwargs)

    (cast,) = events_of(callbacks)
    assert cast["mod"]["results"] == cast["public"]["results"]
    assert cast["mod"]["results"]["tally"]["ballot_count"] == 1


def test_a_live_vote_still_shows_live_results(db, django_capture_on_commit_callbacks):
    meeting = make_meeting(phase=RoomPhase.VOTE)
    lea = make_participant(meeting, "Léa")
    reply = services.vote_create(
        meeting_id=meeting.pk,
        actor=facilitator_actor(meeting),
        client_id=None,
        method="dots",
        options=[{"label": "A"}, {"label": "B"}],
        open_now=True,
    )
    vote = Vote.objects.get(pk=reply["data"]["vote"])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        service, kwargs = ballot_call(meeting, lea, vote, 0)
        service(**kwargs)

    (cast,) = events_of(callbacks)
    assert cast["mod"]["results"]["tally"]["ballot_count"] == 1


# --- over the socket ------------------------------------------------------------------------------


@pytest_asyncio.fixture
async def _close_worker_connections():
    yield
    await database_sync_to_async(connections.close_all)()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_close_worker_connections")
async def test_the_facilitators_socket_gets_no_result_before_the_close():
    meeting, (lea, karim, _ines) = await room(phase=RoomPhase.VOTE)
    async with (
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board_socket,
        screen(meeting.join_code, participant_cookie(lea.device)) as lea_socket,
        screen(meeting.join_code, participant_cookie(karim.device)) as karim_socket,
    ):
        board, lea_phone, karim_phone = (
            VoteScreen(s) for s in (board_socket, lea_socket, karim_socket)
        )
        for s in (board, lea_phone, karim_phone):
            await s.receive()
        vote_id, (a, b), _seq = await open_vote(
            board, reveal="at_close", options=[{"label": "A"}, {"label": "B"}]
        )
        first = await lea_phone.request(
            "ballot.cast", {"vote": vote_id, "ballot": {str(a): 1}}, "l"
        )
        second = await karim_phone.request(
            "ballot.cast", {"vote": vote_id, "ballot": {str(b): 2}}, "k"
        )
        await board.until_version(max(first["seq"], second["seq"]))
        asked = await board.request("vote.results", {"vote": vote_id}, "peek")
        before_close = json.loads(json.dumps(board_socket.frames))
        turnout_before_close = board.votes[vote_id]["turnout"]["ballots"]

        closed = await board.request("vote.close", {"vote": vote_id}, "close")
        await board.until_version(closed["seq"])

    assert turnout_before_close == 2
    assert results_in(before_close) == []
    assert (asked["type"], asked["code"]) == ("error", "vote.results_hidden")
    assert board.votes[vote_id]["results"]["tally"]["totals"] == {str(a): 1, str(b): 2}
