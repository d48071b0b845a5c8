"""The snapshot a screen gets: the room version plus the parts each domain registers.

A part has three readers: what a facilitator sees (`facilitator`), what every participant sees
(`public`, read once per room version and language, shared by every phone of the process), and a
phone's own view built from the public one (`personal`; without it the phone gets the public
view). Each reader returns snapshot keys (a dict), merged in registration order. Domains register
their parts when their app is ready (deliberation/apps.py, voting/apps.py).

The projected screen (`Actor(projector=True)`) gets, of each part, only what its `projector`
reader makes of the public view: it never reads a facilitator's or a phone's view, so nothing
held back from the room (a pending idea, a secret count) can reach the wall. A part without a
`projector` reader adds nothing to the projected screen's snapshot.

Snapshots go out as JSON text (`to_json`, the wire's one encoding). A part may give the items
of a list as `Encoded` dicts that carry their text already made, from the public view read once
per room version: a hall of phones joining then encodes each idea once, not once per phone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import translation

from .models import Meeting
from .roles import Actor

Keys = dict[str, Any]


@dataclass(frozen=True)
class SnapshotPart:
    """One domain's share of a snapshot."""

    name: str
    facilitator: Callable[[Meeting, Actor], Keys]
    public: Callable[[Meeting], Any]
    personal: Callable[[Meeting, Actor, Any], Keys] | None = None
    # The projected screen's keys, made from the public view only (no actor: it is nobody).
    projector: Callable[[Meeting, Any], Keys] | None = None


_parts: dict[str, SnapshotPart] = {}


def to_json(value: Any) -> str:
    """The JSON text of a frame or a snapshot part: compact, UTF-8 characters kept as they are."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Encoded(dict):
    """A dict that carries its own JSON text (`json`), made by whoever built it from parts
    encoded once; read like any dict, written by `snapshot_json` from its text."""

    __slots__ = ("json",)

    def __init__(self, value: dict[str, Any], json_text: str) -> None:
        super().__init__(value)
        self.json = json_text


def encoded_head(value: dict[str, Any]) -> str:
    """The JSON text of a non-empty dict without its closing brace, to add keys to it."""
    return to_json(value)[:-1]


def snapshot_json(snapshot: Keys) -> str:
    """The JSON text of a snapshot (`to_json`'s), with the text its `Encoded` items carry."""
    members = []
    for key, value in snapshot.items():
        if isinstance(value, list) and any(type(item) is Encoded for item in value):
            text = "[" + ",".join(_item_json(item) for item in value) + "]"
        else:
            text = to_json(value)
        members.append(to_json(key) + ":" + text)
    return "{" + ",".join(members) + "}"


def _item_json(item: Any) -> str:
    return item.json if type(item) is Encoded else to_json(item)


def register_part(part: SnapshotPart) -> None:
    """Add (or replace, by name) a part of every snapshot."""
    _parts[part.name] = part


def board_snapshot(meeting_id: int, actor: Actor, meeting: Meeting | None = None) -> Keys:
    """Everything `actor` may see of the room now, with the room version it reflects.

    The version is read with the meeting row, before the parts: a change committed in between is
    in the snapshot and comes again as an event, which clients apply idempotently.
    """
    if meeting is None:
        meeting = Meeting.objects.get(pk=meeting_id)
    snapshot: Keys = {"version": meeting.seq}
    if actor.facilitator:
        for part in _parts.values():
            snapshot.update(part.facilitator(meeting, actor))
        snapshot["me"] = {"role": "facilitator"}
        return snapshot
    public = _public_views(meeting)
    if actor.projector:
        for part in _parts.values():
            if part.projector is not None:
                snapshot.update(part.projector(meeting, public[part.name]))
        snapshot["me"] = {"role": "projector"}
        return snapshot
    for part in _parts.values():
        view = public[part.name]
        snapshot.update(part.personal(meeting, actor, view) if part.personal else view)
    snapshot["me"] = {
        "role": "participant",
        "id": actor.participant_id,
        "name": actor.participant.display_name if actor.participant else "",
    }
    return snapshot


# When a room of phones connects (or reconnects after a Wi-Fi drop) the public views are read once,
# not once per phone. Per process: (meeting, language) → (room version, views). Every change a
# screen shows takes a room sequence number, so the version alone says when the views are stale.
_public_cache: dict[tuple[int, str], tuple[int, dict[str, Any]]] = {}


def _public_views(meeting: Meeting) -> dict[str, Any]:
    key = (meeting.pk, translation.get_language() or "")
    hit = _public_cache.get(key)
    if hit is not None and hit[0] == meeting.seq:
        return hit[1]
    views = {name: part.public(meeting) for name, part in _parts.items()}
    if len(_public_cache) > 200:
        _public_cache.clear()
    _public_cache[key] = (meeting.seq, views)
    return views


def forget_public_views() -> None:
    """Drop the cached public views (tests that change rows behind the room's back)."""
    _public_cache.clear()
