"""Personal links and tickets (voting/passes.py): making links, joining with one registers the
phone as a voter, a pass binds to one device, release and delete, tickets of the linked session."""

from __future__ import annotations

import pytest

from events import mail as event_mail
from events import services as event_services
from events.enums import RegistrationStatus
from rooms.errors import DomainError
from rooms.models import Meeting, Participant
from tests.factories import make_meeting, make_participant
from tests.factories_events import make_event, make_session
from voting import passes, selectors, services
from voting.enums import RegistrationSource
from voting.models import Vote, VoterPass, VoterRegistration

pytestmark = pytest.mark.django_db


def code_of(call) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code


def join(meeting: Meeting, voter_pass: VoterPass, device: str, name: str = "") -> Participant:
    return passes.join_with_pass(
        meeting=meeting, device=device, display_name=name, voter_pass=voter_pass
    )


def sources() -> dict[int, str]:
    return dict(VoterRegistration.objects.values_list("participant_id", "source"))


# --- making links ---------------------------------------------------------------------------------


def test_parse_names_one_per_line_blank_lines_dropped():
    text = "  Awa Diallo \r\n\n\tJules Martin\n\u202eEve\n" + "x" * 80

    assert passes.parse_names(text) == ["Awa Diallo", "Jules Martin", "Eve", "x" * 60]


def test_links_create_from_names_numbers_them_after_existing_ones():
    meeting = make_meeting()
    passes.links_create(meeting=meeting, count=2)

    made = passes.links_create(meeting=meeting, names=["Awa", "Jules"])

    assert [(p.position, p.name) for p in made] == [(3, "Awa"), (4, "Jules")]
    tokens = list(VoterPass.objects.values_list("token", flat=True))
    assert len(set(tokens)) == 4
    assert all(len(t) >= 24 for t in tokens)
    assert {p.source for p in VoterPass.objects.all()} == {RegistrationSource.LINK}


def test_links_create_refuses_nothing_and_too_many():
    meeting = make_meeting()

    assert code_of(lambda: passes.links_create(meeting=meeting, count=0)) == "links.none"
    too_many = passes.MAX_LINKS_AT_ONCE + 1
    assert code_of(lambda: passes.links_create(meeting=meeting, count=too_many)) == "links.too_many"
    assert VoterPass.objects.count() == 0


# --- joining with a personal link -----------------------------------------------------------------


def test_join_with_link_registers_the_phone_as_voter():
    meeting = make_meeting()
    (link,) = passes.links_create(meeting=meeting, names=["Awa"])

    participant = join(meeting, link, "phone-awa", "Awa")

    link.refresh_from_db()
    assert (participant.meeting, participant.display_name) == (meeting, "Awa")
    assert link.participant == participant
    assert link.used_at is not None
    assert sources() == {participant.pk: "link"}
    assert selectors.is_registered(participant)


def test_link_reopened_on_same_phone_keeps_one_participant():
    meeting = make_meeting()
    (link,) = passes.links_create(meeting=meeting, count=1)
    first = join(meeting, link, "phone-awa")

    again = join(meeting, link, "phone-awa", "Awa")

    assert again.pk == first.pk
    assert Participant.objects.count() == 1
    assert VoterRegistration.objects.count() == 1


def test_link_on_a_second_phone_is_refused_and_creates_nobody():
    meeting = make_meeting()
    (link,) = passes.links_create(meeting=meeting, count=1)
    first = join(meeting, link, "phone-awa")
    link.refresh_from_db()

    refused = code_of(lambda: join(meeting, link, "phone-of-a-friend"))

    assert refused == "pass.used_elsewhere"
    assert list(Participant.objects.values_list("pk", flat=True)) == [first.pk]
    assert sources() == {first.pk: "link"}


def test_link_taken_meanwhile_by_another_phone_is_refused():
    # Two phones open the same free link; the second POST arrives with a stale copy of the pass.
    meeting = make_meeting()
    (link,) = passes.links_create(meeting=meeting, count=1)
    stale_copy = VoterPass.objects.get(pk=link.pk)
    join(meeting, link, "phone-a")

    assert code_of(lambda: join(meeting, stale_copy, "phone-b")) == "pass.used_elsewhere"
    assert Participant.objects.count() == 1


def test_joined_by_code_then_link_registers_the_same_participant():
    meeting = make_meeting()
    already = make_participant(meeting, "Awa")
    (link,) = passes.links_create(meeting=meeting, count=1)

    participant = join(meeting, link, already.device)

    assert participant.pk == already.pk
    assert sources() == {already.pk: "link"}


def test_a_phone_holding_a_link_does_not_consume_a_second_one():
    meeting = make_meeting()
    first, second = passes.links_create(meeting=meeting, count=2)
    join(meeting, first, "phone-awa")

    refused = code_of(lambda: join(meeting, second, "phone-awa"))

    second.refresh_from_db()
    assert refused == "pass.device_has_other"
    assert second.participant is None


