"""What the projected screen shows: the facilitator's choice, stored on the meeting.

The projected screen (the room's view, `?view=projection`) follows `meeting.projection` live:
which view (ideas, questions, a vote, results, the join QR code, the questionnaire's QR code, a
black pause screen), the order of the ideas, a contrast theme for washed-out projectors, the vote
shown and the question being answered.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from rooms.errors import DomainError
from rooms.models import Meeting
from rooms.roles import Actor
from rooms.runner import Change, Unit, run_command

from ..enums import IdeaState
from ..models import Idea
from ..payloads import (
    PROJECTION_CONTRASTS,
    PROJECTION_DEFAULTS,
    PROJECTION_SORTS,
    PROJECTION_VIEWS,
    projection_payload,
)
from ._common import meeting_event


class _Unchanged:
    """A key left out of `projection.set` (null clears `vote` and `highlight`)."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()


def projection_set(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    view: str | None = None,
    sort: str | None = None,
    contrast: str | None = None,
    vote: Any = UNCHANGED,
    highlight: Any = UNCHANGED,
) -> dict[str, Any]:
    """Change what the projected screen shows; keys not given stay as they are.

    Raises DomainError("projection.bad_view"), ("projection.bad_sort"),
    ("projection.bad_contrast"), ("projection.unknown_vote") or ("projection.unknown_idea").
    Emits "meeting.changed" (its `projection` key, to facilitators and the public alike).
    """
    chosen = {"view": view, "sort": sort, "contrast": contrast}

    def change(meeting: Meeting, unit: Unit) -> Change:
        _check_choices(chosen)
        current = projection_payload(meeting)
        current.update({key: value for key, value in chosen.items() if value is not None})
        if vote is not UNCHANGED:
            current["vote"] = _known_vote(meeting, vote)
        if highlight is not UNCHANGED:
            current["highlight"] = _known_idea(meeting, highlight)
        meeting.projection = {k: v for k, v in current.items() if PROJECTION_DEFAULTS[k] != v}
        meeting.save(update_fields=["projection"])
        return {"projection": current}, meeting_event(meeting)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="projection.set",
        client_id=client_id,
        change=change,
    )


def _check_choices(chosen: dict[str, str | None]) -> None:
    allowed = {"view": PROJECTION_VIEWS, "sort": PROJECTION_SORTS, "contrast": PROJECTION_CONTRASTS}
    messages = {
        "view": _("Cet affichage n'existe pas."),
        "sort": _("Cet ordre des idées n'existe pas."),
        "contrast": _("Ce contraste n'existe pas."),
    }
    for key, value in chosen.items():
        if value is not None and value not in allowed[key]:
            raise DomainError(f"projection.bad_{key}", messages[key])


def _known_vote(meeting: Meeting, vote_id: int | None) -> int | None:
    """A vote id, or None (the newest vote the room may see).

    Deliberation does not read votes (docs/architecture.md): the projected screen has only the
    public's votes, so the id of a draft or of another meeting's vote shows nothing there, and
    the screen says the vote is not shown yet.
    """
    if vote_id is not None and vote_id < 1:
        raise DomainError("projection.unknown_vote", _("Ce vote n'existe pas."))
    return vote_id


def _known_idea(meeting: Meeting, idea_id: int | None) -> int | None:
    """A visible idea of this meeting (the question being answered), or None."""
    if idea_id is None:
        return None
    if not Idea.objects.filter(meeting=meeting, pk=idea_id, state=IdeaState.VISIBLE).exists():
        raise DomainError("projection.unknown_idea", _("Cette idée n'est pas affichée."))
    return idea_id
