"""Vote errors: stable codes, translatable messages. Tally errors keep their `ballot.*` code."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from rooms.errors import DomainError

from .tally import BallotError

# The tally's messages are French sentences built with f-strings; the wire gets these instead,
# translated in the connection's language. Parameters come from the vote's settings.
BALLOT_MESSAGES: dict[str, Any] = {
    "ballot.empty_options": _("Le vote ne comporte aucune option."),
    "ballot.duplicate_option": _("Une option est choisie deux fois."),
    "ballot.unknown_option": _("Une option choisie ne fait pas partie du vote."),
    "ballot.invalid_dots": _("Le nombre de gommettes doit être un entier positif ou nul."),
    "ballot.too_many_dots": _("Trop de gommettes : %(max_dots)s au plus par personne."),
    "ballot.too_many_dots_on_option": _(
        "Trop de gommettes sur une option : %(max_per_option)s au plus."
    ),
    "ballot.grade_out_of_scale": _("Une mention n'existe pas sur l'échelle du vote."),
    "ballot.duplicate_rank": _("Une option est classée plusieurs fois."),
    "ballot.score_out_of_range": _(
        "Chaque note doit être un entier de %(min_score)s à %(max_score)s."
    ),
    "ballot.invalid_choice": _("Réponse invalide : oui, non ou abstention."),
    "ballot.invalid_count": _("Un décompte doit être un entier positif ou nul."),
    "ballot.invalid": _("Bulletin illisible pour ce mode de vote."),
}


def from_ballot_error(error: BallotError, settings: dict[str, Any]) -> DomainError:
    message = BALLOT_MESSAGES.get(error.code, _("Bulletin invalide."))
    wanted = {"max_dots", "max_per_option", "min_score", "max_score"}
    params = {k: v for k, v in settings.items() if k in wanted and f"%({k})s" in str(message)}
    return DomainError(error.code, message, **params)


def invalid_ballot() -> DomainError:
    return DomainError("ballot.invalid", BALLOT_MESSAGES["ballot.invalid"])


def vote_not_found() -> DomainError:
    return DomainError("vote.not_found", _("Ce vote n'existe pas."))
