"""The facilitators' hand on ideas: paper post-its, hide/restore/approve (one or many), pin,
correct, and questions marked answered."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from rooms.errors import DomainError
from rooms.models import Meeting
from rooms.roles import Actor
from rooms.runner import Change, Unit, run_command

from ..enums import IdeaKind, IdeaState
from ..models import Idea
from ._common import get_idea, idea_event, validated_kind, validated_text


def idea_add_paper(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    text: Any,
    title: Any = "",
    kind: Any = None,
) -> dict[str, Any]:
    """A facilitator types in a paper post-it: visible at once, marked as entered on behalf."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        clean_kind = validated_kind(meeting, kind, any_kind=True)
        clean, clean_title = validated_text(text, title)
        idea = Idea.objects.create(
            meeting=meeting,
            kind=clean_kind,
            entered_by_id=actor.user_id,
            on_behalf=True,
            text=clean,
            title=clean_title,
            state=IdeaState.VISIBLE,
        )
        return {"idea": idea.pk, "state": idea.state}, idea_event(idea, meeting, created=True)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="idea.add_paper",
        client_id=client_id,
        change=change,
    )


_MODERATION_TARGETS: dict[str, tuple[set[str], str]] = {
    # command: (states it applies to, resulting state)
    "idea.hide": ({IdeaState.VISIBLE, IdeaState.PENDING}, IdeaState.HIDDEN),
    "idea.restore": ({IdeaState.HIDDEN}, IdeaState.VISIBLE),
    "idea.approve": ({IdeaState.PENDING}, IdeaState.VISIBLE),
}


def idea_moderate(
    *, meeting_id: int, actor: Actor, client_id: str | None, command: str, idea_id: Any
) -> dict[str, Any]:
    """Hide, restore or approve an idea (facilitator). Emits "idea.changed"."""
    if command not in _MODERATION_TARGETS:
        raise ValueError(command)
    from_states, to_state = _MODERATION_TARGETS[command]

    def change(meeting: Meeting, unit: Unit) -> Change:
        idea = get_idea(meeting, idea_id)
        if idea.state not in from_states:
            raise DomainError(
                "idea.wrong_state",
                _("Impossible : l'idée est « %(state)s »."),
                state=IdeaState(idea.state).label,
            )
        idea.state = to_state
        idea.save(update_fields=["state", "updated_at"])
        return {"idea": idea.pk, "state": idea.state}, idea_event(idea, meeting)

    return run_command(
        meeting_id=meeting_id, actor=actor, command=command, client_id=client_id, change=change
    )


def ideas_approve(
    *, meeting_id: int, actor: Actor, client_id: str | None, idea_ids: list[Any]
) -> dict[str, Any]:
    """Approve every listed idea still pending (a debrief column's "Tout approuver").

    One change for the whole list: ideas no longer pending (another facilitator approved or hid
    them meanwhile) are skipped, not refused. Raises DomainError("ideas.nothing_to_approve")
    for an empty list, ("idea.not_found") for an id of another meeting. Emits one
    "idea.changed" per approved idea; the ack lists them.
    """
    if not idea_ids:
        raise DomainError("ideas.nothing_to_approve", _("Aucune idée à approuver."))

    def change(meeting: Meeting, unit: Unit) -> Change:
        wanted = list(dict.fromkeys(idea_ids))
        ideas = list(
            Idea.objects.select_related("author")
            .filter(meeting=meeting, pk__in=wanted)
            .exclude(state=IdeaState.DELETED)
            .order_by("pk")
        )
        if len(ideas) != len(wanted):
            raise DomainError("idea.not_found", _("Cette idée n'existe pas."))
        events, approved = [], []
        for idea in ideas:
            if idea.state != IdeaState.PENDING:
                continue
            idea.state = IdeaState.VISIBLE
            idea.save(update_fields=["state", "updated_at"])
            approved.append(idea.pk)
            events.append(idea_event(idea, meeting))
        return {"ideas": approved}, events

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="ideas.approve",
        client_id=client_id,
        change=change,
    )


def idea_pin(
    *, meeting_id: int, actor: Actor, client_id: str | None, idea_id: Any, pinned: bool
) -> dict[str, Any]:
    """Pin an idea to the top of the board, or unpin it (facilitator)."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        idea = get_idea(meeting, idea_id)
        idea.pinned = bool(pinned)
        idea.save(update_fields=["pinned", "updated_at"])
        return {"idea": idea.pk, "pinned": idea.pinned}, idea_event(idea, meeting)

    return run_command(
        meeting_id=meeting_id, actor=actor, command="idea.pin", client_id=client_id, change=change
    )


def idea_moderate_edit(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    idea_id: Any,
    text: Any,
    title: Any = "",
) -> dict[str, Any]:
    """A facilitator corrects a typo in anyone's idea."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        idea = get_idea(meeting, idea_id)
        idea.text, idea.title = validated_text(text, title)
        idea.save(update_fields=["text", "title", "updated_at"])
        return {"idea": idea.pk}, idea_event(idea, meeting)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="idea.moderate_edit",
        client_id=client_id,
        change=change,
    )


def idea_answer(
    *, meeting_id: int, actor: Actor, client_id: str | None, idea_id: Any, answered: bool = True
) -> dict[str, Any]:
    """Mark a webconference question answered (or not). Emits "idea.changed"."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        idea = get_idea(meeting, idea_id)
        if idea.kind != IdeaKind.QUESTION:
            raise DomainError("idea.not_question", _("Ce n'est pas une question."))
        idea.answered = bool(answered)
        idea.save(update_fields=["answered", "updated_at"])
        return {"idea": idea.pk, "answered": idea.answered}, idea_event(idea, meeting)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="idea.answer",
        client_id=client_id,
        change=change,
    )
