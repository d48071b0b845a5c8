"""Themes on the board: by hand (create, move, merge, undo, split) and with machine suggestions."""

from __future__ import annotations

import pytest

from deliberation import services
from deliberation.enums import IdeaState
from deliberation.models import Idea, Support, Theme
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


def post(meeting: Meeting, text: str, who=None) -> int:
    person = who or make_participant(meeting)
    reply = services.idea_submit(
        meeting_id=meeting.pk, actor=participant_actor(person), client_id=None, text=text
    )
    return reply["data"]["idea"]


def new_theme(meeting: Meeting, name: str = "", **kw) -> int:
    reply = services.theme_create(
        meeting_id=meeting.pk, actor=facilitator_actor(meeting), client_id=None, name=name, **kw
    )
    return reply["data"]["theme"]


def move(meeting: Meeting, idea_id: int, theme_id: int | None) -> dict:
    return services.ideas_assign(
        meeting_id=meeting.pk,
        actor=facilitator_actor(meeting),
        client_id=None,
        assignments=[(idea_id, theme_id)],
    )


def support(meeting: Meeting, person, idea_id: int) -> dict:
    return services.idea_support(
        meeting_id=meeting.pk, actor=participant_actor(person), client_id=None, idea_id=idea_id
    )


def test_theme_create_from_preset_takes_its_label_and_colour():
    meeting = make_meeting()

    theme = Theme.objects.get(pk=new_theme(meeting, preset="mobilite"))

    assert (theme.name, theme.color, theme.preset_slug) == ("Mobilité", "steelblue", "mobilite")


def test_theme_create_typed_names_get_distinct_colours():
    meeting = make_meeting()

    colours = [Theme.objects.get(pk=new_theme(meeting, n)).color for n in ("A", "B", "C")]

    assert len(set(colours)) == 3


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"name": ""}, "theme.name_empty"),
        ({"name": "x" * 61}, "theme.name_too_long"),
        ({"name": "Vélo", "color": "#ff0000"}, "theme.bad_color"),
        ({"name": "", "preset": "nope"}, "theme.unknown_preset"),
    ],
)
def test_theme_create_bad_input_refused(kwargs, code):
    meeting = make_meeting()

    with pytest.raises(DomainError) as error:
        new_theme(meeting, **kwargs)

    assert error.value.code == code
    assert Theme.objects.count() == 0


def test_theme_commands_refused_to_participants():
    meeting = make_meeting()

    with pytest.raises(DomainError) as error:
        services.theme_create(
            meeting_id=meeting.pk,
            actor=participant_actor(make_participant(meeting)),
            client_id=None,
            name="Pirate",
        )

    assert error.value.code == "auth.facilitator_only"


def test_idea_move_into_theme_and_back_every_screen_sees_it(django_capture_on_commit_callbacks):
    meeting = make_meeting()
    idea_id = post(meeting, "Des pistes cyclables")
    theme_id = new_theme(meeting, "Mobilité")

    with django_capture_on_commit_callbacks() as callbacks:
        move(meeting, idea_id, theme_id)

    public = board_snapshot(meeting.pk, participant_actor(make_participant(meeting)))
    assert [(i["id"], i["theme"]) for i in public["ideas"]] == [(idea_id, theme_id)]
    assert [t["name"] for t in public["themes"]] == ["Mobilité"]
    assert [event["public"]["theme"] for event in published(callbacks)] == [theme_id]
    move(meeting, idea_id, None)
    assert Idea.objects.get(pk=idea_id).theme is None


def test_idea_move_hidden_idea_refused_and_nothing_moves():
    meeting = make_meeting()
    idea_id = post(meeting, "Propos déplacé")
    theme_id = new_theme(meeting, "Divers")
    Idea.objects.filter(pk=idea_id).update(state=IdeaState.HIDDEN)

    with pytest.raises(DomainError) as error:
        move(meeting, idea_id, theme_id)

    assert error.value.code == "idea.wrong_state"
    assert Idea.objects.get(pk=idea_id).theme is None


