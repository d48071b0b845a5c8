"""Breakout groups: child meetings of a plenary (`Meeting.parent`), spreading phones among them,
and bringing their proposals back to the plenary."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from rooms.enums import RoomPhase
from rooms.errors import DomainError
from rooms.models import Meeting
from rooms.roles import Actor
from rooms.runner import Change, Unit, run_command

from ..enums import IdeaState
from ..models import Idea
from ..selectors import _groups as groups_payload
from ._common import idea_event, meeting_event
from .meetings import meeting_create

# Named and coloured as in the seminars: Blue, Red, Green, Yellow… (CSS colour names).
GROUP_PRESETS: tuple[tuple[str, str], ...] = (
    (_("Bleu"), "royalblue"),
    (_("Rouge"), "crimson"),
    (_("Vert"), "forestgreen"),
    (_("Jaune"), "goldenrod"),
    (_("Violet"), "darkorchid"),
    (_("Orange"), "darkorange"),
    (_("Turquoise"), "teal"),
    (_("Gris"), "slategray"),
)
MAX_GROUPS = len(GROUP_PRESETS)


def groups_create(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    count: Any,
    facilitators: list[Any] | None = None,
) -> dict[str, Any]:
    """Split a meeting into `count` more parallel groups, each a child meeting with its own code,
    QR, board and facilitators (the parent's by default). Colours continue after existing ones.

    Raises DomainError("groups.nested") or ("groups.bad_count"). Emits "meeting.changed" carrying
    the plenary's `groups` (as in the snapshot).
    """

    def change(parent: Meeting, unit: Unit) -> Change:
        if parent.parent_id is not None:
            raise DomainError("groups.nested", _("Un groupe ne se divise pas en sous-groupes."))
        existing = list(Meeting.objects.filter(parent=parent).values_list("group_color", flat=True))
        if (
            not isinstance(count, int)
            or isinstance(count, bool)
            or count < 1
            or len(existing) + count > MAX_GROUPS
        ):
            raise DomainError(
                "groups.bad_count", _("De 1 à %(max)s groupes en tout."), max=MAX_GROUPS
            )
        free = [(name, color) for name, color in GROUP_PRESETS if color not in existing]
        people = list(parent.facilitators.all()) if facilitators is None else facilitators
        created = [_group_create(parent, name, color, people) for name, color in free[:count]]
        groups = groups_payload(parent)
        return {"groups": [g.pk for g in created]}, meeting_event(parent, {"groups": groups})

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="groups.create",
        client_id=client_id,
        change=change,
    )


def _group_create(parent: Meeting, name: str, color: str, people: list[Any]) -> Meeting:
    child = meeting_create(
        owner=parent.owner,
        title=f"{parent.title} — {_('Groupe')} {name}",
        premoderation=parent.premoderation,
    )
    child.parent = parent
    child.group_color = color
    child.phase = RoomPhase.COLLECT
    child.place = parent.place
    child.save(update_fields=["parent", "group_color", "phase", "place"])
    child.facilitators.set(people)
    return child


def group_for_newcomer(*, parent: Meeting) -> Meeting | None:
    """Spread evenly: the open group with the fewest participants (ties: the first)."""
    groups = (
        Meeting.objects.filter(parent=parent)
        .exclude(phase=RoomPhase.CLOSED)
        .annotate(n=Count("participants"))
        .order_by("n", "pk")
    )
    return groups.first()


def groups_bring_back(*, meeting_id: int, actor: Actor, client_id: str | None) -> dict[str, Any]:
    """Back in plenary: copy each group's top proposals (its pinned, visible ideas) into the
    plenary as ideas marked with their group. Applied once per proposal (re-running adds only
    new ones). Emits one "idea.changed" per copied proposal."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        children = list(Meeting.objects.filter(parent=meeting).order_by("pk"))
        if not children:
            raise DomainError("groups.none", _("Cette réunion n'a pas de groupes."))
        already = set(
            Idea.objects.filter(meeting=meeting, from_group__in=children).values_list(
                "from_group_id", "text"
            )
        )
        events, copied = [], []
        for child in children:
            proposals = Idea.objects.filter(
                meeting=child, pinned=True, state=IdeaState.VISIBLE
            ).order_by("-support_count", "created_at", "pk")
            for source in proposals:
                if (child.pk, source.text) in already:
                    continue
                idea = Idea.objects.create(
                    meeting=meeting,
                    entered_by_id=actor.user_id,
                    on_behalf=True,
                    title=source.title,
                    text=source.text,
                    from_group=child,
                    state=IdeaState.VISIBLE,
                )
                idea.from_group = child
                copied.append(idea.pk)
                events.append(idea_event(idea, meeting, created=True))
        return {"ideas": copied}, events

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="groups.bring_back",
        client_id=client_id,
        change=change,
    )
