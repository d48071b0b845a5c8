"""Over the room socket: a vote for registered participants (personal links), and live results
refreshed with `vote.results` above VOTE_LIVE_RESULTS_MAX_BALLOTS."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.test import override_settings

from rooms.enums import RoomPhase
from rooms.models import Participant
from tests.consumers.test_room import login_cookie, participant_cookie, room, screen
from voting import passes

from .test_consumers import VoteScreen, open_vote, stored_ballots

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@database_sync_to_async
def register_with_link(participant: Participant) -> None:
    """The participant's phone opens a personal link (as the HTTP join flow does)."""
    (link,) = passes.links_create(meeting=participant.meeting, names=["Karim"])
    passes.join_with_pass(
        meeting=participant.meeting,
        device=participant.device,
        display_name=participant.display_name,
        voter_pass=link,
    )


async def fresh_snapshot(s: VoteScreen) -> None:
    """Ask for a snapshot (what phone-votes.js does for a vote that came by an event)."""
    await s.screen.send("snapshot.get", {}, "snap")
    while (frame := await s.receive())["type"] != "snapshot" or frame.get("id") != "snap":
        pass


async def test_registered_only_vote_acks_registered_phone_and_refuses_the_others():
    meeting, (lea, karim, _anon) = await room(phase=RoomPhase.VOTE)
    await register_with_link(karim)
    async with (
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board_socket,
        screen(meeting.join_code, participant_cookie(karim.device)) as karim_socket,
        screen(meeting.join_code, participant_cookie(lea.device)) as lea_socket,
    ):
        board, registered, other = (
            VoteScreen(board_socket),
            VoteScreen(karim_socket),
            VoteScreen(lea_socket),
        )
        for s in (board, registered, other):
            await s.receive()  # snapshot
        vote_id, (a, _b, _c), _seq = await open_vote(board, registered_only=True)
        for s in (registered, other):
            await fresh_snapshot(s)  # the phones learn may_vote

        ballot = {"vote": vote_id, "ballot": {str(a): 1}}
        ack = await registered.request("ballot.cast", ballot, "b1")
        refused = await other.request("ballot.cast", ballot, "b2")
        await board.until_version(ack["seq"])

    assert registered.votes[vote_id]["may_vote"] is True
    assert other.votes[vote_id]["may_vote"] is False
    assert other.votes[vote_id]["registered_only"] is True
    assert ack["type"] == "ack"
    assert ack["data"] == {"vote": vote_id, "counted": True, "ballot": {str(a): 1}}
    assert refused["type"] == "error"
    assert refused["code"] == "vote.registration_required"
    assert refused["message"] == (
        "Ce vote est réservé aux personnes venues avec un lien personnel ou un billet."
    )
    assert board.votes[vote_id]["turnout"] == {"ballots": 1, "eligible": 1, "paper": 0}
    assert await stored_ballots(vote_id) == [{str(a): 1}]


async def test_registration_error_in_english():
    meeting, (lea, *_rest) = await room(phase=RoomPhase.VOTE)
    async with (
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board_socket,
        screen(meeting.join_code, participant_cookie(lea.device), lang="en") as lea_socket,
    ):
        board, phone = VoteScreen(board_socket), VoteScreen(lea_socket)
        for s in (board, phone):
            await s.receive()
        vote_id, (a, _b, _c), seq = await open_vote(board, registered_only=True)
        await phone.until_version(seq)
        refused = await phone.request("ballot.cast", {"vote": vote_id, "ballot": {str(a): 1}}, "b")

    assert refused["code"] == "vote.registration_required"
    assert refused["message"] == (
        "This vote is reserved for people who came with a personal link or a ticket."
    )


async def test_vote_results_brings_live_results_above_the_event_limit():
    meeting, (lea, karim, _anon) = await room(phase=RoomPhase.VOTE)
    with override_settings(VOTE_LIVE_RESULTS_MAX_BALLOTS=1):
        async with (
            screen(meeting.join_code, await login_cookie(meeting.owner)) as board_socket,
            screen(meeting.join_code, participant_cookie(lea.device)) as lea_socket,
            screen(meeting.join_code, participant_cookie(karim.device)) as karim_socket,
        ):
            board, lea_phone, karim_phone = (
                VoteScreen(board_socket),
                VoteScreen(lea_socket),
                VoteScreen(karim_socket),
            )
            for s in (board, lea_phone, karim_phone):
                await s.receive()
            vote_id, (a, b, _c), _seq = await open_vote(board)  # reveal "live" by default
            first = await lea_phone.request(
                "ballot.cast", {"vote": vote_id, "ballot": {str(a): 2}}, "b1"
            )
            await board.until_version(first["seq"])
            after_first = dict(board.vote_events[-1])
            second = await karim_phone.request(
                "ballot.cast", {"vote": vote_id, "ballot": {str(b): 1}}, "b2"
            )
            await board.until_version(second["seq"])
            await lea_phone.until_version(second["seq"])
            after_second = dict(board.vote_events[-1])
            phone_event = dict(lea_phone.vote_events[-1])

            board_read = await board.request("vote.results", {"vote": vote_id}, "r1")
            phone_read = await lea_phone.request("vote.results", {"vote": vote_id}, "r2")

            closed = await board.request("vote.close", {"vote": vote_id}, "close")
            await board.until_version(closed["seq"])
            frozen = await board.request("vote.results", {"vote": vote_id}, "r3")

    totals = {str(a): 2, str(b): 1}
    # Up to the limit, the ballot event carries recounted results; above it, only the turnout.
    assert after_first["results"]["tally"]["totals"][str(a)] == 2
    assert sorted(after_second) == ["id", "turnout"]
    assert after_second["turnout"]["ballots"] == 2
    assert "results" not in phone_event
    # vote.results is a read (seq null) with the results of every ballot so far.
    assert (board_read["type"], board_read["seq"]) == ("ack", None)
    assert board_read["data"]["id"] == vote_id
    assert board_read["data"]["turnout"]["ballots"] == 2
    assert {k: v for k, v in board_read["data"]["results"]["tally"]["totals"].items() if v} == (
        totals
    )
    assert phone_read["type"] == "ack"
    assert (
        phone_read["data"]["results"]["tally"]["totals"]
        == (board_read["data"]["results"]["tally"]["totals"])
    )
    assert frozen["data"]["results"] == board.votes[vote_id]["results"]
    assert board.votes[vote_id]["state"] == "published"
