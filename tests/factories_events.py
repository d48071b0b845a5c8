"""Factories for the events models: plain functions, no surprising defaults."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils.text import slugify

from events.models import Event, Organization, Room, Session, Speaker, Track, Venue

_counter = itertools.count(1)


def make_user(username: str | None = None, **fields):
    name = username or f"evuser{next(_counter)}"
    return get_user_model().objects.create_user(username=name, password="pw-for-tests-1", **fields)


def make_organization(*members, name: str = "Association Bien Vivre") -> Organization:
    organization = Organization.objects.create(name=name, territory="Saint-Aubin-sur-Loire")
    organization.members.add(*members)
    return organization


def make_event(
    organization: Organization | None = None,
    *,
    starts_on: date = date(2027, 7, 6),
    ends_on: date = date(2027, 7, 10),
    timezone: str = "Europe/Paris",
    **fields,
) -> Event:
    n = next(_counter)
    return Event.objects.create(
        organization=organization,
        title=fields.pop("title", f"Festival {n}"),
        slug=fields.pop("slug", f"festival-{n}"),
        starts_on=starts_on,
        ends_on=ends_on,
        timezone=timezone,
        **fields,
    )


def local(event: Event, day: date, hhmm: str) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=ZoneInfo(event.timezone))


def make_session(
    event: Event,
    *,
    day: date | None = None,
    start: str = "10:00",
    end: str = "12:00",
    speakers: list[Speaker] = (),
    **fields,
) -> Session:
    day = day or event.starts_on
    session = Session.objects.create(
        event=event,
        title=fields.pop("title", f"Atelier {next(_counter)}"),
        starts_at=local(event, day, start),
        ends_at=local(event, day, end),
        **fields,
    )
    if speakers:
        session.speakers.set(speakers)
    return session


def make_venue(event: Event, name: str = "Café des Tilleuls") -> Venue:
    return Venue.objects.create(event=event, name=name, address="2 place des Tilleuls")


def make_room(venue: Venue, name: str = "Salle haute") -> Room:
    return Room.objects.create(venue=venue, name=name)


def make_track(event: Event, name: str = "Santé", color: str = "tomato") -> Track:
    return Track.objects.create(event=event, name=name, slug=slugify(name), color=color)


def make_speaker(event: Event, name: str = "Awa Diallo") -> Speaker:
    return Speaker.objects.create(event=event, name=name, slug=slugify(name))
