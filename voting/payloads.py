"""JSON-safe dicts for the wire. No payload ever pairs a participant with a ballot content,
except a participant's own ballot sent to that participant alone (the "own" view)."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from .enums import BallotState, VoteMethod
from .models import Vote, VoteOption


class OptionPayload(TypedDict):
    id: int
    label: str
    idea: int | None
    theme: str


class TurnoutPayload(TypedDict):
    ballots: int  # phone ballots counted now
    eligible: int  # participants who may vote (registered ones when restricted)
    paper: int  # paper / show-of-hands entries typed in by the facilitator


class VotePayload(TypedDict):
    id: int
    title: str
    method: str
    method_label: str
    settings: dict[str, Any]
    state: str
    state_label: str
    reveal: str
    revealed: bool
    registered_only: bool
    options: list[OptionPayload]
    turnout: TurnoutPayload
    results: dict[str, Any] | None  # voting/counting.py output; None when hidden
    paper: NotRequired[list[dict[str, Any]]]  # facilitators: the paper entries
    my_ballot: NotRequired[Any]  # participants: their own ballot (None if none)
    may_vote: NotRequired[bool]  # participants: False when restricted and not registered


class TurnoutEvent(TypedDict):
    id: int
    turnout: TurnoutPayload
    results: NotRequired[dict[str, Any] | None]


def option_payload(option: VoteOption) -> OptionPayload:
    return {
        "id": option.pk,
        "label": option.label,
        "idea": option.idea_id,
        "theme": option.theme,
    }


def vote_payload(
    vote: Vote,
    options: list[VoteOption],
    turnout: TurnoutPayload,
    results: dict[str, Any] | None,
) -> VotePayload:
    return {
        "id": vote.pk,
        "title": vote.title,
        "method": vote.method,
        "method_label": str(VoteMethod(vote.method).label),
        "settings": vote.settings,
        "state": vote.state,
        "state_label": str(BallotState(vote.state).label),
        "reveal": vote.reveal,
        "revealed": vote.revealed,
        "registered_only": vote.registered_only,
        "options": [option_payload(o) for o in options],
        "turnout": turnout,
        "results": results,
    }


def paper_entry_payload(entry: Any) -> dict[str, Any]:
    """One paper entry as facilitators and the export see it (no author, no time)."""
    return {"id": entry.pk, "source": entry.source, "note": entry.note, **entry.content}
