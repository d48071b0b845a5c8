"""Choices shared by the events models, services, forms and the calendar builder."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionKind(models.TextChoices):
    WORKSHOP = "workshop", _("Atelier")
    DEBATE = "debate", _("Débat")
    TALK = "talk", _("Conférence")
    CONCERT = "concert", _("Concert")
    WEBCONFERENCE = "webconference", _("Webconférence")
    PUBLIC_MEETING = "public_meeting", _("Réunion publique")
    OTHER = "other", _("Autre")


class EventKind(models.TextChoices):
    FESTIVAL = "festival", _("Festival")
    SEMINAR = "seminar", _("Séminaire")
    WEBCONFERENCES = "webconferences", _("Cycle de webconférences")
    OTHER = "other", _("Autre")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Inscrit·e")
    WAITING = "waiting", _("Liste d'attente")
    CANCELLED = "cancelled", _("Annulée")


# Registrations that hold (or wait for) a seat: one per email and session.
ACTIVE_STATUSES = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)


class MailKind(models.TextChoices):
    CONFIRMED = "confirmed", _("Inscription confirmée")
    WAITING = "waiting", _("Liste d'attente")
    PROMOTED = "promoted", _("Place libérée")
    UNREGISTERED = "unregistered", _("Inscription annulée")
    CHANGED = "changed", _("Séance modifiée")
    CANCELLED = "cancelled", _("Séance annulée")
    REMINDER = "reminder", _("Rappel")
    MESSAGE = "message", _("Message de l'organisation")


class MailStatus(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")
