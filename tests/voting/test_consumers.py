"""Votes over the room socket: acks after commit, turnout on the board, secrecy between phones."""

from __future__ import annotations

from typing import Any

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from django.db import connections

from rooms.enums import RoomPhase
from tests.consumers.test_room import Screen, login_cookie, participant_cookie, room, screen
from voting.models import Ballot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest_asyncio.fixture(autouse=True)
async def _close_worker_connections():
    """Close the database thread's connection (CONN_MAX_AGE keeps it open otherwise), so that
    PostgreSQL can drop the test database at the end of the run."""
    yield
    await database_sync_to_async(connections.close_all)()


class VoteScreen:
    """Keeps the votes of a room screen as a client would: snapshot, then merge by id."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self.votes: dict[int, dict[str, Any]] = {}
        self.vote_events: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        frame = await self.screen.receive()
        if frame["type"] == "snapshot":
            self.votes = {v["id"]: v for v in frame["data"]["votes"]}
        elif frame["type"] == "delta":
            for event in frame["events"]:
                if event["type"] == "vote.changed":
                    self.vote_events.append(event["data"])
                    vote = self.votes.setdefault(event["data"]["id"], {})
                    vote.update(event["data"])
        return frame

    async def request(self, kind: str, data: dict, msg_id: str) -> dict[str, Any]:
        await self.screen.send(kind, data, msg_id)
        while True:
            frame = await self.receive()
            if frame["type"] in {"ack", "error"} and frame.get("id") == msg_id:
                return frame

    async def until_version(self, seq: int) -> None:
        while self.screen.version < seq:
            await self.receive()


@database_sync_to_async
def stored_ballots(vote_id: int) -> list[Any]:
    return list(Ballot.objects.filter(vote_id=vote_id).values_list("content", flat=True))


async def open_vote(board: VoteScreen, **data: Any) -> tuple[int, list[int], int]:
    reply = await board.request(
        "vote.create",
        {
            "method": "dots",
            "title": "Nos priorités",
            "options": [{"label": "Pistes cyclables"}, {"label": "Bancs"}, {"theme": "Ombre"}],
            "settings": {"max_dots": 3, "max_per_option": 2},
            "open": True,
            **data,
        },
        "create",
    )
    assert reply["type"] == "ack", reply
    return reply["data"]["vote"], reply["data"]["options"], reply["seq"]


async def test_ballot_cast_acked_after_commit_and_board_sees_turnout():
    meeting, (lea, karim, _anon) = await room(phase=RoomPhase.VOTE)
    async with (
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board_socket,
        screen(meeting.join_code, participant_cookie(lea.device)) as phone_socket,
    ):
        board, phone = VoteScreen(board_socket), VoteScreen(phone_socket)
        for s in (board, phone):
            await s.receive()  # snapshot
        vote_id, (a, b, _c), seq = await open_vote(board)
        await phone.until_version(seq)

        ack = await phone.request("ballot.cast", {"vote": vote_id, "ballot": {str(a): 2}}, "b1")
        on_disk = await stored_ballots(vote_id)  # committed before the ack
        revised = await phone.request(
            "ballot.cast", {"vote": vote_id, "ballot": {str(a): 1, str(b): 2}}, "b2"
        )
        await board.until_version(revised["seq"])
        await phone.until_version(revised["seq"])

    assert ack["type"] == "ack"
    assert ack["data"] == {"vote": vote_id, "counted": True, "ballot": {str(a): 2}}
    assert on_disk == [{str(a): 2}]
    assert board.votes[vote_id]["turnout"] == {"ballots": 1, "eligible": 3, "paper": 0}
    assert board.votes[vote_id]["results"]["tally"]["totals"][str(b)] == 2
    assert phone.votes[vote_id]["my_ballot"] == {str(a): 1, str(b): 2}
    assert phone.votes[vote_id]["options"][2]["label"] == "Ombre"


async def test_other_phone_never_receives_someone_elses_ballot():
    meeting, (lea, karim, _anon) = await room(phase=RoomPhase.VOTE)
    async with (
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board_socket,
        screen(meeting.join_code, participant_cookie(lea.device)) as voter_socket,
        screen(meeting.join_code, participant_cookie(karim.device)) as other_socket,
    ):
        board, voter, other = (
            VoteScreen(board_socket),
            VoteScreen(voter_socket),
            VoteScreen(other_socket),
        )
        for s in (board, voter, other):
            await s.receive()
        vote_id, (a, _b, _c), _seq = await open_vote(board)
        ack = await voter.request("ballot.cast", {"vote": vote_id, "ballot": {str(a): 2}}, "b1")
        for s in (board, voter, other):
            await s.until_version(ack["seq"])

    assert voter.votes[vote_id]["my_ballot"] == {str(a): 2}
    assert other.votes[vote_id]["turnout"]["ballots"] == 1
    assert "my_ballot" not in other.votes[vote_id]
    assert [e for e in other.vote_events if "my_ballot" in e] == []
    assert [e for e in board.vote_events if "my_ballot" in e] == []


async def test_results_hidden_from_phones_until_reveal():
    meeting, (lea, karim, _anon) = await room(phase=RoomPhase.VOTE)
    async with (
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board_socket,
        screen(meeting.join_code, participant_cookie(lea.device)) as phone_socket,
    ):
        board, phone = VoteScreen(board_socket), VoteScreen(phone_socket)
        for s in (board, phone):
            await s.receive()
        vote_id, (a, _b, _c), _seq = await open_vote(board, reveal="at_close")
        cast = await phone.request("ballot.cast", {"vote": vote_id, "ballot": {str(a): 1}}, "b1")
        await board.until_version(cast["seq"])
        ask = await phone.request("vote.results", {"vote": vote_id}, "r1")
        hidden = dict(phone.votes[vote_id])

        closed = await board.request("vote.close", {"vote": vote_id}, "close")
        await phone.until_version(closed["seq"])
        await board.until_version(closed["seq"])  # at_close: the board too sees it at the close

    assert hidden["results"] is None
    assert board.votes[vote_id]["results"]["tally"]["ballot_count"] == 1
    assert (ask["type"], ask["code"]) == ("error", "vote.results_hidden")
    assert phone.votes[vote_id]["state"] == "published"
    assert phone.votes[vote_id]["results"]["tally"]["totals"][str(a)] == 1


async def test_vote_commands_shape_and_rule_errors():
    meeting, (lea, *_rest) = await room(phase=RoomPhase.VOTE)
    async with (
        screen(meeting.join_code, await login_cookie(meeting.owner)) as board_socket,
        screen(meeting.join_code, participant_cookie(lea.device)) as phone_socket,
    ):
        board, phone = VoteScreen(board_socket), VoteScreen(phone_socket)
        for s in (board, phone):
            await s.receive()
        vote_id, (a, _b, _c), _seq = await open_vote(board)
        errors = []
        for kind, data in (
            ("ballot.cast", {"ballot": {}}),
            ("ballot.cast", {"vote": vote_id, "ballot": 3}),
            ("ballot.cast", {"vote": vote_id, "ballot": {str(a): 3}}),
            ("ballot.cast", {"vote": 424242, "ballot": {}}),
            ("vote.create", {"method": "dots", "options": [{"label": "A"}]}),
            ("vote.close", {"vote": vote_id}),
        ):
            frame = await phone.request(kind, data, f"e{len(errors)}")
            errors.append((frame["type"], frame["code"]))
        empty = await board.request("vote.create", {"method": "dots", "options": []}, "e-board")

    assert errors == [
        ("error", "protocol.bad_frame"),
        ("error", "protocol.bad_frame"),
        ("error", "ballot.too_many_dots_on_option"),
        ("error", "vote.not_found"),
        ("error", "auth.facilitator_only"),
        ("error", "auth.facilitator_only"),
    ]
    assert (empty["type"], empty["code"]) == ("error", "vote.no_options")
    assert await stored_ballots(vote_id) == []
