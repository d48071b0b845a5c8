"""Programme services: dates, capacity, conflicts, moves, duplicates, cancellation, permissions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from events import selectors, services
from events.models import Event, Session, Track
from events.services import SessionFields
from rooms.errors import DomainError
from tests.factories_events import (
    local,
    make_room,
    make_session,
    make_speaker,
    make_venue,
)

pytestmark = pytest.mark.django_db

JULY_6 = date(2027, 7, 6)


def fields(event: Event, **kw) -> SessionFields:
    day = kw.pop("day", JULY_6)
    return SessionFields(
        title=kw.pop("title", "Atelier cuisine"),
        starts_at=local(event, day, kw.pop("start", "10:00")),
        ends_at=local(event, day, kw.pop("end", "12:00")),
        **kw,
    )


def code_of(call) -> str:
    with pytest.raises(DomainError) as info:
        call()
    return info.value.code


def test_event_create_by_member_uses_paris_by_default(organizer, organization):
    event = services.event_create(
        user=organizer,
        organization=organization,
        title="Festival",
        starts_on=JULY_6,
        ends_on=date(2027, 7, 10),
    )

    assert (event.timezone, event.slug) == ("Europe/Paris", "festival")


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "zone", "code"),
    [
        (date(2027, 7, 10), date(2027, 7, 6), "Europe/Paris", "event.ends_before_start"),
        (date(2027, 7, 6), date(2027, 7, 10), "Europe/Parsi", "event.unknown_timezone"),
        (date(2027, 7, 6), date(2027, 7, 10), "../etc/passwd", "event.unknown_timezone"),
        (date(2027, 7, 6), date(2027, 7, 10), "", "event.unknown_timezone"),
    ],
)
def test_event_create_bad_input_is_refused(organizer, organization, starts_on, ends_on, zone, code):
    result = code_of(
        lambda: services.event_create(
            user=organizer,
            organization=organization,
            title="Festival",
            starts_on=starts_on,
            ends_on=ends_on,
            timezone_name=zone,
        )
    )

    assert result == code
    assert Event.objects.count() == 0


def test_event_create_by_non_member_is_refused(stranger, organization):
    result = code_of(
        lambda: services.event_create(
            user=stranger, organization=organization, title="X", starts_on=JULY_6, ends_on=JULY_6
        )
    )

    assert result == "event.forbidden"


def test_event_update_refuses_dates_that_leave_sessions_outside(organizer, event):
    make_session(event, day=date(2027, 7, 10), title="Bal de clôture")

    result = code_of(
        lambda: services.event_update(
            user=organizer,
            event=event,
            title=event.title,
            starts_on=JULY_6,
            ends_on=date(2027, 7, 9),
            timezone_name="Europe/Paris",
            kind="festival",
        )
    )

    event.refresh_from_db()
    assert (result, event.ends_on) == ("event.sessions_outside", date(2027, 7, 10))


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"start": "12:00", "end": "10:00"}, "session.ends_before_start"),
        ({"start": "10:00", "end": "10:00"}, "session.ends_before_start"),
        ({"day": date(2027, 7, 5)}, "session.outside_event"),
        ({"day": date(2027, 7, 11)}, "session.outside_event"),
        ({"capacity": 0}, "session.bad_capacity"),
        ({"capacity": -3}, "session.bad_capacity"),
        ({"title": "   "}, "session.title_empty"),
        ({"online_url": "javascript:alert(1)"}, "session.bad_url"),
        ({"kind": "rave"}, "session.bad_kind"),
    ],
)
def test_session_create_bad_input_is_refused(organizer, event, overrides, code):
    result = code_of(
        lambda: services.session_create(
            user=organizer, event=event, data=fields(event, **overrides)
        )
    )

    assert result == code
    assert Session.objects.count() == 0


def test_session_create_late_evening_local_time_stays_inside_event(organizer, event):
    # 23:30 in Paris on the last day is 21:30 UTC: inside; until midnight too.
    session = services.session_create(
        user=organizer,
        event=event,
        data=fields(event, day=date(2027, 7, 10), start="22:30", end="23:59"),
    )

    assert session.pk is not None


def test_session_create_by_stranger_is_refused(stranger, event):
    assert (
        code_of(lambda: services.session_create(user=stranger, event=event, data=fields(event)))
        == "event.forbidden"
    )


def test_session_update_increments_sequence_and_bumps_event(organizer, event):
    session = make_session(event)
    before = Event.objects.get(pk=event.pk).changed_at

    services.session_update(
        user=organizer, session=session, data=fields(event, title="Atelier cuisine (salle 2)")
    )

    session.refresh_from_db()
    assert (session.sequence, session.title) == (1, "Atelier cuisine (salle 2)")
    assert Event.objects.get(pk=event.pk).changed_at > before


def test_session_move_keeps_duration(organizer, event):
    session = make_session(event, start="10:00", end="11:30")

    services.session_move(
        user=organizer, session=session, starts_at=local(event, date(2027, 7, 8), "15:00")
    )

    session.refresh_from_db()
    assert (session.starts_at, session.ends_at - session.starts_at, session.sequence) == (
        local(event, date(2027, 7, 8), "15:00"),
        timedelta(minutes=90),
        1,
    )


def test_session_move_outside_event_changes_nothing(organizer, event):
    session = make_session(event)

    result = code_of(
        lambda: services.session_move(
            user=organizer, session=session, starts_at=local(event, date(2027, 8, 1), "10:00")
        )
    )

    session.refresh_from_db()
    assert (result, session.starts_at, session.sequence) == (
        "session.outside_event",
        local(event, JULY_6, "10:00"),
        0,
    )


def test_session_duplicate_copies_with_new_uid(organizer, event):
    speaker = make_speaker(event)
    session = make_session(event, speakers=[speaker], capacity=12, title="Compost")

    copy = services.session_duplicate(user=organizer, session=session)

    assert (copy.title, copy.capacity, list(copy.speakers.all())) == (
        "Compost (copie)",
        12,
        [speaker],
    )
    assert copy.uid != session.uid


def test_session_cancel_keeps_it_visible_and_increments_sequence(organizer, event):
    session = make_session(event)

    services.session_cancel(user=organizer, session=session)

    session.refresh_from_db()
    assert (session.cancelled, session.sequence, Session.objects.count()) == (True, 1, 1)


def test_conflicts_same_room_same_time_warns(event):
    room = make_room(make_venue(event))
    a = make_session(event, title="A", room=room, venue=room.venue, start="10:00", end="12:00")
    b = make_session(event, title="B", room=room, venue=room.venue, start="11:00", end="13:00")
    make_session(
        event, title="C", room=room, venue=room.venue, start="12:00", end="13:00", cancelled=True
    )

    conflicts = selectors.session_conflicts(event)

    assert [(c.code, c.sessions) for c in conflicts] == [("room", (a, b))]


def test_conflicts_back_to_back_sessions_do_not_warn(event):
    venue = make_venue(event)
    make_session(event, venue=venue, start="10:00", end="11:00")
    make_session(event, venue=venue, start="11:00", end="12:00")

    assert selectors.session_conflicts(event) == []


def test_conflicts_speaker_in_two_places_warns(event):
    speaker = make_speaker(event, "Awa Diallo")
    make_session(event, title="A", venue=make_venue(event, "Café"), speakers=[speaker])
    make_session(
        event,
        title="B",
        venue=make_venue(event, "Parc"),
        speakers=[speaker],
        start="11:00",
        end="12:30",
    )

    conflicts = selectors.session_conflicts(event)

    assert [c.code for c in conflicts] == ["speaker"]
    assert "Awa Diallo" in conflicts[0].message


def test_track_save_requires_css_colour_name(organizer, event):
    result = code_of(
        lambda: services.track_save(user=organizer, event=event, name="Santé", color="#ff0000")
    )

    assert (result, Track.objects.count()) == ("track.bad_color", 0)


def test_track_save_slugifies_and_keeps_colour(organizer, event):
    track = services.track_save(user=organizer, event=event, name="Santé", color="Tomato")

    assert (track.slug, track.color) == ("sante", "tomato")


def test_superuser_may_edit_any_event(event, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "a@example.org", "pw-x-1234")

    session = services.session_create(user=admin, event=event, data=fields(event))

    assert session.event == event
