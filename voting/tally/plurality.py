"""Dot voting (gommettes) and approval: count per option, paper counts added, ties stay ties."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any, TypeVar

from .base import (
    BallotError,
    OptionId,
    RankedResult,
    _check_extra,
    _check_options,
    _group,
    _is_count,
    _label_getter,
    _places,
    _plural,
    _simple_explanation,
    _unbroken_ties,
    _unknown,
)


@dataclass(frozen=True, kw_only=True, repr=False)
class CountedResult(RankedResult):
    """Ranked by a count per option: phone ballots plus counts from paper or a show of hands."""

    ballot_totals: dict[OptionId, int]  # from electronic ballots
    extra_totals: dict[OptionId, int]  # aggregate counts added by the caller (paper, hands)
    totals: dict[OptionId, int]  # ballot_totals + extra_totals; the ranking uses these


CountedT = TypeVar("CountedT", bound=CountedResult)


@dataclass(frozen=True, kw_only=True, repr=False)
class DotsResult(CountedResult):
    supporters: dict[OptionId, int]  # electronic ballots giving the option at least one dot
    method: str = "dots"


@dataclass(frozen=True, kw_only=True, repr=False)
class ApprovalResult(CountedResult):
    method: str = "approval"


def _counted(
    cls: type[CountedT],
    opts: tuple[OptionId, ...],
    ballot_totals: dict[OptionId, int],
    extra_totals: Any,
    ballot_count: int,
    labels: Any,
    *,
    units: tuple[tuple[str, str], tuple[str, str]],
    **fields: Any,
) -> CountedT:
    """What dots and approval share: phone counts plus paper counts, ranked by total, ties
    reported as ties (rule ``<method>.tie_unbroken``), and the plain-language explanation.
    ``units`` is the counted thing in French then English (singular, plural)."""
    extra = _check_extra(extra_totals, opts, _unknown)
    totals = {o: ballot_totals[o] + extra[o] for o in opts}
    groups = _group(opts, lambda o: -totals[o])
    label = _label_getter(labels)
    units_fr, units_en = units

    def fr(o: OptionId) -> str:
        return f"{totals[o]} {_plural(totals[o], *units_fr)}"

    def en(o: OptionId) -> str:
        return f"{totals[o]} {_plural(totals[o], *units_en)}"

    expl_fr, expl_en = _simple_explanation(
        groups, ballot_count + sum(extra.values()), label, fr, en
    )
    return cls(
        options=opts,
        ballot_count=ballot_count,
        ballot_totals=ballot_totals,
        extra_totals=extra,
        totals=totals,
        ranking=_places(groups),
        tie_breaks=_unbroken_ties(groups, cls.method, label, fr, en),
        explanation_fr=expl_fr,
        explanation_en=expl_en,
        **fields,
    )


# --------------------------------------------------------------------------------------------
# Dot voting (gommettes)
# --------------------------------------------------------------------------------------------


def validate_dots_ballot(
    ballot: Mapping[OptionId, int],
    *,
    options: Sequence[OptionId],
    max_dots: int,
    max_per_option: int | None = None,
) -> None:
    """Check one dot ballot: at most ``max_dots`` in total, at most ``max_per_option`` per option.

    Unused dots are allowed. Raises BallotError: ballot.empty_options, ballot.unknown_option,
    ballot.invalid_dots, ballot.too_many_dots_on_option, ballot.too_many_dots.
    """
    allowed = set(_check_options(options))
    for option, dots in ballot.items():
        if option not in allowed:
            raise _unknown(option)
        if not _is_count(dots):
            raise BallotError(
                "ballot.invalid_dots",
                f"Le nombre de gommettes sur « {option} » doit être un entier positif ou nul.",
            )
        if max_per_option is not None and dots > max_per_option:
            raise BallotError(
                "ballot.too_many_dots_on_option",
                f"Au plus {max_per_option} gommette(s) par option ({dots} sur « {option} »).",
            )
    used = sum(ballot.values())
    if used > max_dots:
        raise BallotError(
            "ballot.too_many_dots", f"Au plus {max_dots} gommette(s) par personne ({used} posées)."
        )


def tally_dots(
    ballots: Sequence[Mapping[OptionId, int]],
    *,
    options: Sequence[OptionId],
    max_dots: int | None = None,
    max_per_option: int | None = None,
    extra_totals: Mapping[OptionId, int] | None = None,
    labels: Mapping[OptionId, str] | None = None,
) -> DotsResult:
    """Sum the dots per option (plus ``extra_totals``) and rank by total; ties stay ties.

    The limits, when given, are re-checked over all ballots (same codes as validate_dots_ballot).
    """
    opts = _check_options(options)
    allowed = set(opts)
    # Count (option, dots) pairs at C speed, then validate and sum over the few distinct pairs.
    pairs = Counter(chain.from_iterable(b.items() for b in ballots))
    ballot_totals = dict.fromkeys(opts, 0)
    supporters = dict.fromkeys(opts, 0)
    for (option, dots), count in pairs.items():
        if (
            option not in allowed
            or not _is_count(dots)
            or (max_per_option is not None and dots > max_per_option)
        ):
            _raise_first_invalid_dots(ballots, opts, max_dots, max_per_option)
        ballot_totals[option] += dots * count
        if dots:
            supporters[option] += count
    if max_dots is not None and ballots and max(sum(b.values()) for b in ballots) > max_dots:
        _raise_first_invalid_dots(ballots, opts, max_dots, max_per_option)
    units = (("gommette", "gommettes"), ("dot", "dots"))
    return _counted(
        DotsResult,
        opts,
        ballot_totals,
        extra_totals,
        len(ballots),
        labels,
        units=units,
        supporters=supporters,
    )


def _raise_first_invalid_dots(ballots, opts, max_dots, max_per_option) -> None:
    big = max_dots if max_dots is not None else float("inf")
    for b in ballots:
        validate_dots_ballot(b, options=opts, max_dots=big, max_per_option=max_per_option)
    raise AssertionError("unreachable: aggregate check failed but no ballot is invalid")


# --------------------------------------------------------------------------------------------
# Approval
# --------------------------------------------------------------------------------------------


def validate_approval_ballot(ballot: Iterable[OptionId], *, options: Sequence[OptionId]) -> None:
    """Check one approval ballot (a set of approved options; an empty set is a valid ballot).

    Raises BallotError: ballot.empty_options, ballot.unknown_option, ballot.duplicate_option.
    """
    allowed = set(_check_options(options))
    items = list(ballot)
    for option in items:
        if option not in allowed:
            raise _unknown(option)
    if len(set(items)) != len(items):
        dup = next(o for o, c in Counter(items).items() if c > 1)
        raise BallotError("ballot.duplicate_option", f"L'option « {dup} » est approuvée deux fois.")


def tally_approval(
    ballots: Sequence[Iterable[OptionId]],
    *,
    options: Sequence[OptionId],
    extra_totals: Mapping[OptionId, int] | None = None,
    labels: Mapping[OptionId, str] | None = None,
) -> ApprovalResult:
    """Count approvals per option (plus ``extra_totals``) and rank by total; ties stay ties."""
    opts = _check_options(options)
    ballots = [b if isinstance(b, set | frozenset) else list(b) for b in ballots]
    counts = Counter(chain.from_iterable(ballots))
    if not counts.keys() <= set(opts) or sum(counts.values()) != sum(map(len, map(set, ballots))):
        for b in ballots:
            validate_approval_ballot(b, options=opts)
    ballot_totals = {o: counts.get(o, 0) for o in opts}
    units = (("approbation", "approbations"), ("approval", "approvals"))
    return _counted(
        ApprovalResult, opts, ballot_totals, extra_totals, len(ballots), labels, units=units
    )
