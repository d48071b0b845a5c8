"""Personal data: the notice that applies to a meeting or an event, what a person can see and
erase of their own data, and the organizer's export of one person's data.

Erasing keeps what the minutes and the aggregates need (ideas, supports, ballots, counts): it
removes names and e-mail addresses, cuts the link with the device (the phone's cookie), rotates
secret links and removes free-text questionnaire answers. docs/privacy.md lists every field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from deliberation.models import Idea, QuestionnaireResponse, Support
from events.enums import ACTIVE_STATUSES
from events.models import Event, Organization, OutgoingMail, Registration, new_token
from rooms.models import ClientCommand, Meeting, Participant
from rooms.services import people_changed

from .models import DEFAULT_RETENTION_MONTHS, PrivacyPolicy

# An erased participant's device, an erased questionnaire respondent: "erased:<pk>".
ERASED_PREFIX = "erased:"
# An erased registration's e-mail address: "<pk>@anonyme.invalid" (RFC 2606: never deliverable).
ERASED_EMAIL_DOMAIN = "anonyme.invalid"


@dataclass(frozen=True)
class Notice:
    """The privacy notice as people read it: every field resolved, defaults filled in."""

    organization: Organization | None
    controller: str
    contact_email: str
    contact_address: str
    purposes: list[str]
    retention_months: int
    extra: str
    updated_at: datetime | None


def default_purposes() -> list[str]:
    """What the data serve, in the words of a French association or town hall."""
    return [
        _(
            "Faire fonctionner les réunions participatives : afficher vos idées et soutiens, "
            "compter les votes, reconnaître votre téléphone quand il se reconnecte."
        ),
        _(
            "Gérer les inscriptions aux séances : places, liste d'attente, billet, "
            "information en cas de changement."
        ),
        _(
            "Rédiger le compte-rendu et les bilans : les noms n'y figurent qu'avec votre accord, "
            "les réponses aux questionnaires n'y figurent que de façon anonyme."
        ),
    ]


def policy_row(organization: Organization | None) -> PrivacyPolicy | None:
    """The stored policy of an organization (or of the instance), if any."""
    return (
        PrivacyPolicy.objects.filter(organization=organization)
        .select_related("organization")
        .order_by("pk")
        .first()
    )


def notice_for(organization: Organization | None) -> Notice:
    """The notice of an organization, falling back to the instance's, then to the defaults."""
    row = policy_row(organization)
    if row is None and organization is not None:
        site = policy_row(None)
        row = PrivacyPolicy(
            organization=organization,
            contact_email=site.contact_email if site else "",
            retention_months=site.retention_months if site else DEFAULT_RETENTION_MONTHS,
        )
    if row is None:
        row = PrivacyPolicy()
    purposes = [p.strip() for p in row.purposes.splitlines() if p.strip()]
    return Notice(
        organization=organization,
        controller=row.controller or (organization.name if organization else ""),
        contact_email=row.contact_email,
        contact_address=row.contact_address,
        purposes=purposes or default_purposes(),
        retention_months=row.retention_months,
        extra=row.extra,
        updated_at=row.updated_at,
    )


def organization_of_meeting(meeting: Meeting) -> Organization | None:
    """The organization behind a meeting: its session's event's (a breakout group: its parent's)."""
    for room in (meeting, meeting.parent):
        if room is not None and room.session_id:
            return room.session.event.organization
    return None


def retention_months(organization: Organization | None) -> int:
    return notice_for(organization).retention_months


# --- Erasing ---------------------------------------------------------------------------------


def participants_with_data(meetings: QuerySet[Meeting] | list[Meeting]) -> QuerySet[Participant]:
    """Participants still holding a name, a device link or a consent to be listed."""
    return Participant.objects.filter(meeting__in=meetings).filter(
        ~Q(device__startswith=ERASED_PREFIX) | ~Q(display_name="") | Q(listed=True)
    )


