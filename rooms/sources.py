"""What a vote can be about: items of the room that another domain offers as vote options.

A facilitator builds a vote from the ideas on the board, but voting does not import deliberation
(docs/architecture.md). So the board registers a *source* of vote options when its app is ready
(deliberation/apps.py): for a meeting and a list of item ids, it returns the items a vote may
offer (visible ones only) with their labels. Voting asks the registry for the kind of item an
option names ("idea"); with no source registered, no item of that kind can be chosen. The same
pattern as the snapshot parts (rooms/snapshot.py) and the command table (rooms/commands.py):
the kernel holds the table, the domains fill it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from .models import Meeting

# (meeting, ids asked for) → {id: label} for those of the ids a vote may offer.
Source = Callable[[Meeting, Collection[int]], dict[int, str]]

_sources: dict[str, Source] = {}


def register_source(kind: str, source: Source) -> None:
    """Offer items of `kind` (e.g. "idea") as vote options (replaces an earlier source of it)."""
    _sources[kind] = source


def vote_candidates(meeting: Meeting, kind: str, ids: Collection[int]) -> dict[int, str]:
    """Those of `ids` a vote of `meeting` may offer as options of `kind`, with their labels (the
    item's text as shown on the board; the caller trims it). Empty without a source of `kind`."""
    source = _sources.get(kind)
    if source is None:
        return {}
    return source(meeting, ids)
