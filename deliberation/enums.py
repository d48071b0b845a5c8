"""Choices shared by models, services and payloads."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
