"""Who is who in a room, and who may send which command when (read from the command table)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext_lazy as _

from .commands import Role, command_named
from .enums import RoomPhase
from .errors import DomainError
from .models import Meeting, Participant
from .selectors import participant_for_device

User = AbstractBaseUser | AnonymousUser | None


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


def is_facilitator(user: User, meeting: Meeting) -> bool:
    """Owner, listed facilitator or superuser of the meeting."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or meeting.owner_id == user.pk:
        return True
    return meeting.facilitators.filter(pk=user.pk).exists()


def facilitates(user: User, meeting_id: int) -> bool:
    """`is_facilitator` for a meeting known by its id (False once the meeting is gone)."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    return meeting is not None and is_facilitator(user, meeting)


def actor_for(meeting: Meeting, *, user: User = None, device: str | None = None) -> Actor | None:
    """The one place a role is decided: a facilitator if the user facilitates the meeting, else
    the participant this device joined as; None for someone who is neither."""
    if user is not None and is_facilitator(user, meeting):
        return Actor(user_id=user.pk, facilitator=True)
    participant = participant_for_device(meeting, device)
    return Actor(participant=participant) if participant is not None else None


def check_command(actor: Actor, meeting: Meeting, name: str) -> None:
    """Raise DomainError unless `actor` may send command `name` in the meeting's current phase."""
    command = command_named(name)
    if command is None:
        raise DomainError("protocol.unknown_command", _("Commande inconnue : %(type)s."), type=name)
    if command.role == Role.ANYONE:
        return
    if command.role == Role.FACILITATOR:
        if not actor.facilitator:
            raise DomainError(
                "auth.facilitator_only", _("Seule l'animation peut faire cette action.")
            )
        if meeting.phase == RoomPhase.CLOSED and not command.after_close:
            raise DomainError("meeting.closed", _("La réunion est terminée."))
        return
    if actor.participant is None:
        raise DomainError(
            "auth.not_participant",
            _("Cette action se fait depuis un téléphone qui a rejoint la réunion."),
        )
    if meeting.phase not in command.phases:
        raise DomainError(
            "meeting.wrong_phase",
            _("Impossible pendant la phase « %(phase)s »."),
            phase=RoomPhase(meeting.phase).label,
        )
