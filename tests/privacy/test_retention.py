"""Retention: `manage.py apply_retention` erases personal data past its period, keeps the
minutes' content and the aggregates, prints what it does, and is idempotent."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from deliberation import exporters, minutes, selectors, services
from deliberation.models import Idea, QuestionnaireResponse
from events import services as event_services
from events.models import Agenda, OutgoingMail, Registration
from privacy.models import PrivacyPolicy
from privacy.retention import add_months
from rooms import services as room_services
from rooms.models import ClientCommand, Meeting, Participant
from tests.factories import make_meeting, make_questionnaire, participant_actor
from tests.factories_events import make_event, make_organization, make_session
from voting.models import Ballot, Vote, VoterPass

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def in_months(months: int) -> str:
    return add_months(timezone.now(), months).isoformat()


def populated_meeting() -> Meeting:
    """A meeting with a listed name, an idea with a support, a ballot, a personal link's name
    and a questionnaire answered with a scale and a free text."""
    meeting = make_meeting(title="Bien vivre à Crest")
    lea = room_services.participant_join(
        meeting=meeting, device="d-lea", display_name="Léa", listed=True
    )
    karim = room_services.participant_join(meeting=meeting, device="d-karim", display_name="Karim")
    idea_id = services.idea_submit(
        meeting_id=meeting.pk, actor=participant_actor(lea), client_id="c1", text="Un potager"
    )["data"]["idea"]
    services.idea_support(
        meeting_id=meeting.pk, actor=participant_actor(karim), client_id=None, idea_id=idea_id
    )
    vote = Vote.objects.create(meeting=meeting, method="approval", state="closed")
    Ballot.objects.create(vote=vote, participant=karim, content={"approved": [1]})
    VoterPass.objects.create(meeting=meeting, source="link", name="Karim B.", participant=karim)
    VoterPass.objects.create(meeting=meeting, source="link", name="Zoé N.", token="unused-link")
    questionnaire = make_questionnaire(meeting, "Votre avis")
    keys = [q["key"] for q in questionnaire.questions]
    services.questionnaire_answer(
        questionnaire=questionnaire,
        respondent="d-lea",
        answers={keys[0]: 5, keys[-1]: "Merci Léa Durand, 06 12 34 56 78"},
    )
    return meeting


def test_add_months_clamps_the_day():
    moment = datetime(2027, 1, 31, 12, 0, tzinfo=PARIS)

    assert add_months(moment, 1) == datetime(2027, 2, 28, 12, 0, tzinfo=PARIS)
    assert add_months(moment, 12) == datetime(2028, 1, 31, 12, 0, tzinfo=PARIS)
    assert add_months(moment, 13) == datetime(2028, 2, 29, 12, 0, tzinfo=PARIS)


def test_recent_meeting_is_left_alone():
    populated_meeting()

    assert run("--now", in_months(11)) == "nothing to erase\n"
    assert set(Participant.objects.values_list("display_name", flat=True)) == {"Léa", "Karim"}


def test_dry_run_prints_and_changes_nothing():
    meeting = populated_meeting()

    out = run("--dry-run", "--now", in_months(13))

    assert f"meeting {meeting.join_code} (Bien vivre à Crest)" in out
    assert "would erase 2 participants, 1 questionnaire_responses, 2 personal_link_names" in out
    assert out.endswith("dry run: nothing was changed\n")
    assert Participant.objects.filter(display_name="Léa", listed=True).exists()
    assert "Merci Léa" in str(QuestionnaireResponse.objects.get().answers)


def test_erases_names_devices_free_text_and_keeps_minutes_content():
    meeting = populated_meeting()

    out = run("--now", in_months(13))

    assert "erased 2 participants, 1 questionnaire_responses, 2 personal_link_names" in out
    people = list(Participant.objects.values_list("display_name", "listed", "device"))
    assert [(name, listed) for name, listed, _device in people] == [("", False), ("", False)]
    assert all(device.startswith("erased:") for _name, _listed, device in people)
    assert not ClientCommand.objects.exists()
    assert set(VoterPass.objects.values_list("name", flat=True)) == {""}
    response = QuestionnaireResponse.objects.get()
    assert list(response.answers.values()) == [5]
    assert not response.respondent.startswith("d-")
    # What the minutes and the tallies need stays.
    assert Idea.objects.get().support_count == 1
    assert Ballot.objects.count() == 1
    source = selectors.minutes_source(meeting.pk)
    assert source["attendance"]["participants"] == 2
    assert source["attendance"]["listed"] == []
    text = exporters.to_markdown(minutes.compile_minutes(source)).decode()
    assert "Un potager" in text
    assert "Léa" not in text


def test_second_run_is_a_no_op():
    populated_meeting()
    run("--now", in_months(13))
    before = list(Participant.objects.values_list("pk", "device", "display_name"))

    assert run("--now", in_months(14)) == "nothing to erase\n"
    assert list(Participant.objects.values_list("pk", "device", "display_name")) == before


def test_organization_period_applies_to_its_meetings_and_events():
    organization = make_organization()
    PrivacyPolicy.objects.create(organization=organization, retention_months=3)
    event = make_event(organization, starts_on=date(2026, 1, 10), ends_on=date(2026, 1, 12))
    session = make_session(event)
    meeting = populated_meeting()
    Meeting.objects.filter(pk=meeting.pk).update(session=session)

    out = run("--now", in_months(4))

    assert f"meeting {meeting.join_code}" in out
    assert not Participant.objects.exclude(display_name="").exists()


def past_event_with_registrations():
    soon = timezone.localdate() + timedelta(days=3)
    event = make_event(make_organization(), starts_on=soon, ends_on=soon, slug="fete-2026")
    session = make_session(event, capacity=1)
    awa = event_services.registration_create(session=session, name="Awa", email="awa@example.org")
    ben = event_services.registration_create(session=session, name="Ben", email="ben@example.org")
    questionnaire = services.event_questionnaire_create(event=event, title="Bilan")
    keys = [q["key"] for q in questionnaire.questions]
    services.questionnaire_answer(
        questionnaire=questionnaire, respondent="r1", answers={keys[0]: 3, keys[-1]: "Bravo Awa"}
    )
    return event, awa, ben


def test_event_registrations_are_anonymised_after_twelve_months():
    event, awa, ben = past_event_with_registrations()

    assert run("--now", in_months(11)) == "nothing to erase\n"
    out = run("--now", in_months(13))

    assert f"event {event.slug}" in out
    assert "erased 2 registrations, 1 questionnaire_responses, 2 agendas, 2 mails" in out
    assert not OutgoingMail.objects.exists()  # each message held a name, an address, a ticket
    rows = list(Registration.objects.order_by("pk").values_list("name", "email", "status"))
    assert rows == [
        ("", f"{awa.pk}@anonyme.invalid", "registered"),
        ("", f"{ben.pk}@anonyme.invalid", "waiting"),
    ]
    assert not Registration.objects.filter(token=awa.token).exists()
    assert not Agenda.objects.exists()
    assert list(QuestionnaireResponse.objects.get().answers.values()) == [3]
    assert run("--now", in_months(13)) == "nothing to erase\n"


def test_bad_now_is_a_clear_error():
    with pytest.raises(CommandError, match="not an ISO date"):
        run("--now", "demain")
