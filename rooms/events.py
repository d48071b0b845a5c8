"""RoomEvent: what one accepted change shows to each audience of the room.

The relay (consumers/relay.py) turns events into frames without knowing what they are: `mod` goes
to facilitators, `public` to every participant, `own` to one participant instead of `public`.
`key` lets the relay coalesce: within one frame, an event is dropped when a later event with the
same key carries the same fields or more for that audience (its seq stays covered by `upto`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

View = dict[str, Any]


@dataclass(frozen=True)
class RoomEvent:
    """One change as each audience sees it (None: that audience sees nothing of it)."""

    type: str
    mod: View | None = None
    public: View | None = None
    own_pid: int | None = None
    own: View | None = None
    key: str | None = None

    def message(self, seq: int) -> dict[str, Any]:
        """The event as the channel layer carries it, numbered."""
        own = {"pid": self.own_pid, "data": self.own} if self.own is not None else None
        return {
            "seq": seq,
            "type": self.type,
            "mod": self.mod,
            "public": self.public,
            "own": own,
            "key": self.key,
        }


# A change nobody sees still takes its number: frames stay chained.
NOOP = RoomEvent("room.noop")
