"""`ideas.approve`: a debrief column's "Tout approuver" in one change."""

from __future__ import annotations

import pytest

from deliberation import services
from deliberation.enums import IdeaState
from deliberation.models import Idea
from rooms.enums import RoomPhase
from rooms.errors import DomainError
from tests.factories import (
    facilitator_actor,
    make_meeting,
    make_participant,
    participant_actor,
    published,
)

pytestmark = pytest.mark.django_db


def post(meeting, person, text: str, kind: str = "critique") -> int:
    reply = services.idea_submit(
        meeting_id=meeting.pk,
        actor=participant_actor(person),
        client_id=None,
        text=text,
        kind=kind,
    )
    return reply["data"]["idea"]


def approve(meeting, actor, ids):
    return services.ideas_approve(meeting_id=meeting.pk, actor=actor, client_id=None, idea_ids=ids)


def test_ideas_approve_shows_every_pending_post_in_one_change(django_capture_on_commit_callbacks):
    meeting = make_meeting(phase=RoomPhase.DEBRIEF, premoderation=True)
    lea = make_participant(meeting, "Léa")
    first, second = post(meeting, lea, "Trop de bruit"), post(meeting, lea, "Pas assez d'ombre")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reply = approve(meeting, facilitator_actor(meeting), [first, second])

    assert reply["data"] == {"ideas": [first, second]}
    assert set(Idea.objects.values_list("state", flat=True)) == {IdeaState.VISIBLE}
    events = published(callbacks)
    assert [(e["type"], e["mod"]["id"], e["mod"]["state"]) for e in events] == [
        ("idea.changed", first, "visible"),
        ("idea.changed", second, "visible"),
    ]


def test_ideas_approve_skips_posts_no_longer_pending():
    meeting = make_meeting(phase=RoomPhase.DEBRIEF, premoderation=True)
    lea = make_participant(meeting)
    pending, hidden = post(meeting, lea, "Atout", "strength"), post(meeting, lea, "Insulte")
    Idea.objects.filter(pk=hidden).update(state=IdeaState.HIDDEN)

    reply = approve(meeting, facilitator_actor(meeting), [pending, hidden, pending])

    assert reply["data"] == {"ideas": [pending]}
    assert Idea.objects.get(pk=hidden).state == IdeaState.HIDDEN


@pytest.mark.parametrize(
    ("ids", "code"), [([], "ideas.nothing_to_approve"), ([999_999], "idea.not_found")]
)
def test_ideas_approve_refuses_an_empty_or_foreign_list(ids, code):
    meeting = make_meeting(phase=RoomPhase.DEBRIEF, premoderation=True)

    with pytest.raises(DomainError) as error:
        approve(meeting, facilitator_actor(meeting), ids)

    assert error.value.code == code


def test_ideas_approve_is_for_facilitators_only():
    meeting = make_meeting(phase=RoomPhase.DEBRIEF, premoderation=True)
    lea = make_participant(meeting)
    idea = post(meeting, lea, "Trop de bruit")

    with pytest.raises(DomainError) as error:
        approve(meeting, participant_actor(lea), [idea])

    assert error.value.code == "auth.facilitator_only"
    assert Idea.objects.get(pk=idea).state == IdeaState.PENDING
