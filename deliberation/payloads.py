"""JSON-safe dicts for the wire. What each audience may see of an idea is decided here."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from django.conf import settings
from django.urls import reverse

from rooms.enums import PHASE_ORDER, RoomPhase
from rooms.models import Meeting

from .enums import IdeaState, TimelineKind
from .models import Idea, Theme, TimelineMark


class IdeaPayload(TypedDict):
    id: int
    text: str
    title: str
    state: str
    pinned: bool
    supports: int
    paper: bool
    author: str | None
    created: str
    theme: int | None
    merged: list[dict[str, Any]]
    kind: str
    answered: bool
    group: dict[str, Any] | None
    mine: NotRequired[bool]
    supported: NotRequired[bool]


class ProjectionPayload(TypedDict):
    """What the projected screen shows (docs/protocol.md, "Projection")."""

    view: str
    sort: str
    contrast: str
    vote: int | None
    highlight: int | None


PROJECTION_VIEWS = ("board", "questions", "vote", "results", "qr", "questionnaire", "pause")
PROJECTION_SORTS = ("newest", "supported", "theme")
PROJECTION_CONTRASTS = ("normal", "light", "dark")
PROJECTION_DEFAULTS: ProjectionPayload = {
    "view": "board",
    "sort": "newest",
    "contrast": "normal",
    "vote": None,
    "highlight": None,
}


def projection_payload(meeting: Meeting) -> ProjectionPayload:
    """The meeting's projection with every key filled (stored keys over the defaults)."""
    stored = meeting.projection if isinstance(meeting.projection, dict) else {}
    payload = dict(PROJECTION_DEFAULTS)
    payload.update({key: stored[key] for key in PROJECTION_DEFAULTS if key in stored})
    return payload  # type: ignore[return-value]


class MeetingPayload(TypedDict):
    code: str
    title: str
    description: str
    phase: str
    phase_label: str
    phases: list[dict[str, str]]
    premoderation: bool
    hidden_until_reveal: bool
    revealed: bool
    allow_theme_suggestions: bool
    allow_questions: bool
    join_path: str
    started_at: str | None
    group_color: str
    is_group: bool
    projection: ProjectionPayload


class ThemePayload(TypedDict):
    id: int
    name: str
    color: str
    keywords: str
    preset: str
    position: int


def meeting_payload(meeting: Meeting) -> MeetingPayload:
    return {
        "code": meeting.join_code,
        "title": meeting.title,
        "description": meeting.description,
        "phase": meeting.phase,
        "phase_label": str(RoomPhase(meeting.phase).label),
        "phases": [{"value": p, "label": str(RoomPhase(p).label)} for p in PHASE_ORDER],
        "premoderation": meeting.premoderation,
        "hidden_until_reveal": meeting.hidden_until_reveal,
        "revealed": meeting.revealed,
        "allow_theme_suggestions": meeting.allow_theme_suggestions,
        "allow_questions": meeting.allow_questions,
        "join_path": reverse("join", kwargs={"code": meeting.join_code}),
        "started_at": meeting.started_at.isoformat() if meeting.started_at else None,
        "group_color": meeting.group_color,
        "is_group": meeting.parent_id is not None,
        "projection": projection_payload(meeting),
    }


def theme_payload(theme: Theme) -> ThemePayload:
    return {
        "id": theme.pk,
        "name": theme.name,
        "color": theme.color,
        "keywords": theme.keywords,
        "preset": theme.preset_slug,
        "position": theme.position,
    }


def idea_payload(
    idea: Idea, author_name: str | None = None, merged: list[Idea] | None = None
) -> IdeaPayload:
    """The full idea, as a facilitator sees it.

    `author_name` and `merged` (the ideas merged into this one) avoid queries when known; the
    snapshot prefetches them.
    """
    if author_name is None and idea.author_id is not None:
        author_name = idea.author.display_name if idea.author else ""
    if merged is None:
        merged = list(idea.merged_ideas.select_related("author")) if idea.pk else []
    return {
        "id": idea.pk,
        "text": idea.text,
        "title": idea.title,
        "state": idea.state,
        "pinned": idea.pinned,
        "supports": idea.support_count,
        "paper": idea.on_behalf,
        "author": author_name or None,
        "created": idea.created_at.isoformat(),
        "theme": idea.theme_id,
        "merged": [
            {
                "id": m.pk,
                "text": m.text,
                "title": m.title,
                "author": (m.author.display_name if m.author else "") or None,
            }
            for m in merged
        ],
        "kind": idea.kind,
        "answered": idea.answered,
        "group": _group_ref(idea),
    }


def _group_ref(idea: Idea) -> dict[str, Any] | None:
    """The breakout group a proposal came from (select_related("from_group") avoids a query)."""
    if idea.from_group_id is None:
        return None
    group = idea.from_group
    return {"id": group.pk, "title": group.title, "color": group.group_color}


_NO_DEFAULT = object()
IDEA_DEFAULTS: dict[str, Any] = {
    "title": "",
    "pinned": False,
    "paper": False,
    "author": None,
    "theme": None,
    "merged": [],
    "kind": "idea",
    "answered": False,
    "group": None,
}


def removed(idea_id: int) -> dict[str, Any]:
    return {"id": idea_id, "removed": True}


def visible_to_public(idea: Idea, meeting: Meeting) -> bool:
    return idea.state == IdeaState.VISIBLE and meeting.ideas_public


def idea_views(
    idea: Idea, meeting: Meeting, *, created: bool = False
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, dict[str, Any] | None]:
    """(facilitators' view, every participant's view, the author's view) of one idea change.

    A view of None sends nothing to that audience; a removal marker removes the idea from screens.
    On creation, an idea the public may not see is not announced to it at all.
    """
    if idea.state in (IdeaState.DELETED, IdeaState.MERGED):
        return removed(idea.pk), removed(idea.pk), removed(idea.pk)
    # A new idea has nothing merged into it yet: no query for that. Its fields at their default
    # value are left out (docs/protocol.md): in a busy room most of a frame is new ideas.
    full = idea_payload(idea, merged=[] if created else None)
    if created:
        full = {k: v for k, v in full.items() if IDEA_DEFAULTS.get(k, _NO_DEFAULT) != v}
    public: dict[str, Any] | None
    if visible_to_public(idea, meeting):
        public = dict(full)
    else:
        public = None if created else removed(idea.pk)
    own = {**full, "mine": True} if idea.author_id is not None else None
    return full, public, own


def max_lengths() -> dict[str, int]:
    return {"text": settings.IDEA_MAX_LENGTH, "title": settings.IDEA_TITLE_MAX_LENGTH}


class TimelineMarkPayload(TypedDict):
    id: int
    kind: str
    kind_label: str
    label: str
    speaker: str
    offset: int


def timeline_mark_payload(mark: TimelineMark) -> TimelineMarkPayload:
    return {
        "id": mark.pk,
        "kind": mark.kind,
        "kind_label": str(TimelineKind(mark.kind).label),
        "label": mark.label,
        "speaker": mark.speaker,
        "offset": mark.offset_seconds,
    }
