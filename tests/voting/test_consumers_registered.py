"""Over the room socket: a vote for registered participants (personal links)."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from deliberation.enums import RoomPhase
from deliberation.models import Participant
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
