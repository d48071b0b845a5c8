"""Events and their sessions. A meeting room may be linked to a session of an event's programme."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """A festival, a seminar, a webconference series…"""

    title = models.CharField(_("titre"), max_length=200)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    timezone = models.CharField(_("fuseau horaire"), max_length=64, default="Europe/Paris")

    class Meta:
        ordering = ["starts_on", "title"]
        verbose_name = _("événement")

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    """One slot of a programme: a workshop, a debate, a talk, a public meeting…"""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("titre"), max_length=200)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))

    class Meta:
        ordering = ["starts_at", "title"]
        verbose_name = _("séance")

    def __str__(self) -> str:
        return self.title
