"""Programme imports from CSV and .ics: line-by-line errors, nothing stored from a broken file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from events import imports
from events.models import Session, Speaker, Track, Venue

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "titre;type;debut;fin;lieu;salle;parcours;intervenants;places;description;lien\n"
    "Cuisine de saison;atelier;2027-07-06 10:00;12:00;Café des Tilleuls;;Alimentation;"
    "Awa Diallo|Marc Petit;12;Recettes simples;\n"
    "Débat mobilité;débat;06/07/2027 14:00;06/07/2027 16:00;Salle des fêtes;Grande salle;"
    "Mobilité;Awa Diallo;;;\n"
)


def run(user, event, text: str, fmt: str = "csv", partial: bool = False):
    return imports.programme_import(
        user=user, event=event, data=text.encode(), file_format=fmt, partial=partial
    )


def test_import_csv_creates_sessions_and_related(organizer, event):
    report = run(organizer, event, GOOD_CSV)

    assert (report.created, report.errors, report.applied) == (2, [], True)
    cooking = Session.objects.get(title="Cuisine de saison")
    assert (cooking.capacity, cooking.venue.name, cooking.track.name) == (
        12,
        "Café des Tilleuls",
        "Alimentation",
    )
    assert sorted(s.name for s in cooking.speakers.all()) == ["Awa Diallo", "Marc Petit"]
    assert cooking.starts_at == datetime(2027, 7, 6, 8, 0, tzinfo=UTC)
    debate = Session.objects.get(title="Débat mobilité")
    assert (debate.kind, debate.room.name, debate.capacity) == ("debate", "Grande salle", None)
    assert Speaker.objects.filter(event=event).count() == 2


def test_import_csv_with_bad_lines_reports_each_and_imports_nothing(organizer, event):
    text = GOOD_CSV + (
        "Sans fin;atelier;2027-07-07 10:00;;;;;;;;\n"
        "Trop tôt;atelier;2027-07-01 10:00;11:00;;;;;;;\n"
        "Places négatives;atelier;2027-07-07 10:00;11:00;;;;;-4;;\n"
        "Fin avant début;atelier;2027-07-07 10:00;09:00;;;;;;;\n"
        ";atelier;2027-07-07 10:00;11:00;Nouveau lieu;;Nouveau parcours;;;;\n"
    )

    report = run(organizer, event, text)

    assert (report.created, report.applied) == (0, False)
    assert [line for line, _message in report.errors] == [4, 5, 6, 7, 8]
    messages = dict(report.errors)
    assert "fin illisible" in messages[4]
    assert "pendant l'événement" in messages[5]
    assert "places" in messages[6].lower()
    assert "après son début" in messages[7]
    assert "titre manquant" in messages[8]
    assert (Session.objects.count(), Venue.objects.count(), Track.objects.count()) == (0, 0, 0)


def test_import_csv_partial_keeps_valid_lines_only(organizer, event):
    text = GOOD_CSV + "Trop tôt;atelier;2027-07-01 10:00;11:00;Parc;;Culture;Inconnu;;;\n"

    report = run(organizer, event, text, partial=True)

    assert (report.created, [line for line, _ in report.errors], report.applied) == (2, [4], True)
    # Nothing the rejected line would have created remains.
    assert not Venue.objects.filter(name="Parc").exists()
    assert not Track.objects.filter(name="Culture").exists()
    assert not Speaker.objects.filter(name="Inconnu").exists()


@pytest.mark.parametrize(
    "text",
    ["", "nom,quand\nA,B\n", "\x00\x01binaire"],
)
def test_import_csv_unreadable_file_is_a_whole_file_error(organizer, event, text):
    report = run(organizer, event, text)

    assert (report.created, report.applied, report.errors[0][0]) == (0, False, 0)


def test_import_keeps_existing_sessions(organizer, event):
    run(organizer, event, GOOD_CSV)

    report = run(organizer, event, GOOD_CSV + "X;atelier;bad;bad;;;;;;;\n")

    assert (report.applied, Session.objects.count()) == (False, 2)


GOOD_ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Partenaire//FR\r
BEGIN:VEVENT\r
UID:a1@partenaire\r
DTSTAMP:20270101T000000Z\r
DTSTART;TZID=Europe/Paris:20270706T100000\r
DTEND;TZID=Europe/Paris:20270706T113000\r
SUMMARY:Atelier vélo\r
LOCATION:Parc de la Mairie\r
CATEGORIES:Mobilité\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:a2@partenaire\r
DTSTAMP:20270101T000000Z\r
DTSTART:20270707T120000Z\r
DURATION:PT1H\r
SUMMARY:Webinaire\r
CONFERENCE;VALUE=URI;FEATURE=VIDEO:https://visio.example.org/x\r
STATUS:CANCELLED\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_import_ics_creates_sessions(organizer, event):
    report = run(organizer, event, GOOD_ICS, "ics")

    assert (report.created, report.errors) == (2, [])
    bike = Session.objects.get(title="Atelier vélo")
    assert (bike.starts_at, bike.venue.name, bike.track.name) == (
        datetime(2027, 7, 6, 8, 0, tzinfo=UTC),
        "Parc de la Mairie",
        "Mobilité",
    )
    web = Session.objects.get(title="Webinaire")
    assert (web.kind, web.online_url, web.cancelled, web.ends_at - web.starts_at) == (
        "webconference",
        "https://visio.example.org/x",
        True,
        datetime(2027, 1, 1, 1) - datetime(2027, 1, 1),
    )


def test_import_ics_bad_events_reported_by_line_and_nothing_imported(organizer, event):
    text = GOOD_ICS.replace(
        "END:VCALENDAR\r\n",
        "BEGIN:VEVENT\r\nUID:b1\r\nDTSTART;VALUE=DATE:20270708\r\nSUMMARY:Journée\r\n"
        "END:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b2\r\nDTSTART:20270901T100000Z\r\nDTEND:20270901T110000Z\r\n"
        "SUMMARY:Hors dates\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b3\r\nDTSTART:20270708T100000Z\r\nSUMMARY:Sans fin\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
    )

    report = run(organizer, event, text, "ics")

    assert (report.created, report.applied) == (0, False)
    assert [line for line, _ in report.errors] == [22, 27, 33]
    assert Session.objects.count() == 0


@pytest.mark.parametrize(
    "text", ["pas un calendrier", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n"]
)
def test_import_ics_malformed_file_is_reported(organizer, event, text):
    report = run(organizer, event, text, "ics")

    assert (report.created, report.applied) == (0, False)
    assert report.errors[0][0] in (0, 2)
    assert Session.objects.count() == 0


def test_import_by_stranger_is_refused(stranger, event):
    from rooms.errors import DomainError

    with pytest.raises(DomainError):
        run(stranger, event, GOOD_CSV)
