"""Debrief columns, the timeline, the questions board, questionnaires, idea → session, seeding."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliberation import selectors, services
from deliberation.enums import IdeaKind, TimelineKind
from deliberation.models import Idea, SessionOrigin, TimelineMark
from rooms.enums import PHASE_ORDER, RoomPhase
from rooms.errors import DomainError
from rooms.models import Meeting
from rooms.snapshot import board_snapshot
from tests.factories import (
    facilitator_actor,
    make_meeting,
    make_participant,
    make_questionnaire,
    make_user,
    participant_actor,
    published,
)
from tests.factories_events import make_event, make_organization, make_session

pytestmark = pytest.mark.django_db


def submit(meeting, person, text="Bonne ambiance", kind=None, client_id=None):
    return services.idea_submit(
        meeting_id=meeting.pk,
        actor=participant_actor(person),
        client_id=client_id,
        text=text,
        kind=kind,
    )


# --- debrief phase and columns --------------------------------------------------------------------


def test_debrief_phase_comes_before_closed():
    assert PHASE_ORDER[-2:] == [RoomPhase.DEBRIEF, RoomPhase.CLOSED]


@pytest.mark.parametrize("kind", [IdeaKind.STRENGTH, IdeaKind.CRITIQUE, IdeaKind.IMPROVEMENT])
def test_debrief_submit_stores_column_and_broadcasts_it(kind, django_capture_on_commit_callbacks):
    meeting = make_meeting(phase=RoomPhase.DEBRIEF)
    person = make_participant(meeting, "Léa")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reply = submit(meeting, person, kind=kind)

    idea = Idea.objects.get(pk=reply["data"]["idea"])
    (event,) = published(callbacks)
    assert idea.kind == kind
    assert (event["type"], event["mod"]["kind"], event["public"]["kind"]) == (
        "idea.changed",
        kind,
        kind,
    )


@pytest.mark.parametrize(
    ("phase", "kind", "code"),
    [
        (RoomPhase.DEBRIEF, None, "idea.bad_kind"),  # a column must be chosen
        (RoomPhase.DEBRIEF, "idea", "idea.bad_kind"),
        (RoomPhase.COLLECT, "strength", "idea.bad_kind"),  # columns only in the debrief
        (RoomPhase.COLLECT, "bogus", "idea.bad_kind"),
        (RoomPhase.CLOSED, "strength", "meeting.wrong_phase"),
    ],
)
def test_submit_kind_refused(phase, kind, code):
    meeting = make_meeting(phase=phase)
    person = make_participant(meeting) if phase != RoomPhase.CLOSED else None
    if person is None:
        open_meeting = make_meeting()
        person = make_participant(open_meeting)
        Meeting.objects.filter(pk=open_meeting.pk).update(phase=phase)
        meeting = open_meeting

    with pytest.raises(DomainError) as error:
        submit(meeting, person, kind=kind)

    assert error.value.code == code


def test_debrief_supports_work_like_ideas():
    meeting = make_meeting(phase=RoomPhase.DEBRIEF)
    lea, karim = make_participant(meeting), make_participant(meeting)
    idea = submit(meeting, lea, "Trop de bruit", kind="critique")["data"]["idea"]

    reply = services.idea_support(
        meeting_id=meeting.pk, actor=participant_actor(karim), client_id=None, idea_id=idea
    )

    assert reply["data"]["supports"] == 1


def test_collect_phase_still_defaults_to_idea():
    meeting = make_meeting()

    reply = submit(meeting, make_participant(meeting))

    assert Idea.objects.get(pk=reply["data"]["idea"]).kind == IdeaKind.IDEA


def test_paper_post_it_may_go_in_a_debrief_column():
    meeting = make_meeting(phase=RoomPhase.DEBRIEF)

    reply = services.idea_add_paper(
        meeting_id=meeting.pk,
        actor=facilitator_actor(meeting),
        client_id=None,
        text="Accueil chaleureux",
        kind="strength",
    )

    assert Idea.objects.get(pk=reply["data"]["idea"]).kind == "strength"


# --- questions board ------------------------------------------------------------------------------


def test_questions_need_the_switch_or_a_webconference():
    from events.enums import SessionKind

    meeting = make_meeting()
    person = make_participant(meeting)
    with pytest.raises(DomainError) as closed:
        submit(meeting, person, "Une question ?", kind="question")
    configured = services.meeting_configure(
        meeting_id=meeting.pk,
        actor=facilitator_actor(meeting),
        client_id=None,
        allow_questions=True,
    )
    asked = submit(meeting, person, "Une question ?", kind="question")
    session = make_session(
        make_event(make_organization(meeting.owner)), kind=SessionKind.WEBCONFERENCE
    )
    webconference = services.meeting_create(
        owner=meeting.owner, title="Webconférence", session_id=session.pk
    )
    plain = services.meeting_create(owner=meeting.owner, title="Atelier")

    assert closed.value.code == "idea.questions_closed"
    assert configured["data"]["allow_questions"] is True
    assert Idea.objects.get(pk=asked["data"]["idea"]).kind == IdeaKind.QUESTION
    assert (webconference.allow_questions, plain.allow_questions) == (True, False)


def test_question_answered_by_facilitator(django_capture_on_commit_callbacks):
    meeting = make_meeting(allow_questions=True)
    person = make_participant(meeting)
    question = submit(meeting, person, "Combien coûte la formation ?", kind="question")
    question_id = question["data"]["idea"]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.idea_answer(
            meeting_id=meeting.pk,
            actor=facilitator_actor(meeting),
            client_id=None,
            idea_id=question_id,
        )

    (event,) = published(callbacks)
    assert Idea.objects.get(pk=question_id).answered is True
    assert (event["public"]["id"], event["public"]["answered"]) == (question_id, True)


def test_answer_refused_for_ideas_and_participants():
    meeting = make_meeting()
    person = make_participant(meeting)
    idea = submit(meeting, person)["data"]["idea"]

    with pytest.raises(DomainError) as not_question:
        services.idea_answer(
            meeting_id=meeting.pk, actor=facilitator_actor(meeting), client_id=None, idea_id=idea
        )
    with pytest.raises(DomainError) as not_facilitator:
        services.idea_answer(
            meeting_id=meeting.pk, actor=participant_actor(person), client_id=None, idea_id=idea
        )

    assert (not_question.value.code, not_facilitator.value.code) == (
        "idea.not_question",
        "auth.facilitator_only",
    )


# --- timeline -------------------------------------------------------------------------------------


def test_first_phase_change_starts_the_chrono():
    meeting = make_meeting(phase=RoomPhase.DRAFT)

    services.meeting_set_phase(
        meeting_id=meeting.pk, actor=facilitator_actor(meeting), client_id=None
    )

    meeting.refresh_from_db()
    assert meeting.started_at is not None


def test_timeline_mark_starts_chrono_and_goes_to_facilitators_only(
    django_capture_on_commit_callbacks,
):
    meeting = make_meeting(phase=RoomPhase.DRAFT)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reply = services.timeline_mark(
            meeting_id=meeting.pk,
            actor=facilitator_actor(meeting),
            client_id="t1",
            kind=TimelineKind.SPEAKER,
            speaker="Zoé Martin",
            label="présente les modules",
        )

    events = published(callbacks)
    assert [e["type"] for e in events] == ["meeting.changed", "timeline.changed"]
    assert events[1]["public"] is None
    assert events[1]["mod"]["speaker"] == "Zoé Martin"
    assert reply["data"]["offset"] == 0
    assert reply["seq"] == 2


def test_timeline_offset_counts_from_start():
    meeting = make_meeting()
    Meeting.objects.filter(pk=meeting.pk).update(
        started_at=meeting.created_at - __import__("datetime").timedelta(seconds=268)
    )

    reply = services.timeline_mark(
        meeting_id=meeting.pk, actor=facilitator_actor(meeting), client_id=None, kind="video"
    )

    assert 268 <= reply["data"]["offset"] <= 275


def test_timeline_edit_and_delete_after_the_meeting_closed():
    meeting = make_meeting()
    boss = facilitator_actor(meeting)
    mark = services.timeline_mark(
        meeting_id=meeting.pk, actor=boss, client_id=None, kind="note", offset=60
    )["data"]["mark"]
    other = services.timeline_mark(
        meeting_id=meeting.pk, actor=boss, client_id=None, kind="agenda", offset=10
    )["data"]["mark"]
    Meeting.objects.filter(pk=meeting.pk).update(phase=RoomPhase.CLOSED)

    services.timeline_edit(
        meeting_id=meeting.pk,
        actor=boss,
        client_id=None,
        mark_id=mark,
        offset=1350,
        label="Deuxième intervenant",
    )
    services.timeline_delete(meeting_id=meeting.pk, actor=boss, client_id=None, mark_id=other)

    assert list(TimelineMark.objects.values_list("offset_seconds", "label")) == [
        (1350, "Deuxième intervenant")
    ]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "dance"}, "timeline.bad_kind"),
        ({"kind": "note", "offset": -1}, "timeline.bad_offset"),
        ({"kind": "note", "label": "x" * 201}, "timeline.too_long"),
    ],
)
def test_timeline_mark_refused(fields, code):
    meeting = make_meeting()

    with pytest.raises(DomainError) as error:
        services.timeline_mark(
            meeting_id=meeting.pk, actor=facilitator_actor(meeting), client_id=None, **fields
        )

    assert error.value.code == code


def test_timeline_in_snapshot_for_facilitators_only():
    meeting = make_meeting()
    services.timeline_mark(
        meeting_id=meeting.pk, actor=facilitator_actor(meeting), client_id=None, kind="video"
    )
    person = make_participant(meeting)

    board = board_snapshot(meeting.pk, facilitator_actor(meeting))
    phone = board_snapshot(meeting.pk, participant_actor(person))

    assert [m["kind"] for m in board["timeline"]] == ["video"]
    assert "timeline" not in phone


# --- questionnaire --------------------------------------------------------------------------------


def test_questionnaire_answers_aggregate_and_replace():
    meeting = make_meeting()
    q = make_questionnaire(meeting, "Votre avis")
    services.questionnaire_answer(questionnaire=q, respondent="a", answers={"q1": "5", "q4": "Top"})
    services.questionnaire_answer(questionnaire=q, respondent="b", answers={"q1": 3, "q2": 4})
    services.questionnaire_answer(questionnaire=q, respondent="a", answers={"q1": 4})

    result = selectors.questionnaire_results(q)

    assert result["responses"] == 2
    assert result["questions"][0] == {
        "key": "q1",
        "label": "Dans l'ensemble, êtes-vous satisfait·e ?",
        "type": "scale",
        "count": 2,
        "mean": 3.5,
        "distribution": {"1": 0, "2": 0, "3": 1, "4": 1, "5": 0},
    }
    assert result["questions"][3]["texts"] == []


@pytest.mark.parametrize("answers", [{"q1": 6}, {"q1": 0}, {"q1": "abc"}, {"q4": "x" * 1001}])
def test_questionnaire_answer_refused(answers):
    q = make_questionnaire(make_meeting(), "Votre avis")

    with pytest.raises(DomainError):
        services.questionnaire_answer(questionnaire=q, respondent="a", answers=answers)


def test_questionnaire_phone_page_by_token(client):
    q = make_questionnaire(make_meeting(), "Votre avis")
    url = reverse("questionnaire", kwargs={"token": q.token})

    page = client.get(url)
    sent = client.post(url, {"q1": "5", "q2": "4", "q4": "Merci <b>"})
    again = client.post(url, {"q1": "2"})

    assert page.status_code == 200
    assert (sent.status_code, again.status_code) == (200, 200)
    assert q.responses.count() == 1  # the same phone answers once (the cookie)
    assert q.responses.get().answers == {"q1": 2}


def test_compare_two_editions_side_by_side():
    first = make_questionnaire(make_meeting(), "2025")
    second = make_questionnaire(make_meeting(), "2026")
    services.questionnaire_answer(questionnaire=first, respondent="a", answers={"q1": 3})
    services.questionnaire_answer(questionnaire=second, respondent="a", answers={"q1": 5})

    rows = selectors.questionnaires_compare(
        [selectors.questionnaire_results(first)], [selectors.questionnaire_results(second)]
    )

    assert rows[0] == {
        "label": "Dans l'ensemble, êtes-vous satisfait·e ?",
        "a": 3.0,
        "a_count": 1,
        "b": 5.0,
        "b_count": 1,
    }


# --- one thread from idea to next edition ---------------------------------------------------------


def test_idea_becomes_session_with_back_link_and_shows_in_event_report(client):
    organizer = make_user("organisatrice")
    event = make_event(make_organization(organizer))
    meeting = make_meeting(owner=organizer, title="Réunion publique")
    idea = submit(meeting, make_participant(meeting), "Un atelier vélo\n- réparer\n- partager")
    idea_id = idea["data"]["idea"]
    client.force_login(organizer)

    response = client.post(
        reverse("session-from-idea", kwargs={"pk": meeting.pk}),
        {"event": event.pk, "idea": idea_id},
    )

    origin = SessionOrigin.objects.get()
    assert response.status_code == 302
    assert origin.idea_id == idea_id
    assert origin.session.title == "Un atelier vélo"
    assert "Issue de la réunion « Réunion publique »." in origin.session.description
    # the new session's own debrief meeting shows in the event report
    debrief = make_meeting(owner=organizer, title="Débat-bilan vélo", phase=RoomPhase.DEBRIEF)
    Meeting.objects.filter(pk=debrief.pk).update(session=origin.session)
    submit(debrief, make_participant(debrief), "Super atelier", kind="strength")
    report = client.get(reverse("event-report", kwargs={"event_pk": event.pk}) + "?format=md")
    text = report.content.decode().replace("\\", "")
    assert "Issue de « Réunion publique » : Un atelier vélo" in text
    assert "Super atelier" in text


def test_session_from_idea_needs_event_rights():
    event = make_event(make_organization())
    meeting = make_meeting()
    idea = Idea.objects.create(meeting=meeting, text="Atelier")

    with pytest.raises(DomainError) as error:
        services.session_from_idea(
            user=meeting.owner,
            event=event,
            meeting=meeting,
            idea=idea,
            starts_at=make_session(event).starts_at,
            ends_at=make_session(event).ends_at,
        )

    assert error.value.code == "event.forbidden"


def test_seed_next_meeting_from_previous_edition():
    previous = make_meeting(title="Édition 2025", allow_questions=True)
    person = make_participant(previous)
    for text in ("Jardin partagé", "Marché bio"):
        submit(previous, person, text)
    submit(previous, person, "Question ?", kind="question")
    nxt = make_meeting(owner=previous.owner, title="Édition 2026")
    boss = facilitator_actor(nxt)

    first = services.ideas_seed_from_meeting(
        meeting_id=nxt.pk, actor=boss, client_id=None, source=previous
    )
    again = services.ideas_seed_from_meeting(
        meeting_id=nxt.pk, actor=boss, client_id=None, source=previous
    )

    assert sorted(Idea.objects.filter(meeting=nxt).values_list("text", flat=True)) == [
        "Jardin partagé",
        "Marché bio",
    ]
    assert (len(first["data"]["ideas"]), again["data"]["ideas"]) == (2, [])
