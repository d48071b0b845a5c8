"""Issue 10 item 3, seen on the board: when a ticket is cancelled during an open
registered-only vote, its ballot is withdrawn and the projected turnout drops at once."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from events import services as event_services
from events.models import Registration
from rooms.enums import RoomPhase
from rooms.models import Meeting, Participant
from tests.consumers.test_room import login_cookie, participant_cookie, room, screen
from tests.factories_events import make_event, make_organization, make_session
from tests.voting.test_consumers import VoteScreen, open_vote, stored_ballots
from voting import passes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@database_sync_to_async
def ticket_for(meeting: Meeting, participant: Participant) -> Registration:
    """Awa registers for the meeting's session, is checked in, and joins with her ticket."""
    organizer = meeting.owner
    session = make_session(make_event(make_organization(organizer)), capacity=10)
    Meeting.objects.filter(pk=meeting.pk).update(session=session)
    meeting.refresh_from_db()
    assert meeting.owner == organizer  # loaded again here, outside the event loop
    registration = event_services.registration_create(
        session=session, name="Awa", email="awa@example.org"
    )
    event_services.registration_check_in(user=organizer, checkin_token=registration.checkin_token)
    passes.join_with_pass(
        meeting=meeting,
        device=participant.device,
        display_name="Awa",
        voter_pass=passes.ticket_pass(meeting, registration.checkin_token),
    )
    return registration


async def test_cancelled_ticket_ballot_leaves_the_board_turnout():
    meeting, (_lea, karim, _anon) = await room(phase=RoomPhase.VOTE)
    registration = await ticket_for(meeting, karim)
    async with (
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board_socket,
        screen(meeting.join_code, participant_cookie(karim.device)) as phone_socket,
    ):
        board, phone = VoteScreen(board_socket), VoteScreen(phone_socket)
        for s in (board, phone):
            await s.receive()  # snapshot
        vote_id, (a, _b, _c), seq = await open_vote(board, registered_only=True)
        await phone.until_version(seq)
        ack = await phone.request("ballot.cast", {"vote": vote_id, "ballot": {str(a): 1}}, "b1")
        await board.until_version(ack["seq"])
        before = dict(board.votes[vote_id]["turnout"])

        await database_sync_to_async(event_services.registration_cancel)(registration=registration)
        while board.votes[vote_id]["turnout"]["ballots"] != 0:
            await board.receive()
        again = await phone.request("ballot.cast", {"vote": vote_id, "ballot": {str(a): 1}}, "b2")

    assert ack["type"] == "ack"
    assert before == {"ballots": 1, "eligible": 1, "paper": 0}
    assert board.votes[vote_id]["turnout"]["ballots"] == 0
    assert await stored_ballots(vote_id) == []
    assert (again["type"], again["code"]) == ("error", "vote.registration_required")
