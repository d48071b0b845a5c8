"""Personal links and tickets: the ways into a meeting that make a participant a registered voter
(votes with `registered_only`, docs/voting.md "Restriction to registered participants").

- A **personal link** is `/j/<CODE>/p/<token>`, the token random (`secrets`, 144 bits) and stored
  in a `VoterPass` the facilitator made, optionally with a name.
- A **ticket** is `/j/<CODE>/billet/<checkin token>`: the secret of an event registration's QR
  ticket (events.Registration.checkin_token) for the session the meeting is linked to. Its
  VoterPass is made on first use.

A ticket is a voting pass only once confirmed (the link of the confirmation mail, or checked in at
the door), one per address in a meeting, and a cancelled ticket loses its right at once: its phone
is no longer registered and its ballots in open votes are withdrawn (`ticket_cancelled`). One
person, one voter (docs/voting.md, "Tickets: one voter per person").

A pass binds to the first participant (device) who joins with it. Another device is refused
(`pass.used_elsewhere`): nobody is registered twice with one pass, and a forwarded link does not
silently let a second person vote. A facilitator may release the pass (the first device loses its
registration; ballots already cast stay counted) so that a new phone can take it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from informaction.text import clean_text
from rooms import services as room_services
from rooms.errors import DomainError
from rooms.models import Meeting, Participant
from rooms.roles import Actor

from .enums import BallotState, RegistrationSource
from .models import Ballot, VoterPass, VoterRegistration
from .services import voter_register

MAX_LINKS_AT_ONCE = 500  # per request
MAX_LINKS_PER_MEETING = 2000
MAX_NAME = 60


def new_token() -> str:
    """An unguessable URL-safe secret (18 random bytes, 24 characters)."""
    return secrets.token_urlsafe(18)


def parse_names(text: str) -> list[str]:
    """One name per line; blank lines dropped, each name cleaned and cut to MAX_NAME."""
    names = (clean_text(line) for line in (text or "").splitlines())
    return [name[:MAX_NAME] for name in names if name]


# --- Facilitator: making and managing personal links ---------------------------------------------


def links_create(
    *, meeting: Meeting, count: int = 0, names: list[str] | None = None
) -> list[VoterPass]:
    """Make personal links: one per name when `names` is given, else `count` unnamed ones.

    Raises DomainError links.none (nothing asked), links.too_many (over MAX_LINKS_AT_ONCE at
    once or MAX_LINKS_PER_MEETING in all).
    """
    wanted = [n[:MAX_NAME] for n in names] if names else [""] * max(0, count)
    if not wanted:
        raise DomainError(
            "links.none", _("Indiquez un nombre de liens ou collez une liste de noms.")
        )
    with transaction.atomic():
        # One creation at a time per meeting: positions stay distinct, the total stays bounded.
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        existing = VoterPass.objects.filter(meeting=meeting, source=RegistrationSource.LINK)
        if (
            len(wanted) > MAX_LINKS_AT_ONCE
            or existing.count() + len(wanted) > MAX_LINKS_PER_MEETING
        ):
            raise DomainError(
                "links.too_many",
                _("%(at_once)s liens au plus à la fois, %(total)s au plus par réunion."),
                at_once=MAX_LINKS_AT_ONCE,
                total=MAX_LINKS_PER_MEETING,
            )
        start = (existing.aggregate(top=Max("position"))["top"] or 0) + 1
        return VoterPass.objects.bulk_create(
            VoterPass(
                meeting=meeting,
                source=RegistrationSource.LINK,
                name=name,
                token=new_token(),
                position=start + i,
            )
            for i, name in enumerate(wanted)
        )


def _unregister(participant_id: int | None) -> None:
    """The participant may no longer vote in votes for registered participants."""
    if participant_id is not None:
        VoterRegistration.objects.filter(participant_id=participant_id).delete()


@transaction.atomic
def pass_release(*, meeting: Meeting, pass_id: int) -> VoterPass:
    """Free a used pass so that another phone can take it; the phone that held it is no longer
    registered (its ballots already cast stay counted). Raises DomainError links.not_found."""
    voter_pass = VoterPass.objects.select_for_update().filter(meeting=meeting, pk=pass_id).first()
    if voter_pass is None:
        raise DomainError("links.not_found", _("Ce lien personnel n'existe pas."))
    _unregister(voter_pass.participant_id)
    voter_pass.participant = None
    voter_pass.used_at = None
    voter_pass.save(update_fields=["participant", "used_at"])
    return voter_pass


@transaction.atomic
def pass_delete(*, meeting: Meeting, pass_id: int) -> None:
    """Delete a personal link (a lost or mistaken one): it stops working at once and the phone
    that used it is no longer registered. Raises DomainError links.not_found."""
    voter_pass = (
        VoterPass.objects.select_for_update()
        .filter(meeting=meeting, pk=pass_id, source=RegistrationSource.LINK)
        .first()
    )
    if voter_pass is None:
        raise DomainError("links.not_found", _("Ce lien personnel n'existe pas."))
    _unregister(voter_pass.participant_id)
    voter_pass.delete()


# --- Finding the pass behind a URL ----------------------------------------------------------------


def link_by_token(meeting: Meeting, token: str) -> VoterPass:
    """The personal link of this meeting with this token. Raises DomainError pass.unknown."""
    voter_pass = None
    if token and len(token) <= 64:
        voter_pass = VoterPass.objects.filter(
            meeting=meeting, source=RegistrationSource.LINK, token=token
        ).first()
    if voter_pass is None:
        raise DomainError(
            "pass.unknown",
            _(
                "Ce lien personnel n'est pas valide pour cette réunion : il est incomplet, "
                "a été supprimé ou n'a jamais existé."
            ),
        )
    return voter_pass


def ticket_pass(meeting: Meeting, token: str) -> VoterPass:
    """The pass of the event ticket with this check-in token, made on first use.

    The ticket must be a seated registration (not the waiting list, not cancelled) for the
    session this meeting (or its parent, for a breakout group) is linked to, its address
    confirmed by mail or the ticket checked in, and no other ticket of the same address may vote
    in this meeting. Raises DomainError pass.unknown, pass.ticket_not_confirmed,
    pass.ticket_unconfirmed, pass.address_used.
    """
    from events.enums import RegistrationStatus
    from events.models import Registration

    sessions = {meeting.session_id}
    if meeting.parent_id is not None:
        sessions.add(
            Meeting.objects.filter(pk=meeting.parent_id)
            .values_list("session_id", flat=True)
            .first()
        )
    sessions.discard(None)
    registration = None
    if token and len(token) <= 64 and sessions:
        registration = Registration.objects.filter(
            checkin_token=token, session_id__in=sessions
        ).first()
    if registration is None:
        raise DomainError(
            "pass.unknown",
            _("Ce billet ne correspond pas à la séance de cette réunion, ou il est incomplet."),
        )
    if registration.status != RegistrationStatus.REGISTERED:
        raise DomainError(
            "pass.ticket_not_confirmed",
            _(
                "Ce billet n'est pas une inscription confirmée (liste d'attente ou "
                "inscription annulée)."
            ),
        )
    if not registration.is_confirmed:
        raise DomainError(
            "pass.ticket_unconfirmed",
            _(
                "Confirmez d'abord votre adresse e-mail avec le lien du courriel d'inscription, "
                "ou faites scanner votre billet à l'entrée : un billet ne donne droit aux votes "
                "réservés aux inscrit·e·s qu'une fois confirmé."
            ),
        )
    found = VoterPass.objects.filter(meeting=meeting, ticket=registration).first()
    if found is not None:
        return found
    _check_address_free(meeting, registration)
    try:
        with transaction.atomic():
            return VoterPass.objects.create(
                meeting=meeting,
                source=RegistrationSource.TICKET,
                ticket=registration,
                name=clean_text(registration.name)[:MAX_NAME],
            )
    except IntegrityError:  # the same ticket opened twice at once
        return VoterPass.objects.get(meeting=meeting, ticket=registration)


def _check_address_free(meeting: Meeting, registration: Any, exclude: int | None = None) -> None:
    """One voting pass per address in a meeting. Raises DomainError pass.address_used."""
    others = VoterPass.objects.filter(
        meeting=meeting, ticket__email=registration.email, participant__isnull=False
    )
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise DomainError(
            "pass.address_used",
            _(
                "Un autre billet de la même adresse e-mail vote déjà dans cette réunion : une "
                "personne, une voix."
            ),
        )


def ticket_cancelled(sender: object, registration: Any, **_kwargs: Any) -> None:
    """A cancelled ticket loses its voting right (events.signals.registration_cancelled, inside
    the cancelling transaction): the phone that took it is no longer registered, and its
    ballots in open votes restricted to registered participants are withdrawn, as if the voter
    had withdrawn them (screens get the new turnout). Closed votes keep their ballots: a
    published result never changes."""
    from .services import ballot_withdraw

    for voter_pass in VoterPass.objects.filter(ticket=registration, participant__isnull=False):
        participant = voter_pass.participant
        _unregister(participant.pk)
        VoterPass.objects.filter(pk=voter_pass.pk).update(participant=None, used_at=None)
        open_votes = Ballot.objects.filter(
            participant=participant, vote__state=BallotState.OPEN, vote__registered_only=True
        ).values_list("vote_id", flat=True)
        for vote_id in list(open_votes):
            try:
                ballot_withdraw(
                    meeting_id=participant.meeting_id,
                    actor=Actor(participant=participant),
                    client_id=None,
                    vote_id=vote_id,
                )
            except DomainError:  # the room left its vote phase: remove it quietly
                Ballot.objects.filter(vote_id=vote_id, participant=participant).delete()


# --- Joining with a pass --------------------------------------------------------------------------


def used_elsewhere() -> DomainError:
    """The refusal shown to a second device that opens a pass already taken."""
    return DomainError(
        "pass.used_elsewhere",
        _(
            "Ce lien personnel a déjà servi sur un autre téléphone : il ne peut inscrire "
            "qu'un seul appareil. Si c'est bien le vôtre (téléphone changé, navigateur "
            "différent), demandez à l'animation de le libérer. Vous pouvez aussi participer "
            "sans inscription : les votes réservés aux inscrit·e·s vous seront fermés."
        ),
    )


def taken_by_other(voter_pass: VoterPass, participant: Participant | None) -> bool:
    """Whether the pass already belongs to another participant than this device's."""
    if voter_pass.participant_id is None:
        return False
    return participant is None or voter_pass.participant_id != participant.pk


