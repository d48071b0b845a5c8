"""Choices for votes: methods, the ballot-box states, when results are shown, paper sources."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VoteMethod(models.TextChoices):
    DOTS = "dots", _("Gommettes")
    APPROVAL = "approval", _("Approbation")
    MAJORITY_JUDGMENT = "majority_judgment", _("Jugement majoritaire")
    BORDA = "borda", _("Classement (Borda)")
    SCHULZE = "schulze", _("Classement (Condorcet–Schulze)")
    SCORE = "score", _("Notes")
    YES_NO = "yes_no", _("Oui / non")


class BallotState(models.TextChoices):
    """The ballot box: DRAFT → OPEN → CLOSED (counted, frozen) → PUBLISHED (shown to all)."""

    DRAFT = "draft", _("En préparation")
    OPEN = "open", _("Ouvert")
    CLOSED = "closed", _("Clos")
    PUBLISHED = "published", _("Publié")


class RevealMode(models.TextChoices):
    LIVE = "live", _("En direct")
    AT_CLOSE = "at_close", _("À la clôture")


class PaperSource(models.TextChoices):
    """How a count that did not come from a phone was collected."""

    PAPER = "paper", _("Bulletins papier")
    HANDS = "hands", _("Main levée")


class RegistrationSource(models.TextChoices):
    LINK = "link", _("Lien personnel")
    TICKET = "ticket", _("Billet")


# Methods whose tally accepts aggregate counts (paper totals, show of hands). The others take
# paper ballots one by one.
AGGREGATE_METHODS = frozenset({VoteMethod.DOTS, VoteMethod.APPROVAL, VoteMethod.YES_NO})
# Ballot shape per method: a mapping option -> number, a list of options, or one word.
MAPPING_METHODS = frozenset({VoteMethod.DOTS, VoteMethod.MAJORITY_JUDGMENT, VoteMethod.SCORE})
LIST_METHODS = frozenset({VoteMethod.APPROVAL, VoteMethod.BORDA, VoteMethod.SCHULZE})
