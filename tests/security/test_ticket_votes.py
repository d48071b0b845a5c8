"""Issue 10 item 3: registered-only votes cannot be stuffed with event tickets.

One voter per person: a cancelled ticket loses its voting right and its ballot in an open vote;
a ticket is a voting pass only once confirmed (e-mail link or check-in at the door); one voting
pass per address in a meeting. Measured before the fix: 3 ballots accepted from one person.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from events import services as event_services
from events.models import Registration, Session
from rooms.enums import RoomPhase
from rooms.errors import DomainError
from rooms.models import Meeting, Participant
from tests.factories import facilitator_actor, make_meeting, make_user, participant_actor
from tests.factories_events import make_event, make_organization, make_session
from voting import passes, selectors, services
from voting.models import Ballot, Vote

pytestmark = pytest.mark.django_db

EMAIL = "awa@example.org"


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.fixture
def organizer():
    return make_user("organisatrice")


@pytest.fixture
def session(organizer) -> Session:
    event = make_event(make_organization(organizer), slug="festival-votes")
    return make_session(event, capacity=30, title="Atelier mobilité")


@pytest.fixture
def meeting(session) -> Meeting:
    meeting = make_meeting(phase=RoomPhase.VOTE)
    Meeting.objects.filter(pk=meeting.pk).update(session=session)
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def vote(meeting) -> Vote:
    reply = services.vote_create(
        meeting_id=meeting.pk,
        actor=facilitator_actor(meeting),
        client_id=None,
        method="yes_no",
        options=[],
        title="Fermer la rue le dimanche ?",
        registered_only=True,
        open_now=True,
    )
    return Vote.objects.get(pk=reply["data"]["vote"])


def register(session: Session, email: str = EMAIL) -> Registration:
    return event_services.registration_create(session=session, name="Awa", email=email)


def check_in(organizer, registration: Registration) -> None:
    """Scanned at the door: the ticket is confirmed."""
    event_services.registration_check_in(user=organizer, checkin_token=registration.checkin_token)


def phone_joins(meeting: Meeting, registration: Registration, device: str) -> Participant:
    voter_pass = passes.ticket_pass(meeting, registration.checkin_token)
    return passes.join_with_pass(
        meeting=meeting, device=device, display_name="Awa", voter_pass=voter_pass
    )


def cast(meeting: Meeting, participant: Participant, vote: Vote) -> dict:
    return services.ballot_cast(
        meeting_id=meeting.pk,
        actor=participant_actor(participant),
        client_id=None,
        vote_id=vote.pk,
        ballot="yes",
    )


def refusal(call) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def test_cancel_and_register_again_three_times_counts_one_ballot(organizer, session, meeting, vote):
    # The measured attack: register, vote, cancel, register again with the same address, vote…
    phones = []
    for n in range(3):
        registration = register(session)
        check_in(organizer, registration)
        phone = phone_joins(meeting, registration, f"phone-{n}")
        cast(meeting, phone, vote)
        phones.append(phone)
        if n < 2:
            event_services.registration_cancel(registration=registration)

    assert Ballot.objects.filter(vote=vote).count() == 1
    assert selectors.turnout(vote)["ballots"] == 1
    assert selectors.turnout(vote)["eligible"] == 1
    # The phones of the cancelled tickets can no longer vote.
    for old in phones[:2]:
        assert refusal(lambda old=old: cast(meeting, old, vote)) == "vote.registration_required"


def test_cancelled_ticket_loses_its_voting_right_and_its_ballot(organizer, session, meeting, vote):
    registration = register(session)
    check_in(organizer, registration)
    phone = phone_joins(meeting, registration, "phone-awa")
    cast(meeting, phone, vote)

    event_services.registration_cancel(registration=registration)

    assert not selectors.is_registered(phone)
    assert Ballot.objects.filter(vote=vote).count() == 0  # withdrawn while the vote is open
    assert refusal(lambda: cast(meeting, phone, vote)) == "vote.registration_required"
    assert refusal(lambda: passes.ticket_pass(meeting, registration.checkin_token)) == (
        "pass.ticket_not_confirmed"
    )


def test_ballot_of_a_closed_vote_stays_counted_after_a_late_cancel(
    organizer, session, meeting, vote
):
    registration = register(session)
    check_in(organizer, registration)
    cast(meeting, phone_joins(meeting, registration, "phone-awa"), vote)
    services.vote_close(
        meeting_id=meeting.pk, actor=facilitator_actor(meeting), client_id=None, vote_id=vote.pk
    )

    event_services.registration_cancel(registration=registration)

    assert Ballot.objects.filter(vote=vote).count() == 1  # a published result never changes


def test_unconfirmed_ticket_is_not_a_voting_pass(session, meeting, vote):
    registration = register(session)

    assert refusal(lambda: passes.ticket_pass(meeting, registration.checkin_token)) == (
        "pass.ticket_unconfirmed"
    )
    page = Client().get(
        reverse(
            "join-ticket", kwargs={"code": meeting.join_code, "token": registration.checkin_token}
        )
    )
    assert page.status_code == 409
    assert "Confirmez d'abord votre adresse e-mail" in text_of(page)


def test_ticket_confirmed_by_the_mail_link_votes(
    session, meeting, vote, django_capture_on_commit_callbacks
):
    browser = Client()
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(
            reverse("events:session-detail", kwargs={"slug": session.event.slug, "pk": session.pk}),
            {"name": "Awa", "email": EMAIL},
        )
    (message,) = [m for m in mail.outbox if EMAIL in m.to]
    confirm_url = re.search(r"https?://\S+/confirmer/\S+/", message.body).group(0)
    confirmed = browser.get(urlsplit(confirm_url).path)
    registration = Registration.objects.get(email=EMAIL)

    assert confirmed.status_code == 200
    assert "Adresse e-mail confirmée" in text_of(confirmed)
    phone = phone_joins(meeting, registration, "phone-awa")
    assert cast(meeting, phone, vote)["data"]["counted"] is True


def test_forged_confirmation_link_confirms_nothing(session):
    registration = register(session)
    url = reverse(
        "events:registration-confirm", kwargs={"token": registration.token, "code": "forged"}
    )

    page = Client().get(url)

    registration.refresh_from_db()
    assert page.status_code == 404
    assert registration.email_confirmed_at is None


def test_one_voting_pass_per_address_in_a_meeting(organizer, session, meeting, vote):
    # A breakout group accepts the tickets of its own session and of its parent's: the same
    # address registered for both still makes one voter.
    other = make_session(session.event, capacity=30, title="Atelier vélo")
    group = make_meeting(phase=RoomPhase.VOTE)
    Meeting.objects.filter(pk=group.pk).update(session=other, parent=meeting)
    group.refresh_from_db()
    first, second = register(session), register(other)
    check_in(organizer, first)
    check_in(organizer, second)
    phone_joins(group, first, "phone-awa")

    assert refusal(lambda: phone_joins(group, second, "phone-friend")) == "pass.address_used"


def test_two_tickets_of_one_address_opened_together_make_one_voter(organizer, session, meeting):
    # Both join pages were opened before either phone joined: the check holds at the join too.
    other = make_session(session.event, capacity=30, title="Atelier vélo")
    group = make_meeting(phase=RoomPhase.VOTE)
    Meeting.objects.filter(pk=group.pk).update(session=other, parent=meeting)
    group.refresh_from_db()
    first, second = register(session), register(other)
    check_in(organizer, first)
    check_in(organizer, second)
    passes_opened = [passes.ticket_pass(group, t.checkin_token) for t in (first, second)]

    passes.join_with_pass(
        meeting=group, device="phone-awa", display_name="", voter_pass=passes_opened[0]
    )
    refused = refusal(
        lambda: passes.join_with_pass(
            meeting=group, device="phone-friend", display_name="", voter_pass=passes_opened[1]
        )
    )

    assert refused == "pass.address_used"
    assert Participant.objects.filter(meeting=group).count() == 1
