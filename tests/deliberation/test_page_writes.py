"""Writes made from the organizer's pages go through the room like a socket's commands: each takes
the room's next number and an event, so the next snapshot shows it at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliberation import services
from deliberation.models import Questionnaire
from rooms.enums import RoomPhase
from rooms.errors import DomainError
from rooms.models import Meeting
from rooms.snapshot import board_snapshot
from tests.factories import (
    facilitator_actor,
    make_meeting,
    make_participant,
    participant_actor,
    published,
)

pytestmark = pytest.mark.django_db


def test_groups_created_from_the_page_are_in_the_next_phone_snapshot(
    client, django_capture_on_commit_callbacks
):
    plenary = make_meeting()
    phone = participant_actor(make_participant(plenary))
    before = board_snapshot(plenary.pk, phone)
    client.force_login(plenary.owner)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("groups", kwargs={"pk": plenary.pk}), {"count": 2})
    after = board_snapshot(plenary.pk, phone)

    assert before["groups"] == []
    assert [g["color"] for g in after["groups"]] == ["royalblue", "crimson"]
    assert after["version"] == before["version"] + 1
    (event,) = published(callbacks)
    assert (event["type"], event["seq"]) == ("meeting.changed", after["version"])
    assert event["public"]["groups"] == event["mod"]["groups"] == after["groups"]
    assert event["public"]["code"] == plenary.join_code


def test_minutes_summary_from_the_page_takes_a_number_facilitators_see(
    client, django_capture_on_commit_callbacks
):
    meeting = make_meeting(phase=RoomPhase.CLOSED)
    client.force_login(meeting.owner)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            reverse("minutes", kwargs={"pk": meeting.pk}),
            {"summary": "Une soirée <b>riche</b>", "place": "Crest"},
        )

    meeting.refresh_from_db()
    assert (meeting.minutes_summary, meeting.place, meeting.seq) == (
        "Une soirée <b>riche</b>",
        "Crest",
        1,
    )
    (event,) = published(callbacks)
    assert (event["type"], event["seq"], event["public"]) == ("minutes.changed", 1, None)
    assert event["mod"] == {"summary": "Une soirée <b>riche</b>", "place": "Crest"}


def test_questionnaire_from_the_page_takes_a_number_facilitators_see(
    client, django_capture_on_commit_callbacks
):
    meeting = make_meeting(title="Fête du parc", phase=RoomPhase.CLOSED)
    client.force_login(meeting.owner)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("questionnaire-create", kwargs={"pk": meeting.pk}))

    questionnaire = Questionnaire.objects.get(meeting=meeting)
    assert questionnaire.title == "Votre avis sur « Fête du parc »"
    assert Meeting.objects.get(pk=meeting.pk).seq == 1
    (event,) = published(callbacks)
    assert (event["type"], event["seq"], event["public"]) == ("questionnaire.changed", 1, None)
    assert event["mod"] == {
        "id": questionnaire.pk,
        "title": "Votre avis sur « Fête du parc »",
        "open": True,
        "path": reverse("questionnaire", kwargs={"token": questionnaire.token}),
    }


def test_page_writes_are_facilitators_commands():
    meeting = make_meeting()
    phone = participant_actor(make_participant(meeting))
    calls = [
        (services.groups_create, {"count": 1}),
        (services.minutes_summary_update, {"summary": "Synthèse"}),
        (services.questionnaire_create, {"title": "Votre avis"}),
    ]

    for service, data in calls:
        with pytest.raises(DomainError) as refused:
            service(meeting_id=meeting.pk, actor=phone, client_id=None, **data)
        assert refused.value.code == "auth.facilitator_only"
    assert Meeting.objects.get(pk=meeting.pk).seq == 0


def test_groups_not_created_once_the_meeting_is_closed_unlike_the_minutes():
    meeting = make_meeting(phase=RoomPhase.CLOSED)
    boss = facilitator_actor(meeting)

    with pytest.raises(DomainError) as refused:
        services.groups_create(meeting_id=meeting.pk, actor=boss, client_id=None, count=1)
    summary = services.minutes_summary_update(
        meeting_id=meeting.pk, actor=boss, client_id="m1", summary="Fin."
    )
    again = services.minutes_summary_update(
        meeting_id=meeting.pk, actor=boss, client_id="m1", summary="Fin."
    )

    assert refused.value.code == "meeting.closed"
    assert summary == again == {"seq": 1, "data": {"summary": "Fin.", "place": ""}}
    assert not Meeting.objects.filter(parent=meeting).exists()
