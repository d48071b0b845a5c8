"""Every write to an event's programme and registrations: rules, limits, locks, transactions.

Each service raises DomainError("<area>.<reason>", message) and stores nothing when it does.
Every change to what a programme page or a feed shows bumps `Event.changed_at` (the feeds'
ETag and Last-Modified) and, for a session, its iCal SEQUENCE.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from informaction.text import clean_text
from rooms.errors import DomainError

from . import mail
from .colors import is_css_color_name
from .enums import ACTIVE_STATUSES, RegistrationStatus, SessionKind
from .models import (
    Agenda,
    Event,
    Organization,
    Registration,
    Room,
    Session,
    Speaker,
    Track,
    Venue,
)
from .permissions import can_manage_organization, check_can_edit
from .signals import registration_cancelled

User = AbstractBaseUser | AnonymousUser

# Reserved first path segments under /programme/ (organizer pages, tokens).
RESERVED_SLUGS = {"orga", "inscription", "agenda", "check-in", "billet"}
MAX_CAPACITY = 100_000
# Secret links (agenda, confirmation, cancel) stop working this long after the event ends.
LINK_VALIDITY_AFTER_EVENT = timedelta(days=90)


def touch_event(event_id: int) -> None:
    Event.objects.filter(pk=event_id).update(changed_at=timezone.now())


def zone_for(name: str) -> ZoneInfo:
    """The zone called `name`, or DomainError("event.unknown_timezone")."""
    try:
        if not name or name != name.strip() or ".." in name:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainError(
            "event.unknown_timezone",
            _("Fuseau horaire inconnu : « %(zone)s » (exemple : Europe/Paris)."),
            zone=(name or "")[:64],
        ) from None


# --- Organizations and events -------------------------------------------------------------------


@transaction.atomic
def organization_create(*, user: User, name: str, territory: str = "") -> Organization:
    """Create an organization; its creator becomes its first organizer."""
    if not user.is_authenticated:
        raise DomainError("organization.forbidden", _("Connectez-vous d'abord."))
    name = clean_text(name)[:200]
    if not name:
        raise DomainError("organization.name_empty", _("Donnez un nom à l'organisation."))
    organization = Organization.objects.create(name=name, territory=clean_text(territory)[:200])
    organization.members.add(user)
    return organization


def unique_slug(base: str, exists, fallback: str) -> str:
    """A slug of `base` that `exists` does not know and no reserved path uses."""
    slug = slugify(base)[:60] or fallback
    candidate, n = slug, 2
    while exists(candidate) or candidate in RESERVED_SLUGS:
        candidate = f"{slug}-{n}"
        n += 1
    return candidate


def _validate_event_fields(
    *, title: str, starts_on: date, ends_on: date, timezone_name: str
) -> tuple[str, str]:
    title = clean_text(title)[:200]
    if not title:
        raise DomainError("event.title_empty", _("Donnez un titre à l'événement."))
    if ends_on < starts_on:
        raise DomainError(
            "event.ends_before_start",
            _("La fin de l'événement (%(end)s) précède son début (%(start)s)."),
            end=ends_on.isoformat(),
            start=starts_on.isoformat(),
        )
    if (ends_on - starts_on).days > 366:
        raise DomainError("event.too_long", _("Un événement dure au plus un an."))
    zone_for(timezone_name)
    return title, timezone_name


@transaction.atomic
def event_create(
    *,
    user: User,
    organization: Organization,
    title: str,
    starts_on: date,
    ends_on: date,
    timezone_name: str = "Europe/Paris",
    kind: str = "festival",
    description: str = "",
    slug: str = "",
    published: bool = True,
) -> Event:
    """Create an event for `organization`; the user must be one of its organizers."""
    if not can_manage_organization(user, organization):
        raise DomainError(
            "event.forbidden", _("Vous n'êtes pas organisateur de cette organisation.")
        )
    title, timezone_name = _validate_event_fields(
        title=title, starts_on=starts_on, ends_on=ends_on, timezone_name=timezone_name
    )
    slug = slugify(slug)[:80]
    if slug and (slug in RESERVED_SLUGS or Event.objects.filter(slug=slug).exists()):
        raise DomainError("event.slug_taken", _("Cette adresse courte est déjà prise."))
    slug = slug or unique_slug(title, lambda s: Event.objects.filter(slug=s).exists(), "evenement")
    return Event.objects.create(
        organization=organization,
        title=title,
        slug=slug,
        kind=kind,
        description=clean_text(description),
        starts_on=starts_on,
        ends_on=ends_on,
        timezone=timezone_name,
        published=published,
    )


@transaction.atomic
def event_update(
    *,
    user: User,
    event: Event,
    title: str,
    starts_on: date,
    ends_on: date,
    timezone_name: str,
    kind: str,
    description: str = "",
    published: bool = True,
) -> Event:
    """Edit an event. Refuses new dates that would leave sessions outside them, and a new time
    zone while sessions exist (their local times would silently move)."""
    check_can_edit(user, event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    title, timezone_name = _validate_event_fields(
        title=title, starts_on=starts_on, ends_on=ends_on, timezone_name=timezone_name
    )
    sessions = Session.objects.filter(event=event)
    if timezone_name != event.timezone and sessions.exists():
        raise DomainError(
            "event.timezone_locked",
            _("Le fuseau horaire ne peut plus changer : le programme contient des séances."),
        )
    zone = ZoneInfo(timezone_name)
    outside = [
        s.title
        for s in sessions.only("title", "starts_at", "ends_at")
        if not _inside(s.starts_at, s.ends_at, starts_on, ends_on, zone)
    ]
    if outside:
        raise DomainError(
            "event.sessions_outside",
            _("Ces séances seraient hors des nouvelles dates : %(titles)s."),
            titles=", ".join(outside[:5]),
        )
    event.title, event.starts_on, event.ends_on = title, starts_on, ends_on
    event.timezone, event.kind, event.description = timezone_name, kind, clean_text(description)
    event.published = published
    event.changed_at = timezone.now()
    event.save()
    return event


# --- Venues, rooms, tracks, speakers -------------------------------------------------------------


@transaction.atomic
def venue_save(
    *,
    user: User,
    event: Event,
    name: str,
    address: str = "",
    position: int = 0,
    venue: Venue | None = None,
) -> Venue:
    check_can_edit(user, event)
    name = clean_text(name)[:200]
    if not name:
        raise DomainError("venue.name_empty", _("Donnez un nom au lieu."))
    venue = venue or Venue(event=event)
    if venue.event_id != event.pk:
        raise DomainError("venue.not_found", _("Ce lieu n'existe pas."))
    venue.name, venue.address, venue.position = name, clean_text(address)[:300], max(0, position)
    venue.save()
    touch_event(event.pk)
    return venue


@transaction.atomic
def room_save(*, user: User, venue: Venue, name: str, room: Room | None = None) -> Room:
    check_can_edit(user, venue.event)
    name = clean_text(name)[:200]
    if not name:
        raise DomainError("room.name_empty", _("Donnez un nom à la salle."))
    room = room or Room(venue=venue)
    room.name = name
    room.save()
    touch_event(venue.event_id)
    return room


@transaction.atomic
def track_save(
    *, user: User, event: Event, name: str, color: str = "steelblue", track: Track | None = None
) -> Track:
    """Create or rename a track. `color` must be a CSS colour name (RFC 7986 COLOR)."""
    check_can_edit(user, event)
    name = clean_text(name)[:100]
    if not name:
        raise DomainError("track.name_empty", _("Donnez un nom au parcours."))
    color = (color or "").strip().lower()
    if not is_css_color_name(color):
        raise DomainError(
            "track.bad_color",
            _("« %(color)s » n'est pas un nom de couleur CSS (exemples : seagreen, tomato)."),
            color=color[:30],
        )
    track = track or Track(event=event)
    if not track.slug:
        track.slug = unique_slug(
            name, lambda s: Track.objects.filter(event=event, slug=s).exists(), "parcours"
        )
    track.name, track.color = name, color
    track.save()
    touch_event(event.pk)
    return track


@transaction.atomic
def speaker_save(
    *, user: User, event: Event, name: str, bio: str = "", speaker: Speaker | None = None
) -> Speaker:
    check_can_edit(user, event)
    name = clean_text(name)[:200]
    if not name:
        raise DomainError("speaker.name_empty", _("Donnez le nom de l'intervenant·e."))
    speaker = speaker or Speaker(event=event)
    if not speaker.slug:
        speaker.slug = unique_slug(
            name, lambda s: Speaker.objects.filter(event=event, slug=s).exists(), "intervenant"
        )
    speaker.name, speaker.bio = name, clean_text(bio)
    speaker.save()
    touch_event(event.pk)
    return speaker


# --- Sessions -----------------------------------------------------------------------------------


def _inside(
    starts_at: datetime, ends_at: datetime, first: date, last: date, zone: ZoneInfo
) -> bool:
    start_day = starts_at.astimezone(zone).date()
    # A session ending exactly at midnight belongs to the day before.
    end_day = (ends_at - timedelta(microseconds=1)).astimezone(zone).date()
    return first <= start_day and end_day <= last


def _validate_times(event: Event, starts_at: datetime, ends_at: datetime) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise DomainError("session.naive_time", _("Heure sans fuseau horaire."))
    if ends_at <= starts_at:
        raise DomainError(
            "session.ends_before_start", _("La fin de la séance doit être après son début.")
        )
    if ends_at - starts_at > timedelta(days=2):
        raise DomainError("session.too_long", _("Une séance dure au plus 48 heures."))
    zone = zone_for(event.timezone)
    if not _inside(starts_at, ends_at, event.starts_on, event.ends_on, zone):
        raise DomainError(
            "session.outside_event",
            _("La séance doit avoir lieu pendant l'événement, du %(start)s au %(end)s."),
            start=event.starts_on.strftime("%d/%m/%Y"),
            end=event.ends_on.strftime("%d/%m/%Y"),
        )


def _validate_capacity(capacity: int | None) -> int | None:
    if capacity is None:
        return None
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity <= 0:
        raise DomainError(
            "session.bad_capacity",
            _("Le nombre de places doit être un entier positif (laissez vide : entrée libre)."),
        )
    if capacity > MAX_CAPACITY:
        raise DomainError("session.bad_capacity", _("Nombre de places trop grand."))
    return capacity


def _validate_url(value: str) -> str:
    value = clean_text(value)
    if not value:
        return ""
    try:
        URLValidator(schemes=["https", "http"])(value)
    except ValidationError:
        raise DomainError(
            "session.bad_url", _("Le lien de la webconférence doit commencer par https://.")
        ) from None
    return value[:500]


@dataclass
class SessionFields:
    """What an organizer types for a session (shared by forms, imports and duplication)."""

    title: str
    starts_at: datetime
    ends_at: datetime
    kind: str = SessionKind.WORKSHOP
    description: str = ""
    venue: Venue | None = None
    room: Room | None = None
    track: Track | None = None
    speakers: list[Speaker] = field(default_factory=list)
    capacity: int | None = None
    online_url: str = ""
    dial_in_phone: str = ""
    dial_in_info: str = ""


def validated_session(event: Event, data: SessionFields) -> dict[str, Any]:
    """The model fields of a session from `data`, checked; raises DomainError."""
    title = clean_text(data.title)[:200]
    if not title:
        raise DomainError("session.title_empty", _("Donnez un titre à la séance."))
    if data.kind not in SessionKind.values:
        raise DomainError("session.bad_kind", _("Type de séance inconnu."))
    _validate_times(event, data.starts_at, data.ends_at)
    for related, code in ((data.venue, "venue"), (data.track, "track")):
        if related is not None and related.event_id != event.pk:
            raise DomainError(f"session.bad_{code}", _("Ce choix n'appartient pas à l'événement."))
    if any(s.event_id != event.pk for s in data.speakers):
        raise DomainError("session.bad_speaker", _("Ce choix n'appartient pas à l'événement."))
    venue = data.venue
    if data.room is not None:
        if data.room.venue.event_id != event.pk:
            raise DomainError("session.bad_room", _("Ce choix n'appartient pas à l'événement."))
        if venue is not None and data.room.venue_id != venue.pk:
            raise DomainError("session.room_venue", _("Cette salle n'est pas dans ce lieu."))
        venue = data.room.venue
    dial_in_phone = clean_text(data.dial_in_phone)[:40]
    if dial_in_phone and not re.fullmatch(r"[0-9+ ().-]{4,40}", dial_in_phone):
        raise DomainError("session.bad_phone", _("Numéro d'appel invalide."))
    return {
        "title": title,
        "kind": data.kind,
        "description": clean_text(data.description),
        "starts_at": data.starts_at,
        "ends_at": data.ends_at,
        "venue": venue,
        "room": data.room,
        "track": data.track,
        "capacity": _validate_capacity(data.capacity),
        "online_url": _validate_url(data.online_url),
        "dial_in_phone": dial_in_phone,
        "dial_in_info": clean_text(data.dial_in_info)[:200],
    }


@transaction.atomic
def session_create(*, user: User, event: Event, data: SessionFields) -> Session:
    """Add a session to the programme. Conflicts are warnings: see selectors.session_conflicts."""
    check_can_edit(user, event)
    fields = validated_session(event, data)
    session = Session.objects.create(event=event, **fields)
    session.speakers.set(data.speakers)
    touch_event(event.pk)
    return session


def _promote_waiting(session: Session) -> list[Registration]:
    """Fill free seats from the waiting list, first come first served. Caller holds the lock on
    the session row."""
    if session.capacity is None or session.cancelled:
        return []
    taken = session.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    free = session.capacity - taken
    if free <= 0:
        return []
    waiting = list(
        session.registrations.filter(status=RegistrationStatus.WAITING).order_by(
            "created_at", "pk"
        )[:free]
    )
    now = timezone.now()
    for registration in waiting:
        registration.status = RegistrationStatus.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        if registration.agenda_id:
            Agenda.objects.filter(pk=registration.agenda_id).update(updated_at=now)
    mail.promoted(waiting)
    return waiting


def _lock(session: Session) -> Session:
    return Session.objects.select_for_update().select_related("event").get(pk=session.pk)


def _bump(session: Session) -> None:
    session.sequence = F("sequence") + 1
    session.save()
    session.refresh_from_db(fields=["sequence", "updated_at"])
    touch_event(session.event_id)


@transaction.atomic
def session_update(*, user: User, session: Session, data: SessionFields) -> Session:
    """Edit a session; its SEQUENCE grows. More seats promote the waiting list; fewer seats
    than people already registered are refused (nobody loses a seat silently)."""
    check_can_edit(user, session.event)
    session = _lock(session)
    fields = validated_session(session.event, data)
    registered = session.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    capacity = fields["capacity"]
    if session.registrations.filter(status__in=ACTIVE_STATUSES).exists() and capacity is None:
        raise DomainError(
            "session.capacity_needed",
            _("Des personnes sont inscrites : gardez un nombre de places."),
        )
    if capacity is not None and capacity < registered:
        raise DomainError(
            "session.capacity_below_registered",
            ngettext_lazy(
                "%(count)s personne est déjà inscrite : gardez au moins %(count)s place.",
                "%(count)s personnes sont déjà inscrites : gardez au moins %(count)s places.",
                registered,
            ),
            count=registered,
        )
    before = _what_people_were_told(session)
    for name, value in fields.items():
        setattr(session, name, value)
    _bump(session)
    session.speakers.set(data.speakers)
    if _what_people_were_told(session) != before:
        mail.session_changed(session)
    _promote_waiting(session)
    return session


def _what_people_were_told(session: Session) -> tuple:
    """The fields of a session its registration mail gives: a change in them is mailed."""
    return (
        session.title,
        session.starts_at,
        session.ends_at,
        session.venue_id,
        session.room_id,
        session.online_url,
        session.dial_in_phone,
        session.dial_in_info,
    )


@transaction.atomic
def session_move(*, user: User, session: Session, starts_at: datetime) -> Session:
    """Move a session in time, keeping its duration."""
    check_can_edit(user, session.event)
    session = _lock(session)
    duration = session.ends_at - session.starts_at
    _validate_times(session.event, starts_at, starts_at + duration)
    moved = session.starts_at != starts_at
    session.starts_at, session.ends_at = starts_at, starts_at + duration
    _bump(session)
    if moved:
        mail.session_changed(session)
    return session


@transaction.atomic
def session_duplicate(*, user: User, session: Session) -> Session:
    """A copy of the session (same time, place, speakers; no registrations; a new UID)."""
    check_can_edit(user, session.event)
    speakers = list(session.speakers.all())
    copy = Session.objects.create(
        event=session.event,
        title=(str(_("%(title)s (copie)")) % {"title": session.title})[:200],
        kind=session.kind,
        description=session.description,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        venue=session.venue,
        room=session.room,
        track=session.track,
        capacity=session.capacity,
        online_url=session.online_url,
        dial_in_phone=session.dial_in_phone,
        dial_in_info=session.dial_in_info,
    )
    copy.speakers.set(speakers)
    touch_event(session.event_id)
    return copy


@transaction.atomic
def session_cancel(*, user: User, session: Session, cancelled: bool = True) -> Session:
    """Cancel (or restore) a session. It stays in the programme and the feeds, marked
    cancelled (STATUS:CANCELLED); registrations are kept so people can be told."""
    check_can_edit(user, session.event)
    session = _lock(session)
    if session.cancelled == cancelled:
        return session
    session.cancelled = cancelled
    _bump(session)
    mail.session_cancelled(session, restored=not cancelled)
    return session


# --- Registrations ------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    email = clean_text(email).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(
            "registration.bad_email", _("Adresse e-mail invalide : « %(email)s »."), email=email
        ) from None
    return email


@transaction.atomic
def registration_create(
    *,
    session: Session,
    name: str,
    email: str,
    user: User | None = None,
    agenda: Agenda | None = None,
) -> Registration:
    """Register `email` for a session: a seat if one is free, else the waiting list.

    Locks the session row (select_for_update on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises
    writers), so two requests at the same instant cannot both take the last seat. Raises
    DomainError("registration.duplicate") when this email already holds a seat or a place on
    the waiting list, ("registration.closed") for a cancelled, past or free-entry session.
    """
    name = clean_text(name)[:120]
    if not name:
        raise DomainError("registration.name_empty", _("Indiquez votre nom."))
    email = normalise_email(email)
    session = _lock(session)
    if session.cancelled:
        raise DomainError("registration.cancelled", _("Cette séance est annulée."))
    if session.capacity is None:
        raise DomainError(
            "registration.closed", _("Entrée libre : pas besoin de s'inscrire à cette séance.")
        )
    if session.ends_at <= timezone.now():
        raise DomainError("registration.closed", _("Cette séance est terminée."))
    if session.registrations.filter(email=email, status__in=ACTIVE_STATUSES).exists():
        raise DomainError(
            "registration.duplicate",
            _("L'adresse %(email)s est déjà inscrite à cette séance."),
            email=email,
        )
    taken = session.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    status = (
        RegistrationStatus.REGISTERED if taken < session.capacity else RegistrationStatus.WAITING
    )
    if agenda is not None and agenda.event_id != session.event_id:
        agenda = None
    if agenda is None:
        agenda = agenda_for(event=session.event, user=user)
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                session=session,
                agenda=agenda,
                user=user if user is not None and user.is_authenticated else None,
                name=name,
                email=email,
                status=status,
                language=_current_language(),
            )
    except IntegrityError:  # the unique constraint, should the lock ever be bypassed
        raise DomainError(
            "registration.duplicate",
            _("L'adresse %(email)s est déjà inscrite à cette séance."),
            email=email,
        ) from None
    Agenda.objects.filter(pk=agenda.pk).update(updated_at=timezone.now())
    mail.registration_created(registration)
    return registration


def _current_language() -> str:
    """The language of this request among the site's, for the person's mail."""
    try:
        return translation.get_supported_language_variant(translation.get_language() or "")
    except LookupError:
        return settings.LANGUAGE_CODE


@transaction.atomic
def registration_confirm_email(*, registration: Registration, code: str) -> Registration:
    """The link of the confirmation mail: the address is real and read by this person, which
    makes the ticket a voting pass (docs/voting.md). Opening it again changes nothing. Raises
    DomainError registration.bad_confirm_link for a code that is not this registration's."""
    if not mail.confirm_code_ok(registration, code):
        raise DomainError(
            "registration.bad_confirm_link",
            _("Ce lien de confirmation n'est pas valide. Vérifiez qu'il est complet."),
        )
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.email_confirmed_at is None:
        registration.email_confirmed_at = timezone.now()
        registration.save(update_fields=["email_confirmed_at"])
    return registration


