"""The room commands of votes: rows of the command table (rooms/commands.py), registered when
the app is ready. The reference for clients is docs/protocol.md ("Votes")."""

from __future__ import annotations

from rooms.commands import Command, Role, opt, req
from rooms.enums import RoomPhase

from . import selectors, services

FACILITATOR = Role.FACILITATOR
VOTE = req("vote", int, "vote_id")
VOTING = frozenset({RoomPhase.VOTE})
BALLOT_SHAPES = (dict, list, str)

COMMANDS = (
    Command(
        "vote.create",
        services.vote_create,
        (
            req("method", str),
            opt("title", str, ""),
            opt("options", list, []),
            opt("settings", dict, {}),
            opt("reveal", str, "live"),
            opt("registered_only", bool, False),
            opt("open", bool, False, "open_now"),
        ),
        FACILITATOR,
    ),
    Command("vote.open", services.vote_open, (VOTE,), FACILITATOR),
    Command("vote.close", services.vote_close, (VOTE, opt("publish", bool, True)), FACILITATOR),
    Command("vote.reveal", services.vote_reveal, (VOTE,), FACILITATOR),
    Command(
        "vote.paper_count",
        services.paper_count_add,
        (
            VOTE,
            req("source", str),
            opt("counts", dict),
            opt("ballots", list),
            opt("note", str, ""),
        ),
        FACILITATOR,
    ),
    Command(
        "vote.paper_remove",
        services.paper_count_remove,
        (VOTE, req("paper", int, "paper_id")),
        FACILITATOR,
    ),
    # A read, answered in the ack: facilitators always, participants once revealed.
    Command("vote.results", selectors.vote_results_for, (VOTE,), Role.ANYONE, read=True),
    # A room votes at once: ballots join the room's group commit.
    Command(
        "ballot.cast",
        services.ballot_cast,
        (VOTE, req("ballot", BALLOT_SHAPES)),
        phases=VOTING,
        batched=True,
    ),
    Command("ballot.withdraw", services.ballot_withdraw, (VOTE,), phases=VOTING),
)
