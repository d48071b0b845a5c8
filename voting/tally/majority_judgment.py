"""Majority judgment (Balinski & Laraki): grades, majority grade, majority value, gauges."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from typing import Any

from .base import (
    NO_VOTES,
    BallotError,
    OptionId,
    RankedResult,
    TieBreak,
    _check_options,
    _fmt_en,
    _fmt_fr,
    _group,
    _is_count,
    _label_getter,
    _names,
    _pct_pair,
    _places,
    _ToDict,
    _unknown,
)


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


@dataclass(frozen=True, kw_only=True, repr=False)
class MajorityJudgmentResult(RankedResult):
    scale: GradeScale
    merit_profiles: dict[OptionId, tuple[int, ...]]  # count per grade index, missing = worst
    missing: dict[OptionId, int]  # how many ballots did not grade the option
    majority_grades: dict[OptionId, int | None]  # grade index (0 = best); None if no ballots
    gauges: dict[OptionId, dict[str, Any]]  # {"better": p, "worse": q, "sign": "+" | "-"}
    method: str = "majority_judgment"


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
        return NO_VOTES
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
