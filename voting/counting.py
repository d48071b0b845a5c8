"""From stored ballots to the published result: pure, no ORM (the recount uses it too).

Inputs are the same plain data the anonymised export carries (docs/voting.md, "Export"):
the method, its settings, the options ``[{"id", "label"}]``, the phone ballots in their stored
form and the paper entries ``[{"source", "counts"|"ballots"}]``. The output is JSON-normalised
(int keys become strings), so a freshly computed result compares equal to a stored one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from . import tally
from .enums import AGGREGATE_METHODS, MAPPING_METHODS, VoteMethod

DEFAULT_MAX_DOTS = 3


def grade_scale(settings: Mapping[str, Any]) -> tally.GradeScale:
    grades = settings.get("grades")
    if not grades:
        return tally.DEFAULT_GRADE_SCALE
    return tally.GradeScale(
        labels_fr=tuple(grades), labels_en=tuple(settings.get("grades_en") or grades)
    )


def tally_input(method: str, content: Any) -> Any:
    """A stored ballot (JSON: string keys) as the tally functions take it (int option ids)."""
    if method in MAPPING_METHODS:
        return {int(k): v for k, v in content.items()}
    if method == VoteMethod.YES_NO:
        return content
    return list(content)


def _canonical(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False))


def _tally(
    method: str,
    settings: Mapping[str, Any],
    option_ids: list[int],
    labels: dict[int, str],
    ballots: Sequence[Any],
    extra: dict[Any, int] | None,
) -> dict[str, Any]:
    if method == VoteMethod.DOTS:
        result: Any = tally.tally_dots(
            ballots,
            options=option_ids,
            extra_totals=extra,
            labels=labels,
            max_dots=settings.get("max_dots", DEFAULT_MAX_DOTS),
            max_per_option=settings.get("max_per_option"),
        )
    elif method == VoteMethod.APPROVAL:
        result = tally.tally_approval(
            ballots, options=option_ids, extra_totals=extra, labels=labels
        )
    elif method == VoteMethod.MAJORITY_JUDGMENT:
        result = tally.tally_majority_judgment(
            ballots, options=option_ids, scale=grade_scale(settings), labels=labels
        )
    elif method == VoteMethod.BORDA:
        result = tally.tally_borda(ballots, options=option_ids, labels=labels)
    elif method == VoteMethod.SCHULZE:
        result = tally.tally_schulze(ballots, options=option_ids, labels=labels)
    elif method == VoteMethod.SCORE:
        result = tally.tally_score(
            ballots,
            options=option_ids,
            min_score=settings.get("min_score", 0),
            max_score=settings.get("max_score", 5),
            labels=labels,
        )
    elif method == VoteMethod.YES_NO:
        result = tally.tally_yes_no(ballots, extra_counts=extra)
    else:
        raise ValueError(f"unknown method {method!r}")
    return result.to_dict()


def paper_totals(method: str, paper: Sequence[Mapping[str, Any]]) -> dict[str, dict[Any, int]]:
    """Aggregate counts summed per source: {"paper": {key: n}, "hands": {key: n}}."""
    by_source: dict[str, dict[Any, int]] = {}
    for entry in paper:
        if "counts" not in entry:
            continue
        totals = by_source.setdefault(entry["source"], {})
        for key, n in entry["counts"].items():
            key = key if method == VoteMethod.YES_NO else int(key)
            totals[key] = totals.get(key, 0) + n
    return by_source


def count(
    *,
    method: str,
    settings: Mapping[str, Any],
    options: Sequence[Mapping[str, Any]],
    ballots: Sequence[Any],
    paper: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The result of a vote. Raises tally.BallotError on invalid data (same codes as casting).

    ``tally`` is the method's result over every ballot (phones + paper). Paper and show-of-hands
    votes are reported apart: per-source totals (aggregate methods) or, for methods counted
    ballot by ballot, the number of paper ballots and ``phones_only``, the result without them.
    """
    option_ids = [int(o["id"]) for o in options]
    labels = {int(o["id"]): o["label"] for o in options}
    phone = [tally_input(method, b) for b in ballots]
    paper_ballots = [tally_input(method, b) for entry in paper for b in entry.get("ballots", ())]
    by_source = paper_totals(method, paper)
    extra: dict[Any, int] | None = None
    if method in AGGREGATE_METHODS:
        extra = {}
        for totals in by_source.values():
            for key, n in totals.items():
                extra[key] = extra.get(key, 0) + n
    combined = _tally(method, settings, option_ids, labels, phone + paper_ballots, extra)
    phones_only = (
        _tally(method, settings, option_ids, labels, phone, None) if paper_ballots else None
    )
    sources = {
        "phones": len(phone),
        "paper_ballots": len(paper_ballots),
        "paper": by_source.get("paper"),
        "hands": by_source.get("hands"),
    }
    return _canonical(
        {"method": method, "tally": combined, "phones_only": phones_only, "sources": sources}
    )
