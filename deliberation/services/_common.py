"""What several service modules share: an idea or meeting as a room event, and the checks
of an idea's text, kind and id."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from informaction.text import clean_text
from rooms.enums import RoomPhase
from rooms.errors import DomainError
from rooms.events import RoomEvent
from rooms.models import Meeting

from ..enums import DEBRIEF_KINDS, IdeaKind, IdeaState
from ..models import Idea
from ..payloads import idea_views, meeting_payload


def idea_event(idea: Idea, meeting: Meeting, *, created: bool = False) -> RoomEvent:
    mod, public, own = idea_views(idea, meeting, created=created)
    # The idea's key: within one frame, a later view of the idea with the same fields or more
    # replaces an earlier one (consumers/relay.py).
    own_pid, key = idea.author_id, f"idea:{idea.pk}"
    return RoomEvent("idea.changed", mod=mod, public=public, own_pid=own_pid, own=own, key=key)


def meeting_event(meeting: Meeting, extra: dict[str, Any] | None = None) -> RoomEvent:
    payload = {**meeting_payload(meeting), **(extra or {})}
    return RoomEvent("meeting.changed", mod=payload, public=payload)


def validated_text(text: Any, title: Any) -> tuple[str, str]:
    if not isinstance(text, str) or not isinstance(title, str):
        raise DomainError("idea.invalid", _("Le texte de l'idée est invalide."))
    text, title = clean_text(text), clean_text(title)
    if not text:
        raise DomainError("idea.empty", _("L'idée est vide : écrivez quelques mots."))
    if len(text) > settings.IDEA_MAX_LENGTH:
        raise DomainError(
            "idea.too_long",
            _("L'idée est trop longue (%(length)s caractères, %(max)s au plus)."),
            length=len(text),
            max=settings.IDEA_MAX_LENGTH,
        )
    if len(title) > settings.IDEA_TITLE_MAX_LENGTH:
        raise DomainError(
            "idea.title_too_long",
            _("Le titre est trop long (%(max)s caractères au plus)."),
            max=settings.IDEA_TITLE_MAX_LENGTH,
        )
    return text, title


def get_idea(meeting: Meeting, idea_id: Any) -> Idea:
    if not isinstance(idea_id, int) or isinstance(idea_id, bool):
        raise DomainError("idea.not_found", _("Cette idée n'existe pas."))
    idea = next(
        iter(
            Idea.objects.select_related("author")
            .filter(meeting=meeting, pk=idea_id)
            .exclude(state=IdeaState.DELETED)
            .order_by()[:1]
        ),
        None,
    )
    if idea is None:
        raise DomainError("idea.not_found", _("Cette idée n'existe pas."))
    return idea


def validated_kind(meeting: Meeting, kind: Any, *, any_kind: bool = False) -> str:
    """The kind of a new post. Participants: a debrief column in the debrief phase, otherwise an
    idea, or a question when the meeting takes questions (`Meeting.allow_questions`).
    Facilitators (paper post-its) may type any kind at any time."""
    if kind in (None, ""):
        return IdeaKind.IDEA if meeting.phase != RoomPhase.DEBRIEF or any_kind else ""
    if any_kind:
        allowed: tuple[str, ...] = tuple(IdeaKind.values)
    elif meeting.phase == RoomPhase.DEBRIEF:
        allowed = DEBRIEF_KINDS
    else:
        if kind == IdeaKind.QUESTION and not meeting.allow_questions:
            raise DomainError(
                "idea.questions_closed",
                _("Les questions ne sont pas ouvertes dans cette réunion : proposez une idée."),
            )
        allowed = (IdeaKind.IDEA, IdeaKind.QUESTION)
    if kind not in allowed:
        raise DomainError("idea.bad_kind", _("Choisissez une colonne : atout, critique ou piste."))
    return str(kind)
