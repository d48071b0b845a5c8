"""Recount a vote from its anonymised ballot export and compare with the stored result.

    manage.py vote_recount 12                      # export built from the database now
    manage.py vote_recount 12 --file ballots.json  # a downloaded /votes/12/ballots.json

Exit status 0 when the recount equals the stored result, 1 otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from voting import counting, selectors
from voting.models import Vote
from voting.selectors import EXPORT_FORMAT
from voting.tally import BallotError


def _differences(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in sorted(set(a) | set(b), key=str):
            found += _differences(a.get(key), b.get(key), f"{path}.{key}" if path else str(key))
        return found
    return [] if a == b else [f"{path or '(root)'}: stored {b!r}, recount {a!r}"]


class Command(BaseCommand):
    help = "Recompute a vote's result from its anonymised ballot export and compare it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("vote_id", type=int)
        parser.add_argument("--file", type=Path, help="a ballots.json export (default: database)")

    def handle(self, *args, vote_id: int, file: Path | None, **options) -> None:
        vote = Vote.objects.filter(pk=vote_id).first()
        if file is not None:
            try:
                export = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read {file}: {exc}") from exc
            if export.get("format") != EXPORT_FORMAT:
                raise CommandError(f"{file} is not a ballot export ({EXPORT_FORMAT}).")
            if export["vote"]["id"] != vote_id:
                raise CommandError(f"{file} is the export of vote {export['vote']['id']}.")
        elif vote is not None:
            export = selectors.anonymised_ballots(vote)
        else:
            raise CommandError(f"No vote {vote_id} in the database; pass --file.")
        stored = vote.cached_results if vote is not None else export.get("result")
        if stored is None:
            raise CommandError(f"Vote {vote_id} is not closed: no stored result to compare.")
        definition = export["vote"]
        try:
            recount = counting.count(
                method=definition["method"],
                settings=definition["settings"],
                options=definition["options"],
                ballots=export["ballots"],
                paper=export["paper"],
            )
        except BallotError as exc:
            raise CommandError(f"The export holds an invalid ballot: {exc}") from exc
        sources = recount["sources"]
        self.stdout.write(
            f"Vote {vote_id} ({definition['method']}): {sources['phones']} phone ballots, "
            f"{sources['paper_ballots']} paper ballots, "
            f"{len(export['paper'])} paper / show-of-hands entries."
        )
        self.stdout.write(recount["tally"]["explanation_en"])
        problems = _differences(recount, stored)
        if vote is not None and file is not None and export.get("result") != stored:
            problems.append("the file's result differs from the result stored in the database")
        if problems:
            for line in problems[:20]:
                self.stderr.write(f"  {line}")
            raise CommandError("MISMATCH: the recount differs from the stored result.")
        self.stdout.write(self.style.SUCCESS("OK: the recount equals the stored result."))
