"""Ideas, supports, themes, the timeline, questionnaires; the room itself is in rooms/models.py.

Fields only: rules live in services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rooms.models import Meeting, Participant

from .enums import IdeaKind, IdeaState, TimelineKind


class Theme(models.Model):
    """A group of ideas on the board (regroupement), made by hand or accepted from suggestions."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("nom"), max_length=60)
    color = models.CharField(_("couleur"), max_length=30, default="steelblue")
    keywords = models.CharField(_("mots-clés"), max_length=300, blank=True)
    preset_slug = models.CharField(max_length=40, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Idea(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="ideas")
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    # Set when a facilitator typed the idea on someone's behalf (a paper post-it).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    on_behalf = models.BooleanField(default=False)
    title = models.CharField(max_length=80, blank=True)
    text = models.TextField()
    state = models.CharField(max_length=10, choices=IdeaState.choices, default=IdeaState.VISIBLE)
    pinned = models.BooleanField(default=False)
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    # A duplicate merged into another idea keeps its text here, shown with the target on demand.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_ideas"
    )
    support_count = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=12, choices=IdeaKind.choices, default=IdeaKind.IDEA)
    # A webconference question the facilitator marked as answered.
    answered = models.BooleanField(default=False)
    # A breakout group's proposal brought back to the plenary (the group is a child meeting).
    from_group = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["author", "created_at"])]

    def __str__(self) -> str:
        return self.text[:40]


class Support(models.Model):
    """One participant's "+1" on an idea: at most one each."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "participant"], name="support_once")]

    def __str__(self) -> str:
        return f"+1 {self.participant_id} → {self.idea_id}"


class ThemeSuggestion(models.Model):
    """A participant's proposal to put an idea in a theme (when the facilitator allows it)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="theme_suggestions")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE)
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "participant"], name="theme_suggestion_once")
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} → {self.theme_id}"


class TimelineMark(models.Model):
    """A moment of the meeting, at an offset from its start: "22:30 — second speaker…"."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=12, choices=TimelineKind.choices, default=TimelineKind.NOTE)
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    speaker = models.CharField(_("intervenant·e"), max_length=120, blank=True)
    offset_seconds = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["offset_seconds", "pk"]

    def __str__(self) -> str:
        return f"{self.offset_seconds}s {self.kind}"


class Questionnaire(models.Model):
    """A short satisfaction questionnaire (1–5 scales and free text), for a meeting or an event.

    `questions` is a list of {"key", "label", "type": "scale"|"text"}, normalised by the service.
    """

    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="questionnaires"
    )
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="questionnaires",
    )
    title = models.CharField(_("titre"), max_length=200)
    questions = models.JSONField(default=list)
    # Opaque token in the QR code URL (never a sequential id).
    token = models.CharField(max_length=32, unique=True)
    is_open = models.BooleanField(_("ouvert"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class QuestionnaireResponse(models.Model):
    """One respondent's answers; a device answers once (answering again replaces)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="responses"
    )
    respondent = models.CharField(max_length=64)
    answers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "respondent"], name="questionnaire_response_once"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class SessionOrigin(models.Model):
    """Where a programme session came from: an idea or a theme of a public meeting."""

    session = models.OneToOneField(
        "events.Session", on_delete=models.CASCADE, related_name="origin"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, null=True, blank=True, on_delete=models.SET_NULL)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.session_id} ← {self.meeting_id}"