def responses_with_data(responses: QuerySet[QuestionnaireResponse]) -> list[QuestionnaireResponse]:
    """Questionnaire responses still tied to a device or holding a free-text answer."""
    return [r for r in responses.select_related("questionnaire") if _response_has_data(r)]


def _text_keys(response: QuestionnaireResponse) -> set[str]:
    return {q["key"] for q in response.questionnaire.questions if q.get("type") == "text"}


def _response_has_data(response: QuestionnaireResponse) -> bool:
    if not response.respondent.startswith(ERASED_PREFIX):
        return True
    return any(k in response.answers for k in _text_keys(response))


def erase_response(response: QuestionnaireResponse) -> None:
    """Drop the free-text answers and the link with the device; the 1–5 scales stay."""
    keys = _text_keys(response)
    response.answers = {k: v for k, v in response.answers.items() if k not in keys}
    response.respondent = f"{ERASED_PREFIX}{response.pk}"
    response.save(update_fields=["answers", "respondent"])


def erase_participants(participants: QuerySet[Participant]) -> int:
    """Anonymise participants: no name, no consent, no device. Their ideas, supports and ballots
    stay (the minutes and tallies need them), tied to no one. Returns how many changed."""
    rows = list(participants)
    for participant in rows:
        participant.display_name = ""
        participant.listed = False
        participant.device = f"{ERASED_PREFIX}{participant.pk}"
        participant.save(update_fields=["display_name", "listed", "device"])
    ClientCommand.objects.filter(actor__in=[f"p:{p.pk}" for p in rows]).delete()
    _erase_voter_pass_names(rows)
    for meeting_id in {p.meeting_id for p in rows}:  # screens stop showing the names
        people_changed(meeting_id, [p.pk for p in rows if p.meeting_id == meeting_id])
    return len(rows)


def named_voter_passes(meeting: Meeting) -> QuerySet:
    """The meeting's personal voting links that carry a name (used or not)."""
    from voting.models import VoterPass

    return VoterPass.objects.filter(meeting=meeting).exclude(name="")


def _erase_voter_pass_names(participants: list[Participant]) -> None:
    try:
        from voting.models import VoterPass
    except ImportError:  # pragma: no cover - the voting app is optional
        return
    VoterPass.objects.filter(participant__in=participants).exclude(name="").update(name="")


@transaction.atomic
def erase_participant(participant: Participant) -> None:
    """A phone's own erasure ("Effacer mes données"): the participant and its questionnaire
    answers in this meeting are anonymised."""
    responses = QuestionnaireResponse.objects.filter(
        respondent=participant.device, questionnaire__meeting=participant.meeting
    )
    for response in responses.select_related("questionnaire"):
        erase_response(response)
    erase_participants(Participant.objects.filter(pk=participant.pk))


def registration_has_data(registration: Registration) -> bool:
    return not registration.email.endswith("@" + ERASED_EMAIL_DOMAIN)


def erase_registrations(registrations: QuerySet[Registration]) -> int:
    """Anonymise registrations: no name, no address, no account, no agenda; the secret links
    stop working. Status and dates stay (attendance counts). Returns how many changed."""
    rows = [r for r in registrations if registration_has_data(r)]
    for registration in rows:
        registration.name = ""
        registration.email = f"{registration.pk}@{ERASED_EMAIL_DOMAIN}"
        registration.user = None
        registration.agenda = None
        registration.token = new_token()
        registration.checkin_token = new_token()
        registration.save(
            update_fields=["name", "email", "user", "agenda", "token", "checkin_token"]
        )
    # The outbox holds the same name and address in each message (and the ticket): they go too.
    OutgoingMail.objects.filter(registration__in=rows).delete()
    return len(rows)


