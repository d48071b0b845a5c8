"""HTTP pages: joining by code with a device cookie, facilitator pages, the QR code."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from rooms.models import Meeting, Participant
from tests.factories import make_meeting, make_participant, make_user

pytestmark = pytest.mark.django_db


def decode_qr(svg: bytes) -> str:
    """Render the SVG like a browser would, then read it with OpenCV's QR decoder."""
    import cairosvg
    import cv2
    import numpy as np

    png = cairosvg.svg2png(bytestring=svg, output_width=600, output_height=600)
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    text, _points, _code = cv2.QRCodeDetector().detectAndDecode(image)
    return text


def test_join_unknown_code_says_so(client):
    response = client.get("/j/ZZZZZZ")

    assert response.status_code == 404
    assert "ZZZZZZ" in response.content.decode()


def test_join_creates_participant_with_signed_httponly_cookie(client):
    meeting = make_meeting()

    response = client.post(f"/j/{meeting.join_code}", {"name": "Léa"})

    assert response.status_code == 302
    assert response["Location"] == reverse("phone", kwargs={"code": meeting.join_code})
    cookie = response.cookies[settings.PARTICIPANT_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    participant = Participant.objects.get()
    assert (participant.meeting, participant.display_name) == (meeting, "Léa")
    assert participant.device not in cookie.value.split(":")[-1]  # the signature is not the token


def test_join_again_on_same_phone_finds_same_participant(client):
    meeting = make_meeting()
    client.post(f"/j/{meeting.join_code}", {"name": "Léa"})

    client.post(f"/j/{meeting.join_code}", {"name": ""})
    page = client.get(reverse("phone", kwargs={"code": meeting.join_code}))

    assert Participant.objects.count() == 1
    assert page.status_code == 200


def test_join_lowercase_code_redirects_to_canonical_url(client):
    meeting = make_meeting()

    response = client.get(f"/j/{meeting.join_code.lower()}")

    assert response.status_code == 302
    assert response["Location"] == f"/j/{meeting.join_code}"


def test_phone_page_words_follow_the_phones_language(client):
    """The page's words are rendered once per process and language (a cached fragment): a phone
    in English after one in French, then French again, each get their own."""
    meeting = make_meeting()
    client.post(f"/j/{meeting.join_code}", {"name": "Léa"})
    url = reverse("phone", kwargs={"code": meeting.join_code})

    pages = [
        client.get(url, headers={"accept-language": language}).content.decode()
        for language in ("fr", "en", "fr")
    ]

    assert '"support": "Je soutiens"' in pages[0]
    assert '"support": "I support this"' in pages[1]
    assert '"support": "Je soutiens"' in pages[2]
    assert '"retry": "Try again"' in pages[1]
    assert '"retry": "Réessayer"' in pages[2]


def test_phone_page_without_cookie_sends_to_join(client):
    meeting = make_meeting()

    response = client.get(reverse("phone", kwargs={"code": meeting.join_code}))

    assert response.status_code == 302
    assert response["Location"] == f"/j/{meeting.join_code}"


def test_forged_cookie_is_a_new_device(client):
    meeting = make_meeting()
    known = make_participant(meeting)
    client.cookies[settings.PARTICIPANT_COOKIE_NAME] = f"{known.device}:not-a-signature"

    response = client.get(reverse("phone", kwargs={"code": meeting.join_code}))

    assert response.status_code == 302


def test_board_needs_the_meeting_facilitator(client):
    meeting = make_meeting(title="Réunion <b>publique</b>")
    url = reverse("board", kwargs={"pk": meeting.pk})

    anonymous = client.get(url)
    client.force_login(make_user())
    stranger = client.get(url)
    client.force_login(meeting.owner)
    owner = client.get(url)

    assert anonymous.status_code == 302
    assert stranger.status_code == 404
    assert owner.status_code == 200
    html = owner.content.decode()
    assert meeting.join_code in html
    assert "<svg" in html
    assert "Réunion &lt;b&gt;publique&lt;/b&gt;" in html
    assert "<b>publique</b>" not in html


def test_meeting_detail_links_staff_to_the_meeting_in_the_admin(client):
    meeting = make_meeting(owner=make_user(is_staff=True))
    client.force_login(meeting.owner)

    response = client.get(reverse("meeting-detail", kwargs={"pk": meeting.pk}))

    assert response.status_code == 200
    admin_url = reverse("admin:rooms_meeting_change", args=[meeting.pk])
    assert f'href="{admin_url}"' in response.content.decode()


def test_qr_code_decodes_to_absolute_join_url(client):
    meeting = make_meeting()

    response = client.get(f"/j/{meeting.join_code}/qr.svg")

    assert response["Content-Type"] == "image/svg+xml"
    assert decode_qr(response.content) == f"http://testserver/j/{meeting.join_code}"


def test_qr_code_uses_site_url_when_configured(client, settings):
    settings.SITE_URL = "https://reunion.example.org"
    meeting = make_meeting()

    response = client.get(f"/j/{meeting.join_code}/qr.svg")

    assert decode_qr(response.content) == f"https://reunion.example.org/j/{meeting.join_code}"


def test_qr_code_has_opaque_white_background_and_quiet_zone(client):
    meeting = make_meeting()

    svg = client.get(f"/j/{meeting.join_code}/qr.svg").content.decode()

    assert '<rect fill="white" x="0" y="0" width="100%" height="100%"' in svg
    assert 'd="M4,4H5' in svg  # the first dark module sits after a 4-module border


def test_poster_shows_code_and_qr(client):
    meeting = make_meeting()
    client.force_login(meeting.owner)

    html = client.get(reverse("poster", kwargs={"pk": meeting.pk})).content.decode()

    assert meeting.join_code in html
    assert "<svg" in html


def test_meeting_create_form_creates_draft_meeting(client):
    user = make_user()
    client.force_login(user)

    response = client.post(
        reverse("meeting-create"),
        {"title": "Atelier mobilité", "description": "", "premoderation": "on"},
    )

    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("meeting-detail", kwargs={"pk": meeting.pk})
    assert (meeting.title, meeting.owner, meeting.phase, meeting.premoderation) == (
        "Atelier mobilité",
        user,
        "draft",
        True,
    )


def test_join_by_code_form_normalises_and_redirects(client):
    meeting = make_meeting()

    response = client.get(reverse("join-by-code"), {"code": meeting.join_code.lower()})

    assert response["Location"] == f"/j/{meeting.join_code}"


def test_join_by_code_form_rejects_ambiguous_letters(client):
    response = client.get(reverse("join-by-code"), {"code": "O0I1LA"})

    assert response.status_code == 400


@pytest.mark.parametrize("count", [1, 3])
def test_home_lists_meetings_without_a_query_per_meeting(client, django_assert_num_queries, count):
    user = make_user()
    for _ in range(count):
        make_meeting(owner=user)
    client.force_login(user)

    with django_assert_num_queries(4):  # session, user, programmes, meetings
        response = client.get("/")

    assert response.status_code == 200


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get("/")

    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