def join_with_pass(
    *, meeting: Meeting, device: str, display_name: str, voter_pass: VoterPass
) -> Participant:
    """Join the meeting from this device (as `/j/<code>` does) and register the participant as a
    voter with the pass's source. All or nothing.

    Raises DomainError pass.used_elsewhere (bound to another device), pass.device_has_other
    (this phone already holds another pass), pass.address_used (a ticket of the same address
    took another phone meanwhile), meeting.closed (participant_join).
    """
    with transaction.atomic():
        if voter_pass.ticket_id is not None:
            # Ticket joins of a meeting one at a time: two tickets of one address, opened at
            # the same instant on two phones, cannot both pass the one-address check.
            Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
            _check_address_free(meeting, voter_pass.ticket, exclude=voter_pass.pk)
        participant = room_services.participant_join(
            meeting=meeting, device=device, display_name=display_name
        )
        if voter_pass.participant_id == participant.pk:
            voter_register(participant=participant, source=voter_pass.source)
            return participant
        other = VoterPass.objects.filter(participant=participant).exclude(pk=voter_pass.pk)
        if other.exists():
            raise DomainError(
                "pass.device_has_other",
                _(
                    "Ce téléphone est déjà inscrit avec un autre lien personnel ou billet. Ce "
                    "lien-ci reste libre pour la personne à qui il est destiné."
                ),
            )
        # Conditional update: whatever the database, only one device takes a free pass.
        taken = VoterPass.objects.filter(
            Q(participant__isnull=True) | Q(participant=participant), pk=voter_pass.pk
        ).update(participant=participant, used_at=timezone.now())
        if not taken:
            raise used_elsewhere()
        voter_pass.participant = participant
        voter_register(participant=participant, source=voter_pass.source)
    return participant


# --- Reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PassSummary:
    """What the meeting page says about registered voters."""

    links: int
    links_used: int
    tickets_used: int
    registered: int  # participants who may vote in a registered-only vote
    session_registered: int | None  # confirmed registrations of the linked session, if any


def summary(meeting: Meeting) -> PassSummary:
    """Counts for the meeting page."""
    from events.enums import RegistrationStatus
    from events.models import Registration

    passes = VoterPass.objects.filter(meeting=meeting)
    links = passes.filter(source=RegistrationSource.LINK)
    session_registered = None
    if meeting.session_id is not None:
        session_registered = Registration.objects.filter(
            session_id=meeting.session_id, status=RegistrationStatus.REGISTERED
        ).count()
    return PassSummary(
        links=links.count(),
        links_used=links.filter(participant__isnull=False).count(),
        tickets_used=passes.filter(
            source=RegistrationSource.TICKET, participant__isnull=False
        ).count(),
        registered=VoterRegistration.objects.filter(participant__meeting=meeting).count(),
        session_registered=session_registered,
    )
