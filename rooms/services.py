"""Joining a room: join codes, and the participant a phone becomes."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from informaction.text import clean_text

from .enums import RoomPhase
from .errors import DomainError
from .events import RoomEvent
from .models import Meeting, Participant
from .runner import run_system_change
from .selectors import participant_for_device

# No O/0, I/1/L: a code read aloud or from the back of a room must not be ambiguous.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6


def normalise_join_code(code: str) -> str:
    """A code as typed or read aloud ("parc-23 ") as stored ("PARC23")."""
    return re.sub(r"[\s-]", "", code or "").upper()


def new_join_code() -> str:
    """A random code (check that no meeting has it before using it)."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def participant_join(
    *, meeting: Meeting, device: str, display_name: str = "", listed: bool | None = None
) -> Participant:
    """Find or create the participant for this device in this meeting; update the name if given.

    `listed` is the phone's own choice to have its name in the minutes (None: unchanged); it
    needs a name, and stays changeable after the meeting closed (withdrawing consent).
    """
    name = clean_text(display_name)[:60]
    existing = participant_for_device(meeting, device)
    if listed and not (name or (existing and existing.display_name)):
        raise DomainError(
            "participant.listed_without_name",
            _("Indiquez votre prénom ou pseudo pour qu'il figure au compte-rendu."),
        )
    if meeting.phase == RoomPhase.CLOSED:
        if existing is None:
            raise DomainError("meeting.closed", _("La réunion est terminée."))
        participant = existing
    else:
        participant = _join(meeting, device, name, existing)
    if listed is not None and listed != participant.listed:
        participant.listed = listed
        participant.save(update_fields=["listed"])
    return participant


def _join(meeting: Meeting, device: str, name: str, existing: Participant | None) -> Participant:
    """The device's participant (`existing`, already looked up), created if it has none."""
    participant = existing
    if participant is None:
        try:
            with transaction.atomic():
                return Participant.objects.create(meeting=meeting, device=device, display_name=name)
        except IntegrityError:  # the same phone joined twice at once
            participant = Participant.objects.get(meeting=meeting, device=device)
    if name and name != participant.display_name:
        participant.display_name = name
        participant.save(update_fields=["display_name"])
        people_changed(meeting.pk, [participant.pk])
    return participant


PeopleViews = Callable[[Meeting, list[int]], list[RoomEvent]]
_people_views: list[PeopleViews] = []


def register_people_views(views: PeopleViews) -> None:
    """Register what screens show of participants (e.g. the author of an idea): called with the
    meeting and the participants whose name changed, it returns the events that show it anew."""
    if views not in _people_views:
        _people_views.append(views)


def people_changed(meeting_id: int, participant_ids: list[int]) -> None:
    """Participants' names changed (renamed, erased): every screen that shows them gets the
    change, with the room's next numbers (so cached snapshots are never stale)."""

    def change(meeting: Meeting) -> list[RoomEvent]:
        return [event for views in _people_views for event in views(meeting, participant_ids)]

    run_system_change(meeting_id=meeting_id, change=change)
