"""Breakout groups: child meetings with their own code and board, spread evenly, brought back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliberation import selectors, services
from deliberation.models import Idea
from rooms import services as room_services
from rooms.enums import RoomPhase
from rooms.errors import DomainError
from rooms.models import Meeting
from rooms.snapshot import board_snapshot
from tests.factories import (
    facilitator_actor,
    make_groups,
    make_meeting,
    make_participant,
    make_user,
    participant_actor,
    published,
)

pytestmark = pytest.mark.django_db


def test_groups_create_named_coloured_with_parent_facilitators():
    helper = make_user()
    plenary = make_meeting(title="Séminaire")
    plenary.facilitators.add(helper)

    groups = make_groups(plenary, 4)

    assert [(g.title, g.group_color) for g in groups] == [
        ("Séminaire — Groupe Bleu", "royalblue"),
        ("Séminaire — Groupe Rouge", "crimson"),
        ("Séminaire — Groupe Vert", "forestgreen"),
        ("Séminaire — Groupe Jaune", "goldenrod"),
    ]
    assert len({g.join_code for g in groups} | {plenary.join_code}) == 5
    assert all(list(g.facilitators.all()) == [helper] for g in groups)
    assert all(g.phase == RoomPhase.COLLECT for g in groups)


def test_groups_create_refuses_too_many_and_nesting():
    plenary = make_meeting()
    (blue,) = make_groups(plenary, 1)

    with pytest.raises(DomainError) as too_many:
        make_groups(plenary, 8)
    with pytest.raises(DomainError) as nested:
        make_groups(blue, 1)

    assert (too_many.value.code, nested.value.code) == ("groups.bad_count", "groups.nested")


def test_spread_evenly_sends_newcomer_to_smallest_group(client):
    plenary = make_meeting()
    blue, red = make_groups(plenary, 2)
    make_participant(blue)

    response = client.get(reverse("group-spread", kwargs={"code": plenary.join_code}))

    assert response.status_code == 302
    assert response["Location"] == reverse("join", kwargs={"code": red.join_code})


def test_bring_back_copies_pinned_proposals_grouped_once(django_capture_on_commit_callbacks):
    plenary = make_meeting()
    blue, red = make_groups(plenary, 2)
    for group, texts in ((blue, ["Un jardin\n- bacs\n- compost", "Non retenue"]), (red, ["Vélos"])):
        person = make_participant(group)
        for text in texts:
            idea = services.idea_submit(
                meeting_id=group.pk, actor=participant_actor(person), client_id=None, text=text
            )["data"]["idea"]
            if text != "Non retenue":
                services.idea_pin(
                    meeting_id=group.pk,
                    actor=facilitator_actor(group),
                    client_id=None,
                    idea_id=idea,
                    pinned=True,
                )
    boss = facilitator_actor(plenary)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.groups_bring_back(meeting_id=plenary.pk, actor=boss, client_id=None)
    again = services.groups_bring_back(meeting_id=plenary.pk, actor=boss, client_id=None)

    copied = Idea.objects.filter(meeting=plenary).order_by("pk")
    assert [(i.text, i.from_group_id) for i in copied] == [
        ("Un jardin\n- bacs\n- compost", blue.pk),
        ("Vélos", red.pk),
    ]
    events = published(callbacks)
    assert [e["public"]["group"]["color"] for e in events] == ["royalblue", "crimson"]
    assert again["data"]["ideas"] == []
    snapshot = board_snapshot(plenary.pk, boss)
    assert [g["color"] for g in snapshot["groups"]] == ["royalblue", "crimson"]


def test_group_proposals_in_minutes_with_bullet_points():
    from deliberation import exporters, minutes

    plenary = make_meeting(title="Séminaire")
    (blue,) = make_groups(plenary, 1)
    idea = Idea.objects.create(
        meeting=blue, text="Un jardin partagé\n- des bacs\n- un composteur", pinned=True
    )
    assert idea.pk

    doc = minutes.compile_minutes(selectors.minutes_source(plenary.pk))
    markdown = exporters.to_markdown(doc).decode().replace("\\", "")

    assert "### Séminaire — Groupe Bleu" in markdown
    assert "- Un jardin partagé *(0 soutien)*\n  - des bacs\n  - un composteur" in markdown


def test_participant_cannot_read_another_groups_hidden_drafts():
    plenary = make_meeting()
    blue, red = make_groups(plenary, 2)
    Meeting.objects.filter(pk=red.pk).update(premoderation=True)
    author = make_participant(red)
    services.idea_submit(
        meeting_id=red.pk, actor=participant_actor(author), client_id=None, text="Brouillon rouge"
    )
    blue_person = make_participant(blue)
    # the same phone also joins the red group: it still sees no pending draft of others
    red_visitor = room_services.participant_join(meeting=red, device=blue_person.device)

    blue_view = board_snapshot(blue.pk, participant_actor(blue_person))
    red_view = board_snapshot(red.pk, participant_actor(red_visitor))

    assert blue_view["ideas"] == []
    assert red_view["ideas"] == []


def test_groups_page_needs_facilitator(client):
    plenary = make_meeting()
    client.force_login(make_user())

    assert client.get(reverse("groups", kwargs={"pk": plenary.pk})).status_code == 404
    assert (
        client.post(reverse("groups", kwargs={"pk": plenary.pk}), {"count": 2}).status_code == 404
    )
    assert Meeting.objects.filter(parent=plenary).count() == 0


def test_groups_page_creates_groups_with_qr(client):
    plenary = make_meeting()
    client.force_login(plenary.owner)

    client.post(reverse("groups", kwargs={"pk": plenary.pk}), {"count": 3})
    page = client.get(reverse("groups", kwargs={"pk": plenary.pk}))

    assert Meeting.objects.filter(parent=plenary).count() == 3
    assert page.content.decode().count("<svg") == 4  # three groups and the "spread evenly" QR
