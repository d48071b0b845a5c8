"""Score voting (0–5 by default): mean score per option, a missing score counts as the lowest."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

from .base import (
    BallotError,
    OptionId,
    RankedResult,
    _check_options,
    _fmt_en,
    _fmt_fr,
    _group,
    _label_getter,
    _places,
    _simple_explanation,
    _unbroken_ties,
    _unknown,
)


@dataclass(frozen=True, kw_only=True, repr=False)
class ScoreResult(RankedResult):
    min_score: int
    max_score: int
    totals: dict[OptionId, int]
    means: dict[OptionId, float | None]  # None when there are no ballots
    distribution: dict[OptionId, dict[int, int]]  # count per score, missing counted as min_score
    missing: dict[OptionId, int]
    method: str = "score"


def validate_score_ballot(
    ballot: Mapping[OptionId, int],
    *,
    options: Sequence[OptionId],
    min_score: int = 0,
    max_score: int = 5,
) -> None:
    """Check one score ballot: option -> integer score in [min_score, max_score].

    Raises BallotError: ballot.empty_options, ballot.unknown_option, ballot.score_out_of_range.
    """
    allowed = set(_check_options(options))
    for option, score in ballot.items():
        if option not in allowed:
            raise _unknown(option)
        if (
            isinstance(score, bool)
            or not isinstance(score, int)
            or not min_score <= score <= max_score
        ):
            raise BallotError(
                "ballot.score_out_of_range",
                f"La note de « {option} » ({score!r}) doit être un entier entre {min_score} et "
                f"{max_score}.",
            )


def tally_score(
    ballots: Sequence[Mapping[OptionId, int]],
    *,
    options: Sequence[OptionId],
    min_score: int = 0,
    max_score: int = 5,
    labels: Mapping[OptionId, str] | None = None,
) -> ScoreResult:
    """Mean score per option, ranked by mean. A missing score counts as ``min_score`` (like a
    missing grade in majority judgment), so every option has one score per ballot and ranking
    by mean equals ranking by total. Ties stay ties.
    """
    opts = _check_options(options)
    allowed = set(opts)
    n = len(ballots)
    pairs = Counter(chain.from_iterable(b.items() for b in ballots))
    dist = {o: dict.fromkeys(range(min_score, max_score + 1), 0) for o in opts}
    for (option, score), count in pairs.items():
        if option not in allowed or score not in dist[option] or isinstance(score, bool):
            for b in ballots:
                validate_score_ballot(b, options=opts, min_score=min_score, max_score=max_score)
        dist[option][score] += count
    missing = {o: n - sum(dist[o].values()) for o in opts}
    for o in opts:
        dist[o][min_score] += missing[o]
    totals = {o: sum(s * c for s, c in dist[o].items()) for o in opts}
    means = {o: (totals[o] / n if n else None) for o in opts}
    groups = _group(opts, lambda o: -totals[o])
    label = _label_getter(labels)

    def fr(o: OptionId) -> str:
        mean = "—" if means[o] is None else _fmt_fr(means[o], 2)
        return f"une moyenne de {mean} sur {max_score}"

    def en(o: OptionId) -> str:
        mean = "—" if means[o] is None else _fmt_en(means[o], 2)
        return f"a mean of {mean} out of {max_score}"

    expl_fr, expl_en = _simple_explanation(groups, n, label, fr, en)
    return ScoreResult(
        options=opts,
        ballot_count=n,
        min_score=min_score,
        max_score=max_score,
        totals=totals,
        means=means,
        distribution=dist,
        missing=missing,
        ranking=_places(groups),
        tie_breaks=_unbroken_ties(groups, "score", label, fr, en),
        explanation_fr=expl_fr,
        explanation_en=expl_en,
    )
