"""Personal links and tickets over HTTP (voting/views_links.py): what phones and organisers see."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from events import mail as event_mail
from events import services as event_services
from rooms.models import Meeting, Participant
from tests.factories import make_meeting, make_participant, make_user
from tests.factories_events import make_event, make_session
from voting import passes
from voting.models import VoterPass, VoterRegistration

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page's text without tags, whitespace collapsed (what a reader sees)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def decode_qr(svg: bytes) -> str:
    """Render the SVG like a browser would and read it with OpenCV's ArUco-based QR decoder (the
    classic one misses about one random 60-character URL in twenty; phone cameras do not)."""
    import cairosvg
    import cv2
    import numpy as np

    png = cairosvg.svg2png(bytestring=svg, output_width=600, output_height=600)
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    text, _points, _code = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    return text


def link_path(voter_pass: VoterPass) -> str:
    return reverse(
        "join-personal", kwargs={"code": voter_pass.meeting.join_code, "token": voter_pass.token}
    )


@pytest.fixture
def meeting() -> Meeting:
    return make_meeting(title="Réunion mobilité")


@pytest.fixture
def awa_link(meeting: Meeting) -> VoterPass:
    (link,) = passes.links_create(meeting=meeting, names=["Awa Diallo"])
    return link


# --- a phone opens a personal link ----------------------------------------------------------------


def test_opening_a_link_shows_whose_it_is_and_registers_nobody_yet(client, awa_link):
    response = client.get(link_path(awa_link))

    assert response.status_code == 200
    assert "Lien personnel de Awa Diallo" in text_of(response)
    assert "ce téléphone sera inscrit pour voter" in text_of(response)
    assert response["Cache-Control"] == "private, no-store"
    # A GET never binds the link: link previews in messaging apps open it too.
    assert Participant.objects.count() == 0
    awa_link.refresh_from_db()
    assert awa_link.participant is None


def test_joining_through_a_link_registers_the_phone_and_says_so(client, meeting, awa_link):
    response = client.post(link_path(awa_link), {"name": "Awa"})

    assert response.status_code == 302
    assert response["Location"] == reverse("phone", kwargs={"code": meeting.join_code})
    cookie = response.cookies[settings.PARTICIPANT_COOKIE_NAME]
    assert cookie["httponly"] is True
    participant = Participant.objects.get()
    assert participant.display_name == "Awa"
    assert VoterRegistration.objects.get().participant == participant
    assert VoterRegistration.objects.get().source == "link"
    phone = client.get(response["Location"])
    assert "Vous participez en tant que Awa. Inscrit·e pour voter." in text_of(phone)


def test_a_forged_token_is_refused_with_a_clear_message(client, meeting, awa_link):
    forged = reverse("join-personal", kwargs={"code": meeting.join_code, "token": "AbCdEf123456"})

    response = client.get(forged)
    posted = client.post(forged, {"name": "Mallory"})

    assert response.status_code == 404
    page = text_of(response)
    assert "Lien personnel non reconnu" in page
    assert "Ce lien personnel n'est pas valide pour cette réunion" in page
    assert "Participer sans inscription" in page
    assert f'href="/j/{meeting.join_code}"' in response.content.decode()
    assert posted.status_code == 404
    assert Participant.objects.count() == 0


def test_a_link_of_another_meeting_is_refused(client, awa_link):
    other = make_meeting()
    url = reverse("join-personal", kwargs={"code": other.join_code, "token": awa_link.token})

    response = client.post(url, {"name": ""})

    assert response.status_code == 404
    assert Participant.objects.count() == 0


def test_the_same_link_on_a_second_phone_is_refused_and_registers_nobody(client, awa_link):
    client.post(link_path(awa_link), {"name": "Awa"})
    second_phone = Client()

    shown = second_phone.get(link_path(awa_link))
    posted = second_phone.post(link_path(awa_link), {"name": "Ami d'Awa"})

    for response in (shown, posted):
        assert response.status_code == 409
        page = text_of(response)
        assert "Lien déjà utilisé sur un autre téléphone" in page
        assert "demandez à l'animation de le libérer" in page
    assert settings.PARTICIPANT_COOKIE_NAME not in posted.cookies
    assert Participant.objects.count() == 1
    assert VoterRegistration.objects.count() == 1


def test_reopening_the_link_on_the_same_phone_continues(client, awa_link):
    client.post(link_path(awa_link), {"name": "Awa"})

    again = client.get(link_path(awa_link))
    posted = client.post(link_path(awa_link), {"name": "Awa"})

    assert "Ce téléphone est déjà inscrit avec ce lien" in text_of(again)
    assert posted.status_code == 302
    assert Participant.objects.count() == 1


def test_a_phone_that_joined_by_code_becomes_registered_with_its_link(client, meeting, awa_link):
    client.post(f"/j/{meeting.join_code}", {"name": "Awa"})

    client.post(link_path(awa_link), {"name": "Awa"})

    assert Participant.objects.count() == 1
    assert VoterRegistration.objects.get().participant == Participant.objects.get()


def test_after_release_a_new_phone_takes_the_link(client, meeting, awa_link):
    client.post(link_path(awa_link), {"name": "Awa"})
    facilitator = Client()
    facilitator.force_login(meeting.owner)
    release = reverse("voter-link-release", kwargs={"pk": meeting.pk, "link": awa_link.pk})

    freed = facilitator.post(release, follow=True)
    new_phone = Client()
    joined = new_phone.post(link_path(awa_link), {"name": "Awa"})

    assert "Lien libéré" in text_of(freed)
    assert joined.status_code == 302
    assert Participant.objects.count() == 2
    new = Participant.objects.latest("pk")
    assert list(VoterRegistration.objects.values_list("participant", flat=True)) == [new.pk]


# --- the facilitator makes, prints and exports links ----------------------------------------------


def test_meeting_page_makes_links_from_pasted_names(client, meeting):
    client.force_login(meeting.owner)
    detail = client.get(reverse("meeting-detail", kwargs={"pk": meeting.pk}))

    made = client.post(
        reverse("voter-links", kwargs={"pk": meeting.pk}),
        {"count": "", "names": 'Awa Diallo\n\nJules Martin\n=HYPERLINK("x")\n'},
        follow=True,
    )

    assert "Votes réservés aux inscrit·e·s" in text_of(detail)
    assert "0 personnes inscrites pour voter" in text_of(detail)
    page = text_of(made)
    assert "3 liens personnels créés." in page
    assert "3 liens, 0 utilisés." in page
    rows = re.findall(r'<tr id="link-\d+">.*?</tr>', made.content.decode(), re.S)
    assert len(rows) == 3
    assert "Awa Diallo" in rows[0]
    assert "libre" in rows[0]
    assert f"/j/{meeting.join_code}/p/" in rows[0]


def test_meeting_page_makes_a_number_of_unnamed_links(client, meeting):
    client.force_login(meeting.owner)

    client.post(reverse("voter-links", kwargs={"pk": meeting.pk}), {"count": "12", "names": ""})
    empty = client.post(reverse("voter-links", kwargs={"pk": meeting.pk}), {"count": ""})

    assert VoterPass.objects.filter(meeting=meeting).count() == 12
    assert empty.status_code == 400
    assert "Indiquez un nombre de liens ou collez une liste de noms." in text_of(empty)


def test_printable_sheet_has_each_name_link_and_a_qr_code_that_decodes_to_it(client, meeting):
    client.force_login(meeting.owner)
    passes.links_create(meeting=meeting, names=["Awa Diallo", "Jules Martin"])
    used, _free = VoterPass.objects.order_by("position")
    passes.join_with_pass(meeting=meeting, device="d1", display_name="", voter_pass=used)

    sheet = client.get(reverse("voter-links-print", kwargs={"pk": meeting.pk}))
    unused = client.get(reverse("voter-links-print", kwargs={"pk": meeting.pk}) + "?unused=1")

    html = sheet.content.decode()
    cards = re.findall(r'<article class="link-card">.*?</article>', html, re.S)
    assert len(cards) == 2
    assert "Awa Diallo" in cards[0]
    url = f"http://testserver{link_path(used)}"
    assert url.removeprefix("http://") in cards[0]
    svg = re.search(r"<svg.*?</svg>", cards[0], re.S).group(0)
    assert decode_qr(svg.encode()) == url
    assert 'aria-label="Code QR du lien personnel de Awa Diallo"' in svg
    assert len(re.findall(r'class="link-card"', unused.content.decode())) == 1
    assert "Jules Martin" in unused.content.decode()


def test_csv_export_lists_links_and_neutralises_formulas(client, meeting):
    client.force_login(meeting.owner)
    passes.links_create(meeting=meeting, names=["Awa Diallo", '=HYPERLINK("x")'])
    first = VoterPass.objects.order_by("position").first()
    passes.join_with_pass(meeting=meeting, device="d1", display_name="", voter_pass=first)

    response = client.get(reverse("voter-links-csv", kwargs={"pk": meeting.pk}))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["numéro", "nom", "lien", "utilisé", "utilisé le"]
    assert rows[1][:2] == ["1", "Awa Diallo"]
    assert rows[1][2] == f"http://testserver{link_path(first)}"
    assert rows[1][3] == "oui"
    assert rows[1][4]  # when
    assert rows[2][1] == '\'=HYPERLINK("x")'
    assert rows[2][3:] == ["non", ""]


def test_link_pages_are_for_the_meeting_facilitators_only(client, meeting, awa_link):
    urls = [
        reverse("voter-links", kwargs={"pk": meeting.pk}),
        reverse("voter-links-print", kwargs={"pk": meeting.pk}),
        reverse("voter-links-csv", kwargs={"pk": meeting.pk}),
    ]
    anonymous = [client.get(url).status_code for url in urls]
    client.force_login(make_user())
    stranger = [client.get(url).status_code for url in urls]
    deleted = client.post(
        reverse("voter-link-delete", kwargs={"pk": meeting.pk, "link": awa_link.pk})
    )

    assert anonymous == [302, 302, 302]  # to the login page
    assert stranger == [404, 404, 404]
    assert deleted.status_code == 404
    assert VoterPass.objects.filter(pk=awa_link.pk).exists()


def test_deleting_a_link_makes_it_unusable(client, meeting, awa_link):
    client.force_login(meeting.owner)

    done = client.post(
        reverse("voter-link-delete", kwargs={"pk": meeting.pk, "link": awa_link.pk}), follow=True
    )
    phone = Client().get(link_path(awa_link))

    assert "Lien supprimé : il ne fonctionne plus." in text_of(done)
    assert phone.status_code == 404


def test_registered_count_shows_on_the_meeting_page(client, meeting, awa_link):
    make_participant(meeting, "Sans lien")
    Client().post(link_path(awa_link), {"name": ""})
    client.force_login(meeting.owner)

    detail = client.get(reverse("meeting-detail", kwargs={"pk": meeting.pk}))

    assert "1 personne inscrite pour voter · 1 lien personnel (1 utilisé)" in text_of(detail)


# --- tickets --------------------------------------------------------------------------------------


@pytest.fixture
def ticketed(meeting: Meeting):
    """The meeting is linked to a one-seat session: Awa has a seat, Zoé is on the waiting list."""
    session = make_session(make_event(), capacity=1, title="Atelier mobilité")
    Meeting.objects.filter(pk=meeting.pk).update(session=session)
    meeting.refresh_from_db()
    awa = event_services.registration_create(session=session, name="Awa", email="awa@example.org")
    zoe = event_services.registration_create(session=session, name="Zoé", email="zoe@example.org")
    for person in (awa, zoe):  # addresses confirmed by the link of their mail
        event_services.registration_confirm_email(
            registration=person, code=event_mail.confirm_code(person)
        )
        person.refresh_from_db()
    return meeting, awa, zoe


def test_ticket_page_offers_to_join_the_meeting_and_that_registers_the_phone(client, ticketed):
    meeting, awa, _zoe = ticketed
    ticket_page = client.get(reverse("events:registration-detail", kwargs={"token": awa.token}))
    join = reverse("join-ticket", kwargs={"code": meeting.join_code, "token": awa.checkin_token})

    shown = client.get(join)
    joined = client.post(join, {"name": "Awa"})

    assert "Rejoindre la réunion interactive" in text_of(ticket_page)
    assert f'href="{join}"' in ticket_page.content.decode()
    assert "Billet" in text_of(shown)
    assert joined.status_code == 302
    registration = VoterRegistration.objects.get()
    assert (registration.participant.display_name, registration.source) == ("Awa", "ticket")


def test_waiting_list_ticket_cannot_join_as_registered(client, ticketed):
    meeting, _awa, zoe = ticketed
    ticket_page = client.get(reverse("events:registration-detail", kwargs={"token": zoe.token}))
    join = reverse("join-ticket", kwargs={"code": meeting.join_code, "token": zoe.checkin_token})

    response = client.post(join, {"name": "Zoé"})

    assert "Rejoindre la réunion interactive" not in text_of(ticket_page)
    assert response.status_code == 409
    assert "Ce billet n'est pas une inscription confirmée" in text_of(response)
    assert Participant.objects.count() == 0


def test_meeting_page_explains_tickets_of_the_linked_session(client, ticketed):
    meeting, _awa, _zoe = ticketed
    client.force_login(meeting.owner)

    page = text_of(client.get(reverse("meeting-detail", kwargs={"pk": meeting.pk})))

    assert "chaque personne inscrite à la séance « Atelier mobilité »" in page
    assert "1 inscription confirmée." in page


def test_refused_link_page_in_english(client, meeting):
    forged = reverse("join-personal", kwargs={"code": meeting.join_code, "token": "nope"})

    response = client.get(forged, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "This personal link is not valid for this meeting" in text_of(response)
    assert "Take part without registering" in text_of(response)
