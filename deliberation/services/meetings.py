"""The meeting: creating it, its phases, its settings and the reveal of hidden ideas."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from informaction.text import clean_text
from rooms.enums import PHASE_ORDER, RoomPhase
from rooms.errors import DomainError
from rooms.events import RoomEvent
from rooms.models import Meeting
from rooms.roles import Actor
from rooms.runner import Change, Unit, run_command
from rooms.services import new_join_code

from ..enums import IdeaState
from ..models import Idea
from ..payloads import idea_payload, meeting_payload
from ._common import meeting_event


def meeting_create(
    *,
    owner: AbstractBaseUser,
    title: str,
    description: str = "",
    session_id: int | None = None,
    premoderation: bool = False,
    hidden_until_reveal: bool = False,
) -> Meeting:
    """Create a meeting in the draft phase with a fresh, unused join code."""
    title, description = clean_text(title), clean_text(description)
    if not title:
        raise DomainError("meeting.title_empty", _("Donnez un titre à la réunion."))
    if len(description) > settings.MEETING_DESCRIPTION_MAX_LENGTH:
        raise DomainError(
            "meeting.description_too_long",
            _("La description est trop longue (%(length)s caractères, %(max)s au plus)."),
            length=len(description),
            max=settings.MEETING_DESCRIPTION_MAX_LENGTH,
        )
    for _attempt in range(20):
        code = new_join_code()
        if not Meeting.objects.filter(join_code=code).exists():
            break
    else:  # pragma: no cover - 887 million codes
        raise DomainError("meeting.no_code", _("Aucun code libre, réessayez."))
    # A webconference's audience asks questions: the questions switch starts on.
    allow_questions = False
    if session_id is not None:
        allow_questions = _linkable_session(owner, session_id).is_webconference
    return Meeting.objects.create(
        owner=owner,
        title=title[:200],
        description=description,
        join_code=code,
        session_id=session_id,
        premoderation=premoderation,
        hidden_until_reveal=hidden_until_reveal,
        allow_questions=allow_questions,
    )


def _linkable_session(owner: AbstractBaseUser, session_id: int) -> Any:
    """The programme session `session_id` if `owner` may edit its event (events/permissions.py):
    a meeting linked to a session is advertised on its pages and lands in its event report."""
    from events.permissions import editable_sessions

    session = editable_sessions(owner).filter(pk=session_id).first()
    if session is None:
        raise DomainError(
            "meeting.session_forbidden",
            _("Seuls les organisateurs de cet événement peuvent y lier une réunion."),
        )
    return session


def meeting_set_phase(
    *, meeting_id: int, actor: Actor, client_id: str | None, phase: Any = None
) -> dict[str, Any]:
    """Move the meeting to `phase`, or to the next phase when `phase` is None (one click).

    Emits "meeting.changed".
    """
    command = "meeting.advance" if phase is None else "meeting.set_phase"

    def change(meeting: Meeting, unit: Unit) -> Change:
        if phase is None:
            position = PHASE_ORDER.index(meeting.phase)
            if position + 1 >= len(PHASE_ORDER):
                raise DomainError("meeting.last_phase", _("La réunion est déjà terminée."))
            target = PHASE_ORDER[position + 1]
        elif phase in PHASE_ORDER:
            target = phase
        else:
            raise DomainError("meeting.unknown_phase", _("Cette phase n'existe pas."))
        meeting.phase = target
        if meeting.started_at is None and target != RoomPhase.DRAFT:
            meeting.started_at = timezone.now()  # the timeline's zero, unless started by hand
        meeting.save(update_fields=["phase", "started_at"])
        return {"phase": meeting.phase}, meeting_event(meeting)

    return run_command(
        meeting_id=meeting_id, actor=actor, command=command, client_id=client_id, change=change
    )


def meeting_configure(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    premoderation: bool | None = None,
    hidden_until_reveal: bool | None = None,
    allow_theme_suggestions: bool | None = None,
    allow_questions: bool | None = None,
) -> dict[str, Any]:
    """Switch pre-moderation, "hidden until reveal", participants' theme suggestions or questions
    from the public on or off.

    Emits "meeting.changed"."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        if premoderation is not None:
            meeting.premoderation = bool(premoderation)
        if hidden_until_reveal is not None:
            meeting.hidden_until_reveal = bool(hidden_until_reveal)
            if meeting.hidden_until_reveal:
                meeting.revealed = False
        if allow_theme_suggestions is not None:
            meeting.allow_theme_suggestions = bool(allow_theme_suggestions)
        if allow_questions is not None:
            meeting.allow_questions = bool(allow_questions)
        meeting.save(
            update_fields=[
                "premoderation",
                "hidden_until_reveal",
                "revealed",
                "allow_theme_suggestions",
                "allow_questions",
            ]
        )
        return meeting_payload(meeting), _with_public_ideas(meeting)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="meeting.configure",
        client_id=client_id,
        change=change,
    )


def meeting_reveal(*, meeting_id: int, actor: Actor, client_id: str | None) -> dict[str, Any]:
    """Reveal every visible idea to every phone. Emits "meeting.changed" carrying the ideas."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        if not meeting.hidden_until_reveal:
            raise DomainError("meeting.not_hidden", _("Les idées sont déjà visibles de tous."))
        meeting.revealed = True
        meeting.save(update_fields=["revealed"])
        return meeting_payload(meeting), _with_public_ideas(meeting)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="meeting.reveal",
        client_id=client_id,
        change=change,
    )


def _with_public_ideas(meeting: Meeting) -> RoomEvent:
    """A meeting change that may change what the public sees: it carries the public idea list.

    Clients replace their list of others' ideas with it (their own ideas stay).
    """
    event = meeting_event(meeting)
    if meeting.ideas_public:
        ideas = (
            Idea.objects.filter(meeting=meeting, state=IdeaState.VISIBLE)
            .select_related("author")
            .order_by("created_at", "pk")
        )
        public_ideas = [idea_payload(i) for i in ideas]
    else:
        public_ideas = []
    return dataclasses.replace(event, public={**(event.public or {}), "ideas": public_ideas})
