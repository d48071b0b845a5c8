"""Reads of the room itself."""

from __future__ import annotations

from . import sql
from .models import Meeting, Participant


def current_seq(meeting_id: int) -> int:
    """The room's last sequence number (0 for a room that is gone)."""
    return Meeting.objects.filter(pk=meeting_id).values_list("seq", flat=True).first() or 0


def meeting_by_code(code: str) -> Meeting | None:
    """The meeting with this join code, typed however (spaces, dashes, lower case)."""
    from .services import normalise_join_code

    return sql.get_one(Meeting, join_code=normalise_join_code(code))  # a few times per phone


def participant_for_device(meeting: Meeting, device: str | None) -> Participant | None:
    """The participant this device joined the meeting as, if any."""
    if not device:
        return None
    return sql.get_one(Participant, meeting_id=meeting.pk, device=device)  # unique per meeting
