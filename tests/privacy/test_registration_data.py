"""A registrant's "Mes données", from the secret link of their registration."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from events import services as event_services
from events.enums import RegistrationStatus
from events.models import OutgoingMail, Registration
from tests.factories_events import make_event, make_organization, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(db):
    event = make_event(
        make_organization(),
        starts_on=timezone.localdate() + timedelta(days=10),
        ends_on=timezone.localdate() + timedelta(days=12),
    )
    return make_session(event, capacity=1)


def register(session, name: str, email: str) -> Registration:
    return event_services.registration_create(session=session, name=name, email=email)


def test_registration_page_links_to_my_data(client, session):
    awa = register(session, "Awa Diallo", "awa@example.org")

    page = client.get(f"/programme/inscription/{awa.token}/").content.decode()

    assert f'href="/confidentialite/inscriptions/{awa.token}/"' in page


def test_my_data_shows_the_registration(client, session):
    awa = register(session, "Awa Diallo", "awa@example.org")

    response = client.get(f"/confidentialite/inscriptions/{awa.token}/")
    page = response.content.decode()

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Awa Diallo" in page
    assert "awa@example.org" in page
    assert session.title in page


def test_unknown_link_says_so(client):
    response = client.get("/confidentialite/inscriptions/nope/")

    assert response.status_code == 404
    assert "Ce lien d&#x27;inscription est inconnu" in response.content.decode()


def test_erase_without_confirmation_changes_nothing(client, session):
    awa = register(session, "Awa Diallo", "awa@example.org")

    response = client.post(f"/confidentialite/inscriptions/{awa.token}/", {})

    assert response.status_code == 400
    assert "Cochez la case pour confirmer" in response.content.decode()
    assert Registration.objects.get(pk=awa.pk).email == "awa@example.org"


def test_erase_cancels_promotes_the_waiting_list_and_kills_the_links(client, session):
    awa = register(session, "Awa Diallo", "awa@example.org")
    ben = register(session, "Ben Martin", "ben@example.org")
    assert ben.status == RegistrationStatus.WAITING

    response = client.post(f"/confidentialite/inscriptions/{awa.token}/", {"confirm": "on"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Vos données sont effacées" in page
    assert "Awa" not in page
    erased = Registration.objects.get(pk=awa.pk)
    assert erased.status == RegistrationStatus.CANCELLED
    assert erased.name == ""
    assert erased.email == f"{awa.pk}@anonyme.invalid"
    assert erased.agenda_id is None
    assert not OutgoingMail.objects.filter(to="awa@example.org").exists()
    assert OutgoingMail.objects.filter(to="ben@example.org").exists()
    assert Registration.objects.get(pk=ben.pk).status == RegistrationStatus.REGISTERED
    assert client.get(f"/programme/inscription/{awa.token}/").status_code != 200
    assert client.get(f"/confidentialite/inscriptions/{awa.token}/").status_code == 404
