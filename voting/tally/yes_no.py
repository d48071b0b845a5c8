"""Yes / no / abstain polls: adopted when yes > no; abstentions counted, not expressed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .base import BallotError, TallyResult, _check_extra, _fmt_en, _fmt_fr, _pct_pair, _plural

YES_NO_CHOICES = ("yes", "no", "abstain")


@dataclass(frozen=True, kw_only=True, repr=False)
class YesNoResult(TallyResult):
    ballot_counts: dict[str, int]
    extra_counts: dict[str, int]
    counts: dict[str, int]  # ballot_counts + extra_counts
    expressed: int  # yes + no
    percentages: dict[str, float | None]  # yes / no over expressed; None if nothing expressed
    outcome: str  # "adopted" | "rejected" | "tie"
    method: str = "yes_no"


def validate_yes_no_ballot(choice: str) -> None:
    """Check one poll ballot: "yes", "no" or "abstain". Raises BallotError ballot.invalid_choice."""
    if choice not in YES_NO_CHOICES or not isinstance(choice, str):
        raise BallotError(
            "ballot.invalid_choice", f"Réponse invalide : {choice!r} (oui, non ou abstention)."
        )


def tally_yes_no(
    ballots: Sequence[str], *, extra_counts: Mapping[str, int] | None = None
) -> YesNoResult:
    """Count yes / no / abstain. Adopted when yes > no, rejected when no > yes, otherwise a tie
    (including when nobody answered yes or no). Percentages are over expressed votes (yes + no);
    abstentions are counted but not expressed.
    """
    ballot_counts = Counter(ballots)
    if not ballot_counts.keys() <= set(YES_NO_CHOICES):
        for b in ballots:
            validate_yes_no_ballot(b)

    def unknown_choice(choice: Any) -> BallotError:
        return BallotError("ballot.invalid_choice", f"Réponse invalide : {choice!r}.")

    extra = _check_extra(extra_counts, YES_NO_CHOICES, unknown_choice)
    own = {c: ballot_counts.get(c, 0) for c in YES_NO_CHOICES}
    counts = {c: own[c] + extra[c] for c in YES_NO_CHOICES}
    yes, no = counts["yes"], counts["no"]
    expressed = yes + no
    pct = {
        "yes": 100 * yes / expressed if expressed else None,
        "no": 100 * no / expressed if expressed else None,
    }
    outcome = "adopted" if yes > no else "rejected" if no > yes else "tie"
    if expressed:
        a, b, dg = _pct_pair(yes, no, expressed)
        detail_fr = f"{yes} oui ({_fmt_fr(a, dg)} %), {no} non ({_fmt_fr(b, dg)} %)"
        detail_en = f"{yes} yes ({_fmt_en(a, dg)}%), {no} no ({_fmt_en(b, dg)}%)"
    else:
        detail_fr, detail_en = "aucun oui ni non", "no yes and no no votes"
    abst = counts["abstain"]
    detail_fr += f", {abst} {_plural(abst, 'abstention', 'abstentions')}"
    detail_en += f", {abst} {_plural(abst, 'abstention', 'abstentions')}"
    verdict_fr = {"adopted": "Adopté", "rejected": "Rejeté", "tie": "Égalité"}[outcome]
    verdict_en = {"adopted": "Adopted", "rejected": "Rejected", "tie": "Tie"}[outcome]
    return YesNoResult(
        ballot_count=len(ballots),
        ballot_counts=own,
        extra_counts=extra,
        counts=counts,
        expressed=expressed,
        percentages=pct,
        outcome=outcome,
        explanation_fr=f"{verdict_fr} : {detail_fr}.",
        explanation_en=f"{verdict_en}: {detail_en}.",
    )
