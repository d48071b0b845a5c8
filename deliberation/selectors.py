"""Reads: meetings by code, room identity and the board snapshot each viewer gets."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q


from .enums import IdeaState
from .models import Idea, Meeting, Participant, Support, Theme
from .payloads import idea_payload, meeting_payload, theme_payload
from .permissions import Actor


def meeting_by_code(code: str) -> Meeting | None:
    from .services import normalise_join_code

    return Meeting.objects.filter(join_code=normalise_join_code(code)).first()


def participant_for_device(meeting: Meeting, device: str | None) -> Participant | None:
    if not device:
        return None
    return Participant.objects.filter(meeting=meeting, device=device).first()


def board_snapshot(meeting_id: int, actor: Actor) -> dict[str, Any]:
    """Everything `actor` may see of the room now, with the room version it reflects.

    The version is read before the ideas: a change committed in between is in the snapshot and
    comes again as an event, which clients apply idempotently.
    """
    meeting = Meeting.objects.get(pk=meeting_id)
    ideas = Idea.objects.filter(meeting=meeting).exclude(
        state__in=[IdeaState.DELETED, IdeaState.MERGED]
    )
    if not actor.facilitator:
        mine = Q(author_id=actor.participant_id)
        if meeting.ideas_public:
            ideas = ideas.filter(Q(state=IdeaState.VISIBLE) | mine)
        else:
            ideas = ideas.filter(mine)
    ideas = (
        ideas.select_related("author")
        .prefetch_related(
            Prefetch("merged_ideas", queryset=Idea.objects.select_related("author").order_by("pk"))
        )
        .order_by("created_at", "pk")
    )
    supported: set[int] = set()
    if actor.participant_id is not None:
        # A support given to an idea later merged into another counts for the merged idea.
        for idea_id, merged_into in Support.objects.filter(
            participant_id=actor.participant_id, idea__meeting=meeting
        ).values_list("idea_id", "idea__merged_into_id"):
            supported.add(merged_into or idea_id)
    idea_list = []
    for idea in ideas:
        payload: dict[str, Any] = dict(idea_payload(idea, merged=list(idea.merged_ideas.all())))
        if actor.participant_id is not None:
            payload["mine"] = idea.author_id == actor.participant_id
            payload["supported"] = idea.pk in supported
        idea_list.append(payload)
    me: dict[str, Any]
    if actor.facilitator:
        me = {"role": "facilitator"}
    else:
        me = {
            "role": "participant",
            "id": actor.participant_id,
            "name": actor.participant.display_name if actor.participant else "",
        }
    return {
        "version": meeting.seq,
        "meeting": meeting_payload(meeting),
        "ideas": idea_list,
        "themes": [theme_payload(t) for t in Theme.objects.filter(meeting=meeting)],
        "me": me,
    }


def current_seq(meeting_id: int) -> int:
    return Meeting.objects.filter(pk=meeting_id).values_list("seq", flat=True).first() or 0
