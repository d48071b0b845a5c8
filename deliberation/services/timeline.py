"""The timeline: the chrono and the marks (agenda items, speakers…) at offsets from `started_at`."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from informaction.text import clean_text
from rooms.errors import DomainError
from rooms.events import RoomEvent
from rooms.models import Meeting
from rooms.roles import Actor
from rooms.runner import Change, Unit, run_command

from ..enums import TimelineKind
from ..models import TimelineMark
from ..payloads import timeline_mark_payload
from ._common import meeting_event

TIMELINE_LABEL_MAX = 200
TIMELINE_SPEAKER_MAX = 120
TIMELINE_MAX_OFFSET = 7 * 24 * 3600


def _timeline_event(mark: Any = None, removed_id: int | None = None) -> RoomEvent:
    data = timeline_mark_payload(mark) if mark is not None else {"id": removed_id, "removed": True}
    # The timeline is the facilitators' tool (and the minutes'): phones never get it.
    return RoomEvent("timeline.changed", mod=data)


def _clean_mark_fields(kind: Any, label: Any, speaker: Any) -> tuple[str, str, str]:
    if kind not in TimelineKind.values:
        raise DomainError("timeline.bad_kind", _("Type de repère inconnu."))
    if not isinstance(label, str) or not isinstance(speaker, str):
        raise DomainError("timeline.invalid", _("Repère invalide."))
    label, speaker = clean_text(label), clean_text(speaker)
    if len(label) > TIMELINE_LABEL_MAX or len(speaker) > TIMELINE_SPEAKER_MAX:
        raise DomainError(
            "timeline.too_long",
            _("Texte trop long (%(max)s caractères au plus)."),
            max=TIMELINE_LABEL_MAX,
        )
    return str(kind), label, speaker


def _clean_offset(offset: Any) -> int:
    if (
        not isinstance(offset, int)
        or isinstance(offset, bool)
        or not (0 <= offset <= TIMELINE_MAX_OFFSET)
    ):
        raise DomainError("timeline.bad_offset", _("Minutage invalide."))
    return offset


def timeline_start(*, meeting_id: int, actor: Actor, client_id: str | None) -> dict[str, Any]:
    """Start the chrono ("Démarrer le chrono"): the timeline's zero is now.

    Emits "meeting.changed"."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        meeting.started_at = timezone.now()
        meeting.save(update_fields=["started_at"])
        return {"started_at": meeting.started_at.isoformat()}, meeting_event(meeting)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="timeline.start",
        client_id=client_id,
        change=change,
    )


def timeline_mark(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    kind: Any,
    label: Any = "",
    speaker: Any = "",
    offset: Any = None,
) -> dict[str, Any]:
    """One click: mark a moment (now, or at `offset` seconds). Starts the chrono if needed.

    Emits "timeline.changed" to facilitators (and "meeting.changed" when it starts the chrono).
    """

    def change(meeting: Meeting, unit: Unit) -> Change:
        clean_kind, clean_label, clean_speaker = _clean_mark_fields(kind, label, speaker)
        events: list[RoomEvent] = []
        now = timezone.now()
        if meeting.started_at is None:
            meeting.started_at = now
            meeting.save(update_fields=["started_at"])
            events.append(meeting_event(meeting))
        seconds = (
            _clean_offset(offset)
            if offset is not None
            else min(TIMELINE_MAX_OFFSET, max(0, int((now - meeting.started_at).total_seconds())))
        )
        mark = TimelineMark.objects.create(
            meeting=meeting,
            kind=clean_kind,
            label=clean_label,
            speaker=clean_speaker,
            offset_seconds=seconds,
            created_by_id=actor.user_id,
        )
        events.append(_timeline_event(mark))
        return {"mark": mark.pk, "offset": seconds}, events

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="timeline.mark",
        client_id=client_id,
        change=change,
    )


def _get_mark(meeting: Meeting, mark_id: Any) -> Any:
    if not isinstance(mark_id, int) or isinstance(mark_id, bool):
        raise DomainError("timeline.not_found", _("Ce repère n'existe pas."))
    mark = TimelineMark.objects.filter(meeting=meeting, pk=mark_id).first()
    if mark is None:
        raise DomainError("timeline.not_found", _("Ce repère n'existe pas."))
    return mark


def timeline_edit(
    *,
    meeting_id: int,
    actor: Actor,
    client_id: str | None,
    mark_id: Any,
    kind: Any = None,
    label: Any = None,
    speaker: Any = None,
    offset: Any = None,
) -> dict[str, Any]:
    """Correct a mark afterwards (also once the meeting is closed). Emits "timeline.changed"."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        mark = _get_mark(meeting, mark_id)
        clean_kind, clean_label, clean_speaker = _clean_mark_fields(
            mark.kind if kind is None else kind,
            mark.label if label is None else label,
            mark.speaker if speaker is None else speaker,
        )
        mark.kind, mark.label, mark.speaker = clean_kind, clean_label, clean_speaker
        if offset is not None:
            mark.offset_seconds = _clean_offset(offset)
        mark.save()
        return {"mark": mark.pk}, _timeline_event(mark)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="timeline.edit",
        client_id=client_id,
        change=change,
    )


def timeline_delete(
    *, meeting_id: int, actor: Actor, client_id: str | None, mark_id: Any
) -> dict[str, Any]:
    """Remove a mark. Emits "timeline.changed" with a removal marker."""

    def change(meeting: Meeting, unit: Unit) -> Change:
        mark = _get_mark(meeting, mark_id)
        pk = mark.pk
        mark.delete()
        return {"mark": pk}, _timeline_event(removed_id=pk)

    return run_command(
        meeting_id=meeting_id,
        actor=actor,
        command="timeline.delete",
        client_id=client_id,
        change=change,
    )