def test_release_lets_a_new_phone_take_the_link_and_unregisters_the_old_one():
    meeting = make_meeting()
    (link,) = passes.links_create(meeting=meeting, count=1)
    old = join(meeting, link, "old-phone")

    passes.pass_release(meeting=meeting, pass_id=link.pk)
    link.refresh_from_db()
    new = join(meeting, link, "new-phone")

    assert not selectors.is_registered(old)
    assert sources() == {new.pk: "link"}


def test_delete_stops_the_link_and_unregisters_its_phone():
    meeting = make_meeting()
    (link,) = passes.links_create(meeting=meeting, count=1)
    holder = join(meeting, link, "phone")
    token = link.token

    passes.pass_delete(meeting=meeting, pass_id=link.pk)

    assert code_of(lambda: passes.link_by_token(meeting, token)) == "pass.unknown"
    assert not selectors.is_registered(holder)
    other = make_meeting()
    assert code_of(lambda: passes.pass_delete(meeting=other, pass_id=link.pk)) == "links.not_found"


def test_link_of_another_meeting_or_forged_is_unknown():
    meeting, other = make_meeting(), make_meeting()
    (link,) = passes.links_create(meeting=other, count=1)

    assert code_of(lambda: passes.link_by_token(meeting, link.token)) == "pass.unknown"
    assert code_of(lambda: passes.link_by_token(meeting, "forged-token-123")) == "pass.unknown"
    assert code_of(lambda: passes.link_by_token(meeting, "")) == "pass.unknown"


def test_registered_participants_are_the_eligible_voters():
    meeting = make_meeting(phase="vote")
    make_participant(meeting, "Sans lien")
    (link,) = passes.links_create(meeting=meeting, count=1)
    join(meeting, link, "phone-awa")
    vote = Vote.objects.create(meeting=meeting, method="yes_no", title="?", registered_only=True)

    assert selectors.turnout(vote)["eligible"] == 1
    assert passes.summary(meeting).registered == 1


# --- tickets --------------------------------------------------------------------------------------


@pytest.fixture
def ticketed():
    """A meeting linked to a two-seat session: Awa and Jules registered, Zoé on the waiting list."""
    session = make_session(make_event(), capacity=2, title="Atelier mobilité")
    meeting = make_meeting()
    Meeting.objects.filter(pk=meeting.pk).update(session=session)
    meeting.refresh_from_db()
    people = [
        event_services.registration_create(session=session, name=name, email=email)
        for name, email in (
            ("Awa", "awa@example.org"),
            ("Jules", "jules@example.org"),
            ("Zoé", "zoe@example.org"),
        )
    ]
    assert [p.status for p in people][-1] == RegistrationStatus.WAITING
    for person in people:  # addresses confirmed by the link of their mail
        event_services.registration_confirm_email(
            registration=person, code=event_mail.confirm_code(person)
        )
        person.refresh_from_db()
    return meeting, people


def test_ticket_of_the_session_registers_with_source_ticket(ticketed):
    meeting, (awa, _jules, _zoe) = ticketed

    voter_pass = passes.ticket_pass(meeting, awa.checkin_token)
    participant = join(meeting, voter_pass, "phone-awa")

    assert (voter_pass.source, voter_pass.name) == ("ticket", "Awa")
    assert passes.ticket_pass(meeting, awa.checkin_token).pk == voter_pass.pk  # made once
    assert sources() == {participant.pk: "ticket"}
    assert passes.summary(meeting).tickets_used == 1
    assert passes.summary(meeting).session_registered == 2


def test_ticket_on_a_second_phone_is_refused(ticketed):
    meeting, (awa, *_rest) = ticketed
    join(meeting, passes.ticket_pass(meeting, awa.checkin_token), "phone-awa")

    second = passes.ticket_pass(meeting, awa.checkin_token)

    assert code_of(lambda: join(meeting, second, "phone-b")) == "pass.used_elsewhere"


def test_waiting_list_other_session_and_management_token_are_refused(ticketed):
    meeting, (awa, _jules, zoe) = ticketed
    unlinked = make_meeting()

    assert code_of(lambda: passes.ticket_pass(meeting, zoe.checkin_token)) == (
        "pass.ticket_not_confirmed"
    )
    assert code_of(lambda: passes.ticket_pass(unlinked, awa.checkin_token)) == "pass.unknown"
    # The management secret (cancel link) is not the ticket.
    assert code_of(lambda: passes.ticket_pass(meeting, awa.token)) == "pass.unknown"
    assert VoterPass.objects.count() == 0


def test_voter_register_is_idempotent_and_checks_the_source():
    meeting = make_meeting()
    person = make_participant(meeting)

    services.voter_register(participant=person, source="link")
    services.voter_register(participant=person, source="ticket")

    assert sources() == {person.pk: "link"}
    with pytest.raises(ValueError, match="badge"):
        services.voter_register(participant=person, source="badge")
