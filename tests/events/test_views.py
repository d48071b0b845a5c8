"""HTTP: the public programme, registration pages, secret links, check-in, organizer forms and
permissions."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from events import services
from events.demo import DEMO_SLUG, seed_festival
from events.enums import RegistrationStatus
from events.models import Event, Registration, Session
from rooms.models import Meeting
from tests.factories_events import (
    make_event,
    make_room,
    make_session,
    make_speaker,
    make_track,
    make_venue,
)

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"events:{name}", kwargs=kwargs)


# --- Public programme ------------------------------------------------------------------------


def test_programme_page_lists_sessions_in_french_with_local_times(client, event):
    make_session(event, title="Cuisine <b>bio</b>", start="10:00", end="12:00")

    response = client.get(url("programme", slug=event.slug))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Cuisine &lt;b&gt;bio&lt;/b&gt;" in content
    assert "10:00" in content
    assert "mardi 6 juillet" in content


@pytest.mark.parametrize("item_count", [1, 3])
def test_programme_page_query_count_does_not_grow(
    client, event, item_count, django_assert_max_num_queries
):
    track, venue, speaker = make_track(event), make_venue(event), make_speaker(event)
    for n in range(item_count):
        make_session(
            event,
            track=track,
            venue=venue,
            speakers=[speaker],
            capacity=5,
            start=f"{10 + n}:00",
            end=f"{10 + n}:30",
        )

    with django_assert_max_num_queries(8):
        response = client.get(url("programme", slug=event.slug))

    assert response.status_code == 200


def test_programme_grid_day_and_track_filter(client, event):
    health = make_track(event, "Santé", "tomato")
    venue = make_venue(event, "Parc de la Mairie")
    make_session(event, title="Marche", track=health, venue=venue)
    make_session(event, title="Concert", day=date(2027, 7, 7))

    response = client.get(
        url("programme", slug=event.slug),
        {"vue": "grille", "jour": "2027-07-06", "parcours": "sante"},
    )

    content = response.content.decode()
    assert ("Marche" in content, "Concert" in content, "Parc de la Mairie" in content) == (
        True,
        False,
        True,
    )


def test_programme_shows_cancelled_session_as_cancelled(client, event):
    make_session(event, title="Bal", cancelled=True)

    content = client.get(url("programme", slug=event.slug)).content.decode()

    assert "Bal" in content
    assert "Annulée" in content


def test_programme_print_view(client, event):
    make_session(event, title="Cuisine")

    response = client.get(url("programme-print", slug=event.slug))

    assert response.status_code == 200
    assert b"Cuisine" in response.content


def test_track_css_uses_colour_names(client, event):
    make_track(event, "Santé", "tomato")

    response = client.get(url("track-css", slug=event.slug))

    assert response.content.decode() == ".track-sante{--track-color:tomato;--track-text:black}\n"


def test_unpublished_event_is_hidden_from_public_but_not_organizer(client, organizer, event):
    Event.objects.filter(pk=event.pk).update(published=False)

    public = client.get(url("programme", slug=event.slug))
    client.force_login(organizer)
    preview = client.get(url("programme", slug=event.slug))

    assert (public.status_code, preview.status_code) == (404, 200)


# --- Registration through the pages --------------------------------------------------------


def test_register_then_confirmation_shows_qr_ticket_and_links(client, event):
    session = make_session(event, capacity=2)

    response = client.post(
        url("session-detail", slug=event.slug, pk=session.pk),
        {"name": "Awa Diallo", "email": "awa@example.org"},
    )
    registration = Registration.objects.get()
    confirmation = client.get(response["Location"])

    content = confirmation.content.decode()
    assert response["Location"] == url("registration-detail", token=registration.token)
    assert "<svg" in content
    assert url("registration-cancel", token=registration.token) in content
    assert url("agenda", token=registration.agenda.token) in content
    assert f"webcal://testserver/programme/agenda/{registration.agenda.token}.ics" in content
    # The page shows the QR ticket, never the check-in token in clear.
    assert registration.checkin_token not in content
    assert confirmation["Cache-Control"] == "private, no-store"


def test_register_duplicate_email_shows_clear_message(client, event):
    session = make_session(event, capacity=2)
    data = {"name": "Awa", "email": "awa@example.org"}
    client.post(url("session-detail", slug=event.slug, pk=session.pk), data)

    response = client.post(url("session-detail", slug=event.slug, pk=session.pk), data)

    assert response.status_code == 400
    assert "déjà inscrite" in response.content.decode()
    assert Registration.objects.count() == 1


def test_register_when_full_goes_to_waiting_list_page(client, event):
    session = make_session(event, capacity=1)
    services.registration_create(session=session, name="A", email="a@example.org")

    response = client.post(
        url("session-detail", slug=event.slug, pk=session.pk),
        {"name": "B", "email": "b@example.org"},
        follow=True,
    )

    content = response.content.decode()
    assert "Vous êtes sur la liste d'attente" in content
    assert "<svg" not in content  # no ticket without a seat


def test_cancel_link_get_asks_post_cancels_and_promotes(client, event):
    session = make_session(event, capacity=1)
    seat = services.registration_create(session=session, name="A", email="a@example.org")
    waiting = services.registration_create(session=session, name="B", email="b@example.org")

    ask = client.get(url("registration-cancel", token=seat.token))
    seat.refresh_from_db()
    status_after_get = seat.status
    client.post(url("registration-cancel", token=seat.token))

    seat.refresh_from_db()
    waiting.refresh_from_db()
    assert (ask.status_code, status_after_get) == (200, RegistrationStatus.REGISTERED)
    assert (seat.status, waiting.status) == (
        RegistrationStatus.CANCELLED,
        RegistrationStatus.REGISTERED,
    )


def test_wrong_secret_links_answer_404_with_message(client):
    for name in ("registration-detail", "registration-cancel", "agenda"):
        response = client.get(url(name, token="x" * 32))
        assert response.status_code == 404
        assert "Vérifiez qu&#x27;il est complet" in response.content.decode()


def test_expired_secret_link_answers_410(client, organization):
    old = make_event(organization, starts_on=date(2020, 7, 6), ends_on=date(2020, 7, 10))
    session = make_session(old, capacity=5)
    registration = Registration.objects.create(session=session, name="A", email="a@example.org")

    response = client.get(url("registration-detail", token=registration.token))

    assert response.status_code == 410
    assert "expiré" in response.content.decode()


def test_agenda_page_lists_sessions_and_star_toggles(client, event):
    session = make_session(event, title="Favorite")

    client.post(url("session-star", slug=event.slug, pk=session.pk), {"star": "1"})
    page = client.get(url("programme", slug=event.slug))
    agenda_link = page.context["agenda"]

    agenda = client.get(url("agenda", token=agenda_link.token))
    assert "Favorite" in agenda.content.decode()


# --- Check-in ---------------------------------------------------------------------------------


def test_check_in_requires_login(client, event):
    session = make_session(event, capacity=5)
    registration = services.registration_create(session=session, name="A", email="a@example.org")

    response = client.get(url("check-in", token=registration.checkin_token))

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_check_in_by_organizer_counts(client, organizer, event):
    session = make_session(event, capacity=5)
    registration = services.registration_create(session=session, name="A", email="a@example.org")
    client.force_login(organizer)

    response = client.post(url("check-in", token=registration.checkin_token))

    registration.refresh_from_db()
    assert response.status_code == 200
    assert registration.checked_in_at is not None
    assert "1 arrivé·e sur 1 inscrit·e" in response.content.decode()


def test_check_in_by_other_user_is_forbidden(client, stranger, event):
    session = make_session(event, capacity=5)
    registration = services.registration_create(session=session, name="A", email="a@example.org")
    client.force_login(stranger)

    response = client.post(url("check-in", token=registration.checkin_token))

    registration.refresh_from_db()
    assert (response.status_code, registration.checked_in_at) == (403, None)


def test_attendance_csv_neutralises_formulas(client, organizer, event):
    session = make_session(event, capacity=5)
    services.registration_create(session=session, name="=HYPERLINK(1)", email="a@example.org")
    client.force_login(organizer)

    response = client.get(url("session-attendance-csv", slug=event.slug, pk=session.pk))

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "nom;e-mail;statut;inscription;arrivée"
    assert lines[1].startswith("'=HYPERLINK(1);a@example.org;Inscrit·e;")


# --- Organizer pages and permissions ---------------------------------------------------------

ORGA_PAGES = [
    "orga-event",
    "event-edit",
    "session-create",
    "venue-create",
    "track-create",
    "speaker-create",
    "programme-import",
]


@pytest.mark.parametrize("name", ORGA_PAGES)
@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("stranger", 403), ("organizer", 200)]
)
def test_orga_pages_permissions(client, organizer, stranger, event, name, role, status):
    if role != "anonymous":
        client.force_login(organizer if role == "organizer" else stranger)

    response = client.get(url(name, slug=event.slug))

    assert response.status_code == status


def test_orga_create_session_form_with_local_times_and_conflict_warning(client, organizer, event):
    room = make_room(make_venue(event))
    make_session(event, title="Existant", venue=room.venue, room=room)
    client.force_login(organizer)

    response = client.post(
        url("session-create", slug=event.slug),
        {
            "title": "Nouveau",
            "kind": "workshop",
            "starts_at": "2027-07-06T11:00",
            "ends_at": "2027-07-06T12:30",
            "venue": room.venue.pk,
            "room": room.pk,
            "capacity": "12",
        },
        follow=True,
    )

    created = Session.objects.get(title="Nouveau")
    assert created.starts_at.isoformat() == "2027-07-06T09:00:00+00:00"
    assert "en même temps au même endroit" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_at": "2027-07-06T09:00"}, "après son début"),
        ({"starts_at": "2027-08-01T10:00", "ends_at": "2027-08-01T11:00"}, "pendant l"),
        ({"capacity": "0"}, "entier positif"),
        ({"capacity": "-5"}, "entier positif"),
    ],
)
def test_orga_session_form_bad_input_shows_message(client, organizer, event, overrides, message):
    client.force_login(organizer)
    data = {
        "title": "X",
        "kind": "workshop",
        "starts_at": "2027-07-06T10:00",
        "ends_at": "2027-07-06T11:00",
        **overrides,
    }

    response = client.post(url("session-create", slug=event.slug), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Session.objects.count() == 0


def test_orga_event_create_with_unknown_timezone_shows_message(client, organizer, organization):
    client.force_login(organizer)

    response = client.post(
        url("event-create"),
        {
            "organization": organization.pk,
            "title": "Fest",
            "kind": "festival",
            "starts_on": "2027-07-06",
            "ends_on": "2027-07-10",
            "timezone": "Mars/Olympus",
            "published": "on",
        },
    )

    assert response.status_code == 400
    assert "Fuseau horaire inconnu" in response.content.decode()


def test_orga_duplicate_move_cancel(client, organizer, event):
    session = make_session(event, title="Atelier")
    client.force_login(organizer)

    client.post(url("session-duplicate", slug=event.slug, pk=session.pk))
    client.post(
        url("session-move", slug=event.slug, pk=session.pk), {"starts_at": "2027-07-08T15:00"}
    )
    client.post(url("session-cancel", slug=event.slug, pk=session.pk))

    session.refresh_from_db()
    assert Session.objects.count() == 2
    assert session.starts_at.isoformat() == "2027-07-08T13:00:00+00:00"
    assert (session.cancelled, session.sequence) == (True, 2)


def test_orga_import_page_reports_lines(client, organizer, event):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(organizer)
    upload = SimpleUploadedFile(
        "programme.csv", b"titre,debut,fin\nA,2027-07-06 10:00,11:00\nB,hier,demain\n"
    )

    response = client.post(url("programme-import", slug=event.slug), {"file": upload})

    assert response.status_code == 400
    assert "Ligne 3" in response.content.decode()
    assert Session.objects.count() == 0


def test_orga_open_live_meeting_room_for_session(client, organizer, event):
    session = make_session(event, title="Réunion publique")
    client.force_login(organizer)

    response = client.post(url("session-meeting", slug=event.slug, pk=session.pk))
    again = client.post(url("session-meeting", slug=event.slug, pk=session.pk))

    meeting = Meeting.objects.get()
    assert (meeting.session, meeting.title, meeting.owner) == (
        session,
        "Réunion publique",
        organizer,
    )
    assert response["Location"] == reverse("meeting-detail", kwargs={"pk": meeting.pk})
    assert again["Location"] == response["Location"]


# --- Demo ---------------------------------------------------------------------------------------


def test_seed_festival_is_idempotent_and_valid():
    first = seed_festival()
    second = seed_festival()

    assert first.pk == second.pk
    assert Event.objects.filter(slug=DEMO_SLUG).count() == 1
    assert (first.sessions.count(), first.venues.count()) == (20, 3)
    assert first.sessions.filter(kind="webconference").exclude(online_url="").count() == 1
    for session in first.sessions.all():
        services._validate_times(first, session.starts_at, session.ends_at)
