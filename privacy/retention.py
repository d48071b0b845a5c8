"""Retention: once a meeting or an event is older than its organization's retention period
(default 12 months), erase the personal data it still holds (privacy/services.py says how).

Idempotent by construction: only rows that still hold personal data are selected, so a second
run finds nothing to do. `manage.py apply_retention` runs it (see docs/privacy.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from deliberation.models import QuestionnaireResponse
from events.models import Agenda, Event, Organization, OutgoingMail, Registration
from rooms.models import Meeting

from . import services


@dataclass
class Item:
    """What was (or, in a dry run, would be) erased for one meeting or event."""

    label: str
    ended_at: datetime
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(self.counts.values())


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` plus whole months, the day clamped to the month's length (31 Jan + 1 = 28 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def meeting_ended_at(meeting: Meeting) -> datetime:
    """The last moment of a meeting: its session's end, its start, or its last idea, whichever
    is latest."""
    moments = [meeting.created_at, meeting.started_at]
    if meeting.session_id:
        moments.append(meeting.session.ends_at)
    moments.append(meeting.ideas.aggregate(last=Max("created_at"))["last"])
    return max(m for m in moments if m is not None)


def event_ended_at(event: Event) -> datetime:
    """Midnight at the end of the event's last day, in its time zone."""
    return datetime.combine(
        event.ends_on + timedelta(days=1), time.min, tzinfo=ZoneInfo(event.timezone)
    )


class _Months:
    """Retention months per organization, looked up once per run."""

    def __init__(self) -> None:
        self._cache: dict[int | None, int] = {}

    def __call__(self, organization: Organization | None) -> int:
        key = organization.pk if organization else None
        if key not in self._cache:
            self._cache[key] = services.retention_months(organization)
        return self._cache[key]


def _meeting_counts(meeting: Meeting, *, dry_run: bool) -> dict[str, int]:
    responses = services.responses_with_data(
        QuestionnaireResponse.objects.filter(questionnaire__meeting=meeting)
    )
    participants = services.participants_with_data([meeting])
    links = services.named_voter_passes(meeting)
    counts = {
        "participants": participants.count(),
        "questionnaire_responses": len(responses),
        "personal_link_names": links.count(),
    }
    if not dry_run:
        with transaction.atomic():
            for response in responses:
                services.erase_response(response)
            services.erase_participants(participants)
            links.update(name="")
    return counts


def _event_counts(event: Event, *, dry_run: bool) -> dict[str, int]:
    registrations = Registration.objects.filter(session__event=event)
    responses = services.responses_with_data(
        QuestionnaireResponse.objects.filter(questionnaire__event=event)
    )
    agendas = Agenda.objects.filter(event=event)
    mails = OutgoingMail.objects.filter(event=event)  # addresses and names in each message
    counts = {
        "registrations": sum(1 for r in registrations if services.registration_has_data(r)),
        "questionnaire_responses": len(responses),
        "agendas": agendas.count(),
        "mails": mails.count(),
    }
    if not dry_run:
        with transaction.atomic():
            services.erase_registrations(registrations)
            for response in responses:
                services.erase_response(response)
            agendas.delete()
            mails.delete()
    return counts


def run(*, now: datetime | None = None, dry_run: bool = False) -> list[Item]:
    """Erase what is past its retention period; return one item per meeting or event touched
    (or, with dry_run, that would be touched)."""
    now = now or timezone.now()
    months = _Months()
    items: list[Item] = []
    meetings = Meeting.objects.select_related("session__event__organization", "parent__session")
    for meeting in meetings.order_by("pk"):
        ended = meeting_ended_at(meeting)
        if add_months(ended, months(services.organization_of_meeting(meeting))) > now:
            continue
        item = Item(f"meeting {meeting.join_code} ({meeting.title})", ended)
        item.counts = _meeting_counts(meeting, dry_run=dry_run)
        if not item.empty:
            items.append(item)
    for event in Event.objects.select_related("organization").order_by("pk"):
        ended = event_ended_at(event)
        if add_months(ended, months(event.organization)) > now:
            continue
        item = Item(f"event {event.slug} ({event.title})", ended)
        item.counts = _event_counts(event, dry_run=dry_run)
        if not item.empty:
            items.append(item)
    return items
