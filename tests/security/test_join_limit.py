"""Joins per network address are bounded, generously (issue 10, item 5)."""

from __future__ import annotations

import secrets

import pytest
from django.test import Client

from rooms.models import Participant
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db


def _address() -> str:
    """An address of the documentation range, new for each test (the count lives in the cache)."""
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"


def _join(meeting, address: str, client: Client | None = None):
    client = client or Client(REMOTE_ADDR=address)
    return client, client.post(f"/j/{meeting.join_code}", {"name": "Camille"}, REMOTE_ADDR=address)


def test_new_phones_beyond_the_limit_of_one_address_are_asked_to_wait(settings):
    settings.JOIN_LIMIT_PER_ADDRESS = 3
    meeting = make_meeting()
    crowded = _address()
    answers = [_join(meeting, crowded)[1].status_code for _ in range(4)]
    refused = _join(meeting, crowded)[1]
    other_network = _join(meeting, _address())[1]

    assert answers == [302, 302, 302, 429]
    assert "réessayez dans 10 minutes" in refused.content.decode()
    assert other_network.status_code == 302
    assert Participant.objects.filter(meeting=meeting).count() == 4


def test_a_phone_already_joined_can_rename_itself_beyond_the_limit(settings):
    settings.JOIN_LIMIT_PER_ADDRESS = 1
    meeting = make_meeting()
    address = _address()
    client, first = _join(meeting, address)
    again = client.post(f"/j/{meeting.join_code}", {"name": "Camille B."}, REMOTE_ADDR=address)

    assert (first.status_code, again.status_code) == (302, 302)
    assert Participant.objects.get(meeting=meeting).display_name == "Camille B."
