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
    DEBRIEF = "debrief", _("Débat-bilan")
    CLOSED = "closed", _("Réunion terminée")


# The order of "next phase". Later phases (clustering, voting, results, debrief) slot in here.
PHASE_ORDER: list[str] = [
    RoomPhase.DRAFT,
    RoomPhase.COLLECT,
    RoomPhase.REVIEW,
    RoomPhase.CLUSTER,
    RoomPhase.VOTE,
    RoomPhase.RESULTS,
    RoomPhase.DEBRIEF,
    RoomPhase.CLOSED,
]


class IdeaState(models.TextChoices):
    PENDING = "pending", _("En attente de modération")
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Masquée")
    DELETED = "deleted", _("Supprimée")
    MERGED = "merged", _("Fusionnée")


class IdeaKind(models.TextChoices):
    """What a post on the board is: an idea, a debrief column, or a webconference question."""

    IDEA = "idea", _("Idée")
    STRENGTH = "strength", _("Atout")
    CRITIQUE = "critique", _("Critique")
    IMPROVEMENT = "improvement", _("Piste d'amélioration")
    QUESTION = "question", _("Question")


# The three columns of a debrief (débat-bilan), in board order.
DEBRIEF_KINDS: tuple[str, ...] = (IdeaKind.STRENGTH, IdeaKind.CRITIQUE, IdeaKind.IMPROVEMENT)


class TimelineKind(models.TextChoices):
    """One-click marks on a meeting's timeline."""

    AGENDA = "agenda", _("Point de l'ordre du jour")
    SPEAKER = "speaker", _("Prise de parole")
    VIDEO = "video", _("Vidéo")
    QUESTIONS = "questions", _("Questions ouvertes")
    NOTE = "note", _("Note")
