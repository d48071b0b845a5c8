"""Factories for the deliberation models: plain functions, real services, no surprising defaults."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model

from deliberation import services
from deliberation.models import Questionnaire
from rooms import services as room_services
from rooms.enums import RoomPhase
from rooms.models import Meeting, Participant
from rooms.roles import Actor

_counter = itertools.count(1)


def make_user(username: str | None = None, **fields):
    name = username or f"user{next(_counter)}"
    return get_user_model().objects.create_user(username=name, password="pw-for-tests-1", **fields)


def make_meeting(*, owner=None, phase: str = RoomPhase.COLLECT, **fields) -> Meeting:
    meeting = services.meeting_create(
        owner=owner or make_user(), title=fields.pop("title", "Réunion")
    )
    Meeting.objects.filter(pk=meeting.pk).update(phase=phase, **fields)
    meeting.refresh_from_db()
    return meeting


def make_participant(meeting: Meeting, name: str = "") -> Participant:
    return room_services.participant_join(
        meeting=meeting, device=f"device-{next(_counter)}", display_name=name
    )


def participant_actor(participant: Participant) -> Actor:
    return Actor(participant=participant)


def facilitator_actor(meeting: Meeting) -> Actor:
    return Actor(user_id=meeting.owner_id, facilitator=True)


def make_questionnaire(meeting: Meeting, title: str = "Votre avis") -> Questionnaire:
    """A questionnaire with the default questions, created by the meeting's owner (the room)."""
    reply = services.questionnaire_create(
        meeting_id=meeting.pk, actor=facilitator_actor(meeting), client_id=None, title=title
    )
    return Questionnaire.objects.get(pk=reply["data"]["questionnaire"])


def make_groups(plenary: Meeting, count: int) -> list[Meeting]:
    """`count` breakout groups of the plenary, created by its owner (the room)."""
    reply = services.groups_create(
        meeting_id=plenary.pk, actor=facilitator_actor(plenary), client_id=None, count=count
    )
    return list(Meeting.objects.filter(pk__in=reply["data"]["groups"]).order_by("pk"))


def published(callbacks: list[Any]) -> list[dict[str, Any]]:
    """The room events queued for broadcast by captured on-commit callbacks, in order."""
    return [event for cb in callbacks for event in getattr(cb, "events", [])]
