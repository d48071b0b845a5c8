"""Events and their programmes: organizations, venues, rooms, tracks, speakers, sessions and
registrations. Fields only: the rules (dates, capacity, waiting list, sequence) live in services.

A meeting room (deliberation.Meeting) may be linked to a session through its `session` FK.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .enums import (
    ACTIVE_STATUSES,
    EventKind,
    MailKind,
    MailStatus,
    RegistrationStatus,
    SessionKind,
)


def new_token() -> str:
    """A random URL-safe secret (32 characters, 192 bits): never a sequential id."""
    return secrets.token_urlsafe(24)


class Organization(models.Model):
    """An association or a local authority; its members organise its events."""

    name = models.CharField(_("nom"), max_length=200)
    territory = models.CharField(_("territoire"), max_length=200, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organisateurs"),
        blank=True,
        related_name="event_organizations",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """A festival, a seminar, a webconference series…"""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("adresse courte"), max_length=80, unique=True)
    kind = models.CharField(
        _("type"), max_length=20, choices=EventKind.choices, default=EventKind.FESTIVAL
    )
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    timezone = models.CharField(_("fuseau horaire"), max_length=64, default="Europe/Paris")
    published = models.BooleanField(_("programme publié"), default=True)
    # Bumped by every service that changes what the programme or a feed shows (sessions, venues,
    # tracks, speakers): the feeds' ETag and Last-Modified come from it.
    changed_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "title"]
        verbose_name = _("événement")
        verbose_name_plural = _("événements")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.slug:  # invariant: every event has an address
            self.slug = (slugify(self.title)[:60] or "evenement") + "-" + secrets.token_hex(3)
        super().save(*args, **kwargs)


class Venue(models.Model):
    """A place: a café, a hall, a park. Its rooms are optional."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(_("nom"), max_length=200)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "name", "pk"]
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("nom"), max_length=200)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("salle")
        verbose_name_plural = _("salles")

    def __str__(self) -> str:
        return f"{self.venue.name} – {self.name}"


class Track(models.Model):
    """A thread of the programme (Alimentation, Santé…), or a colour-named workshop group."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(_("nom"), max_length=100)
    slug = models.SlugField(_("adresse courte"), max_length=80)
    # A CSS colour name (RFC 7986 COLOR accepts only those), e.g. "seagreen".
    color = models.CharField(_("couleur"), max_length=30, default="steelblue")

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("parcours")
        verbose_name_plural = pgettext_lazy("plural", "parcours")
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="track_slug_per_event")
        ]

    def __str__(self) -> str:
        return self.name


class Speaker(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("adresse courte"), max_length=80)
    bio = models.TextField(_("présentation"), blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("intervenant·e")
        verbose_name_plural = _("intervenant·es")
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="speaker_slug_per_event")
        ]

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    """One slot of a programme: a workshop, a debate, a talk, a public meeting…"""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=20, choices=SessionKind.choices, default=SessionKind.WORKSHOP
    )
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("lieu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    room = models.ForeignKey(
        Room,
        verbose_name=_("salle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    track = models.ForeignKey(
        Track,
        verbose_name=_("parcours"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    speakers = models.ManyToManyField(
        Speaker, verbose_name=_("intervenant·es"), blank=True, related_name="sessions"
    )
    # None: no registration (free entry). Otherwise the number of seats (> 0).
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    online_url = models.URLField(_("lien de la webconférence"), max_length=500, blank=True)
    dial_in_phone = models.CharField(_("numéro d'appel"), max_length=40, blank=True)
    dial_in_info = models.CharField(_("code ou consignes d'appel"), max_length=200, blank=True)
    cancelled = models.BooleanField(_("annulée"), default=False)
    # iCal identity: the UID never changes, the SEQUENCE grows with every change.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "title", "pk"]
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        indexes = [models.Index(fields=["event", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_webconference(self) -> bool:
        return bool(self.online_url) or self.kind == SessionKind.WEBCONFERENCE

    @property
    def has_registration(self) -> bool:
        return self.capacity is not None


class Agenda(models.Model):
    """A personal agenda for one event: reached by a secret link, or owned by a logged-in user.

    It gathers the sessions registered for (through registrations) and the starred ones.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agendas")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_agendas",
    )
    starred = models.ManyToManyField(Session, blank=True, related_name="starred_in")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agenda personnel")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=Q(user__isnull=False),
                name="agenda_one_per_user_and_event",
            )
        ]

    def __str__(self) -> str:
        return f"agenda #{self.pk}"


class Registration(models.Model):
    """A seat (or a place on the waiting list) in a session, for a name and an email."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="registrations")
    agenda = models.ForeignKey(
        Agenda, null=True, blank=True, on_delete=models.SET_NULL, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    name = models.CharField(_("nom"), max_length=120)
    email = models.EmailField(_("adresse e-mail"))  # stored lower-cased by the service
    status = models.CharField(
        _("statut"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
    )
    # Two secrets: `token` manages the registration (confirmation page, cancel link); the QR
    # ticket carries only `checkin_token`, so whoever scans a ticket cannot cancel it.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    checkin_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    checked_in_at = models.DateTimeField(_("arrivée"), null=True, blank=True)
    # Set by the link in the confirmation mail: the address is real and read by this person.
    email_confirmed_at = models.DateTimeField(_("adresse confirmée"), null=True, blank=True)
    # The language the person registered in: their mail is written in it.
    language = models.CharField(max_length=10, default="fr")
    # When the day-before reminder was queued (never two reminders).
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            # The last line of defence against a double registration sent twice at once.
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="registration_one_active_per_email",
            )
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} → {self.session_id} ({self.status})"

    @property
    def is_confirmed(self) -> bool:
        """The person behind the ticket is known: address confirmed by mail, or seen at the door."""
        return self.email_confirmed_at is not None or self.checked_in_at is not None


class OutgoingMail(models.Model):
    """One message of the outbox (docs/events.md, "Mail"). Written in the transaction that
    causes it, rendered and sent after the commit, retried with backoff by `send_mail_outbox`
    until the mail server takes it: a failing server loses nothing. The whole MIME message is
    stored at the first attempt, so a retry sends the very same message (same Message-ID)."""

    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="mails"
    )
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="mails"
    )
    kind = models.CharField(_("type"), max_length=20, choices=MailKind.choices)
    to = models.EmailField(_("destinataire"))
    subject = models.CharField(_("objet"), max_length=300)
    # The finished MIME message, rendered at the first attempt (events.mail.render) and sent as
    # is on every retry; what to render it from until then.
    message = models.BinaryField(default=b"", blank=True)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=MailStatus.choices, default=MailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé"), auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyé"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to} ({self.status})"
