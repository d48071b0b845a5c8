"""Pure tally functions for prioritisation votes (no Django, no ORM).

Every ``tally_*`` function takes plain data (lists of dicts, sets or lists of option ids, which are
``str`` or ``int``) and returns a frozen dataclass with a ``to_dict()`` for the wire. Every result
carries a full ``ranking`` (a tuple of :class:`Place`; a place holding several options is a tie),
the ``tie_breaks`` that were applied (stable ``rule`` code plus a French and an English sentence),
and a one-sentence ``explanation_fr`` / ``explanation_en`` of why the winner is ahead.

Ballot validation: ``validate_*_ballot`` functions check one ballot when it is cast; the ``tally_*``
functions re-check the aggregated data (cheaply) and raise the same :class:`BallotError` codes.
Options listed in ``options`` define the order used inside ties and in every per-option mapping.

The exact rules (missing grades, unranked options, tie-breaking) are in ``docs/voting.md``.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain
from operator import itemgetter
from typing import Any

OptionId = str | int


class BallotError(ValueError):
    """An invalid ballot or count. ``code`` is stable; ``message`` is French (translated later)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


# --------------------------------------------------------------------------------------------
# Result building blocks
# --------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Fraction):
        return _num(value)
    return value


class _ToDict:
    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly copy (tuples become lists; ``json.dumps`` turns int keys into strings)."""
        return _plain(self)


@dataclass(frozen=True)
class Place(_ToDict):
    """One step of a ranking. ``rank`` is 1-based competition ranking (1, 1, 3...)."""

    rank: int
    options: tuple[OptionId, ...]

    @property
    def tied(self) -> bool:
        return len(self.options) > 1


@dataclass(frozen=True)
class TieBreak(_ToDict):
    """Options equal on the method's main criterion, and what a tie-breaking rule made of them.

    ``order`` lists the resulting groups best first; a group with several options is still tied.
    ``rule`` is a stable code (``<method>.tie_unbroken`` when the method has no tie-break rule).
    """

    options: tuple[OptionId, ...]
    rule: str
    resolved: bool
    order: tuple[tuple[OptionId, ...], ...]
    explanation_fr: str
    explanation_en: str


@dataclass(frozen=True)
class GradeScale(_ToDict):
    """Majority-judgment grades, index 0 = best. ``labels_en`` defaults to ``labels_fr``."""

    labels_fr: tuple[str, ...]
    labels_en: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels_fr", tuple(self.labels_fr))
        en = self.labels_fr if self.labels_en is None else tuple(self.labels_en)
        object.__setattr__(self, "labels_en", en)
        if len(self.labels_fr) < 2 or len(en) != len(self.labels_fr):
            raise ValueError("a grade scale needs at least 2 grades, same count in both languages")

    @property
    def size(self) -> int:
        return len(self.labels_fr)


DEFAULT_GRADE_SCALE = GradeScale(
    labels_fr=("Excellent", "Très bien", "Bien", "Assez bien", "Passable", "À rejeter"),
    labels_en=("Excellent", "Very good", "Good", "Fair", "Passable", "Reject"),
)


@dataclass(frozen=True)
class DotsResult(_ToDict):
    options: tuple[OptionId, ...]
    ballot_count: int
    ballot_totals: dict[OptionId, int]  # dots from electronic ballots
    extra_totals: dict[OptionId, int]  # aggregate counts added by the caller (paper, hands)
    totals: dict[OptionId, int]  # ballot_totals + extra_totals; the ranking uses these
    supporters: dict[OptionId, int]  # electronic ballots giving the option at least one dot
    ranking: tuple[Place, ...]
    tie_breaks: tuple[TieBreak, ...]
    explanation_fr: str
    explanation_en: str
    method: str = "dots"


@dataclass(frozen=True)
class ApprovalResult(_ToDict):
    options: tuple[OptionId, ...]
    ballot_count: int
    ballot_totals: dict[OptionId, int]
    extra_totals: dict[OptionId, int]
    totals: dict[OptionId, int]
    ranking: tuple[Place, ...]
    tie_breaks: tuple[TieBreak, ...]
    explanation_fr: str
    explanation_en: str
    method: str = "approval"


@dataclass(frozen=True)
class MajorityJudgmentResult(_ToDict):
    options: tuple[OptionId, ...]
    ballot_count: int
    scale: GradeScale
    merit_profiles: dict[OptionId, tuple[int, ...]]  # count per grade index, missing = worst
    missing: dict[OptionId, int]  # how many ballots did not grade the option
    majority_grades: dict[OptionId, int | None]  # grade index (0 = best); None if no ballots
    gauges: dict[OptionId, dict[str, Any]]  # {"better": p, "worse": q, "sign": "+" | "-"}
    ranking: tuple[Place, ...]
    tie_breaks: tuple[TieBreak, ...]
    explanation_fr: str
    explanation_en: str
    method: str = "majority_judgment"


@dataclass(frozen=True)
class BordaResult(_ToDict):
    options: tuple[OptionId, ...]
    ballot_count: int
    totals: dict[OptionId, int | float]  # multiples of 0.5 when ballots are partial
    ranking: tuple[Place, ...]
    tie_breaks: tuple[TieBreak, ...]
    explanation_fr: str
    explanation_en: str
    method: str = "borda"


@dataclass(frozen=True)
class SchulzeResult(_ToDict):
    options: tuple[OptionId, ...]
    ballot_count: int
    pairwise: dict[OptionId, dict[OptionId, int]]  # d[a][b]: voters ranking a above b
    # p[a][b]: support of the weakest link of the strongest path from a to b (0 = no path),
    # and that link's opposition, the secondary winning-votes criterion (Schulze 2011, 2.1).
    strongest_paths: dict[OptionId, dict[OptionId, int]]
    strongest_paths_opposition: dict[OptionId, dict[OptionId, int]]
    winners: tuple[OptionId, ...]
    ranking: tuple[Place, ...]
    tie_breaks: tuple[TieBreak, ...]
    explanation_fr: str
    explanation_en: str
    method: str = "schulze"


@dataclass(frozen=True)
class ScoreResult(_ToDict):
    options: tuple[OptionId, ...]
    ballot_count: int
    min_score: int
    max_score: int
    totals: dict[OptionId, int]
    means: dict[OptionId, float | None]  # None when there are no ballots
    distribution: dict[OptionId, dict[int, int]]  # count per score, missing counted as min_score
    missing: dict[OptionId, int]
    ranking: tuple[Place, ...]
    tie_breaks: tuple[TieBreak, ...]
    explanation_fr: str
    explanation_en: str
    method: str = "score"


@dataclass(frozen=True)
class YesNoResult(_ToDict):
    ballot_count: int
    ballot_counts: dict[str, int]
    extra_counts: dict[str, int]
    counts: dict[str, int]  # ballot_counts + extra_counts
    expressed: int  # yes + no
    percentages: dict[str, float | None]  # yes / no over expressed; None if nothing expressed
    outcome: str  # "adopted" | "rejected" | "tie"
    explanation_fr: str
    explanation_en: str
    method: str = "yes_no"


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------

YES_NO_CHOICES = ("yes", "no", "abstain")


def _num(x: Fraction | int) -> int | float:
    if isinstance(x, Fraction):
        return int(x) if x.denominator == 1 else float(x)
    return x


def _fmt_fr(x: float | Fraction, digits: int = 1) -> str:
    text = f"{float(x):.{digits}f}".rstrip("0").rstrip(".") if digits else f"{float(x):.0f}"
    return text.replace(".", ",")


def _fmt_en(x: float | Fraction, digits: int = 1) -> str:
    return f"{float(x):.{digits}f}".rstrip("0").rstrip(".") if digits else f"{float(x):.0f}"


def _pct_pair(a: int, b: int, total: int) -> tuple[float, float, int]:
    """Percentages of a and b over total with the fewest decimals that still tell them apart."""
    for digits in (0, 1, 2):
        pa, pb = round(100 * a / total, digits), round(100 * b / total, digits)
        if pa != pb or a == b:
            return pa, pb, digits
    return round(100 * a / total, 2), round(100 * b / total, 2), 2


def _check_options(options: Sequence[OptionId]) -> tuple[OptionId, ...]:
    opts = tuple(options)
    if not opts:
        raise BallotError("ballot.empty_options", "Le vote ne comporte aucune option.")
    for o in opts:
        if isinstance(o, bool) or not isinstance(o, str | int):
            raise BallotError("ballot.unknown_option", f"Identifiant d'option invalide : {o!r}.")
    if len(set(opts)) != len(opts):
        dup = next(o for o, c in Counter(opts).items() if c > 1)
        raise BallotError("ballot.duplicate_option", f"L'option « {dup} » est listée deux fois.")
    return opts


def _unknown(option: Any) -> BallotError:
    return BallotError(
        "ballot.unknown_option", f"L'option « {option} » ne fait pas partie du vote."
    )


def _is_count(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def _check_extra(
    extra: Mapping[Any, int] | None, allowed: Iterable[Any], unknown: Callable[[Any], BallotError]
) -> dict[Any, int]:
    allowed = tuple(allowed)
    extra = dict(extra or {})
    for key, count in extra.items():
        if key not in allowed:
            raise unknown(key)
        if not _is_count(count):
            raise BallotError(
                "ballot.invalid_count",
                f"Le décompte ajouté pour « {key} » doit être un entier positif ou nul.",
            )
    return {k: extra.get(k, 0) for k in allowed}


def _label_getter(labels: Mapping[OptionId, str] | None) -> Callable[[OptionId], str]:
    labels = labels or {}
    return lambda o: str(labels.get(o, o))


def _group(opts: tuple[OptionId, ...], key: Callable[[OptionId], Any]) -> list[tuple]:
    """Sort by key (smaller = better, stable on ``opts`` order) and group equal keys."""
    groups: list[list[OptionId]] = []
    last = object()
    for o in sorted(opts, key=key):
        k = key(o)
        if groups and k == last:
            groups[-1].append(o)
        else:
            groups.append([o])
            last = k
    return [tuple(g) for g in groups]


def _places(groups: Iterable[Sequence[OptionId]]) -> tuple[Place, ...]:
    places, rank = [], 1
    for g in groups:
        places.append(Place(rank=rank, options=tuple(g)))
        rank += len(g)
    return tuple(places)


def _names(opts: Sequence[OptionId], label: Callable[[OptionId], str], lang: str) -> str:
    quoted = [f"« {label(o)} »" if lang == "fr" else f"“{label(o)}”" for o in opts]
    joiner = " et " if lang == "fr" else " and "
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + joiner + quoted[-1]


def _unbroken_ties(
    groups: list[tuple],
    method: str,
    label: Callable[[OptionId], str],
    what_fr: Callable[[OptionId], str],
    what_en: Callable[[OptionId], str],
) -> tuple[TieBreak, ...]:
    """TieBreak records for methods that have no tie-breaking rule: ties stay ties."""
    out, rank = [], 1
    for g in groups:
        if len(g) > 1:
            out.append(
                TieBreak(
                    options=g,
                    rule=f"{method}.tie_unbroken",
                    resolved=False,
                    order=(g,),
                    explanation_fr=(
                        f"{_names(g, label, 'fr')} sont à égalité ({what_fr(g[0])} chacune) ; "
                        f"aucune règle de départage ne s'applique : elles partagent la "
                        f"{rank}{'re' if rank == 1 else 'e'} place."
                    ),
                    explanation_en=(
                        f"{_names(g, label, 'en')} are tied ({what_en(g[0])} each); "
                        f"no tie-breaking rule applies: they share place {rank}."
                    ),
                )
            )
        rank += len(g)
    return tuple(out)


def _ranked_totals(
    opts: tuple[OptionId, ...],
    ballot_totals: dict[OptionId, int],
    extra_totals: Any,
    ballot_count: int,
    labels: Any,
    *,
    rule: str,
    units_fr: tuple[str, str],
    units_en: tuple[str, str],
) -> dict[str, Any]:
    """What dots and approval share: phone counts plus paper counts, ranked by total, ties
    reported as ties, and the plain-language explanation. Returns result fields."""
    extra = _check_extra(extra_totals, opts, _unknown)
    totals = {o: ballot_totals[o] + extra[o] for o in opts}
    groups = _group(opts, lambda o: -totals[o])
    label = _label_getter(labels)

    def fr(o: OptionId) -> str:
        return f"{totals[o]} {_plural(totals[o], *units_fr)}"

    def en(o: OptionId) -> str:
        return f"{totals[o]} {_plural(totals[o], *units_en)}"

    expl_fr, expl_en = _simple_explanation(
        groups, ballot_count + sum(extra.values()), label, fr, en
    )
    return {
        "extra_totals": extra,
        "totals": totals,
        "ranking": _places(groups),
        "tie_breaks": _unbroken_ties(groups, rule, label, fr, en),
        "explanation_fr": expl_fr,
        "explanation_en": expl_en,
    }


def _simple_explanation(
    groups: list[tuple],
    ballot_count: int,
    label: Callable[[OptionId], str],
    what_fr: Callable[[OptionId], str],
    what_en: Callable[[OptionId], str],
) -> tuple[str, str]:
    """Why the winner is ahead of the runner-up, for methods ranked by a single number."""
    if ballot_count == 0:
        return (
            "Aucun vote n'a été exprimé : toutes les options sont à égalité.",
            "No votes were cast: all options are tied.",
        )
    first = groups[0]
    if len(first) > 1:
        return (
            f"{_names(first, label, 'fr')} sont à égalité en tête ({what_fr(first[0])} chacune).",
            f"{_names(first, label, 'en')} are tied for first place ({what_en(first[0])} each).",
        )
    w = first[0]
    if len(groups) == 1:
        return (
            f"« {label(w)} » est la seule option ({what_fr(w)}).",
            f"“{label(w)}” is the only option ({what_en(w)}).",
        )
    r = groups[1][0]
    return (
        f"« {label(w)} » l'emporte avec {what_fr(w)}, contre {what_fr(r)} pour « {label(r)} ».",
        f"“{label(w)}” wins with {what_en(w)}, against {what_en(r)} for “{label(r)}”.",
    )


def _plural(n: int | float, one: str, many: str) -> str:
    return one if n in (0, 1) else many


# --------------------------------------------------------------------------------------------
# 1. Dot voting (gommettes)
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
    return DotsResult(
        options=opts,
        ballot_count=len(ballots),
        ballot_totals=ballot_totals,
        supporters=supporters,
        **_ranked_totals(
            opts,
            ballot_totals,
            extra_totals,
            len(ballots),
            labels,
            rule="dots",
            units_fr=("gommette", "gommettes"),
            units_en=("dot", "dots"),
        ),
    )


def _raise_first_invalid_dots(ballots, opts, max_dots, max_per_option) -> None:
    big = max_dots if max_dots is not None else float("inf")
    for b in ballots:
        validate_dots_ballot(b, options=opts, max_dots=big, max_per_option=max_per_option)
    raise AssertionError("unreachable: aggregate check failed but no ballot is invalid")


# --------------------------------------------------------------------------------------------
# 2. Approval
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
    return ApprovalResult(
        options=opts,
        ballot_count=len(ballots),
        ballot_totals=ballot_totals,
        **_ranked_totals(
            opts,
            ballot_totals,
            extra_totals,
            len(ballots),
            labels,
            rule="approval",
            units_fr=("approbation", "approbations"),
            units_en=("approval", "approvals"),
        ),
    )


# --------------------------------------------------------------------------------------------
# 3. Majority judgment (Balinski & Laraki)
# --------------------------------------------------------------------------------------------


def validate_grades_ballot(
    ballot: Mapping[OptionId, int],
    *,
    options: Sequence[OptionId],
    scale: GradeScale = DEFAULT_GRADE_SCALE,
) -> None:
    """Check one majority-judgment ballot: option -> grade index (0 = best). Options may be
    left ungraded (they count as the worst grade).

    Raises BallotError: ballot.empty_options, ballot.unknown_option, ballot.grade_out_of_scale.
    """
    allowed = set(_check_options(options))
    for option, grade in ballot.items():
        if option not in allowed:
            raise _unknown(option)
        if not _is_count(grade) or grade >= scale.size:
            raise BallotError(
                "ballot.grade_out_of_scale",
                f"La mention donnée à « {option} » ({grade!r}) n'existe pas sur l'échelle "
                f"(0 à {scale.size - 1}).",
            )


def majority_value_order(n: int) -> list[int]:
    """Positions (in the best-to-worst sorted grades) in the order the iterative procedure takes
    them: the lower median first, then the lower median of what is left, and so on.

    n even (n = 2m): m, m-1, m+1, m-2, m+2, ..., 1, n-1, 0.
    n odd (n = 2m+1): m, m+1, m-1, m+2, m-2, ..., 2m, 0.
    """
    m = n // 2
    order = [m] if n else []
    for k in range(1, m + 1):
        if n % 2 == 0:
            order.append(m - k)
            if m + k < n:
                order.append(m + k)
        else:
            order.extend((m + k, m - k))
    return order


def _majority_value(profile: Sequence[int], perm: list[int]) -> tuple[int, ...]:
    grades: list[int] = []
    for g, c in enumerate(profile):
        grades.extend([g] * c)
    if len(perm) == 1:
        return (grades[perm[0]],)
    return itemgetter(*perm)(grades) if perm else ()


def tally_majority_judgment(
    ballots: Sequence[Mapping[OptionId, int]],
    *,
    options: Sequence[OptionId],
    scale: GradeScale = DEFAULT_GRADE_SCALE,
    labels: Mapping[OptionId, str] | None = None,
) -> MajorityJudgmentResult:
    """Majority judgment: rank by majority grade (lower median), ties broken by the majority value.

    A grade the voter did not give counts as the worst grade of the scale. The majority grade is
    the grade at position n // 2 of the grades sorted best to worst (for an even n, the lower of
    the two middle grades). Options with the same majority grade are ordered by removing one
    median grade at a time and comparing again (Balinski & Laraki's majority value, which is what
    the majority gauge decides at its first step). Identical merit profiles stay tied.
    """
    opts = _check_options(options)
    allowed = set(opts)
    worst = scale.size - 1
    n = len(ballots)
    pairs = Counter(chain.from_iterable(b.items() for b in ballots))
    profiles = {o: [0] * scale.size for o in opts}
    for (option, grade), count in pairs.items():
        if option not in allowed or not _is_count(grade) or grade > worst:
            for b in ballots:
                validate_grades_ballot(b, options=opts, scale=scale)
        profiles[option][grade] += count
    missing = {o: n - sum(profiles[o]) for o in opts}
    for o in opts:
        profiles[o][worst] += missing[o]

    perm = majority_value_order(n)
    values = {o: _majority_value(profiles[o], perm) for o in opts}
    majority = {o: (values[o][0] if n else None) for o in opts}
    gauges = {o: _gauge(profiles[o], majority[o], n) for o in opts}

    main_groups = _group(opts, lambda o: -1 if majority[o] is None else majority[o])
    groups: list[tuple] = []
    tie_breaks = []
    label = _label_getter(labels)
    for g in main_groups:
        sub = _group(g, values.__getitem__) if len(g) > 1 else [g]
        groups.extend(sub)
        if len(g) > 1:
            tie_breaks.append(_mj_tie_break(g, sub, majority, scale, label, n))
    expl_fr, expl_en = _mj_explanation(groups, profiles, values, majority, scale, label, n)
    return MajorityJudgmentResult(
        options=opts,
        ballot_count=n,
        scale=scale,
        merit_profiles={o: tuple(profiles[o]) for o in opts},
        missing=missing,
        majority_grades=majority,
        gauges=gauges,
        ranking=_places(groups),
        tie_breaks=tuple(tie_breaks),
        explanation_fr=expl_fr,
        explanation_en=expl_en,
    )


def _gauge(profile: Sequence[int], grade: int | None, n: int) -> dict[str, Any]:
    if grade is None:
        return {"better": 0, "worse": 0, "sign": None}
    better, worse = sum(profile[:grade]), sum(profile[grade + 1 :])
    # Balinski & Laraki: grade+ when more voters are above the majority grade than below it.
    return {"better": better, "worse": worse, "sign": "+" if better > worse else "-"}


def _mj_tie_break(group, sub, majority, scale, label, n) -> TieBreak:
    grade = majority[group[0]]
    if n == 0:
        return TieBreak(
            options=group,
            rule="mj.no_ballots",
            resolved=False,
            order=tuple(sub),
            explanation_fr="Aucun vote : toutes les options sont à égalité.",
            explanation_en="No votes: all options are tied.",
        )
    g_fr, g_en = scale.labels_fr[grade], scale.labels_en[grade]
    fr = (
        f"{_names(group, label, 'fr')} ont la même mention majoritaire « {g_fr} » : on les "
        f"départage en retirant une à une les mentions majoritaires et en comparant à nouveau "
        f"(Balinski et Laraki)."
    )
    en = (
        f"{_names(group, label, 'en')} share the majority grade “{g_en}”: they are separated by "
        f"removing majority grades one at a time and comparing again (Balinski and Laraki)."
    )
    still = [g for g in sub if len(g) > 1]
    for g in still:
        fr += (
            f" {_names(g, label, 'fr')} ont des profils de mérite identiques et restent à égalité."
        )
        en += f" {_names(g, label, 'en')} have identical merit profiles and remain tied."
    return TieBreak(
        options=group,
        rule="mj.majority_value",
        resolved=not still,
        order=tuple(sub),
        explanation_fr=fr,
        explanation_en=en,
    )


def _mj_explanation(groups, profiles, values, majority, scale, label, n) -> tuple[str, str]:
    if n == 0:
        return (
            "Aucun vote n'a été exprimé : toutes les options sont à égalité.",
            "No votes were cast: all options are tied.",
        )
    first = groups[0]
    if len(first) > 1:
        g = majority[first[0]]
        return (
            f"{_names(first, label, 'fr')} sont à égalité en tête : mêmes profils de mérite "
            f"(mention majoritaire « {scale.labels_fr[g]} »).",
            f"{_names(first, label, 'en')} are tied for first place: identical merit profiles "
            f"(majority grade “{scale.labels_en[g]}”).",
        )
    w = first[0]
    if len(groups) == 1:
        g = majority[w]
        return (
            f"« {label(w)} » est la seule option (mention majoritaire « {scale.labels_fr[g]} »).",
            f"“{label(w)}” is the only option (majority grade “{scale.labels_en[g]}”).",
        )
    r = groups[1][0]
    return mj_reason(w, r, profiles[w], profiles[r], scale, label)


def mj_reason(
    winner: OptionId,
    loser: OptionId,
    winner_profile: Sequence[int],
    loser_profile: Sequence[int],
    scale: GradeScale = DEFAULT_GRADE_SCALE,
    label: Callable[[OptionId], str] = str,
) -> tuple[str, str]:
    """One French and one English sentence saying why ``winner`` is ranked above ``loser``.

    Both profiles must count the same voters (missing grades already counted as the worst).
    """
    n = sum(winner_profile)
    perm = majority_value_order(n)
    vw, vl = _majority_value(winner_profile, perm), _majority_value(loser_profile, perm)
    wn, ln = label(winner), label(loser)
    lfr, len_ = scale.labels_fr, scale.labels_en
    head_fr, head_en = f"« {wn} » l'emporte sur « {ln} »", f"“{wn}” beats “{ln}”"
    if vw == vl:
        return (
            f"« {wn} » et « {ln} » sont à égalité : profils de mérite identiques.",
            f"“{wn}” and “{ln}” are tied: identical merit profiles.",
        )
    gw, gl = vw[0], vl[0]
    if gw != gl:
        return (
            f"{head_fr} : mention majoritaire « {lfr[gw]} » contre « {lfr[gl]} ».",
            f"{head_en}: majority grade “{len_[gw]}” versus “{len_[gl]}”.",
        )
    gaw, gal = _gauge(winner_profile, gw, n), _gauge(loser_profile, gl, n)
    same_fr, same_en = (
        f"même mention majoritaire « {lfr[gw]} »",
        f"same majority grade “{len_[gw]}”",
    )
    if gaw["sign"] == "+" and gal["sign"] == "+" and gaw["better"] != gal["better"]:
        a, b, d = _pct_pair(gaw["better"], gal["better"], n)
        return (
            f"{head_fr} : {same_fr}, mais {_fmt_fr(a, d)} % des votants lui donnent mieux que "
            f"« {lfr[gw]} » contre {_fmt_fr(b, d)} %.",
            f"{head_en}: {same_en}, but {_fmt_en(a, d)}% of voters rate it better than "
            f"“{len_[gw]}” versus {_fmt_en(b, d)}%.",
        )
    if gaw["sign"] == "-" and gal["sign"] == "-" and gaw["worse"] != gal["worse"]:
        a, b, d = _pct_pair(n - gaw["worse"], n - gal["worse"], n)
        return (
            f"{head_fr} : {same_fr}, mais {_fmt_fr(a, d)} % des votants lui donnent « {lfr[gw]} » "
            f"ou mieux contre {_fmt_fr(b, d)} %.",
            f"{head_en}: {same_en}, but {_fmt_en(a, d)}% of voters rate it “{len_[gw]}” or better "
            f"versus {_fmt_en(b, d)}%.",
        )
    if gaw["sign"] == "+" and gal["sign"] == "-":
        a, b, d = _pct_pair(gaw["better"], gaw["worse"], n)
        c, e, d2 = _pct_pair(gal["better"], gal["worse"], n)
        return (
            f"{head_fr} : {same_fr}, mais plus de votants la jugent au-dessus de « {lfr[gw]} » "
            f"qu'en dessous ({_fmt_fr(a, d)} % contre {_fmt_fr(b, d)} %), alors que ce n'est pas "
            f"le cas pour « {ln} » ({_fmt_fr(c, d2)} % contre {_fmt_fr(e, d2)} %).",
            f"{head_en}: {same_en}, but more voters rate it above “{len_[gw]}” than below "
            f"({_fmt_en(a, d)}% versus {_fmt_en(b, d)}%), which is not the case for “{ln}” "
            f"({_fmt_en(c, d2)}% versus {_fmt_en(e, d2)}%).",
        )
    step = next(i for i, (x, y) in enumerate(zip(vw, vl, strict=True)) if x != y)
    return (
        f"{head_fr} : {same_fr} et mêmes proportions au-dessus et en dessous ; après avoir retiré "
        f"{step} mention(s) majoritaire(s), « {wn} » obtient « {lfr[vw[step]]} » contre "
        f"« {lfr[vl[step]]} ».",
        f"{head_en}: {same_en} and the same shares above and below; after removing {step} "
        f"majority grade(s), “{wn}” gets “{len_[vw[step]]}” versus “{len_[vl[step]]}”.",
    )


# --------------------------------------------------------------------------------------------
# 4. Ranked ballots: Borda and Schulze
# --------------------------------------------------------------------------------------------


def validate_ranked_ballot(ballot: Sequence[OptionId], *, options: Sequence[OptionId]) -> None:
    """Check one ranked ballot: a list of options, best first, possibly partial, no repeats.

    Raises BallotError: ballot.empty_options, ballot.unknown_option, ballot.duplicate_rank.
    """
    allowed = set(_check_options(options))
    seen = set()
    for option in ballot:
        if option not in allowed:
            raise _unknown(option)
        if option in seen:
            raise BallotError(
                "ballot.duplicate_rank", f"L'option « {option} » est classée plusieurs fois."
            )
        seen.add(option)


def _check_ranked(ballots: Sequence[Sequence[OptionId]], opts: tuple[OptionId, ...]) -> None:
    # Whole-election check at C speed; fall back to per-ballot messages only on failure.
    lengths = list(map(len, ballots))
    if not set().union(*ballots) <= set(opts) or lengths != list(map(len, map(set, ballots))):
        for b in ballots:
            validate_ranked_ballot(b, options=opts)


def tally_borda(
    ballots: Sequence[Sequence[OptionId]],
    *,
    options: Sequence[OptionId],
    labels: Mapping[OptionId, str] | None = None,
) -> BordaResult:
    """Borda count with m options: the option ranked at position i (0 = first) gets m-1-i points.

    Options a ballot leaves unranked count as tied below every ranked one: they share the points
    of the remaining positions equally, (m-k-1)/2 each when k options are ranked. Every ballot
    therefore gives out m(m-1)/2 points, and a full ranking of m-1 options equals a full ranking.
    Ties stay ties.
    """
    opts = _check_options(options)
    m = len(opts)
    _check_ranked(ballots, opts)
    by_len: dict[int, list] = defaultdict(list)
    for b in ballots:
        by_len[len(b)].append(b)
    points2 = dict.fromkeys(opts, 0)  # twice the points, to stay in integers
    for k, group in by_len.items():
        ranked = Counter()
        for pos, column in enumerate(zip(*group, strict=True)):
            col = Counter(column)
            ranked.update(col)
            weight = 2 * (m - 1 - pos)
            for o, c in col.items():
                points2[o] += weight * c
        if k < m - 1:
            share = m - k - 1  # 2 * (m-k-1)/2
            for o in opts:
                points2[o] += share * (len(group) - ranked[o])
    totals = {o: _num(Fraction(points2[o], 2)) for o in opts}
    groups = _group(opts, lambda o: -points2[o])
    label = _label_getter(labels)

    def fr(o: OptionId) -> str:
        return f"{_fmt_fr(totals[o])} {_plural(totals[o], 'point', 'points')}"

    def en(o: OptionId) -> str:
        return f"{_fmt_en(totals[o])} {_plural(totals[o], 'point', 'points')}"

    expl_fr, expl_en = _simple_explanation(groups, len(ballots), label, fr, en)
    return BordaResult(
        options=opts,
        ballot_count=len(ballots),
        totals=totals,
        ranking=_places(groups),
        tie_breaks=_unbroken_ties(groups, "borda", label, fr, en),
        explanation_fr=expl_fr,
        explanation_en=expl_en,
    )


def pairwise_matrix(
    ballots: Sequence[Sequence[OptionId]], options: Sequence[OptionId]
) -> dict[OptionId, dict[OptionId, int]]:
    """d[a][b] = number of ballots ranking a above b; ranked options beat unranked ones, unranked
    options are not compared with each other. Assumes validated ballots.

    Each row d[a] is accumulated as one Python big integer holding every d[a][b] in its own bit
    field, so a ballot costs two big-int operations per ranked option instead of m^2 increments.
    """
    opts = tuple(options)
    n = len(ballots)
    width = n.bit_length() + 1
    unit = {o: 1 << (width * i) for i, o in enumerate(opts)}
    everyone = sum(unit.values())
    rows = dict.fromkeys(opts, 0)
    for ballot, count in Counter(map(tuple, ballots)).items():
        below = everyone
        for a in ballot:
            below -= unit[a]
            rows[a] += below * count
    mask = (1 << width) - 1
    return {a: {b: (rows[a] >> (width * j)) & mask for j, b in enumerate(opts)} for a in opts}


def strongest_paths(
    d: Mapping[OptionId, Mapping[OptionId, int]], options: Sequence[OptionId]
) -> dict[OptionId, dict[OptionId, int]]:
    """Strength of the strongest path from a to b, encoded as one comparable integer.

    Schulze (2011, section 2.1) measures a link a->b (which exists when d[a][b] > d[b][a]) by
    winning votes: more support is stronger, and for equal support less opposition is stronger.
    The link is encoded as ``d[a][b] * (N + 1) - d[b][a]`` with N = max(d[a][b] + d[b][a]),
    and 0 means "no path"; ``decode_strength`` turns it back into (support, opposition).
    The widest paths are found with the Floyd–Warshall variant from the paper.
    """
    opts = tuple(options)
    m = len(opts)
    dm = [[d[a][b] for b in opts] for a in opts]
    base = _strength_base(dm)
    p = [
        [dm[i][j] * base - dm[j][i] if i != j and dm[i][j] > dm[j][i] else 0 for j in range(m)]
        for i in range(m)
    ]
    for i in range(m):
        pi = p[i]
        for j in range(m):
            if j == i:
                continue
            pj = p[j]
            pji = pj[i]
            if not pji:
                continue
            for k in range(m):
                if k != i and k != j:
                    v = pi[k] if pi[k] < pji else pji
                    if v > pj[k]:
                        pj[k] = v
    return {a: {b: p[i][j] for j, b in enumerate(opts)} for i, a in enumerate(opts)}


def _strength_base(dm: list[list[int]]) -> int:
    m = len(dm)
    return 1 + max((dm[i][j] + dm[j][i] for i in range(m) for j in range(m)), default=0)


def decode_strength(value: int, base: int) -> tuple[int, int]:
    """(support, opposition) of a link or path strength encoded by ``strongest_paths``."""
    if not value:
        return 0, 0
    support = -(-value // base)
    return support, support * base - value


def tally_schulze(
    ballots: Sequence[Sequence[OptionId]],
    *,
    options: Sequence[OptionId],
    labels: Mapping[OptionId, str] | None = None,
) -> SchulzeResult:
    """Condorcet–Schulze method (winning votes).

    a is ranked above b when p[a][b] > p[b][a]; Schulze proves this relation is transitive.
    ``winners`` are the options no other option beats. The full ranking repeatedly takes the
    options that no remaining option beats, always using the strongest paths of the whole
    election (paths are not recomputed on the remaining options). Options in the same place
    are tied (p[a][b] == p[b][a]); no further tie-breaking is applied.
    """
    opts = _check_options(options)
    _check_ranked(ballots, opts)
    d = pairwise_matrix(ballots, opts)
    p = strongest_paths(d, opts)
    base = _strength_base([[d[a][b] for b in opts] for a in opts])
    decoded = {a: {b: decode_strength(p[a][b], base) for b in opts} for a in opts}
    remaining = list(opts)
    groups: list[tuple] = []
    while remaining:
        level = tuple(a for a in remaining if all(p[a][b] >= p[b][a] for b in remaining))
        groups.append(level)
        remaining = [a for a in remaining if a not in level]
    label = _label_getter(labels)
    tie_breaks, rank = [], 1
    for g in groups:
        if len(g) > 1:
            tie_breaks.append(
                TieBreak(
                    options=g,
                    rule="schulze.tie_unbroken",
                    resolved=False,
                    order=(g,),
                    explanation_fr=(
                        f"{_names(g, label, 'fr')} sont à égalité : aucune n'a un chemin plus "
                        f"fort que l'autre (méthode de Schulze) ; elles partagent la "
                        f"{rank}{'re' if rank == 1 else 'e'} place."
                    ),
                    explanation_en=(
                        f"{_names(g, label, 'en')} are tied: none has a stronger path than the "
                        f"other (Schulze method); they share place {rank}."
                    ),
                )
            )
        rank += len(g)
    support = {a: {b: decoded[a][b][0] for b in opts} for a in opts}
    expl_fr, expl_en = _schulze_explanation(groups, d, decoded, label, len(ballots))
    return SchulzeResult(
        options=opts,
        ballot_count=len(ballots),
        pairwise=d,
        strongest_paths=support,
        strongest_paths_opposition={a: {b: decoded[a][b][1] for b in opts} for a in opts},
        winners=groups[0],
        ranking=_places(groups),
        tie_breaks=tuple(tie_breaks),
        explanation_fr=expl_fr,
        explanation_en=expl_en,
    )


def _schulze_explanation(groups, d, p, label, n) -> tuple[str, str]:
    if n == 0:
        return (
            "Aucun vote n'a été exprimé : toutes les options sont à égalité.",
            "No votes were cast: all options are tied.",
        )
    first = groups[0]
    if len(first) > 1:
        return (
            f"{_names(first, label, 'fr')} sont à égalité en tête : aucune n'a un chemin plus "
            f"fort que l'autre.",
            f"{_names(first, label, 'en')} are tied for first place: none has a stronger path "
            f"than the other.",
        )
    w = first[0]
    if len(groups) == 1:
        return (f"« {label(w)} » est la seule option.", f"“{label(w)}” is the only option.")
    r = groups[1][0]
    wn, rn = label(w), label(r)
    (pw, ow), (pr, or_) = p[w][r], p[r][w]
    # r is in the second place only because w beats it (nothing else can): pw/ow > pr/or_.
    if d[w][r] > d[r][w]:
        return (
            f"« {wn} » l'emporte sur « {rn} » : {d[w][r]} votants préfèrent « {wn} » à « {rn} », "
            f"contre {d[r][w]} l'inverse.",
            f"“{wn}” beats “{rn}”: {d[w][r]} voters prefer “{wn}” to “{rn}”, against "
            f"{d[r][w]} the other way round.",
        )
    if pw == pr:  # same support: the weaker opposition decided (winning votes, Schulze 2.1)
        fr_force = f"force {pw} contre {pr}, mais une opposition plus faible ({ow} contre {or_})"
        en_force = f"strength {pw} versus {pr}, but weaker opposition ({ow} versus {or_})"
    else:
        fr_force, en_force = f"force {pw} contre {pr}", f"strength {pw} versus {pr}"
    if d[w][r] == d[r][w]:
        fr_h2h = f"alors qu'en face-à-face elles sont à égalité ({d[w][r]} contre {d[r][w]})"
        en_h2h = f"while head to head they are tied ({d[w][r]} to {d[r][w]})"
    else:
        fr_h2h = f"bien que {d[r][w]} votants préfèrent « {rn} » à « {wn} » contre {d[w][r]}"
        en_h2h = f"although {d[r][w]} voters prefer “{rn}” to “{wn}” against {d[w][r]}"
    return (
        f"« {wn} » l'emporte sur « {rn} » par le chemin le plus fort (méthode de Schulze) : "
        f"{fr_force}, {fr_h2h}.",
        f"“{wn}” beats “{rn}” through the strongest path (Schulze method): {en_force}, {en_h2h}.",
    )


# --------------------------------------------------------------------------------------------
# 5. Score (0–5)
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# 6. Yes / no / abstain
# --------------------------------------------------------------------------------------------


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
