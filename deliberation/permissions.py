"""Who may do what, in which phase. One map says which commands each phase allows."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext_lazy as _

from rooms.enums import RoomPhase
from rooms.errors import DomainError
from rooms.models import Meeting, Participant

# Commands a participant may send, per phase. Facilitator commands are allowed in every phase
# but CLOSED (see FACILITATOR_COMMANDS).
PHASE_FEATURES: dict[str, set[str]] = {
    RoomPhase.DRAFT: set(),
    RoomPhase.COLLECT: {
        "idea.submit",
        "idea.edit",
        "idea.delete",
        "idea.support",
        "idea.unsupport",
    },
    RoomPhase.REVIEW: {"idea.support", "idea.unsupport"},
    RoomPhase.CLUSTER: {"idea.support", "idea.unsupport", "idea.suggest_theme"},
    RoomPhase.VOTE: {"ballot.cast", "ballot.withdraw"},
    RoomPhase.RESULTS: set(),
    # Débat-bilan: the same board mechanics as ideas, in three columns (Idea.kind).
    RoomPhase.DEBRIEF: {
        "idea.submit",
        "idea.edit",
        "idea.delete",
        "idea.support",
        "idea.unsupport",
    },
    RoomPhase.CLOSED: set(),
}

FACILITATOR_COMMANDS: set[str] = {
    # themes and clustering (any phase but closed: themes may be prepared before ideas come)
    "theme.create",
    "theme.update",
    "theme.delete",
    "theme.split",
    "idea.move",
    "idea.merge",
    "idea.unmerge",
    "ideas.assign",
    "themes.suggest",
    "themes.discover",
    "ideas.find_duplicates",
    "idea.hide",
    "idea.restore",
    "idea.approve",
    "idea.pin",
    "idea.moderate_edit",
    "idea.add_paper",
    "meeting.advance",
    "meeting.set_phase",
    "meeting.configure",
    "meeting.reveal",
    "vote.create",
    "vote.open",
    "vote.close",
    "vote.reveal",
    "vote.paper_count",
    "vote.paper_remove",
    # timeline, questions board, breakout groups (deliberation/services.py, "Debrief…" section)
    "timeline.start",
    "timeline.mark",
    "timeline.edit",
    "timeline.delete",
    "idea.answer",
    "groups.bring_back",
}
# Facilitator commands still allowed once the meeting is closed (to reopen it).
# The timeline stays editable afterwards (the minutes are written after the meeting).
CLOSED_FACILITATOR_COMMANDS: set[str] = {
    "meeting.set_phase",
    "timeline.mark",
    "timeline.edit",
    "timeline.delete",
}


@dataclass(frozen=True)
class Actor:
    """Who sends a command: a participant (device cookie) or a logged-in facilitator."""

    participant: Participant | None = None
    user_id: int | None = None
    facilitator: bool = False

    @property
    def key(self) -> str:
        if self.participant is not None:
            return f"p:{self.participant.pk}"
        return f"u:{self.user_id}"

    @property
    def participant_id(self) -> int | None:
        return self.participant.pk if self.participant is not None else None


def is_facilitator(user: AbstractBaseUser | AnonymousUser | None, meeting: Meeting) -> bool:
    """Owner, listed facilitator or superuser of the meeting."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or meeting.owner_id == user.pk:
        return True
    return meeting.facilitators.filter(pk=user.pk).exists()


def facilitates(user: AbstractBaseUser | AnonymousUser | None, meeting_id: int) -> bool:
    """`is_facilitator` for a meeting known by its id (False once the meeting is gone)."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    return meeting is not None and is_facilitator(user, meeting)


def check_command(actor: Actor, meeting: Meeting, command: str) -> None:
    """Raise DomainError unless `actor` may send `command` in the meeting's current phase."""
    if command in FACILITATOR_COMMANDS:
        if not actor.facilitator:
            raise DomainError(
                "auth.facilitator_only", _("Seule l'animation peut faire cette action.")
            )
        if meeting.phase == RoomPhase.CLOSED and command not in CLOSED_FACILITATOR_COMMANDS:
            raise DomainError("meeting.closed", _("La réunion est terminée."))
        return
    if actor.participant is None:
        raise DomainError(
            "auth.not_participant",
            _("Cette action se fait depuis un téléphone qui a rejoint la réunion."),
        )
    if command not in PHASE_FEATURES.get(meeting.phase, set()):
        raise DomainError(
            "meeting.wrong_phase",
            _("Impossible pendant la phase « %(phase)s »."),
            phase=RoomPhase(meeting.phase).label,
        )
