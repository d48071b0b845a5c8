"""iCal feeds, parsed with icalendar AND with vobject (an independent parser with its own
VTIMEZONE handling): times across DST, zone coverage, UIDs, SEQUENCE, cancellations,
CONFERENCE, conditional GET and CORS."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.core.cache import cache
from django.urls import reverse

from events import services
from events.ical import vtimezone_lines, zone_transitions
from events.models import Session
from events.services import SessionFields
from tests.factories_events import (
    local,
    make_event,
    make_session,
    make_speaker,
    make_track,
    make_venue,
)

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def unfolded(body: bytes) -> list[str]:
    return body.decode().replace("\r\n ", "").split("\r\n")


def parse_both(body: bytes):
    """(icalendar VEVENTs, vobject VEVENTs), both sorted by UID."""
    cal = icalendar.Calendar.from_ical(body)
    ical_events = sorted(cal.walk("VEVENT"), key=lambda e: str(e["UID"]))
    # vobject keeps the first VTIMEZONE it meets per TZID for the whole process: forget it, so
    # each feed is read with its own VTIMEZONE (as a calendar app reading one feed would).
    vars(vobject.icalendar)["__tzidMap"].clear()
    vcal = vobject.readOne(body.decode())
    v_events = sorted(getattr(vcal, "vevent_list", []), key=lambda e: e.uid.value)
    return cal, ical_events, v_events


def feed(client, name: str, **kwargs):
    return client.get(reverse(f"events:{name}", kwargs=kwargs))


@pytest.fixture
def year_event(organization):
    """An event over most of 2027, so sessions can sit on both DST changes."""
    return make_event(
        organization, starts_on=date(2027, 3, 1), ends_on=date(2027, 11, 30), slug="saison-2027"
    )


def test_feed_event_local_times_survive_both_dst_changes(client, year_event):
    make_session(year_event, day=date(2027, 3, 28), start="10:00", end="11:00", title="Printemps")
    make_session(year_event, day=date(2027, 10, 31), start="10:00", end="11:00", title="Automne")
    make_session(year_event, day=date(2027, 3, 27), start="10:00", end="11:00", title="Veille")

    response = feed(client, "feed-event", slug=year_event.slug)

    _cal, ical_events, v_events = parse_both(response.content)
    by_title = {str(e["SUMMARY"]): e for e in ical_events}
    expected_utc = {
        "Veille": datetime(2027, 3, 27, 9, 0, tzinfo=UTC),  # CET, +01:00
        "Printemps": datetime(2027, 3, 28, 8, 0, tzinfo=UTC),  # CEST, +02:00
        "Automne": datetime(2027, 10, 31, 9, 0, tzinfo=UTC),  # CET again
    }
    for title, utc in expected_utc.items():
        start = by_title[title].decoded("DTSTART")
        assert (start.hour, start.minute, str(by_title[title]["DTSTART"].params["TZID"])) == (
            10,
            0,
            "Europe/Paris",
        )
        assert start.astimezone(UTC) == utc
    # vobject resolves TZID through the VTIMEZONE we emitted, not through zoneinfo.
    v_by_title = {e.summary.value: e for e in v_events}
    for title, utc in expected_utc.items():
        v_start = v_by_title[title].dtstart.value
        assert (v_start.hour, v_start.astimezone(UTC)) == (10, utc)
    lines = unfolded(response.content)
    assert "DTSTART;TZID=Europe/Paris:20270328T100000" in lines
    assert "DTSTART;TZID=Europe/Paris:20271031T100000" in lines


def test_vtimezone_covers_every_date_of_a_feed_across_new_year(client, organization):
    event = make_event(
        organization, starts_on=date(2027, 12, 30), ends_on=date(2028, 7, 2), slug="hiver"
    )
    days = [date(2027, 12, 30), date(2028, 1, 2), date(2028, 3, 26), date(2028, 7, 2)]
    for day in days:
        make_session(event, day=day, start="21:00", end="22:00", title=day.isoformat())

    response = feed(client, "feed-event", slug=event.slug)

    cal, _ical_events, v_events = parse_both(response.content)
    (vtz,) = cal.walk("VTIMEZONE")
    onsets = sorted(sub.decoded("DTSTART") for sub in vtz.subcomponents)
    assert onsets[0] <= datetime(2027, 12, 30)
    assert onsets[-1] >= datetime(2028, 10, 1)  # the October change of the last year
    for v_event in v_events:
        day = date.fromisoformat(v_event.summary.value)
        expected = datetime(day.year, day.month, day.day, 21, tzinfo=PARIS).astimezone(UTC)
        assert v_event.dtstart.value.astimezone(UTC) == expected


def test_vtimezone_onsets_follow_rfc5545():
    """DAYLIGHT starts at 02:00 read in +01:00, STANDARD at 03:00 read in +02:00."""
    text = vtimezone_lines("Europe/Paris", 2027, 2027)

    assert (
        "BEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200"
        in (text)
    )
    assert (
        "BEGIN:STANDARD\r\nDTSTART:20271031T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100"
        in (text)
    )


@pytest.mark.parametrize("zone", ["America/New_York", "Australia/Sydney", "Asia/Kolkata"])
def test_zone_transitions_match_zoneinfo(zone):
    transitions = zone_transitions(zone, date(2027, 1, 1), date(2028, 1, 1))

    for instant, before, after, _name, _dst in transitions:
        just_before = instant - timedelta(minutes=1)
        assert instant.astimezone(ZoneInfo(zone)).utcoffset() == after
        assert just_before.astimezone(ZoneInfo(zone)).utcoffset() == before
    assert len(transitions) == (0 if zone == "Asia/Kolkata" else 2)


def test_feed_uids_and_bytes_are_stable_across_renders(client, event):
    make_session(event, title="A")
    make_session(event, title="B", start="14:00", end="15:00")

    first = feed(client, "feed-event", slug=event.slug).content
    cache.clear()
    second = feed(client, "feed-event", slug=event.slug).content

    assert first == second
    uids = [line for line in unfolded(first) if line.startswith("UID:")]
    assert len(set(uids)) == 3  # the calendar's and two sessions'
    session_uids = {f"UID:{s.uid.hex}@informaction" for s in Session.objects.all()}
    assert session_uids <= set(uids)


def test_feed_sequence_grows_and_dtstamp_changes_after_an_edit(client, organizer, event):
    session = make_session(event, title="Cuisine")
    before = icalendar.Calendar.from_ical(feed(client, "feed-event", slug=event.slug).content)

    services.session_update(
        user=organizer,
        session=session,
        data=SessionFields(
            title="Cuisine de saison",
            starts_at=local(event, date(2027, 7, 7), "10:00"),
            ends_at=local(event, date(2027, 7, 7), "12:00"),
        ),
    )
    after = icalendar.Calendar.from_ical(feed(client, "feed-event", slug=event.slug).content)

    (old,), (new,) = before.walk("VEVENT"), after.walk("VEVENT")
    assert (old["UID"], old["SEQUENCE"], str(old["SUMMARY"])) == (
        new["UID"],
        0,
        "Cuisine",
    )
    assert (new["SEQUENCE"], str(new["SUMMARY"])) == (1, "Cuisine de saison")
    assert new.decoded("DTSTAMP") >= old.decoded("DTSTAMP")


def test_feed_cancelled_session_has_status_cancelled(client, organizer, event):
    session = make_session(event, title="Concert")
    services.session_cancel(user=organizer, session=session)

    body = feed(client, "feed-event", slug=event.slug).content

    _cal, (ical_event,), (v_event,) = parse_both(body)
    assert (str(ical_event["STATUS"]), v_event.status.value, ical_event["SEQUENCE"]) == (
        "CANCELLED",
        "CANCELLED",
        1,
    )


def test_feed_properties_location_description_url_categories_color(client, event):
    venue = make_venue(event, "Café des Tilleuls")
    track = make_track(event, "Santé", "tomato")
    speaker = make_speaker(event, "Awa Diallo")
    session = make_session(
        event,
        title="Cuisine, goût; et santé",
        venue=venue,
        track=track,
        speakers=[speaker],
        description="Ligne 1\nLigne 2",
    )

    body = feed(client, "feed-event", slug=event.slug).content

    _cal, (e,), (v,) = parse_both(body)
    url = f"http://testserver/programme/{event.slug}/seances/{session.pk}/"
    assert str(e["SUMMARY"]) == "Cuisine, goût; et santé"
    assert str(e["LOCATION"]) == "Café des Tilleuls, 2 place des Tilleuls"
    assert str(e["URL"]) == url
    assert [str(c) for c in e["CATEGORIES"].cats] == ["Santé", "Atelier"]
    assert str(e["COLOR"]) == "tomato"
    assert str(e["DESCRIPTION"]) == "Avec : Awa Diallo\n\nLigne 1\nLigne 2"
    assert (v.summary.value, v.url.value, v.categories.value) == (
        "Cuisine, goût; et santé",
        url,
        ["Santé", "Atelier"],
    )
    assert e.decoded("DTSTAMP").tzinfo is not None


def test_feed_webconference_emits_rfc7986_conference(client, event):
    make_session(
        event,
        title="Webconférence",
        kind="webconference",
        online_url="https://visio.example.org/salle?id=1",
        dial_in_phone="+33 1 84 88 00 00",
        dial_in_info="code 427 913",
    )

    body = feed(client, "feed-event", slug=event.slug).content

    lines = [line for line in unfolded(body) if line.startswith("CONFERENCE")]
    assert lines == [
        "CONFERENCE;VALUE=URI;FEATURE=AUDIO,VIDEO;LABEL=Rejoindre la webconférence:"
        "https://visio.example.org/salle?id=1",
        "CONFERENCE;VALUE=URI;FEATURE=PHONE;LABEL=code 427 913:tel:+33184880000",
    ]
    (e,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    video, phone = e["CONFERENCE"]
    assert (list(video.params["FEATURE"]), str(video)) == (
        ["AUDIO", "VIDEO"],
        "https://visio.example.org/salle?id=1",
    )
    assert (phone.params["FEATURE"], str(phone)) == ("PHONE", "tel:+33184880000")
    assert str(e["LOCATION"]) == "En ligne"


@pytest.mark.parametrize("name", ["track", "venue", "speaker", "session"])
def test_feed_subsets_contain_only_their_sessions(client, event, name):
    track, venue, speaker = make_track(event), make_venue(event), make_speaker(event)
    chosen = make_session(event, title="Choisie", track=track, venue=venue, speakers=[speaker])
    make_session(event, title="Autre", start="14:00", end="15:00")
    kwargs = {
        "track": {"slug": event.slug, "track": track.slug},
        "venue": {"slug": event.slug, "venue": venue.pk},
        "speaker": {"slug": event.slug, "speaker": speaker.slug},
        "session": {"slug": event.slug, "pk": chosen.pk},
    }[name]

    response = feed(client, f"feed-{name}", **kwargs)

    _cal, ical_events, v_events = parse_both(response.content)
    assert [str(e["SUMMARY"]) for e in ical_events] == ["Choisie"]
    assert [e.summary.value for e in v_events] == ["Choisie"]
    assert response["Content-Type"] == "text/calendar; charset=utf-8"


def test_feed_agenda_has_registered_and_starred_sessions(client, event):
    registered = make_session(event, capacity=3, title="Inscrite")
    starred = make_session(event, title="Favorite", start="14:00", end="15:00")
    make_session(event, title="Autre", start="16:00", end="17:00")
    agenda = services.registration_create(
        session=registered, name="Awa", email="awa@example.org"
    ).agenda
    services.agenda_star(agenda=agenda, session=starred, starred=True)

    response = feed(client, "feed-agenda", token=agenda.token)

    _cal, ical_events, v_events = parse_both(response.content)
    assert sorted(str(e["SUMMARY"]) for e in ical_events) == ["Favorite", "Inscrite"]
    assert sorted(e.summary.value for e in v_events) == ["Favorite", "Inscrite"]
    assert response["Cache-Control"] == "private, max-age=0, must-revalidate"


def test_feed_agenda_wrong_token_is_404(client):
    response = client.get(reverse("events:feed-agenda", kwargs={"token": "x" * 32}))

    assert response.status_code == 404


def test_feed_empty_event_is_a_valid_calendar_with_zone(client, event):
    body = feed(client, "feed-event", slug=event.slug).content

    cal = icalendar.Calendar.from_ical(body)
    assert (len(cal.walk("VEVENT")), len(cal.walk("VTIMEZONE"))) == (0, 1)
    assert str(cal["PRODID"]) == "-//Inform'action//Programme//FR"


def test_feed_conditional_get_answers_304_then_200_after_change(client, organizer, event):
    session = make_session(event)
    url = reverse("events:feed-event", kwargs={"slug": event.slug})
    first = client.get(url)

    by_etag = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    services.session_cancel(user=organizer, session=session)
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert (first.status_code, by_etag.status_code, by_date.status_code) == (200, 304, 304)
    assert by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"]
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]


def test_feed_agenda_etag_changes_when_agenda_changes(client, event):
    session = make_session(event, capacity=3)
    other = make_session(event, start="14:00", end="15:00")
    agenda = services.registration_create(session=session, name="Awa", email="a@example.org").agenda
    url = reverse("events:feed-agenda", kwargs={"token": agenda.token})
    first = client.get(url)

    services.agenda_star(agenda=agenda, session=other, starred=True)
    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert second.status_code == 200
    assert len(icalendar.Calendar.from_ical(second.content).walk("VEVENT")) == 2


def test_feed_is_readable_cross_origin(client, event):
    url = reverse("events:feed-event", kwargs={"slug": event.slug})

    response = client.get(url, HTTP_ORIGIN="https://partenaire.example")
    preflight = client.options(url, HTTP_ORIGIN="https://partenaire.example")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert (preflight.status_code, preflight["Access-Control-Allow-Origin"]) == (204, "*")


def test_feed_long_and_accented_text_is_folded_and_round_trips(client, event):
    title = "Atelier « bien manger » à Saint-Aubin-sur-Loire : légumes, épices et échanges " * 2
    make_session(event, title=title.strip())

    body = feed(client, "feed-event", slug=event.slug).content

    assert all(len(line.encode()) <= 75 for line in body.decode().split("\r\n"))
    _cal, (e,), (v,) = parse_both(body)
    assert str(e["SUMMARY"]) == title.strip() == v.summary.value


def test_feed_strips_control_characters(client, event):
    make_session(event, title="Atelier\x07 propre\x1b")

    body = feed(client, "feed-event", slug=event.slug).content

    (e,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(e["SUMMARY"]) == "Atelier propre"


def test_webcal_links_on_programme_page(client, event):
    make_track(event, "Santé")

    response = client.get(reverse("events:programme", kwargs={"slug": event.slug}))

    content = response.content.decode()
    assert f'href="webcal://testserver/programme/{event.slug}/programme.ics"' in content
    assert f'href="webcal://testserver/programme/{event.slug}/parcours/sante.ics"' in content
