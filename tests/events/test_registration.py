"""Registration: capacity, waiting list, cancel, duplicates, check-in, secret links."""

from __future__ import annotations

from datetime import date

import pytest

from events import selectors, services
from events.models import Registration
from events.services import SessionFields
from rooms.errors import DomainError
from tests.factories_events import local, make_event, make_session

pytestmark = pytest.mark.django_db


def register(session, n: int, **kw) -> Registration:
    return services.registration_create(
        session=session, name=f"Personne {n}", email=f"p{n}@example.org", **kw
    )


def statuses(session) -> list[str]:
    return list(session.registrations.order_by("pk").values_list("status", flat=True))


def code_of(call) -> str:
    with pytest.raises(DomainError) as info:
        call()
    return info.value.code


def test_registration_fills_seats_then_waiting_list(event):
    session = make_session(event, capacity=2)

    for n in range(4):
        register(session, n)

    assert statuses(session) == ["registered", "registered", "waiting", "waiting"]


def test_registration_duplicate_email_is_refused_case_insensitively(event):
    session = make_session(event, capacity=5)
    register(session, 1)

    result = code_of(
        lambda: services.registration_create(session=session, name="Bis", email=" P1@Example.ORG ")
    )

    assert (result, session.registrations.count()) == ("registration.duplicate", 1)


def test_registration_after_cancel_same_email_is_allowed(event):
    session = make_session(event, capacity=5)
    first = register(session, 1)
    services.registration_cancel(registration=first)

    again = register(session, 1)

    assert statuses(session) == ["cancelled", "registered"]
    assert again.token != first.token


@pytest.mark.parametrize(
    ("name", "email", "code"),
    [
        ("", "a@example.org", "registration.name_empty"),
        ("Awa", "not-an-email", "registration.bad_email"),
    ],
)
def test_registration_bad_input_is_refused(event, name, email, code):
    session = make_session(event, capacity=5)

    result = code_of(lambda: services.registration_create(session=session, name=name, email=email))

    assert (result, session.registrations.count()) == (code, 0)


def test_registration_on_cancelled_or_free_session_is_refused(event):
    cancelled = make_session(event, capacity=5, cancelled=True)
    free = make_session(event, capacity=None)

    assert code_of(lambda: register(cancelled, 1)) == "registration.cancelled"
    assert code_of(lambda: register(free, 1)) == "registration.closed"


def test_registration_cancel_promotes_first_waiting(event):
    session = make_session(event, capacity=1)
    seat = register(session, 1)
    second = register(session, 2)
    register(session, 3)

    promoted = services.registration_cancel(registration=seat)

    assert [r.pk for r in promoted] == [second.pk]
    assert statuses(session) == ["cancelled", "registered", "waiting"]


def test_registration_cancel_twice_is_refused(event):
    session = make_session(event, capacity=1)
    seat = register(session, 1)
    services.registration_cancel(registration=seat)

    assert code_of(lambda: services.registration_cancel(registration=seat)) == (
        "registration.already_cancelled"
    )


def test_registration_cancel_waiting_promotes_nobody(event):
    session = make_session(event, capacity=1)
    register(session, 1)
    waiting = register(session, 2)

    promoted = services.registration_cancel(registration=waiting)

    assert (promoted, statuses(session)) == ([], ["registered", "cancelled"])


def test_capacity_increase_promotes_waiting_list(organizer, event):
    session = make_session(event, capacity=1)
    for n in range(3):
        register(session, n)

    services.session_update(
        user=organizer,
        session=session,
        data=SessionFields(
            title=session.title, starts_at=session.starts_at, ends_at=session.ends_at, capacity=2
        ),
    )

    assert statuses(session) == ["registered", "registered", "waiting"]


def test_capacity_below_registered_is_refused_and_nothing_lost(organizer, event):
    session = make_session(event, capacity=3)
    for n in range(3):
        register(session, n)

    result = code_of(
        lambda: services.session_update(
            user=organizer,
            session=session,
            data=SessionFields(
                title=session.title,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                capacity=2,
            ),
        )
    )

    session.refresh_from_db()
    assert (result, session.capacity, statuses(session)) == (
        "session.capacity_below_registered",
        3,
        ["registered"] * 3,
    )


