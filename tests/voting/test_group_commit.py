"""Ballots in a group commit (rooms/runner.py ``run_batch``): one read of the vote and its
voters, one upsert of the ballots, one count of the live results, carried by the last event."""

from __future__ import annotations

import pytest

from rooms.errors import DomainError
from rooms.models import ClientCommand
from rooms.runner import run_batch
from tests.factories import participant_actor
from voting import selectors, services
from voting.models import Ballot, Vote

from .test_services import cast, create, dots, opt

pytestmark = pytest.mark.django_db


def _cast_call(meeting, person, vote, ballot, client_id):
    return (
        services.ballot_cast,
        {
            "meeting_id": meeting.pk,
            "actor": participant_actor(person),
            "client_id": client_id,
            "vote_id": vote.pk,
            "ballot": ballot,
        },
    )


def test_ballots_of_one_batch_are_counted_once_and_the_last_event_carries_it(
    room, django_capture_on_commit_callbacks
):
    meeting, people = room
    vote = create(meeting, settings={"dots": 2, "max_per_option": 2})
    first, second, third = opt(vote)
    ballots = [dots(vote, 2, 0, 0), dots(vote, 1, 1, 0), dots(vote, 0, 0, 2)]
    calls = [
        (
            services.ballot_cast,
            {
                "meeting_id": meeting.pk,
                "actor": participant_actor(person),
                "client_id": f"b{n}",
                "vote_id": vote.pk,
                "ballot": ballot,
            },
        )
        for n, (person, ballot) in enumerate(zip(people, ballots, strict=True))
    ]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        results = run_batch(meeting_id=meeting.pk, calls=calls)

    assert all(not isinstance(r, DomainError) for r in results)
    events = [e for cb in callbacks if hasattr(cb, "events") for e in cb.events]
    assert [e["type"] for e in events] == ["vote.changed"] * 3
    assert ["results" in e["mod"] for e in events] == [False, False, True]
    assert [e["mod"]["turnout"]["ballots"] for e in events] == [1, 2, 3]
    totals = events[-1]["mod"]["results"]["tally"]["totals"]
    assert {int(k): v for k, v in totals.items()} == {first: 3, second: 1, third: 2}
    assert events[-1]["mod"]["results"] == selectors.compute_results(Vote.objects.get(pk=vote.pk))


def test_a_batch_counts_each_voter_once_and_stores_their_last_ballot(
    room, django_capture_on_commit_callbacks
):
    meeting, (lea, karim, ines) = room
    vote = create(meeting, settings={"dots": 2, "max_per_option": 2})
    cast(meeting, karim, vote, dots(vote, 2, 0, 0))  # Karim voted before the batch
    calls = [
        _cast_call(meeting, lea, vote, dots(vote, 1, 1, 0), "l1"),
        _cast_call(meeting, lea, vote, dots(vote, 0, 0, 2), "l2"),  # Léa changes her mind
        _cast_call(meeting, karim, vote, dots(vote, 0, 1, 1), "k1"),  # Karim revises his
        _cast_call(meeting, ines, vote, dots(vote, 0, 3, 0), "i1"),  # too many on one option
        _cast_call(meeting, ines, vote, dots(vote, 0, 2, 0), "i2"),
        _cast_call(meeting, lea, vote, dots(vote, 1, 1, 0), "l1"),  # l1 again: its first reply
    ]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        results = run_batch(meeting_id=meeting.pk, calls=calls)

    codes = [r.code if isinstance(r, DomainError) else "ok" for r in results]
    assert codes == ["ok", "ok", "ok", "ballot.too_many_dots_on_option", "ok", "ok"]
    assert results[5] == results[0]
    events = [e for cb in callbacks if hasattr(cb, "events") for e in cb.events]
    assert [e["mod"]["turnout"]["ballots"] for e in events] == [2, 2, 2, 3]
    first, second, third = opt(vote)
    stored = {b.participant_id: b.content for b in Ballot.objects.filter(vote=vote)}
    assert stored == {
        lea.pk: {str(third): 2},
        karim.pk: {str(second): 1, str(third): 1},
        ines.pk: {str(second): 2},
    }
    assert selectors.turnout(vote)["ballots"] == 3
    assert ClientCommand.objects.filter(client_id__in=["l1", "l2", "k1", "i2"]).count() == 4