def erase_registration(registration: Registration) -> None:
    """A registrant's own erasure from their secret link: an active registration is cancelled
    first (its seat goes to the waiting list), then anonymised."""
    from events import services as event_services

    with transaction.atomic():
        if registration.status in ACTIVE_STATUSES:
            event_services.registration_cancel(registration=registration)
            registration.refresh_from_db()
        erase_registrations(Registration.objects.filter(pk=registration.pk))


# --- Seeing one's data, and the organizer's export --------------------------------------------


def participant_data(participant: Participant) -> dict[str, Any]:
    """Everything stored about one phone in one meeting (ballots: how many, never their content)."""
    meeting = participant.meeting
    ideas = Idea.objects.filter(author=participant).order_by("created_at", "pk")
    responses = QuestionnaireResponse.objects.filter(
        respondent=participant.device, questionnaire__meeting=meeting
    ).select_related("questionnaire")
    return {
        "meeting": {"title": meeting.title, "code": meeting.join_code},
        "name": participant.display_name,
        "name_in_minutes": participant.listed,
        "joined_at": participant.created_at.isoformat(),
        "ideas": [
            {
                "title": i.title,
                "text": i.text,
                "kind": i.kind,
                "state": i.state,
                "created_at": i.created_at.isoformat(),
            }
            for i in ideas
        ],
        "supports": Support.objects.filter(participant=participant).count(),
        "ballots": _ballot_count(participant),
        "questionnaires": [
            {"title": r.questionnaire.title, "answers": r.answers} for r in responses
        ],
    }


def _ballot_count(participant: Participant) -> int:
    try:
        from voting.models import Ballot
    except ImportError:  # pragma: no cover - the voting app is optional
        return 0
    return Ballot.objects.filter(participant=participant).count()


def registration_data(registration: Registration) -> dict[str, Any]:
    """Everything stored about one registration."""
    session = registration.session
    return {
        "event": session.event.title,
        "session": session.title,
        "starts_at": session.starts_at.isoformat(),
        "name": registration.name,
        "email": registration.email,
        "status": registration.status,
        "registered_at": registration.created_at.isoformat(),
        "promoted_at": registration.promoted_at.isoformat() if registration.promoted_at else None,
        "cancelled_at": registration.cancelled_at.isoformat()
        if registration.cancelled_at
        else None,
        "checked_in_at": registration.checked_in_at.isoformat()
        if registration.checked_in_at
        else None,
    }


def meetings_in_scope(user: Any) -> QuerySet[Meeting]:
    """Meetings whose personal data this user may export: those they facilitate, and those of
    the events of their organizations."""
    if user.is_superuser:
        return Meeting.objects.all()
    orgs = Organization.objects.filter(members=user)
    return Meeting.objects.filter(
        Q(owner=user)
        | Q(facilitators=user)
        | Q(session__event__organization__in=orgs)
        | Q(parent__session__event__organization__in=orgs)
    ).distinct()


def events_in_scope(user: Any) -> QuerySet[Event]:
    if user.is_superuser:
        return Event.objects.all()
    return Event.objects.filter(organization__members=user).distinct()


def person_export(*, user: Any, email: str = "", name: str = "") -> dict[str, Any]:
    """One person's data across what `user` organises, found by e-mail address and/or name
    (exact, case-insensitive)."""
    email, name = email.strip().lower(), name.strip()
    registrations = Registration.objects.none()
    participants = Participant.objects.none()
    events = events_in_scope(user)
    if email:
        registrations = Registration.objects.filter(session__event__in=events, email__iexact=email)
    if name:
        registrations = registrations | Registration.objects.filter(
            session__event__in=events, name__iexact=name
        )
        participants = Participant.objects.filter(
            meeting__in=meetings_in_scope(user), display_name__iexact=name
        ).select_related("meeting")
    registrations = registrations.select_related("session__event").order_by("created_at", "pk")
    return {
        "query": {"email": email, "name": name},
        "registrations": [registration_data(r) for r in registrations],
        "participations": [participant_data(p) for p in participants.order_by("pk")],
    }
