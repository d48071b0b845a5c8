"""Issue 10, item 4: linking a meeting to a programme session needs edit rights on its event.

A hostile organizer of another organization must not attach a meeting to someone else's session
(the victim's programme would then advertise it, and its debrief would land in their report).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliberation import services
from rooms.errors import DomainError
from rooms.models import Meeting
from tests.factories_events import make_event, make_organization, make_session, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim_session():
    """An unpublished session of the town hall's festival, which the attacker does not organise."""
    mairie = make_organization(make_user("maire"), name="Mairie de Saint-Aubin")
    event = make_event(mairie, published=False, title="Festival de la Mairie")
    return make_session(event, title="Atelier confidentiel de la Mairie")


@pytest.fixture
def attacker(db):
    """A logged-in organizer of another organization, with a session of their own."""
    user = make_user("intrus")
    own = make_event(make_organization(user, name="Autre association"), title="Autre festival")
    make_session(own, title="Atelier de l'autre association")
    return user


def test_service_refuses_a_session_of_an_event_the_owner_cannot_edit(attacker, victim_session):
    with pytest.raises(DomainError) as refused:
        services.meeting_create(owner=attacker, title="Réunion", session_id=victim_session.pk)

    assert refused.value.code == "meeting.session_forbidden"
    assert not Meeting.objects.exists()


def test_service_links_a_session_the_owner_organises(victim_session):
    maire = victim_session.event.organization.members.get()

    meeting = services.meeting_create(owner=maire, title="Réunion", session_id=victim_session.pk)

    assert meeting.session == victim_session


def test_service_refuses_an_unknown_session(attacker):
    with pytest.raises(DomainError) as refused:
        services.meeting_create(owner=attacker, title="Réunion", session_id=987654)

    assert refused.value.code == "meeting.session_forbidden"


def test_form_offers_only_the_sessions_of_events_the_user_edits(client, attacker, victim_session):
    client.force_login(attacker)

    html = client.get(reverse("meeting-create")).content.decode()

    assert "Atelier de l&#x27;autre association" in html
    assert "Atelier confidentiel de la Mairie" not in html


def test_form_post_with_another_organizations_session_links_nothing(
    client, attacker, victim_session
):
    client.force_login(attacker)

    response = client.post(
        reverse("meeting-create"), {"title": "Réunion pirate", "session": victim_session.pk}
    )

    assert response.status_code == 200  # the form again, with an error on the session field
    assert "session" in response.context["form"].errors
    assert not Meeting.objects.exists()
    programme = client.get(
        reverse("events:session-detail", args=[victim_session.event.slug, victim_session.pk])
    )
    assert "Réunion pirate" not in programme.content.decode()


def test_superuser_may_link_any_session(client, victim_session):
    admin = make_user("admin", is_superuser=True, is_staff=True)
    client.force_login(admin)

    response = client.post(
        reverse("meeting-create"), {"title": "Réunion de la Mairie", "session": victim_session.pk}
    )

    assert response.status_code == 302
    assert Meeting.objects.get().session == victim_session
