"""Who is who in a room, and who may send which command when (read from the command table).

Three kinds of screen: a facilitator (session), a participant (device cookie) and the projected
screen (`Actor(projector=True)`): a socket opened with ``?view=projection`` by a facilitator's
session or by a device paired with the meeting (the signed ``ia_projection`` cookie). The projected
screen sees what the public sees and sends nothing (`auth.read_only`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing
from django.utils.translation import gettext_lazy as _

from .commands import Role, command_named
from .enums import RoomPhase
from .errors import DomainError
from .models import Meeting, Participant
from .selectors import participant_for_device

User = AbstractBaseUser | AnonymousUser | None

# The room PC paired with a meeting by a code keeps this signed cookie (deliberation's projection
# pages set it); the socket reads it too. It names one meeting and lasts a day of meetings.
PROJECTION_COOKIE = "ia_projection"
PROJECTION_SALT = "informaction.projection"
PROJECTION_COOKIE_AGE = 12 * 3600
PROJECTION_VIEW = "projection"


@dataclass(frozen=True)
class Actor:
    """Who sends a command: a participant (device cookie) or a logged-in facilitator."""

    participant: Participant | None = None
    user_id: int | None = None
    facilitator: bool = False
    projector: bool = False  # the projected screen: the public's view, read-only

    @property
    def key(self) -> str:
        if self.participant is not None:
            return f"p:{self.participant.pk}"
        if self.projector:
            return "projector"
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


def projection_pairing(meeting_id: int) -> str:
    """The value of the pairing cookie of a device that shows `meeting_id`'s projection."""
    return signing.dumps({"m": meeting_id}, salt=PROJECTION_SALT, compress=True)


def paired_meeting(value: str | None) -> int | None:
    """The meeting a pairing cookie was signed for (None: absent, forged or expired)."""
    if not value:
        return None
    try:
        data = signing.loads(value, salt=PROJECTION_SALT, max_age=PROJECTION_COOKIE_AGE)
    except signing.BadSignature:
        return None
    meeting_id = data.get("m") if isinstance(data, dict) else None
    return meeting_id if isinstance(meeting_id, int) else None


def may_project(meeting: Meeting, *, user: User = None, paired: int | None = None) -> bool:
    """Whether this browser may show the meeting's projected screen: a facilitator's session, or
    a device paired with this very meeting."""
    return paired == meeting.pk or (user is not None and is_facilitator(user, meeting))


def actor_for(
    meeting: Meeting,
    *,
    user: User = None,
    device: str | None = None,
    view: str | None = None,
    paired: int | None = None,
) -> Actor | None:
    """The one place a role is decided. With `view` "projection": the projected screen, for a
    facilitator or a device paired with the meeting (`paired`: the meeting id of its pairing
    cookie). Otherwise a facilitator if the user facilitates the meeting, else the participant
    this device joined as; None for someone who is none of these."""
    if view == PROJECTION_VIEW:
        return Actor(projector=True) if may_project(meeting, user=user, paired=paired) else None
    if user is not None and is_facilitator(user, meeting):
        return Actor(user_id=user.pk, facilitator=True)
    participant = participant_for_device(meeting, device)
    return Actor(participant=participant) if participant is not None else None


def check_command(actor: Actor, meeting: Meeting, name: str) -> None:
    """Raise DomainError unless `actor` may send command `name` in the meeting's current phase."""
    command = command_named(name)
    if command is None:
        raise DomainError("protocol.unknown_command", _("Commande inconnue : %(type)s."), type=name)
    if actor.projector:
        raise read_only()
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


def read_only() -> DomainError:
    """The refusal of every command sent from the projected screen."""
    return DomainError(
        "auth.read_only",
        _("L'écran projeté est en lecture seule : agissez depuis la console d'animation."),
    )
