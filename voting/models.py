"""Votes, their options, ballots and paper counts. Fields only: rules live in services.

Secrecy boundary: a Ballot row ties a participant to a content. It never leaves the database
together: broadcasts, snapshots and exports carry aggregates or anonymised, shuffled contents.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rooms.models import Meeting, Participant

from .enums import BallotState, PaperSource, RegistrationSource, RevealMode, VoteMethod


class Vote(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    title = models.CharField(_("question"), max_length=200, blank=True)
    method = models.CharField(_("méthode"), max_length=20, choices=VoteMethod.choices)
    # max_dots, max_per_option (dots); grades, grades_en (majority judgment);
    # min_score, max_score (score). Normalised by the service: every key is present.
    settings = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=BallotState.choices, default=BallotState.DRAFT)
    reveal = models.CharField(
        _("résultats affichés"), max_length=10, choices=RevealMode.choices, default=RevealMode.LIVE
    )
    # Whether participants see the results right now (live reveal while open, or published).
    revealed = models.BooleanField(default=False)
    registered_only = models.BooleanField(
        _("réservé aux inscrit·es"),
        default=False,
        help_text=_("Seules les personnes venues avec un lien personnel ou un billet votent."),
    )
    # The result computed once at close (voting/counting.py output); never recomputed after.
    cached_results = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")

    def __str__(self) -> str:
        return f"{self.get_method_display()} #{self.pk}"


class VoteOption(models.Model):
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("libellé"), max_length=200)
    # A lazy reference: voting does not import deliberation (docs/architecture.md).
    idea = models.ForeignKey("deliberation.Idea", null=True, blank=True, on_delete=models.SET_NULL)
    theme = models.CharField(_("thème"), max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


class Ballot(models.Model):
    """One participant's current ballot in one vote; revising replaces `content`."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    content = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "participant"], name="ballot_one_per_voter")
        ]

    def __str__(self) -> str:  # never the content next to the voter
        return f"ballot #{self.pk}"


class PaperCount(models.Model):
    """Votes collected without a phone, typed in by a facilitator: aggregate counts (dots,
    approval, yes/no) or individual paper ballots (other methods). Reported apart from phones."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="paper_counts")
    source = models.CharField(max_length=10, choices=PaperSource.choices)
    # {"counts": {option or answer: n}} or {"ballots": [ballot, ...]}
    content = models.JSONField()
    note = models.CharField(_("remarque"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} #{self.pk}"


class VoterRegistration(models.Model):
    """Marks a participant who joined with a personal link or a ticket: the only ones who may
    vote in a vote restricted to registered participants."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="voter_registration"
    )
    source = models.CharField(max_length=10, choices=RegistrationSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.participant_id} ({self.source})"


class VoterPass(models.Model):
    """A personal way into a meeting that makes its holder a registered voter: a personal link
    made by the facilitator (random `token`) or an event ticket (`ticket`) of the session the
    meeting belongs to. It binds to the first participant (device) who uses it; another device
    is refused, until a facilitator releases it (docs/voting.md, "Restriction…")."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="voter_passes")
    source = models.CharField(max_length=10, choices=RegistrationSource.choices)
    name = models.CharField(_("nom"), max_length=60, blank=True)
    # Personal links only: the secret in the URL (random, ~144 bits). None for a ticket.
    token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # Tickets only: the registration whose ticket opened the meeting.
    ticket = models.ForeignKey(
        "events.Registration", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    participant = models.OneToOneField(
        Participant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="voter_pass",
    )
    position = models.PositiveIntegerField(default=0)  # the order of the printed sheet
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("lien personnel")
        verbose_name_plural = _("liens personnels")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "ticket"], name="voter_pass_one_per_ticket")
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} #{self.pk}"
