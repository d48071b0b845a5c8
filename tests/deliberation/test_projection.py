"""Issue 12: `projection.set`, the meeting payload's `projection`, the projected screen's snapshot,
and the projection pages (pairing a room PC by a code)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from deliberation import services
from deliberation.enums import IdeaState
from deliberation.models import Idea
from deliberation.payloads import PROJECTION_DEFAULTS, meeting_payload
from rooms.errors import DomainError
from rooms.roles import PROJECTION_COOKIE, Actor, actor_for
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

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def set_projection(meeting, **data):
    return services.projection_set(
        meeting_id=meeting.pk, actor=facilitator_actor(meeting), client_id=None, **data
    )


def test_meeting_payload_carries_every_projection_key_by_default():
    meeting = make_meeting()
    assert meeting_payload(meeting)["projection"] == PROJECTION_DEFAULTS


def test_projection_set_merges_and_emits_meeting_changed(django_capture_on_commit_callbacks):
    meeting = make_meeting()
    idea = Idea.objects.create(meeting=meeting, text="Une question ?", kind="question")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reply = set_projection(meeting, view="questions", highlight=idea.pk)
        set_projection(meeting, sort="supported")

    expected = {**PROJECTION_DEFAULTS, "view": "questions", "highlight": idea.pk}
    assert reply["data"]["projection"] == expected
    first, second = published(callbacks)
    assert first["type"] == "meeting.changed"
    assert first["public"]["projection"] == expected
    assert first["mod"]["projection"] == expected
    assert second["public"]["projection"] == {**expected, "sort": "supported"}


def test_projection_set_null_clears_and_absent_keeps():
    meeting = make_meeting()
    idea = Idea.objects.create(meeting=meeting, text="Une question ?", kind="question")
    set_projection(meeting, highlight=idea.pk, vote=7)
    set_projection(meeting, contrast="dark")
    meeting.refresh_from_db()
    assert (meeting_payload(meeting)["projection"]["highlight"], meeting.projection["vote"]) == (
        idea.pk,
        7,
    )
    set_projection(meeting, highlight=None)
    meeting.refresh_from_db()
    assert meeting_payload(meeting)["projection"] == {
        **PROJECTION_DEFAULTS,
        "contrast": "dark",
        "vote": 7,
    }


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"view": "tableau"}, "projection.bad_view"),
        ({"sort": "random"}, "projection.bad_sort"),
        ({"contrast": "neon"}, "projection.bad_contrast"),
        ({"vote": 0}, "projection.unknown_vote"),
    ],
)
def test_projection_set_refuses_unknown_values(data, code):
    meeting = make_meeting()
    with pytest.raises(DomainError) as refused:
        set_projection(meeting, **data)
    assert refused.value.code == code


def test_projection_cannot_highlight_a_pending_idea():
    meeting = make_meeting(premoderation=True)
    held = Idea.objects.create(meeting=meeting, text="En attente", state=IdeaState.PENDING)
    with pytest.raises(DomainError) as refused:
        set_projection(meeting, highlight=held.pk)
    assert refused.value.code == "projection.unknown_idea"


def test_projection_set_is_for_facilitators_and_the_projector_sends_nothing():
    meeting = make_meeting()
    person = make_participant(meeting, "Léa")
    for actor, code in (
        (participant_actor(person), "auth.facilitator_only"),
        (Actor(projector=True), "auth.read_only"),
    ):
        with pytest.raises(DomainError) as refused:
            services.projection_set(meeting_id=meeting.pk, actor=actor, client_id=None, view="qr")
        assert refused.value.code == code


def test_actor_for_a_projection_needs_a_facilitator_or_this_meeting_paired():
    meeting = make_meeting()
    other = make_meeting()
    stranger = make_user()
    view = "projection"
    assert actor_for(meeting, user=meeting.owner, view=view) == Actor(projector=True)
    assert actor_for(meeting, paired=meeting.pk, view=view) == Actor(projector=True)
    assert actor_for(meeting, paired=other.pk, view=view) is None
    assert actor_for(meeting, user=stranger, view=view) is None
    assert actor_for(meeting, user=meeting.owner).facilitator  # without the view: the console


def test_projector_snapshot_is_the_public_view():
    meeting = make_meeting(premoderation=True)
    person = make_participant(meeting, "Léa")
    Idea.objects.create(meeting=meeting, author=person, text="Visible")
    Idea.objects.create(meeting=meeting, text="Post-it en attente", state=IdeaState.PENDING)
    Idea.objects.create(meeting=meeting, author=person, text="Masquée", state=IdeaState.HIDDEN)

    snapshot = board_snapshot(meeting.pk, Actor(projector=True))

    assert snapshot["me"] == {"role": "projector"}
    assert [i["text"] for i in snapshot["ideas"]] == ["Visible"]
    assert "mine" not in snapshot["ideas"][0]
    assert snapshot["votes"] == []
    assert "timeline" not in snapshot
    assert snapshot["meeting"]["projection"] == PROJECTION_DEFAULTS


# --- Pages --------------------------------------------------------------------------------------


def test_projection_page_for_the_facilitator_and_not_for_others(client):
    meeting = make_meeting()
    url = reverse("projection", kwargs={"pk": meeting.pk})
    assert client.get(url).url == reverse("projection-pair")  # anonymous: pair first
    client.force_login(make_user())
    assert client.get(url).status_code == 404
    client.force_login(meeting.owner)
    page = client.get(url)
    assert page.status_code == 200
    assert f"/ws/room/{meeting.join_code}/?view=projection" in page.content.decode()
    assert 'class="proj-url-code">' + meeting.join_code in page.content.decode()


def pair_code(client, meeting) -> str:
    client.force_login(meeting.owner)
    reply = client.post(reverse("projection-pair-code", kwargs={"pk": meeting.pk}))
    client.logout()
    assert reply.status_code == 200
    data = reply.json()
    assert data["expires_in"] == 600
    assert re.fullmatch(r"\d{6}", data["code"])
    return data["code"]


def test_pairing_code_pairs_once_then_the_projection_opens(client):
    meeting = make_meeting()
    code = pair_code(client, meeting)

    paired = client.post(reverse("projection-pair"), {"code": code})
    assert paired.url == reverse("projection", kwargs={"pk": meeting.pk})
    assert paired.cookies[PROJECTION_COOKIE]["httponly"]
    assert client.get(paired.url).status_code == 200
    again = client.post(reverse("projection-pair"), {"code": code})  # used once
    assert again.status_code == 400


def test_pairing_code_needs_a_facilitator_and_a_post(client):
    meeting = make_meeting()
    url = reverse("projection-pair-code", kwargs={"pk": meeting.pk})
    client.force_login(make_user())
    assert client.post(url).status_code == 404
    client.force_login(meeting.owner)
    assert client.get(url).status_code == 405


def test_wrong_codes_are_limited_per_address(client):
    meeting = make_meeting()
    code = pair_code(client, meeting)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(10):
        assert client.post(reverse("projection-pair"), {"code": wrong}).status_code == 400
    # Even the right code is refused now, from this address.
    assert client.post(reverse("projection-pair"), {"code": code}).status_code == 429


def test_projection_questionnaire_shows_the_latest_open_one(client):
    meeting = make_meeting()
    url = reverse("projection-questionnaire", kwargs={"pk": meeting.pk})
    client.force_login(meeting.owner)
    assert client.get(url).status_code == 404
    make_questionnaire(meeting, "Votre avis sur la soirée")
    data = client.get(url).json()
    assert data["title"] == "Votre avis sur la soirée"
    assert data["qr"].startswith("data:image/svg+xml;base64,")
    client.logout()
    assert client.get(url).status_code == 404


def test_only_the_projection_may_be_framed_and_only_by_the_site_itself(client):
    """The console previews the projection in a frame; every other page refuses frames."""
    meeting = make_meeting()
    client.force_login(meeting.owner)

    projection = client.get(reverse("projection", kwargs={"pk": meeting.pk}))
    board = client.get(reverse("board", kwargs={"pk": meeting.pk}))

    assert projection["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in projection["Content-Security-Policy"]
    assert board["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in board["Content-Security-Policy"]
