"""What every tally shares: the result base classes, ranking places, tie-break records, ballot
errors and the small helpers that turn groups of equal options into places and sentences."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
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


# The wire layout of every result: these keys first, the method's own fields, then the tail.
_HEAD = ("options", "ballot_count")
_TAIL = ("ranking", "tie_breaks", "explanation_fr", "explanation_en", "method")


@cache
def _wire_order(cls: type) -> tuple[str, ...]:
    names = [f.name for f in dataclasses.fields(cls)]
    own = [n for n in names if n not in _HEAD and n not in _TAIL]
    return (*(n for n in _HEAD if n in names), *own, *(n for n in _TAIL if n in names))


@dataclass(frozen=True, kw_only=True, repr=False)
class TallyResult:
    """What every method reports: how many ballots, why the outcome is what it is, the method.

    Subclasses add their own fields and set ``method`` as a default; they are declared with
    ``@dataclass(frozen=True, kw_only=True, repr=False)``. ``to_dict()`` and ``repr()`` lay the
    fields out as ``options, ballot_count, <the method's own fields>, ranking, tie_breaks,
    explanation_fr, explanation_en, method`` (the wire and stored results depend on that order).
    """

    ballot_count: int
    explanation_fr: str
    explanation_en: str
    method: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly copy (tuples become lists; ``json.dumps`` turns int keys into strings)."""
        return {name: _plain(getattr(self, name)) for name in _wire_order(type(self))}

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in _wire_order(type(self)))
        return f"{type(self).__qualname__}({fields})"


@dataclass(frozen=True, kw_only=True, repr=False)
class RankedResult(TallyResult):
    """A result that ranks options: every method but yes / no."""

    options: tuple[OptionId, ...]
    ranking: tuple[Place, ...]
    tie_breaks: tuple[TieBreak, ...]


# --------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------

# The explanation (French, English) of every ranked method when nobody voted.
NO_VOTES = (
    "Aucun vote n'a été exprimé : toutes les options sont à égalité.",
    "No votes were cast: all options are tied.",
)


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


def _ties(
    groups: list[tuple], rule: str, explain: Callable[[tuple, int], tuple[str, str]]
) -> tuple[TieBreak, ...]:
    """One unresolved TieBreak per group of several options (ties stay ties) under ``rule``;
    ``explain(group, rank)`` gives its French and English sentences."""
    out, rank = [], 1
    for g in groups:
        if len(g) > 1:
            fr, en = explain(g, rank)
            out.append(
                TieBreak(
                    options=g,
                    rule=rule,
                    resolved=False,
                    order=(g,),
                    explanation_fr=fr,
                    explanation_en=en,
                )
            )
        rank += len(g)
    return tuple(out)


def _place_fr(rank: int) -> str:
    return f"{rank}{'re' if rank == 1 else 'e'} place"


def _unbroken_ties(
    groups: list[tuple],
    method: str,
    label: Callable[[OptionId], str],
    what_fr: Callable[[OptionId], str],
    what_en: Callable[[OptionId], str],
) -> tuple[TieBreak, ...]:
    """TieBreak records for methods that have no tie-breaking rule: ties stay ties."""

    def explain(g: tuple, rank: int) -> tuple[str, str]:
        return (
            f"{_names(g, label, 'fr')} sont à égalité ({what_fr(g[0])} chacune) ; "
            f"aucune règle de départage ne s'applique : elles partagent la {_place_fr(rank)}.",
            f"{_names(g, label, 'en')} are tied ({what_en(g[0])} each); "
            f"no tie-breaking rule applies: they share place {rank}.",
        )

    return _ties(groups, f"{method}.tie_unbroken", explain)


def _simple_explanation(
    groups: list[tuple],
    ballot_count: int,
    label: Callable[[OptionId], str],
    what_fr: Callable[[OptionId], str],
    what_en: Callable[[OptionId], str],
) -> tuple[str, str]:
    """Why the winner is ahead of the runner-up, for methods ranked by a single number."""
    if ballot_count == 0:
        return NO_VOTES
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
