"""Between meetings and the programme: an idea or theme becomes a session; a previous edition's
outcome seeds a board."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rooms.errors import DomainError
from rooms.models import Meeting
from rooms.roles import Actor
from rooms.runner import Change, Unit, run_command

from ..enums import IdeaState
from ..models import Idea, SessionOrigin, Theme
from ._common import idea_event


def session_from_idea(
    *,
    user: AbstractBaseUser,
    event: Any,
    meeting: Meeting,
    starts_at: Any,
    ends_at: Any,
    idea: Idea | None = None,
    theme: Theme | None = None,
) -> Any:
    """One click: an idea or a theme of a public meeting becomes a programme session that links
    back to it (SessionOrigin). Uses the events app's own service (its rules, its rights)."""
    from events.services import SessionFields, session_create

    if (idea is None) == (theme is None):
        raise ValueError("from an idea or from a theme")
    source_meeting_id = idea.meeting_id if idea is not None else theme.meeting_id
    if source_meeting_id != meeting.pk:
        raise DomainError("idea.not_found", _("Cette idée n'existe pas."))
    if idea is not None:
        title = idea.title or idea.text.split("\n", 1)[0][:120]
        description = idea.text
    else:
        texts = Idea.objects.filter(theme=theme, state=IdeaState.VISIBLE).order_by(
            "-support_count", "pk"
        )[:5]
        title = theme.name
        description = "\n".join(f"- {i.text}" for i in texts)
    note = _("Issue de la réunion « %(title)s ».") % {"title": meeting.title}
    with transaction.atomic():
        session = session_create(
            user=user,
            event=event,
            data=SessionFields(
                title=title,
                starts_at=starts_at,
                ends_at=ends_at,
                description=f"{description}\n\n{note}".strip(),
            ),
        )
        SessionOrigin.objects.create(session=session, meeting=meeting, idea=idea, theme=theme)
    return session


SEED_MAX = 30


def ideas_seed_from_meeting(
    *, meeting_id: int, actor: Actor, client_id: str | None, source: Meeting
) -> dict[str, Any]:
    """Seed a meeting's board with the previous edition's outcome: the source meeting's pinned
    ideas and group proposals, then its most supported ideas (up to 30), as paper post-its."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        if source.pk == meeting.pk:
            raise DomainError("seed.same_meeting", _("Choisissez une autre réunion."))
        picked = list(
            Idea.objects.filter(meeting=source, state=IdeaState.VISIBLE, kind="idea").order_by(
                "-pinned", "-support_count", "pk"
            )[:SEED_MAX]
        )
        existing = set(Idea.objects.filter(meeting=meeting).values_list("text", flat=True))
        events, created = [], []
        for old in picked:
            if old.text in existing:
                continue
            idea = Idea.objects.create(
                meeting=meeting,
                entered_by_id=actor.user_id,
                on_behalf=True,
                title=old.title,
                text=old.text,
                state=IdeaState.VISIBLE,
            )
            created.append(idea.pk)
            events.append(idea_event(idea, meeting, created=True))
        return {"ideas": created}, events

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="idea.add_paper",
        client_id=client_id,
        change=change,
    )