def test_waiting_position_counts_from_one(event):
    session = make_session(event, capacity=1)
    register(session, 1)
    register(session, 2)
    third = register(session, 3)

    assert selectors.waiting_position(third) == 2


def test_check_in_by_organizer_then_again_is_harmless(organizer, event):
    session = make_session(event, capacity=5)
    registration = register(session, 1)

    first = services.registration_check_in(user=organizer, checkin_token=registration.checkin_token)
    second = services.registration_check_in(
        user=organizer, checkin_token=registration.checkin_token
    )

    assert (first.already, second.already) == (False, True)
    assert selectors.attendance(session).checked_in == 1


@pytest.mark.parametrize(
    ("state", "code"),
    [("waiting", "checkin.waiting"), ("cancelled", "checkin.cancelled")],
)
def test_check_in_refuses_tickets_without_seat(organizer, event, state, code):
    session = make_session(event, capacity=5)
    registration = register(session, 1)
    Registration.objects.filter(pk=registration.pk).update(status=state)

    result = code_of(
        lambda: services.registration_check_in(
            user=organizer, checkin_token=registration.checkin_token
        )
    )

    assert result == code


def test_check_in_by_stranger_or_wrong_token_is_refused(stranger, organizer, event):
    session = make_session(event, capacity=5)
    registration = register(session, 1)

    assert (
        code_of(
            lambda: services.registration_check_in(
                user=stranger, checkin_token=registration.checkin_token
            )
        )
        == "event.forbidden"
    )
    assert (
        code_of(lambda: services.registration_check_in(user=organizer, checkin_token="nope"))
        == "checkin.unknown"
    )


def test_tokens_are_random_and_distinct(event):
    session = make_session(event, capacity=5)
    a, b = register(session, 1), register(session, 2)

    tokens = {a.token, a.checkin_token, b.token, b.checkin_token, a.agenda.token, b.agenda.token}
    assert len(tokens) == 6
    assert all(len(t) >= 32 and str(a.pk) != t for t in tokens)


def test_secret_link_wrong_token_is_unknown():
    with pytest.raises(DomainError) as info:
        selectors.agenda_by_token("does-not-exist")

    assert info.value.code == "agenda.unknown"


def test_secret_link_long_after_event_is_expired(organization):
    old = make_event(organization, starts_on=date(2020, 7, 6), ends_on=date(2020, 7, 10))
    session = make_session(old, capacity=5)
    registration = Registration.objects.create(
        session=session, name="Awa", email="awa@example.org", agenda=services.agenda_for(event=old)
    )

    with pytest.raises(DomainError) as info:
        selectors.registration_by_token(registration.token)
    with pytest.raises(DomainError) as agenda_info:
        selectors.agenda_by_token(registration.agenda.token)

    assert (info.value.code, agenda_info.value.code) == (
        "registration.expired",
        "agenda.expired",
    )


def test_agenda_keeps_registered_and_starred_sessions(event):
    registered = make_session(event, capacity=5, title="Inscrite")
    starred = make_session(event, title="Favorite", start="14:00", end="15:00")
    make_session(event, title="Autre", start="16:00", end="17:00")
    agenda = register(registered, 1).agenda

    services.agenda_star(agenda=agenda, session=starred, starred=True)

    titles = sorted(selectors.agenda_sessions(agenda).values_list("title", flat=True))
    assert titles == ["Favorite", "Inscrite"]


def test_agenda_shared_by_two_registrations_of_one_browser(event):
    a = make_session(event, capacity=5)
    b = make_session(event, capacity=5, start="14:00", end="15:00")
    first = register(a, 1)

    second = register(b, 1, agenda=first.agenda)

    assert second.agenda == first.agenda


def test_registration_time_local_times_are_paris(event):
    session = make_session(event, capacity=5, start="10:00", end="12:00")

    assert session.starts_at == local(event, date(2027, 7, 6), "10:00")
