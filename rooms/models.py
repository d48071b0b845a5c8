"""The room: a meeting, the people in it (known by a device), and the replies it stored.

Ideas, themes, votes… hang on these (deliberation/ and voting/). The tables kept the names they had
when the room lived in deliberation/ (see docs/architecture.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import RoomPhase


class Meeting(models.Model):
    """A live room: a board on a projector, phones joined with a code."""

    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    join_code = models.CharField(_("code"), max_length=6, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_meetings"
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="facilitated_meetings"
    )
    session = models.ForeignKey(
        "events.Session",
        verbose_name=_("séance du programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    phase = models.CharField(max_length=20, choices=RoomPhase.choices, default=RoomPhase.DRAFT)
    premoderation = models.BooleanField(
        _("pré-modération"),
        default=False,
        help_text=_(
            "Les nouvelles idées attendent l'accord de l'animation avant d'être affichées."
        ),
    )
    hidden_until_reveal = models.BooleanField(
        _("idées cachées jusqu'à la révélation"),
        default=False,
        help_text=_("Chaque téléphone ne voit que ses propres idées jusqu'à la révélation."),
    )
    revealed = models.BooleanField(default=False)
    allow_theme_suggestions = models.BooleanField(
        _("les participant·e·s peuvent proposer un thème pour une idée"), default=False
    )
    # Phones may post questions (Idea.kind "question") while ideas are open. On by default for a
    # meeting created for a webconference session; the facilitator switches it on or off.
    allow_questions = models.BooleanField(_("questions du public"), default=False)
    # The room's sequence number: every accepted change takes the next one (see docs/protocol.md).
    seq = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # Breakout groups are child meetings (own code, QR, board and facilitators).
    parent = models.ForeignKey(
        "self",
        verbose_name=_("réunion plénière"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="groups",
    )
    group_color = models.CharField(_("couleur du groupe"), max_length=30, blank=True)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    # Time zero of the timeline: "Démarrer le chrono", or the first phase change out of draft.
    started_at = models.DateTimeField(_("début"), null=True, blank=True)
    minutes_summary = models.TextField(_("synthèse du compte-rendu"), blank=True)
    # What the projected screen shows (view, sort, contrast, vote, highlight), chosen on the
    # console with `projection.set`; keys left out take their defaults (deliberation/payloads.py).
    projection = models.JSONField(_("projection"), default=dict, blank=True)

    class Meta:
        db_table = (
            "deliberation_meeting"  # the room began in deliberation/; its table kept the name
        )
        ordering = ["-created_at"]
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")

    def __str__(self) -> str:
        return f"{self.title} ({self.join_code})"

    @property
    def ideas_public(self) -> bool:
        """Whether participants see each other's ideas right now."""
        return not self.hidden_until_reveal or self.revealed


class Participant(models.Model):
    """A person in a meeting, known by a device cookie; no account."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    device = models.CharField(max_length=64)
    display_name = models.CharField(_("nom affiché"), max_length=60, blank=True)
    # Agreed to have their name listed among those present in the minutes.
    listed = models.BooleanField(_("nom dans le compte-rendu"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "deliberation_participant"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "device"], name="participant_one_per_device")
        ]

    def __str__(self) -> str:
        return self.display_name or f"#{self.pk}"


class ClientCommand(models.Model):
    """The reply to a client message, stored with the change: a retried message applies once."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE)
    actor = models.CharField(max_length=40)  # "p:<participant id>" or "u:<user id>"
    client_id = models.CharField(max_length=64)
    reply = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "deliberation_clientcommand"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "actor", "client_id"], name="client_command_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.actor}:{self.client_id}"
