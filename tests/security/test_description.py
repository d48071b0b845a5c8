"""Issue 10, item 12: a meeting's description is at most 2,000 characters.

It is sent in every snapshot to every phone of the room: an unbounded one (megabytes pasted
by mistake or on purpose) would slow every join and reconnect of a 300-phone room.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliberation import services
from rooms.errors import DomainError
from rooms.models import Meeting
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LIMIT = 2000


def test_the_limit_is_the_documented_setting(settings):
    assert settings.MEETING_DESCRIPTION_MAX_LENGTH == LIMIT


def test_service_accepts_the_limit_and_refuses_one_more_character():
    owner = make_user()

    kept = services.meeting_create(owner=owner, title="Réunion", description="é" * LIMIT)
    with pytest.raises(DomainError) as refused:
        services.meeting_create(owner=owner, title="Réunion", description="é" * (LIMIT + 1))

    assert len(kept.description) == LIMIT
    assert refused.value.code == "meeting.description_too_long"
    assert refused.value.render() == (
        "La description est trop longue (2001 caractères, 2000 au plus)."
    )
    assert Meeting.objects.count() == 1


def test_form_says_so_in_french_and_keeps_what_was_typed(client):
    client.force_login(make_user())
    long_text = "Venez nombreux. " * 130  # 2,080 characters

    response = client.post(
        reverse("meeting-create"), {"title": "Atelier mobilité", "description": long_text}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "au plus 2000 caractères" in html
    assert long_text.strip() in html  # nothing typed is lost
    assert 'maxlength="2000"' in html
    assert not Meeting.objects.exists()


def test_form_help_follows_the_language_of_the_request(client):
    client.force_login(make_user())

    french = client.get(reverse("meeting-create")).content.decode()
    english = client.get(reverse("meeting-create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "2000 caractères au plus" in french
    assert "2000 characters at most" in english
