"""The phone's own choice to have its name in the minutes, and the notice on the join page."""

from __future__ import annotations

import pytest
from django.test import Client

from deliberation import services
from events.models import Session
from privacy.models import PrivacyPolicy
from rooms import services as room_services
from rooms.enums import RoomPhase
from rooms.errors import DomainError
from rooms.models import Meeting, Participant
from tests.factories import participant_actor
from tests.factories_events import make_event, make_organization, make_session

from .conftest import join

pytestmark = pytest.mark.django_db


def minutes_markdown(client: Client, meeting) -> str:
    client.force_login(meeting.owner)
    response = client.get(f"/reunions/{meeting.pk}/compte-rendu/?format=md")
    assert response.status_code == 200
    return response.content.decode()


def test_join_page_shows_notice_and_unchecked_minutes_choice(client, meeting):
    page = client.get(f"/j/{meeting.join_code}").content.decode()

    assert "Faire figurer mon nom au compte-rendu" in page
    assert 'name="listed"' in page
    assert "checked" not in page
    assert "pendant 12 mois après la réunion" in page
    assert "Qui le voit : l'animation et les autres personnes" in page
    assert 'href="/confidentialite/"' in page  # no organization: the instance's notice


def test_join_without_ticking_keeps_name_out_of_the_minutes(client, meeting):
    participant = join(client, meeting, "Léa")

    assert participant.listed is False
    assert "Léa" not in minutes_markdown(Client(), meeting)


def test_join_ticking_puts_name_in_the_minutes(client, meeting):
    lea = join(client, meeting, "Léa", listed=True)
    join(Client(), meeting, "Karim")
    services.idea_submit(
        meeting_id=meeting.pk, actor=participant_actor(lea), client_id=None, text="Un marché bio"
    )

    markdown = minutes_markdown(Client(), meeting)

    assert lea.listed is True
    assert "Léa" in markdown
    assert "Karim" not in markdown


def test_ticking_without_a_name_is_refused_with_a_clear_message(client, meeting):
    response = client.post(f"/j/{meeting.join_code}", {"name": "", "listed": "on"})

    assert response.status_code == 200
    assert "Indiquez votre prénom ou pseudo pour qu&#x27;il figure au compte-rendu." in (
        response.content.decode()
    )
    assert not Participant.objects.exists()  # nothing half-done


def test_rejoining_shows_and_can_withdraw_the_choice(client, meeting):
    join(client, meeting, "Léa", listed=True)

    page = client.get(f"/j/{meeting.join_code}").content.decode()
    join(client, meeting, "Léa", listed=False)

    assert 'name="listed" id="id_listed" checked' in page
    assert Participant.objects.get().listed is False


def test_service_keeps_the_choice_when_not_given_and_changes_it_after_closing(meeting):
    lea = room_services.participant_join(
        meeting=meeting, device="d1", display_name="Léa", listed=True
    )
    room_services.participant_join(meeting=meeting, device="d1", display_name="Léa")
    assert Participant.objects.get(pk=lea.pk).listed is True

    Meeting.objects.filter(pk=meeting.pk).update(phase=RoomPhase.CLOSED)
    meeting.refresh_from_db()
    room_services.participant_join(meeting=meeting, device="d1", listed=False)
    assert Participant.objects.get(pk=lea.pk).listed is False
    with pytest.raises(DomainError):
        room_services.participant_join(meeting=meeting, device="new-phone", listed=False)


def test_join_notice_uses_the_organizations_retention_and_page(client, meeting):
    organization = make_organization()
    session = make_session(make_event(organization))
    Meeting.objects.filter(pk=meeting.pk).update(session=session)
    PrivacyPolicy.objects.create(organization=organization, retention_months=6)

    page = client.get(f"/j/{meeting.join_code}").content.decode()

    assert "pendant 6 mois après la réunion" in page
    assert f'href="/confidentialite/organisations/{organization.pk}/"' in page
    assert Session.objects.count() == 1


def test_phone_page_links_to_my_data(client, meeting):
    join(client, meeting, "Léa")

    page = client.get(f"/m/{meeting.join_code}/").content.decode()

    assert f'href="/confidentialite/reunions/{meeting.join_code}/mes-donnees/"' in page


def test_admin_cannot_tick_the_choice_for_someone(client, meeting):
    from django.contrib.auth import get_user_model

    lea = room_services.participant_join(meeting=meeting, device="d1", display_name="Léa")
    admin = get_user_model().objects.create_superuser("admin", "a@example.org", "pw-admin-1")
    client.force_login(admin)
    url = f"/admin/deliberation/participant/{lea.pk}/change/"

    page = client.get(url).content.decode()
    client.post(url, {"meeting": meeting.pk, "display_name": "Léa", "listed": "on"})

    assert 'name="listed"' not in page
    assert Participant.objects.get(pk=lea.pk).listed is False


def test_join_page_notice_in_english(client, meeting):
    page = client.get(f"/j/{meeting.join_code}", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Show my name in the minutes" in page
    assert "for 12 months after the meeting" in page
    assert "Personal data and your rights" in page


def test_personal_link_join_page_has_the_notice(client, meeting):
    from voting import passes

    link = passes.links_create(meeting=meeting, names=["Awa"])[0]

    page = client.get(f"/j/{meeting.join_code}/p/{link.token}").content.decode()

    assert "pendant 12 mois après la réunion" in page
    assert "que si vous le demandez (lien « Mes données »" in page
