"""An organizer's export of one person's data, as JSON."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from deliberation import services
from events import services as event_services
from rooms import services as room_services
from rooms.models import Meeting
from tests.factories import make_meeting, participant_actor
from tests.factories_events import make_event, make_organization, make_session, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(db):
    organizer = make_user()
    organization = make_organization(organizer)
    soon = timezone.localdate() + timedelta(days=10)
    event = make_event(organization, starts_on=soon, ends_on=soon)
    session = make_session(event, capacity=20, title="Atelier cuisine")
    meeting = make_meeting(title="Réunion publique")
    Meeting.objects.filter(pk=meeting.pk).update(session=session)
    event_services.registration_create(session=session, name="Awa Diallo", email="Awa@Example.org")
    awa = room_services.participant_join(meeting=meeting, device="d1", display_name="Awa Diallo")
    services.idea_submit(
        meeting_id=meeting.pk, actor=participant_actor(awa), client_id=None, text="Un potager"
    )
    other = make_event(make_organization(), starts_on=soon, ends_on=soon)
    event_services.registration_create(
        session=make_session(other, capacity=5), name="Awa Diallo", email="awa@example.org"
    )
    return organizer


def test_export_by_email_and_name(client, setting):
    client.force_login(setting)

    response = client.get(
        "/confidentialite/export/", {"email": "AWA@example.org", "name": "awa diallo"}
    )

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert [r["session"] for r in data["registrations"]] == [
        "Atelier cuisine"
    ]  # not the other org's
    assert data["registrations"][0]["email"] == "awa@example.org"
    assert [p["meeting"]["title"] for p in data["participations"]] == ["Réunion publique"]
    assert data["participations"][0]["ideas"][0]["text"] == "Un potager"


def test_export_needs_an_email_or_a_name(client, setting):
    client.force_login(setting)

    response = client.get("/confidentialite/export/", {"email": "", "name": " "})

    assert response.status_code == 400
    assert "Indiquez une adresse e-mail ou un nom." in response.content.decode()


def test_stranger_exports_nothing(client, setting):
    client.force_login(make_user())

    data = json.loads(client.get("/confidentialite/export/", {"name": "Awa Diallo"}).content)

    assert data["registrations"] == []
    assert data["participations"] == []


def test_export_requires_login(client, setting):
    response = client.get("/confidentialite/export/", {"name": "Awa Diallo"})

    assert response.status_code == 302
    assert "/connexion/" in response["Location"]
