"""Reads: programmes, conflicts, feeds, registrations and the secret links' lookups."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rooms.errors import DomainError

from .enums import RegistrationStatus, SessionKind
from .ical import FeedSession, session_uid
from .models import Agenda, Event, Registration, Session, Speaker
from .permissions import can_edit_event
from .services import LINK_VALIDITY_AFTER_EVENT


def event_for_viewer(slug: str, user) -> Event | None:
    """A published event, or an unpublished one its organizers may preview."""
    event = Event.objects.select_related("organization").filter(slug=slug).first()
    if event is None or (not event.published and not can_edit_event(user, event)):
        return None
    return event


def events_for_organizer(user) -> QuerySet[Event]:
    events = Event.objects.select_related("organization")
    if user.is_superuser:
        return events.order_by("-starts_on")
    return events.filter(organization__members=user).order_by("-starts_on")


def sessions_with_details(event: Event) -> QuerySet[Session]:
    """Sessions with everything the programme shows, in three queries whatever their number."""
    return (
        Session.objects.filter(event=event)
        .select_related("venue", "room", "track")
        .prefetch_related(Prefetch("speakers", queryset=Speaker.objects.order_by("name")))
        .annotate(
            registered_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
            ),
            waiting_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)
            ),
        )
        .order_by("starts_at", "title", "pk")
    )


def event_days(event: Event) -> list[date]:
    return [
        event.starts_on + timedelta(days=n)
        for n in range((event.ends_on - event.starts_on).days + 1)
    ]


# The programme grid (issue 12): one timetable per day, time down the side, one column per place.
SLOT_MINUTES = 15  # one CSS grid row per quarter of an hour
GRID_MAX_COLUMNS = 24  # static/css/programme-grid.css has placement classes up to these
GRID_MAX_ROWS = 24 * 60 // SLOT_MINUTES  # a whole day


@dataclass
class GridColumn:
    """A place in the grid: a room, a venue without room, or "elsewhere / online" (both None).
    `start` is its first CSS grid column; `width` the lanes that overlapping sessions need."""

    venue: object
    room: object
    start: int = 0
    width: int = 1


@dataclass
class GridCell:
    """A session placed in the grid: CSS grid column and rows (row 1 holds the headings)."""

    session: Session
    column: int
    row: int
    span: int


@dataclass
class DayGrid:
    day: date
    columns: list[GridColumn]
    cells: list[GridCell]
    hours: list[tuple[str, int]]  # ("10:00", its grid row), one per hour
    width: int  # grid columns, the time column included
    rows: int  # grid rows, the heading row included


def _minutes(moment: datetime, day: date, zone: ZoneInfo) -> int:
    """Minutes from `day`'s local midnight to `moment`, within that day."""
    local = moment.astimezone(zone)
    if local.date() < day:
        return 0
    if local.date() > day:
        return 24 * 60
    return local.hour * 60 + local.minute


def _lanes(sessions: list[Session]) -> dict[int, int]:
    """Lane (0, 1, …) of each session of one place, so that overlapping ones sit side by side."""
    ends: list[datetime] = []
    lane_of: dict[int, int] = {}
    for s in sorted(sessions, key=lambda s: (s.starts_at, s.pk)):
        lane = next((n for n, end in enumerate(ends) if end <= s.starts_at), len(ends))
        if lane == len(ends):
            ends.append(s.ends_at)
        else:
            ends[lane] = s.ends_at
        lane_of[s.pk] = lane
    return lane_of


def _place_key(s: Session) -> tuple:
    """Sort key of a session's place: venues in their order, the venue itself before its rooms,
    sessions with no place last."""
    if s.venue_id is None and s.room_id is None:
        return (1, 0, "", 0, 0, "", 0)
    venue = s.venue
    room = s.room
    return (
        0,
        venue.position if venue else 0,
        venue.name if venue else "",
        s.venue_id or 0,
        1 if room else 0,
        room.name if room else "",
        s.room_id or 0,
    )


