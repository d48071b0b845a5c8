"""The anonymised ballot export as CSV (the JSON export is the selector's dict as is).

One row per ballot (phones, then individual paper ballots) and one per paper / show-of-hands
total, in the shuffled order of the export. Cells are neutralised against formula injection.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .counting import grade_scale
from .enums import LIST_METHODS, VoteMethod
from .tally import YES_NO_CHOICES

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def _ballot_cells(method: str, settings: dict[str, Any], option_ids: list[int], ballot: Any):
    if method == VoteMethod.YES_NO:
        return [1 if ballot == choice else 0 for choice in YES_NO_CHOICES]
    if method == VoteMethod.APPROVAL:
        chosen = set(ballot)
        return [1 if o in chosen else 0 for o in option_ids]
    if method in LIST_METHODS:  # ranked: the rank given (1 = first), empty when unranked
        ranks = {o: i + 1 for i, o in enumerate(ballot)}
        return [ranks.get(o, "") for o in option_ids]
    values = {int(k): v for k, v in ballot.items()}
    if method == VoteMethod.DOTS:
        return [values.get(o, 0) for o in option_ids]
    if method == VoteMethod.MAJORITY_JUDGMENT:
        labels = grade_scale(settings).labels_fr
        return [labels[values[o]] if o in values else "" for o in option_ids]
    return [values.get(o, "") for o in option_ids]  # score: empty = not scored


def ballots_csv(export: dict[str, Any]) -> str:
    vote = export["vote"]
    method, settings = vote["method"], vote["settings"]
    option_ids = [o["id"] for o in vote["options"]]
    if method == VoteMethod.YES_NO:
        columns = list(YES_NO_CHOICES)
    else:
        columns = [o["label"] for o in vote["options"]]
    rows: list[list[Any]] = [["source", "kind", *columns, "note"]]
    for ballot in export["ballots"]:
        rows.append(["phone", "ballot", *_ballot_cells(method, settings, option_ids, ballot), ""])
    for entry in export["paper"]:
        for ballot in entry.get("ballots", ()):
            cells = _ballot_cells(method, settings, option_ids, ballot)
            rows.append([entry["source"], "ballot", *cells, entry.get("note", "")])
        if "counts" in entry:
            keys = list(YES_NO_CHOICES) if method == VoteMethod.YES_NO else option_ids
            counts = entry["counts"]
            cells = [counts.get(k if method == VoteMethod.YES_NO else str(k), 0) for k in keys]
            rows.append([entry["source"], "total", *cells, entry.get("note", "")])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
