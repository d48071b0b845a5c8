"""Programme imports, the stored side: the rows that events/importers.py parsed become sessions,
with their venues, rooms, tracks and speakers found or created by name; all or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from informaction.text import clean_text
from rooms.errors import DomainError

from .importers import ImportFileError, parse_csv, parse_ics
from .models import Event, Room, Session, Speaker, Track, Venue
from .permissions import check_can_edit
from .services import SessionFields, User, touch_event, unique_slug, validated_session


@dataclass
class ImportReport:
    created: int
    errors: list[tuple[int, str]]  # (line, message); line 0 is the whole file
    applied: bool  # False: nothing was stored


def programme_import(
    *, user: User, event: Event, data: bytes, file_format: str, partial: bool = False
) -> ImportReport:
    """Import sessions from a CSV or .ics file, reporting errors line by line.

    All or nothing: a file with any bad line stores nothing, unless `partial` asks for the
    valid lines. Venues, rooms, tracks and speakers are matched by name (case-insensitive) and
    created when missing. Existing sessions are never modified.
    """
    check_can_edit(user, event)
    try:
        parsed = (parse_ics if file_format == "ics" else parse_csv)(data, event.timezone)
    except ImportFileError as exc:
        return ImportReport(created=0, errors=[(0, str(exc))], applied=False)
    errors = list(parsed.errors)
    created = 0
    with transaction.atomic():
        lookups = _ImportLookups(event)
        for row in parsed.rows:
            try:
                with transaction.atomic():
                    fields = SessionFields(
                        title=row.title,
                        starts_at=row.starts_at,
                        ends_at=row.ends_at,
                        kind=row.kind,
                        description=row.description,
                        capacity=row.capacity,
                        online_url=row.online_url,
                    )
                    validated_session(event, fields)  # times, capacity… before creating anything
                    fields.venue = lookups.venue(row.venue)
                    fields.room = lookups.room(fields.venue, row.room)
                    fields.track = lookups.track(row.track)
                    fields.speakers = [lookups.speaker(name) for name in row.speakers]
                    session = Session.objects.create(
                        event=event, **validated_session(event, fields)
                    )
                    session.speakers.set(fields.speakers)
                    if row.cancelled:
                        Session.objects.filter(pk=session.pk).update(cancelled=True)
                    lookups.commit_row()
                    created += 1
            except DomainError as exc:
                lookups.rollback_row()
                errors.append((row.line, exc.render()))
        errors.sort(key=lambda e: e[0])
        if errors and not partial:
            transaction.set_rollback(True)
            return ImportReport(created=0, errors=errors, applied=False)
        if created:
            touch_event(event.pk)
    return ImportReport(created=created, errors=errors, applied=True)


class _ImportLookups:
    """Find-or-create by name, forgetting what a rolled-back row created."""

    PALETTE = ("seagreen", "tomato", "royalblue", "goldenrod", "mediumorchid", "darkcyan")

    def __init__(self, event: Event) -> None:
        self.event = event
        self.venues = {v.name.lower(): v for v in event.venues.all()}
        self.tracks = {t.name.lower(): t for t in event.tracks.all()}
        self.speakers = {s.name.lower(): s for s in event.speakers.all()}
        self.rooms = {
            (r.venue_id, r.name.lower()): r for r in Room.objects.filter(venue__event=event)
        }
        self.pending: list[tuple[dict, object]] = []

    def _remember(self, table: dict, key, obj):
        table[key] = obj
        self.pending.append((table, key))
        return obj

    def commit_row(self) -> None:
        self.pending = []

    def rollback_row(self) -> None:
        for table, key in self.pending:
            table.pop(key, None)
        self.pending = []

    def venue(self, name: str) -> Venue | None:
        name = clean_text(name)[:200]
        if not name:
            return None
        found = self.venues.get(name.lower())
        if found is None:
            found = Venue.objects.create(event=self.event, name=name, position=len(self.venues))
            self._remember(self.venues, name.lower(), found)
        return found

    def room(self, venue: Venue | None, name: str) -> Room | None:
        name = clean_text(name)[:200]
        if not name or venue is None:
            return None
        found = self.rooms.get((venue.pk, name.lower()))
        if found is None:
            found = Room.objects.create(venue=venue, name=name)
            self._remember(self.rooms, (venue.pk, name.lower()), found)
        return found

    def track(self, name: str) -> Track | None:
        name = clean_text(name)[:100]
        if not name:
            return None
        found = self.tracks.get(name.lower())
        if found is None:
            slug = unique_slug(
                name, lambda s: Track.objects.filter(event=self.event, slug=s).exists(), "parcours"
            )
            color = self.PALETTE[len(self.tracks) % len(self.PALETTE)]
            found = Track.objects.create(event=self.event, name=name, slug=slug, color=color)
            self._remember(self.tracks, name.lower(), found)
        return found

    def speaker(self, name: str) -> Speaker:
        name = clean_text(name)[:200]
        found = self.speakers.get(name.lower())
        if found is None:
            slug = unique_slug(
                name,
                lambda s: Speaker.objects.filter(event=self.event, slug=s).exists(),
                "intervenant",
            )
            found = Speaker.objects.create(event=self.event, name=name, slug=slug)
            self._remember(self.speakers, name.lower(), found)
        return found
