"""Choices shared by models, services and payloads."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoomPhase(models.TextChoices):
    """The phases of a meeting, in the order the facilitator moves through them."""

    DRAFT = "draft", _("Préparation")
    COLLECT = "collect", _("Idées ouvertes")
    REVIEW = "review", _("Idées closes")
    CLUSTER = "cluster", _("Regroupement")
    VOTE = "vote", _("Vote")
    RESULTS = "results", _("Résultats")
    CLOSED = "closed", _("Réunion terminée")


# The order of "next phase". Later phases (clustering, voting, results, debrief) slot in here.
PHASE_ORDER: list[str] = [
    RoomPhase.DRAFT,
    RoomPhase.COLLECT,
    RoomPhase.REVIEW,
    RoomPhase.CLUSTER,
    RoomPhase.VOTE,
    RoomPhase.RESULTS,
    RoomPhase.CLOSED,
]


class IdeaState(models.TextChoices):
    PENDING = "pending", _("En attente de modération")
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Masquée")
    DELETED = "deleted", _("Supprimée")
    MERGED = "merged", _("Fusionnée")