def test_ideas_assign_is_all_or_nothing():
    meeting = make_meeting()
    first, second = post(meeting, "un"), post(meeting, "deux")
    theme_id = new_theme(meeting, "T")

    with pytest.raises(DomainError):
        services.ideas_assign(
            meeting_id=meeting.pk,
            actor=facilitator_actor(meeting),
            client_id=None,
            assignments=[(first, theme_id), (second, 999999)],
        )

    assert list(Idea.objects.values_list("theme", flat=True)) == [None, None]


def test_theme_delete_sends_its_ideas_back_unsorted_and_keeps_them():
    meeting = make_meeting()
    idea_id = post(meeting, "Un jardin partagé")
    theme_id = new_theme(meeting, "Alimentation")
    move(meeting, idea_id, theme_id)

    reply = services.theme_delete(
        meeting_id=meeting.pk, actor=facilitator_actor(meeting), client_id=None, theme_id=theme_id
    )

    assert reply["data"] == {"theme": theme_id, "ideas": [idea_id]}
    assert list(Idea.objects.values_list("text", "theme")) == [("Un jardin partagé", None)]
    assert reply["seq"] == Meeting.objects.get().seq


def test_ideas_merge_keeps_texts_and_counts_supports_once_per_person():
    meeting = make_meeting()
    a_author, b_author, fan, other = (make_participant(meeting) for _ in range(4))
    target = post(meeting, "plus de pistes cyclables", a_author)
    duplicate = post(meeting, "pistes cyclabe svp", b_author)
    support(meeting, fan, target)
    support(meeting, fan, duplicate)
    support(meeting, other, duplicate)

    services.ideas_merge(
        meeting_id=meeting.pk,
        actor=facilitator_actor(meeting),
        client_id=None,
        target_id=target,
        idea_ids=[duplicate],
    )

    board = board_snapshot(meeting.pk, facilitator_actor(meeting))["ideas"]
    assert [(i["id"], i["supports"]) for i in board] == [(target, 2)]
    assert [m["text"] for m in board[0]["merged"]] == ["pistes cyclabe svp"]
    fan_view = board_snapshot(meeting.pk, participant_actor(other))["ideas"]
    assert [(i["id"], i["supported"]) for i in fan_view] == [(target, True)]
    with pytest.raises(DomainError) as error:
        support(meeting, other, target)
    assert error.value.code == "idea.already_supported"


def test_ideas_unmerge_restores_both_ideas_and_their_counts():
    meeting = make_meeting()
    fan = make_participant(meeting)
    target, duplicate = post(meeting, "bancs à l'ombre"), post(meeting, "des bancs ombragés")
    support(meeting, fan, duplicate)
    actor = facilitator_actor(meeting)
    services.ideas_merge(
        meeting_id=meeting.pk, actor=actor, client_id=None, target_id=target, idea_ids=[duplicate]
    )

    services.ideas_unmerge(meeting_id=meeting.pk, actor=actor, client_id=None, idea_id=duplicate)

    board = board_snapshot(meeting.pk, actor)["ideas"]
    assert [(i["id"], i["supports"], i["merged"]) for i in board] == [
        (target, 0, []),
        (duplicate, 1, []),
    ]
    assert Support.objects.count() == 1


def test_ideas_merge_one_idea_refused():
    meeting = make_meeting()
    only = post(meeting, "seule")

    with pytest.raises(DomainError) as error:
        services.ideas_merge(
            meeting_id=meeting.pk,
            actor=facilitator_actor(meeting),
            client_id=None,
            target_id=only,
            idea_ids=[only],
        )

    assert error.value.code == "idea.merge_needs_two"


def test_theme_split_moves_chosen_ideas_to_a_new_theme():
    meeting = make_meeting()
    theme_id = new_theme(meeting, "Mobilité")
    bike, bus, walk = (post(meeting, t) for t in ("vélo", "bus", "marche"))
    for idea_id in (bike, bus, walk):
        move(meeting, idea_id, theme_id)

    reply = services.theme_split(
        meeting_id=meeting.pk,
        actor=facilitator_actor(meeting),
        client_id=None,
        theme_id=theme_id,
        idea_ids=[bus],
        name="Transports en commun",
    )

    new_id = reply["data"]["theme"]
    assert dict(Idea.objects.values_list("text", "theme")) == {
        "vélo": theme_id,
        "bus": new_id,
        "marche": theme_id,
    }


