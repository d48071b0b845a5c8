"""A phone's "Mes données": see, download, change the minutes choice, erase."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from deliberation import services
from deliberation.models import Idea, QuestionnaireResponse
from rooms.models import Participant
from tests.factories import make_questionnaire, participant_actor

from .conftest import join

pytestmark = pytest.mark.django_db


def url(meeting) -> str:
    return f"/confidentialite/reunions/{meeting.join_code}/mes-donnees/"


def test_my_data_shows_what_this_phone_left(client, meeting):
    lea = join(client, meeting, "Léa")
    services.idea_submit(
        meeting_id=meeting.pk, actor=participant_actor(lea), client_id=None, text="Un marché bio"
    )

    response = client.get(url(meeting))
    page = response.content.decode()

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Léa" in page
    assert "Un marché bio" in page
    assert "Télécharger mes données (JSON)" in page


def test_another_phone_sees_nothing_of_it(client, meeting):
    join(client, meeting, "Léa")

    page = Client().get(url(meeting)).content.decode()

    assert "Ce téléphone n'a pas de données dans cette réunion." in page
    assert "Léa" not in page


def test_json_download_holds_the_data_but_no_ballot_content(client, meeting):
    lea = join(client, meeting, "Léa", listed=True)
    services.idea_submit(
        meeting_id=meeting.pk, actor=participant_actor(lea), client_id=None, text="Un marché bio"
    )

    response = client.get(f"/confidentialite/reunions/{meeting.join_code}/mes-donnees.json")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["name"] == "Léa"
    assert data["name_in_minutes"] is True
    assert [i["text"] for i in data["ideas"]] == ["Un marché bio"]
    assert data["ballots"] == 0
    stranger = Client().get(f"/confidentialite/reunions/{meeting.join_code}/mes-donnees.json")
    assert stranger.status_code == 404


def test_phone_turns_the_minutes_choice_on_and_off(client, meeting):
    join(client, meeting, "Léa")

    on = client.post(url(meeting), {"action": "listed", "listed": "on"})
    assert "Votre choix est enregistré." in on.content.decode()
    assert Participant.objects.get().listed is True

    client.post(url(meeting), {"action": "listed"})
    assert Participant.objects.get().listed is False


def test_anonymous_phone_cannot_be_listed_without_a_name(client, meeting):
    join(client, meeting, "")

    response = client.post(url(meeting), {"action": "listed", "listed": "on"})

    assert response.status_code == 400
    assert "Indiquez votre prénom ou pseudo" in response.content.decode()
    assert Participant.objects.get().listed is False


def test_erase_needs_the_confirmation_box(client, meeting):
    join(client, meeting, "Léa")

    response = client.post(url(meeting), {"action": "erase"})

    assert response.status_code == 400
    assert "Cochez la case pour confirmer" in response.content.decode()
    assert Participant.objects.get().display_name == "Léa"


def test_erase_removes_name_device_and_free_text_but_keeps_ideas(client, meeting):
    lea = join(client, meeting, "Léa", listed=True)
    services.idea_submit(
        meeting_id=meeting.pk, actor=participant_actor(lea), client_id=None, text="Un marché bio"
    )
    questionnaire = make_questionnaire(meeting, "Votre avis")
    keys = [q["key"] for q in questionnaire.questions]
    client.post(
        f"/q/{questionnaire.token}/", {keys[0]: "4", keys[-1]: "Merci, c'était Léa de Crest"}
    )
    assert QuestionnaireResponse.objects.get().respondent == lea.device

    response = client.post(url(meeting), {"action": "erase", "confirm": "on"})

    assert response.status_code == 200
    assert "Vos données sont effacées" in response.content.decode()
    erased = Participant.objects.get(pk=lea.pk)
    assert (erased.display_name, erased.listed) == ("", False)
    assert erased.device.startswith("erased:")
    assert Idea.objects.get().author_id == lea.pk  # the idea stays, tied to no one
    answer = QuestionnaireResponse.objects.get()
    assert answer.answers == {keys[0]: 4}
    assert not answer.respondent.startswith(lea.device)
    again = client.get(url(meeting)).content.decode()
    assert "Ce téléphone n'a pas de données dans cette réunion." in again
