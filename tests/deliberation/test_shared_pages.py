"""The join page of new phones and the room's page of phones: rendered once for a hall scanning
the QR code, yet each phone gets its own CSRF token and name, and a change to what the page
shows is seen at once (issue 14)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.test.signals import template_rendered

from privacy.models import PrivacyPolicy
from rooms.enums import RoomPhase
from rooms.models import Meeting, Participant
from tests.factories import make_meeting
from voting import passes

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def join_page(client: Client, meeting: Meeting, **headers: str) -> str:
    response = client.get(f"/j/{meeting.join_code}", headers=headers)
    assert response.status_code == 200
    return response.content.decode()


class Renders:
    """The templates rendered meanwhile, by name."""

    def __enter__(self) -> list[str]:
        self.names: list[str] = []
        template_rendered.connect(self._count)
        return self.names

    def _count(self, sender, template, **kwargs) -> None:
        self.names.append(template.name)

    def __exit__(self, *exc: object) -> None:
        template_rendered.disconnect(self._count)


def test_new_phones_share_one_rendering_each_with_a_working_token_of_its_own():
    meeting = make_meeting()
    phones = [Client(enforce_csrf_checks=True) for _ in range(5)]

    with Renders() as rendered:
        pages = [join_page(phone, meeting) for phone in phones]
    tokens = [TOKEN.findall(page) for page in pages]
    answers = [
        phone.post(f"/j/{meeting.join_code}", {"csrfmiddlewaretoken": found[-1], "name": ""})
        for phone, found in zip(phones, tokens, strict=True)
    ]

    assert rendered.count("deliberation/join.html") == 1
    assert len({found[-1] for found in tokens}) == 5  # a token per phone
    assert all(len(set(found)) == 1 for found in tokens)  # the same in both forms of a page
    assert [answer.status_code for answer in answers] == [302] * 5
    assert Participant.objects.filter(meeting=meeting).count() == 5


def test_a_token_from_another_phones_page_is_refused():
    meeting = make_meeting()
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    token = TOKEN.findall(join_page(first, meeting))[-1]
    join_page(second, meeting)

    answer = second.post(f"/j/{meeting.join_code}", {"csrfmiddlewaretoken": token})

    assert answer.status_code == 403
    assert not Participant.objects.exists()


def test_the_page_shows_a_new_title_description_and_phase_at_once(client):
    meeting = make_meeting(title="Budget du parc")
    assert "Budget du parc" in join_page(client, meeting)

    Meeting.objects.filter(pk=meeting.pk).update(
        title="Budget des écoles", description="Salle B", phase=RoomPhase.VOTE
    )
    meeting.refresh_from_db()
    page = join_page(Client(), meeting)

    assert "Budget des écoles" in page
    assert "Salle B" in page
    assert str(RoomPhase.VOTE.label) in page
    assert "Budget du parc" not in page


def test_the_page_shows_a_changed_privacy_policy_at_once(client):
    meeting = make_meeting()
    assert "pendant 6 mois" not in join_page(client, meeting)

    PrivacyPolicy.objects.create(organization=None, retention_months=6)

    assert "pendant 6 mois après la réunion" in join_page(Client(), meeting)


def test_each_language_gets_its_own_page():
    meeting = make_meeting()

    pages = [
        join_page(Client(), meeting, accept_language=language) for language in ("fr", "en", "fr")
    ]

    assert "Rejoindre" in pages[0]
    assert "Rejoindre" in pages[2]
    assert 'lang="en"' in pages[1]
    assert "Join" in pages[1]
    assert "Rejoindre" not in pages[1]


def test_a_phone_that_joined_gets_its_own_page(client):
    meeting = make_meeting()
    join_page(client, meeting)  # kept for new phones
    client.post(f"/j/{meeting.join_code}", {"name": "Léa"})

    page = join_page(client, meeting)

    assert 'value="Léa"' in page
    assert "Continuer" in page
    assert settings.PARTICIPANT_COOKIE_NAME in client.cookies


# --- The room's page of a phone ------------------------------------------------------------------


def joined_phone(meeting: Meeting, name: str) -> Client:
    phone = Client()
    assert phone.post(f"/j/{meeting.join_code}", {"name": name}).status_code == 302
    return phone


def room_page(phone: Client, meeting: Meeting, **headers: str) -> str:
    response = phone.get(f"/m/{meeting.join_code}/", headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_phones_share_one_rendering_of_the_room_page_each_with_its_own_name():
    meeting = make_meeting()
    names = ["Léa & <Co>", "Karim", "", "", '"Inès"']
    phones = [joined_phone(meeting, name) for name in names]

    with Renders() as rendered:
        pages = [room_page(phone, meeting) for phone in phones]

    assert rendered.count("deliberation/phone.html") == 2  # one named, one anonymous
    assert "Vous participez en tant que Léa &amp; &lt;Co&gt;." in pages[0]
    assert "Vous participez en tant que Karim." in pages[1]
    assert "Vous participez anonymement." in pages[2]
    assert "Vous participez anonymement." in pages[3]
    assert "Vous participez en tant que &quot;Inès&quot;." in pages[4]
    assert sum("Karim" in page for page in pages) == 1
    assert not any("slot-" in page for page in pages)
    assert len({TOKEN.findall(page)[0] for page in pages}) == 5


def test_a_registered_phone_sees_it_and_the_others_do_not():
    meeting = make_meeting()
    (link,) = passes.links_create(meeting=meeting, names=["Awa"])
    awa = Client()
    assert awa.post(f"/j/{meeting.join_code}/p/{link.token}", {"name": "Awa"}).status_code == 302
    others = [joined_phone(meeting, "Karim"), joined_phone(meeting, "Léa")]

    registered = room_page(awa, meeting)
    pages = [room_page(phone, meeting) for phone in others]

    assert "Inscrit·e pour voter." in registered
    assert not any("Inscrit·e pour voter." in page for page in pages)


def test_the_room_page_shows_a_new_title_phase_and_questions_at_once():
    meeting = make_meeting(title="Budget du parc")
    phone = joined_phone(meeting, "Léa")
    assert 'id="question-choice" hidden' in room_page(phone, meeting)

    Meeting.objects.filter(pk=meeting.pk).update(
        title="Budget des écoles", phase=RoomPhase.VOTE, allow_questions=True
    )
    page = room_page(phone, meeting)

    assert "Budget des écoles" in page
    assert str(RoomPhase.VOTE.label) in page
    assert 'id="question-choice" hidden' not in page
    assert "Budget du parc" not in page


def test_the_room_page_follows_each_phones_language():
    meeting = make_meeting()
    phone = joined_phone(meeting, "Léa")

    pages = [room_page(phone, meeting, accept_language=lang) for lang in ("en", "fr")]

    assert "Léa" in pages[0]
    assert 'lang="en"' in pages[0]
    assert "Vous participez" not in pages[0]
    assert "Vous participez en tant que Léa." in pages[1]