def test_participant_theme_suggestion_only_when_allowed_and_only_facilitators_see_it(
    django_capture_on_commit_callbacks,
):
    meeting = make_meeting(phase=RoomPhase.CLUSTER)
    Meeting.objects.filter(pk=meeting.pk).update(phase=RoomPhase.COLLECT)
    idea_id = post(meeting, "des vélos")
    Meeting.objects.filter(pk=meeting.pk).update(phase=RoomPhase.CLUSTER)
    theme_id = new_theme(meeting, "Mobilité")
    person = make_participant(meeting)

    def suggest():
        return services.idea_suggest_theme(
            meeting_id=meeting.pk,
            actor=participant_actor(person),
            client_id=None,
            idea_id=idea_id,
            theme_id=theme_id,
        )

    with pytest.raises(DomainError) as error:
        suggest()
    Meeting.objects.filter(pk=meeting.pk).update(allow_theme_suggestions=True)
    with django_capture_on_commit_callbacks() as callbacks:
        suggest()

    assert error.value.code == "theme.suggestions_off"
    (event,) = published(callbacks)
    assert (event["type"], event["public"], event["mod"]) == (
        "theme.suggested",
        None,
        {"idea": idea_id, "suggestions": {str(theme_id): 1}},
    )


# --- machine suggestions ----------------------------------------------------------------------


def test_themes_suggest_proposes_themes_and_learns_from_placed_ideas():
    meeting = make_meeting()
    mobility = new_theme(meeting, preset="mobilite")
    food = new_theme(meeting, preset="alimentation")
    bike = post(meeting, "Des pistes cyclables sécurisées vers le collège")
    market = post(meeting, "Un marché de producteurs locaux le samedi")
    hidden = post(meeting, "un vélo volé, honte à vous")
    Idea.objects.filter(pk=hidden).update(state=IdeaState.HIDDEN)

    result = services.clustering_help(
        meeting_id=meeting.pk, actor=facilitator_actor(meeting), command="themes.suggest"
    )

    proposals = {s["idea"]: s["theme"] for s in result["suggestions"]}
    assert proposals == {bike: mobility, market: food}


def test_themes_suggest_without_themes_says_to_create_some():
    meeting = make_meeting()
    post(meeting, "une idée")

    with pytest.raises(DomainError) as error:
        services.clustering_help(
            meeting_id=meeting.pk, actor=facilitator_actor(meeting), command="themes.suggest"
        )

    assert error.value.code == "theme.none"


def test_find_duplicates_pairs_near_identical_ideas():
    meeting = make_meeting()
    first = post(meeting, "Plus de pistes cyclables")
    second = post(meeting, "plus de pistes cyclables !!")
    post(meeting, "Un concert au parc")

    result = services.clustering_help(
        meeting_id=meeting.pk, actor=facilitator_actor(meeting), command="ideas.find_duplicates"
    )

    assert [(p["a"], p["b"]) for p in result["pairs"]] == [(first, second)]


@pytest.mark.parametrize("texts", [[], ["😀😀"], ["même idée"] * 4])
def test_machine_help_on_odd_boards_does_not_crash(texts):
    meeting = make_meeting()
    for text in texts:
        post(meeting, text)
    new_theme(meeting, preset="mobilite")
    actor = facilitator_actor(meeting)

    outputs = [
        services.clustering_help(meeting_id=meeting.pk, actor=actor, command=c)
        for c in ("themes.suggest", "ideas.find_duplicates", "themes.discover")
    ]

    assert [s["theme"] for s in outputs[0]["suggestions"]] == [None] * len(texts)
    assert len(outputs[1]["pairs"]) == (6 if len(texts) == 4 else 0)


def test_machine_help_refused_to_participants():
    meeting = make_meeting()

    with pytest.raises(DomainError) as error:
        services.clustering_help(
            meeting_id=meeting.pk,
            actor=participant_actor(make_participant(meeting)),
            command="themes.discover",
        )

    assert error.value.code == "auth.facilitator_only"