def day_grid(day: date, sessions: list[Session], zone: ZoneInfo) -> DayGrid | None:
    """The timetable of one day's `sessions`, or None when it has too many places to draw
    (the list view then shows the day). Pure: no query, reads the loaded relations."""
    places: dict[tuple, list[Session]] = defaultdict(list)
    for s in sessions:
        places[_place_key(s)].append(s)
    first = min(_minutes(s.starts_at, day, zone) for s in sessions) // 60 * 60
    last = max(_minutes(s.ends_at, day, zone) for s in sessions)
    last = min(24 * 60, -(-max(last, first + 60) // 60) * 60)
    columns: list[GridColumn] = []
    cells: list[GridCell] = []
    next_column = 2  # column 1 holds the hours
    for key in sorted(places):
        group = places[key]
        lanes = _lanes(group)
        column = GridColumn(group[0].venue, group[0].room, next_column, max(lanes.values()) + 1)
        columns.append(column)
        next_column += column.width
        for s in group:
            start = (_minutes(s.starts_at, day, zone) - first) // SLOT_MINUTES
            end = -(-(_minutes(s.ends_at, day, zone) - first) // SLOT_MINUTES)
            cells.append(GridCell(s, column.start + lanes[s.pk], 2 + start, max(1, end - start)))
    if next_column - 1 > GRID_MAX_COLUMNS:
        return None
    hours = [(f"{m // 60:02d}:00", 2 + (m - first) // SLOT_MINUTES) for m in range(first, last, 60)]
    cells.sort(key=lambda c: (c.session.starts_at, c.column, c.session.pk))
    rows = 1 + (last - first) // SLOT_MINUTES
    return DayGrid(day, columns, cells, hours, next_column - 1, rows)


@dataclass
class Programme:
    event: Event
    days: list[date]
    day: date | None
    sessions: list[Session]
    tracks: list
    venues: list
    track_slug: str
    # For the grid: one timetable per day with sessions (None: too many places for a grid).
    grids: list[tuple[date, DayGrid | None]]


def programme(event: Event, *, day: date | None = None, track_slug: str = "") -> Programme:
    """The programme of one day (or all days), optionally filtered by track."""
    zone = ZoneInfo(event.timezone)
    days = event_days(event)
    if day is not None and day not in days:
        day = None
    sessions = sessions_with_details(event)
    if track_slug:
        sessions = sessions.filter(track__slug=track_slug)
    if day is not None:
        start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
        sessions = sessions.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
    session_list = list(sessions)
    by_day: dict[date, list[Session]] = defaultdict(list)
    for s in session_list:
        s.day = s.starts_at.astimezone(zone).date()  # the local day, for day headings
        by_day[s.day].append(s)
    return Programme(
        event=event,
        days=days,
        day=day,
        sessions=session_list,
        tracks=list(event.tracks.all()),
        venues=list(event.venues.all()),
        track_slug=track_slug,
        grids=[(d, day_grid(d, by_day[d], zone)) for d in sorted(by_day)],
    )


# --- Conflicts ------------------------------------------------------------------------------------


@dataclass
class Conflict:
    code: str  # "room" or "speaker"
    message: str
    sessions: tuple[Session, Session]


def _overlapping_pairs(sessions: list[Session]):
    """Pairs of sessions that overlap in time; `sessions` sorted by start (a sweep, not n²)."""
    for i, a in enumerate(sessions):
        for b in sessions[i + 1 :]:
            if b.starts_at >= a.ends_at:
                break
            yield a, b


def session_conflicts(event: Event, *, only: Session | None = None) -> list[Conflict]:
    """Two sessions in the same room at the same time; a speaker in two places at once.

    Warnings, not errors: a festival may choose to share a park between two activities.
    Cancelled sessions take no room. Same venue without rooms counts as the same place.
    """
    sessions = list(
        Session.objects.filter(event=event, cancelled=False)
        .select_related("venue", "room")
        .prefetch_related("speakers")
        .order_by("starts_at", "pk")
    )
    conflicts: list[Conflict] = []
    for a, b in _overlapping_pairs(sessions):
        if only is not None and only.pk not in (a.pk, b.pk):
            continue
        same_place = False
        if a.room_id and b.room_id:
            same_place = a.room_id == b.room_id
        elif a.venue_id and b.venue_id and not (a.room_id or b.room_id):
            same_place = a.venue_id == b.venue_id
        if same_place:
            place = str(a.room or a.venue)
            conflicts.append(
                Conflict(
                    "room",
                    _("« %(a)s » et « %(b)s » ont lieu en même temps au même endroit (%(place)s).")
                    % {"a": a.title, "b": b.title, "place": place},
                    (a, b),
                )
            )
        shared = {s.pk: s for s in a.speakers.all()}.keys() & {s.pk for s in b.speakers.all()}
        for speaker in [s for s in a.speakers.all() if s.pk in shared]:
            conflicts.append(
                Conflict(
                    "speaker",
                    _("%(name)s est attendu·e à deux endroits à la fois : « %(a)s » et « %(b)s ».")
                    % {"name": speaker.name, "a": a.title, "b": b.title},
                    (a, b),
                )
            )
    return conflicts


# --- Feeds ----------------------------------------------------------------------------------------

FEED_FIELDS = (
    "pk",
    "uid",
    "title",
    "kind",
    "description",
    "starts_at",
    "ends_at",
    "cancelled",
    "sequence",
    "created_at",
    "updated_at",
    "online_url",
    "dial_in_phone",
    "dial_in_info",
    "event__slug",
    "venue__name",
    "venue__address",
    "room__name",
    "track__name",
    "track__color",
)


def _location(row: dict, online: str) -> str:
    parts = [row["room__name"], row["venue__name"], row["venue__address"]]
    parts = [p for p in parts if p]
    if not parts and row["online_url"]:
        parts.append(online)
    return ", ".join(parts)


def _description(row: dict, speakers: list[str], labels: dict[str, str]) -> str:
    lines = []
    if speakers:
        lines.append(labels["with"] % {"names": ", ".join(speakers)})
    if row["description"]:
        lines.append(row["description"])
    if row["online_url"]:
        lines.append(labels["online_at"] % {"url": row["online_url"]})
    if row["dial_in_phone"]:
        lines.append(labels["phone"] % {"phone": row["dial_in_phone"], "info": row["dial_in_info"]})
    if row["cancelled"]:
        lines.insert(0, labels["cancelled"])
    return "\n\n".join(lines)


def feed_sessions(sessions: QuerySet[Session], base_url: str) -> list[FeedSession]:
    """Plain feed data for `sessions`, in two queries. Reads dictionaries, not model
    instances: building 500 instances with their relations cost more than the calendar."""
    rows = list(sessions.order_by("starts_at", "pk").values(*FEED_FIELDS))
    names: dict[int, list[str]] = defaultdict(list)
    through = Session.speakers.through
    for session_id, name in (
        through.objects.filter(session_id__in=[r["pk"] for r in rows])
        .order_by("speaker__name", "speaker_id")
        .values_list("session_id", "speaker__name")
    ):
        names[session_id].append(name)
    labels = {
        "with": _("Avec : %(names)s"),
        "online_at": _("En ligne : %(url)s"),
        "phone": _("Par téléphone : %(phone)s %(info)s"),
        "cancelled": _("SÉANCE ANNULÉE"),
        "online": _("En ligne"),
        "join": _("Rejoindre la webconférence"),
    }
    kinds = {value: str(label) for value, label in SessionKind.choices}
    marker = 987654321
    paths: dict[str, tuple[str, str]] = {}
    items = []
    for row in rows:
        slug = row["event__slug"]
        if slug not in paths:
            path = reverse("events:session-detail", kwargs={"slug": slug, "pk": marker})
            paths[slug] = tuple(path.split(str(marker), 1))
        head, tail = paths[slug]
        categories = [row["track__name"]] if row["track__name"] else []
        categories.append(kinds.get(row["kind"], row["kind"]))
        items.append(
            FeedSession(
                uid=session_uid(row["uid"].hex),
                title=row["title"],
                description=_description(row, names.get(row["pk"], []), labels),
                starts_at=row["starts_at"],
                ends_at=row["ends_at"],
                location=_location(row, labels["online"]),
                url=f"{base_url}{head}{row['pk']}{tail}",
                categories=categories,
                color=row["track__color"] or "",
                cancelled=row["cancelled"],
                sequence=row["sequence"],
                created=row["created_at"],
                last_modified=row["updated_at"],
                online_url=row["online_url"],
                dial_in_phone=row["dial_in_phone"],
                dial_in_info=row["dial_in_info"],
                conference_label=labels["join"],
            )
        )
    return items


def agenda_sessions(agenda: Agenda) -> QuerySet[Session]:
    """Sessions registered for (seat or waiting list) or starred in this agenda."""
    return Session.objects.filter(
        Q(
            registrations__agenda=agenda,
            registrations__status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITING],
        )
        | Q(starred_in=agenda)
    ).distinct()


def feed_version(event: Event, *parts: object) -> tuple[str, datetime]:
    """(ETag, Last-Modified) of a feed: every change to the programme bumps `changed_at`;
    `parts` names the feed (and, for an agenda, its own last change)."""
    last = event.changed_at
    for part in parts:
        if isinstance(part, datetime) and part > last:
            last = part
    key = "|".join([str(event.pk), event.changed_at.isoformat(), *map(str, parts)])
    return hashlib.sha256(key.encode()).hexdigest()[:32], last


# --- Secret links ---------------------------------------------------------------------------------


def _check_not_expired(event: Event, code: str) -> None:
    zone = ZoneInfo(event.timezone)
    end = datetime.combine(event.ends_on + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    if timezone.now() > end + LINK_VALIDITY_AFTER_EVENT:
        raise DomainError(
            code,
            gettext_lazy("Ce lien a expiré : l'événement est terminé depuis longtemps."),
        )


def agenda_by_token(token: str) -> Agenda:
    """The agenda behind a secret link, or DomainError("agenda.unknown"/"agenda.expired")."""
    agenda = Agenda.objects.select_related("event").filter(token=token).first() if token else None
    if agenda is None:
        raise DomainError(
            "agenda.unknown",
            gettext_lazy("Ce lien d'agenda est inconnu. Vérifiez qu'il est complet."),
        )
    _check_not_expired(agenda.event, "agenda.expired")
    return agenda


def registration_by_token(token: str) -> Registration:
    registration = (
        Registration.objects.select_related("session__event", "agenda").filter(token=token).first()
        if token
        else None
    )
    if registration is None:
        raise DomainError(
            "registration.unknown",
            gettext_lazy("Ce lien d'inscription est inconnu. Vérifiez qu'il est complet."),
        )
    _check_not_expired(registration.session.event, "registration.expired")
    return registration


def registration_by_checkin_token(token: str) -> Registration | None:
    return Registration.objects.select_related("session__event").filter(checkin_token=token).first()


def waiting_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITING:
        return None
    return (
        Registration.objects.filter(
            session_id=registration.session_id, status=RegistrationStatus.WAITING
        )
        .filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, pk__lt=registration.pk)
        )
        .count()
        + 1
    )


@dataclass
class Attendance:
    session: Session
    registrations: list[Registration]
    registered: int
    waiting: int
    checked_in: int


def attendance(session: Session) -> Attendance:
    registrations = list(session.registrations.order_by("status", "created_at", "pk"))
    registered = [r for r in registrations if r.status == RegistrationStatus.REGISTERED]
    return Attendance(
        session=session,
        registrations=registrations,
        registered=len(registered),
        waiting=sum(1 for r in registrations if r.status == RegistrationStatus.WAITING),
        checked_in=sum(1 for r in registered if r.checked_in_at is not None),
    )


def event_last_session_change(event: Event) -> datetime | None:
    return Session.objects.filter(event=event).aggregate(m=Max("updated_at"))["m"]
