"""Factories for the deliberation models: plain functions, real services, no surprising defaults."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model

from deliberation import services
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


def published(callbacks: list[Any]) -> list[dict[str, Any]]:
    """The room events queued for broadcast by captured on-commit callbacks, in order."""
    return [event for cb in callbacks for event in getattr(cb, "events", [])]
