"""Majority judgment (Balinski & Laraki): grades, majority grade, majority value, gauges."""

from __future__ import annotations

import itertools
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
    _group,
    _is_count,
    _label_getter,
    _names,
    _places,
    _plural,
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
            tie_breaks.append(_mj_tie_break(g, sub, majority, profiles, scale, label, n))
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


def _mj_tie_break(group, sub, majority, profiles, scale, label, n) -> TieBreak:
    """Options sharing a majority grade: one sentence per step of the order they end up in."""
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
    fr = [f"{_names(group, label, 'fr')} ont la même mention majoritaire « {g_fr} »."]
    en = [f"{_names(group, label, 'en')} share the majority grade “{g_en}”."]
    for ahead, behind in itertools.pairwise(sub):
        w, r = ahead[-1], behind[0]
        reason_fr, reason_en = mj_reason(w, r, profiles[w], profiles[r], scale, label)
        fr.append(reason_fr)
        en.append(reason_en)
    still = [g for g in sub if len(g) > 1]
    for g in still:
        fr.append(f"{_names(g, label, 'fr')} restent à égalité : exactement les mêmes mentions.")
        en.append(f"{_names(g, label, 'en')} remain tied: exactly the same grades.")
    return TieBreak(
        options=group,
        rule="mj.majority_value",
        resolved=not still,
        order=tuple(sub),
        explanation_fr=" ".join(fr),
        explanation_en=" ".join(en),
    )


def _mj_explanation(groups, profiles, values, majority, scale, label, n) -> tuple[str, str]:
    if n == 0:
        return NO_VOTES
    first = groups[0]
    if len(first) > 1:
        g = majority[first[0]]
        return (
            f"{_names(first, label, 'fr')} sont à égalité en tête : exactement les mêmes mentions "
            f"(mention majoritaire « {scale.labels_fr[g]} »).",
            f"{_names(first, label, 'en')} are tied for first place: exactly the same grades "
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


def _removed(grades: Sequence[int], labels: Sequence[str], lang: str) -> str:
    """The grades taken away from each option, in order: "2 mentions « Bien » puis une mention
    « Assez bien »" / "2 “Good” grades and then one “Fair” grade"."""
    parts = []
    for grade, run in itertools.groupby(grades):
        count = len(list(run))
        if lang == "fr":
            what = "une mention" if count == 1 else f"{count} mentions"
            parts.append(f"{what} « {labels[grade]} »")
        else:
            what = "one" if count == 1 else str(count)
            parts.append(f"{what} “{labels[grade]}” {_plural(count, 'grade', 'grades')}")
    return (" puis " if lang == "fr" else " and then ").join(parts)


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
    Different majority grades: the sentence names both. The same majority grade: it says which
    grades were removed from each option, one at a time, before their majority grades differed,
    what each became, and how many voters gave the deciding grade or better to each (the winner
    always has more: its grade at the deciding position is that grade or better, the loser's is
    worse).
    """
    n = sum(winner_profile)
    perm = majority_value_order(n)
    vw, vl = _majority_value(winner_profile, perm), _majority_value(loser_profile, perm)
    wn, ln = label(winner), label(loser)
    lfr, len_ = scale.labels_fr, scale.labels_en
    if vw == vl:
        return (
            f"« {wn} » et « {ln} » restent à égalité : exactement les mêmes mentions.",
            f"“{wn}” and “{ln}” remain tied: exactly the same grades.",
        )
    head_fr, head_en = f"« {wn} » passe devant « {ln} »", f"“{wn}” ranks ahead of “{ln}”"
    step = next(i for i, (x, y) in enumerate(zip(vw, vl, strict=True)) if x != y)
    gw, gl = vw[step], vl[step]
    if step == 0:
        # Each name once: the better grade says who is ahead (long labels on a projector).
        return (
            f"« {wn} » a la mention majoritaire « {lfr[gw]} », « {ln} » « {lfr[gl]} ».",
            f"“{wn}” has the majority grade “{len_[gw]}”, “{ln}” “{len_[gl]}”.",
        )
    last = vw[step - 1]
    a, b = sum(winner_profile[: gw + 1]), sum(loser_profile[: gw + 1])

    def now_fr(g: int) -> str:
        return f"{'reste' if g == last else 'devient'} « {lfr[g]} »"

    def now_en(g: int) -> str:
        return f"{'stays' if g == last else 'becomes'} “{len_[g]}”"

    deciding_fr = f"« {lfr[gw]} »" + (" ou mieux" if gw else "")
    deciding_en = f"“{len_[gw]}”" + (" or better" if gw else "")
    return (
        f"{head_fr} : les deux ont la mention majoritaire « {lfr[vw[0]]} » ; en retirant "
        f"{_removed(vw[:step], lfr, 'fr')} de chacune, la mention majoritaire de « {wn} » "
        f"{now_fr(gw)}, celle de « {ln} » {now_fr(gl)} ({deciding_fr} : "
        f"{a} {_plural(a, 'votant', 'votants')} contre {b}).",
        f"{head_en}: both have the majority grade “{len_[vw[0]]}”; removing "
        f"{_removed(vw[:step], len_, 'en')} from each, the majority grade of “{wn}” "
        f"{now_en(gw)}, that of “{ln}” {now_en(gl)} ({deciding_en}: "
        f"{a} {'voter' if a == 1 else 'voters'} versus {b}).",
    )