def agenda_for(*, event: Event, user: User | None = None) -> Agenda:
    """The logged-in user's agenda for this event, or a new anonymous one."""
    if user is not None and user.is_authenticated:
        agenda, _created = Agenda.objects.get_or_create(event=event, user=user)
        return agenda
    return Agenda.objects.create(event=event)


@transaction.atomic
def registration_cancel(*, registration: Registration) -> list[Registration]:
    """Cancel a registration (through its secret link); the freed seat goes to the first
    person on the waiting list. Returns the promoted registrations."""
    session = _lock(registration.session)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        raise DomainError(
            "registration.already_cancelled", _("Cette inscription est déjà annulée.")
        )
    now = timezone.now()
    was_seated = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    # Voting passes made from this ticket lose their right in the same transaction.
    registration_cancelled.send(sender=Registration, registration=registration)
    mail.unregistered(registration, was_seated=was_seated)
    if registration.agenda_id:
        Agenda.objects.filter(pk=registration.agenda_id).update(updated_at=now)
    return _promote_waiting(session)


@dataclass
class CheckIn:
    registration: Registration
    already: bool


@transaction.atomic
def registration_check_in(*, user: User, checkin_token: str) -> CheckIn:
    """Check in the ticket holder at the door. Organizers only. Scanning twice is harmless
    (`already` says so); a waiting-list or cancelled ticket is refused."""
    registration = (
        Registration.objects.select_for_update()
        .select_related("session__event")
        .filter(checkin_token=checkin_token)
        .first()
    )
    if registration is None or not secrets.compare_digest(
        registration.checkin_token, checkin_token
    ):
        raise DomainError("checkin.unknown", _("Billet inconnu."))
    check_can_edit(user, registration.session.event)
    if registration.status == RegistrationStatus.CANCELLED:
        raise DomainError("checkin.cancelled", _("Cette inscription a été annulée."))
    if registration.status == RegistrationStatus.WAITING:
        raise DomainError(
            "checkin.waiting", _("Cette personne est sur la liste d'attente, sans place.")
        )
    if registration.checked_in_at is not None:
        return CheckIn(registration, already=True)
    registration.checked_in_at = timezone.now()
    registration.save(update_fields=["checked_in_at"])
    return CheckIn(registration, already=False)


@transaction.atomic
def agenda_star(*, agenda: Agenda, session: Session, starred: bool) -> None:
    """Add a session to (or remove it from) a personal agenda."""
    if session.event_id != agenda.event_id:
        raise DomainError("agenda.wrong_event", _("Cette séance n'est pas dans cet événement."))
    if starred:
        agenda.starred.add(session)
    else:
        agenda.starred.remove(session)
    Agenda.objects.filter(pk=agenda.pk).update(updated_at=timezone.now())
