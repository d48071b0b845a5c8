"""Fixtures for the privacy tests: a phone that joined a meeting through the join page."""

from __future__ import annotations

import pytest
from django.test import Client

from rooms.models import Participant
from tests.factories import make_meeting


@pytest.fixture
def meeting(db):
    return make_meeting(title="Bien vivre à Crest")


def join(client: Client, meeting, name: str = "", listed: bool = False) -> Participant:
    """Join `meeting` from the phone `client` through the join form; the phone's participant."""
    data = {"name": name}
    if listed:
        data["listed"] = "on"
    response = client.post(f"/j/{meeting.join_code}", data)
    assert response.status_code == 302, response.content.decode()
    return Participant.objects.filter(meeting=meeting).order_by("-pk").first()
