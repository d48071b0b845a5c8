"""Services without sockets: rules, limits, idempotency and exactly which events go out."""

from __future__ import annotations

import pytest
from django.test import override_settings

from deliberation import services
from deliberation.enums import IdeaState
from deliberation.models import Idea, Support
from rooms import selectors as room_selectors
from rooms import services as room_services
from rooms.enums import RoomPhase
from rooms.errors import DomainError
from rooms.models import ClientCommand, Meeting
from rooms.roles import Actor
from rooms.snapshot import board_snapshot
from tests.factories import (
    facilitator_actor,
    make_meeting,
    make_participant,
    make_user,
    participant_actor,
    published,
)

pytestmark = pytest.mark.django_db


def submit(meeting: Meeting, actor: Actor, text: str = "Plus de bancs", client_id=None, **kw):
    return services.idea_submit(
        meeting_id=meeting.pk, actor=actor, client_id=client_id, text=text, **kw
    )


# --- meetings and joining -------------------------------------------------------------------


def test_meeting_create_join_code_has_no_ambiguous_characters():
    codes = {make_meeting().join_code for _ in range(30)}

    assert len(codes) == 30
    assert all(len(code) == 6 for code in codes)
    assert not {char for code in codes for char in code} & set("O0I1L")


def test_meeting_by_code_ignores_case_spaces_and_dashes():
    meeting = make_meeting()
    typed = meeting.join_code.lower()[:3] + " - " + meeting.join_code.lower()[3:]

    assert room_selectors.meeting_by_code(typed) == meeting


def test_participant_join_same_device_finds_same_participant():
    meeting = make_meeting()

    first = room_services.participant_join(meeting=meeting, device="phone-a", display_name="Léa")
    again = room_services.participant_join(meeting=meeting, device="phone-a", display_name="")

    assert again.pk == first.pk
    assert again.display_name == "Léa"


def test_participant_join_twice_at_once_keeps_one_participant(monkeypatch):
    """Two requests of one phone joining at the same moment: each looked the device up before
    the other created it; the second finds the first's participant and takes its name."""
    meeting = make_meeting()
    first = room_services.participant_join(meeting=meeting, device="phone-a", display_name="Léa")
    monkeypatch.setattr(room_services, "participant_for_device", lambda meeting, device: None)

    again = room_services.participant_join(meeting=meeting, device="phone-a", display_name="Lea")

    assert again.pk == first.pk
    assert list(meeting.participants.values_list("display_name", flat=True)) == ["Lea"]


def test_participant_join_closed_meeting_refuses_new_devices():
    meeting = make_meeting(phase=RoomPhase.CLOSED)

    with pytest.raises(DomainError) as error:
        room_services.participant_join(meeting=meeting, device="late-phone")

    assert error.value.code == "meeting.closed"


# --- submitting ideas ---------------------------------------------------------------------------


def test_idea_submit_stores_idea_and_takes_next_sequence_number(
    django_capture_on_commit_callbacks,
):
    meeting = make_meeting()
    person = make_participant(meeting, "Karim")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reply = submit(meeting, participant_actor(person), "Un marché bio le samedi")

    idea = Idea.objects.get()
    assert reply == {"seq": 1, "data": {"idea": idea.pk, "state": "visible"}}
    assert (idea.text, idea.author, idea.state) == ("Un marché bio le samedi", person, "visible")
    events = published(callbacks)
    assert [(e["seq"], e["type"]) for e in events] == [(1, "idea.changed")]
    assert events[0]["public"]["text"] == "Un marché bio le samedi"
    assert events[0]["public"]["author"] == "Karim"
    assert events[0]["own"] == {"pid": person.pk, "data": {**events[0]["public"], "mine": True}}


def test_idea_submit_stores_every_field_as_the_orm_would(django_capture_on_commit_callbacks):
    meeting = make_meeting()
    author = make_participant(meeting)
    with django_capture_on_commit_callbacks():
        idea_id = submit(meeting, participant_actor(author), "Un  abri vélo", title="Vélo")["data"][
            "idea"
        ]
    reference = Idea.objects.create(
        meeting=meeting, author=author, text="Un  abri vélo", title="Vélo", kind="idea"
    )

    stored = Idea.objects.filter(pk=idea_id).values().get()
    expected = Idea.objects.filter(pk=reference.pk).values().get()
    for row in (stored, expected):
        row.pop("id")
        assert row.pop("created_at") is not None
        assert row.pop("updated_at") is not None
    assert stored == expected
    assert board_snapshot(meeting.pk, participant_actor(author))["ideas"][0]["id"] == (idea_id)


def test_idea_submit_same_client_id_applied_once():
    meeting = make_meeting()
    actor = participant_actor(make_participant(meeting))

    first = submit(meeting, actor, "Une idée", client_id="c1")
    retried = submit(meeting, actor, "Une idée", client_id="c1")

    assert retried == first
    assert Idea.objects.count() == 1
    assert Meeting.objects.get().seq == 1


def test_idea_submit_same_client_id_from_two_participants_are_two_ideas():
    meeting = make_meeting()

    submit(meeting, participant_actor(make_participant(meeting)), "A", client_id="c1")
    submit(meeting, participant_actor(make_participant(meeting)), "B", client_id="c1")

    assert sorted(Idea.objects.values_list("text", flat=True)) == ["A", "B"]


@pytest.mark.parametrize(
    ("text", "title", "code"),
    [
        ("", "", "idea.empty"),
        ("   \n\t ", "", "idea.empty"),
        ("x" * 501, "", "idea.too_long"),
        ("ok", "t" * 81, "idea.title_too_long"),
        (42, "", "idea.invalid"),
    ],
)
def test_idea_submit_bad_text_refused_and_nothing_stored(text, title, code):
    meeting = make_meeting()

    with pytest.raises(DomainError) as error:
        submit(meeting, participant_actor(make_participant(meeting)), text, title=title)

    assert error.value.code == code
    assert Idea.objects.count() == 0
    assert Meeting.objects.get().seq == 0
    assert ClientCommand.objects.count() == 0


def test_idea_submit_500_characters_accepted():
    meeting = make_meeting()

    submit(meeting, participant_actor(make_participant(meeting)), "é" * 500)

    assert len(Idea.objects.get().text) == 500


def test_idea_submit_html_is_stored_as_plain_text():
    meeting = make_meeting()
    text = '<script>alert("x")</script><b>gras</b>'

    submit(meeting, participant_actor(make_participant(meeting)), text)

    assert Idea.objects.get().text == text


def test_idea_submit_control_and_bidi_characters_removed():
    meeting = make_meeting()

    submit(meeting, participant_actor(make_participant(meeting)), "a\x00b\u202ec\x07 ")

    assert Idea.objects.get().text == "abc"


@override_settings(IDEA_RATE_LIMIT_PER_MINUTE=3)
def test_idea_submit_flood_is_rate_limited_and_earlier_ideas_kept():
    meeting = make_meeting()
    actor = participant_actor(make_participant(meeting))
    for n in range(3):
        submit(meeting, actor, f"idée {n}")

    with pytest.raises(DomainError) as error:
        submit(meeting, actor, "une de trop")

    assert error.value.code == "idea.rate_limited"
    assert "3 idées par minute" in error.value.render()
    assert list(Idea.objects.values_list("text", flat=True)) == ["idée 0", "idée 1", "idée 2"]


def test_idea_submit_premoderation_keeps_idea_from_public(django_capture_on_commit_callbacks):
    meeting = make_meeting(premoderation=True)
    person = make_participant(meeting)

    with django_capture_on_commit_callbacks() as callbacks:
        reply = submit(meeting, participant_actor(person), "Idée à modérer")

    assert reply["data"]["state"] == "pending"
    event = published(callbacks)[0]
    assert event["public"] is None
    assert event["mod"]["state"] == "pending"
    assert event["own"]["data"]["state"] == "pending"


def test_idea_submit_hidden_until_reveal_only_author_and_facilitators_see_it(
    django_capture_on_commit_callbacks,
):
    meeting = make_meeting(hidden_until_reveal=True)
    author, other = make_participant(meeting), make_participant(meeting)

    with django_capture_on_commit_callbacks() as callbacks:
        submit(meeting, participant_actor(author), "Secret jusqu'à la révélation")

    assert published(callbacks)[0]["public"] is None
    assert board_snapshot(meeting.pk, participant_actor(other))["ideas"] == []
    assert len(board_snapshot(meeting.pk, participant_actor(author))["ideas"]) == 1
    assert len(board_snapshot(meeting.pk, facilitator_actor(meeting))["ideas"]) == 1


# --- phases and permissions: a truth table ------------------------------------------------------

PARTICIPANT_COMMANDS_BY_PHASE = [
    (RoomPhase.DRAFT, False),
    (RoomPhase.COLLECT, True),
    (RoomPhase.REVIEW, False),
    (RoomPhase.CLOSED, False),
]


@pytest.mark.parametrize(("phase", "allowed"), PARTICIPANT_COMMANDS_BY_PHASE)
def test_idea_submit_allowed_only_while_ideas_are_open(phase, allowed):
    meeting = make_meeting()  # joined while open: nobody new can join a closed meeting
    actor = participant_actor(make_participant(meeting))
    Meeting.objects.filter(pk=meeting.pk).update(phase=phase)

    if allowed:
        submit(meeting, actor)
        assert Idea.objects.count() == 1
    else:
        with pytest.raises(DomainError) as error:
            submit(meeting, actor)
        assert error.value.code == "meeting.wrong_phase"
        assert Idea.objects.count() == 0


@pytest.mark.parametrize(
    ("phase", "allowed"),
    [(RoomPhase.DRAFT, False), (RoomPhase.COLLECT, True), (RoomPhase.REVIEW, True)],
)
def test_idea_support_allowed_while_ideas_open_or_closed(phase, allowed):
    meeting = make_meeting()
    author, fan = make_participant(meeting), make_participant(meeting)
    idea_id = submit(meeting, participant_actor(author))["data"]["idea"]
    Meeting.objects.filter(pk=meeting.pk).update(phase=phase)

    call = lambda: services.idea_support(  # noqa: E731
        meeting_id=meeting.pk, actor=participant_actor(fan), client_id=None, idea_id=idea_id
    )
    if allowed:
        assert call()["data"] == {"idea": idea_id, "supports": 1, "supported": True}
    else:
        with pytest.raises(DomainError) as error:
            call()
        assert error.value.code == "meeting.wrong_phase"


@pytest.mark.parametrize(
    ("actor_kind", "code"),
    [("participant", "auth.facilitator_only"), ("facilitator", None)],
)
@pytest.mark.parametrize("command", ["idea.hide", "idea.approve", "idea.restore"])
def test_idea_moderate_only_facilitators(actor_kind, code, command):
    meeting = make_meeting(premoderation=True)
    author = make_participant(meeting)
    idea_id = submit(meeting, participant_actor(author))["data"]["idea"]
    if command == "idea.restore":
        Idea.objects.filter(pk=idea_id).update(state=IdeaState.HIDDEN)
    actor = facilitator_actor(meeting) if actor_kind == "facilitator" else participant_actor(author)

    def call():
        return services.idea_moderate(
            meeting_id=meeting.pk, actor=actor, client_id=None, command=command, idea_id=idea_id
        )

    if code is None:
        expected = {"idea.hide": "hidden", "idea.approve": "visible", "idea.restore": "visible"}
        assert call()["data"]["state"] == expected[command]
    else:
        before = Idea.objects.get().state
        with pytest.raises(DomainError) as error:
            call()
        assert error.value.code == code
        assert Idea.objects.get().state == before


def test_meeting_advance_walks_the_phases_then_stops():
    meeting = make_meeting(phase=RoomPhase.DRAFT)
    actor = facilitator_actor(meeting)
    seen = []
    for _ in range(7):
        reply = services.meeting_set_phase(meeting_id=meeting.pk, actor=actor, client_id=None)
        seen.append(reply["data"]["phase"])

    with pytest.raises(DomainError) as error:
        services.meeting_set_phase(meeting_id=meeting.pk, actor=actor, client_id=None)

    assert seen == ["collect", "review", "cluster", "vote", "results", "debrief", "closed"]
    assert error.value.code == "meeting.closed"


def test_meeting_set_phase_unknown_phase_refused():
    meeting = make_meeting()

    with pytest.raises(DomainError) as error:
        services.meeting_set_phase(
            meeting_id=meeting.pk, actor=facilitator_actor(meeting), client_id=None, phase="nope"
        )

    assert error.value.code == "meeting.unknown_phase"
    assert Meeting.objects.get().phase == RoomPhase.COLLECT


def test_meeting_set_phase_reopens_closed_meeting():
    meeting = make_meeting(phase=RoomPhase.CLOSED)

    services.meeting_set_phase(
        meeting_id=meeting.pk, actor=facilitator_actor(meeting), client_id=None, phase="collect"
    )

    assert Meeting.objects.get().phase == RoomPhase.COLLECT


def test_is_facilitator_other_user_is_not():
    from rooms.roles import is_facilitator

    meeting = make_meeting()
    helper = make_user()
    stranger = make_user()
    meeting.facilitators.add(helper)

    assert [is_facilitator(u, meeting) for u in (meeting.owner, helper, stranger)] == [
        True,
        True,
        False,
    ]


# --- supports, editing, deleting -----------------------------------------------------------------


def test_idea_events_carry_the_ideas_key_so_frames_keep_only_its_last_count(
    django_capture_on_commit_callbacks,
):
    meeting = make_meeting()
    author, fan = make_participant(meeting), make_participant(meeting)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        idea_id = submit(meeting, participant_actor(author))["data"]["idea"]
        services.idea_support(
            meeting_id=meeting.pk, actor=participant_actor(fan), client_id=None, idea_id=idea_id
        )

    events = published(callbacks)
    assert [(e["type"], e["key"]) for e in events] == [("idea.changed", f"idea:{idea_id}")] * 2
    assert events[1]["public"] == {"id": idea_id, "supports": 1}  # a subset of the idea's view
    assert set(events[1]["public"]) < set(events[0]["public"])


def test_idea_support_once_each_and_never_on_own_idea():
    meeting = make_meeting()
    author, fan = make_participant(meeting), make_participant(meeting)
    idea_id = submit(meeting, participant_actor(author))["data"]["idea"]

    def support(who, on=True):
        return services.idea_support(
            meeting_id=meeting.pk,
            actor=participant_actor(who),
            client_id=None,
            idea_id=idea_id,
            on=on,
        )

    support(fan)
    codes = []
    for who in (fan, author):
        with pytest.raises(DomainError) as error:
            support(who)
        codes.append(error.value.code)
    withdrawn = support(fan, on=False)

    assert codes == ["idea.already_supported", "idea.own_idea"]
    assert withdrawn["data"] == {"idea": idea_id, "supports": 0, "supported": False}
    assert Support.objects.count() == 0


def test_idea_support_event_tells_only_the_supporter_it_is_theirs(
    django_capture_on_commit_callbacks,
):
    meeting = make_meeting()
    author, fan = make_participant(meeting), make_participant(meeting)
    idea_id = submit(meeting, participant_actor(author))["data"]["idea"]

    with django_capture_on_commit_callbacks() as callbacks:
        services.idea_support(
            meeting_id=meeting.pk, actor=participant_actor(fan), client_id="s1", idea_id=idea_id
        )

    event = published(callbacks)[0]
    assert event["public"] == {"id": idea_id, "supports": 1}
    assert event["own"] == {
        "pid": fan.pk,
        "data": {"id": idea_id, "supports": 1, "supported": True},
    }


@pytest.mark.parametrize(
    ("setup", "who"),
    [
        ("hidden", "fan"),
        ("pending", "fan"),
        ("deleted", "fan"),
        ("other_meeting", "fan"),
        ("hidden_until_reveal", "fan"),
        ("not_a_number", "fan"),
    ],
)
def test_idea_support_of_an_idea_one_cannot_see_is_not_found(setup, who):
    meeting = make_meeting(hidden_until_reveal=setup == "hidden_until_reveal")
    author, fan = make_participant(meeting), make_participant(meeting)
    idea_id = submit(meeting, participant_actor(author))["data"]["idea"]
    if setup in ("hidden", "pending", "deleted"):
        Idea.objects.filter(pk=idea_id).update(state=getattr(IdeaState, setup.upper()))
    target_meeting = make_meeting() if setup == "other_meeting" else meeting
    if setup == "other_meeting":
        fan = make_participant(target_meeting)

    with pytest.raises(DomainError) as error:
        services.idea_support(
            meeting_id=target_meeting.pk,
            actor=participant_actor(fan),
            client_id="s1",
            idea_id="12" if setup == "not_a_number" else idea_id,
        )

    assert error.value.code == "idea.not_found"
    assert Support.objects.count() == 0
    assert Idea.objects.get(pk=idea_id).support_count == 0
    assert not ClientCommand.objects.filter(client_id="s1").exists()


def test_idea_unsupport_of_a_support_given_to_a_merged_duplicate():
    meeting = make_meeting()
    fan = make_participant(meeting)
    facilitator = facilitator_actor(meeting)
    target = submit(meeting, participant_actor(make_participant(meeting)))["data"]["idea"]
    duplicate = submit(meeting, participant_actor(make_participant(meeting)))["data"]["idea"]
    services.idea_support(
        meeting_id=meeting.pk, actor=participant_actor(fan), client_id=None, idea_id=duplicate
    )
    services.ideas_merge(
        meeting_id=meeting.pk,
        actor=facilitator,
        client_id=None,
        target_id=target,
        idea_ids=[duplicate],
    )

    reply = services.idea_support(
        meeting_id=meeting.pk,
        actor=participant_actor(fan),
        client_id=None,
        idea_id=target,
        on=False,
    )

    assert reply["data"] == {"idea": target, "supports": 0, "supported": False}
    assert Support.objects.count() == 0
    board = board_snapshot(meeting.pk, facilitator)["ideas"]
    assert [(i["id"], i["supports"]) for i in board] == [(target, 0)]


def test_idea_edit_by_someone_else_refused_and_text_kept():
    meeting = make_meeting()
    author, other = make_participant(meeting), make_participant(meeting)
    idea_id = submit(meeting, participant_actor(author), "Texte d'origine")["data"]["idea"]

    with pytest.raises(DomainError) as error:
        services.idea_edit(
            meeting_id=meeting.pk,
            actor=participant_actor(other),
            client_id=None,
            idea_id=idea_id,
            text="Vandalisme",
        )

    assert error.value.code == "idea.not_author"
    assert Idea.objects.get().text == "Texte d'origine"


def test_idea_delete_by_author_removes_it_for_everyone(django_capture_on_commit_callbacks):
    meeting = make_meeting()
    author = make_participant(meeting)
    idea_id = submit(meeting, participant_actor(author))["data"]["idea"]

    with django_capture_on_commit_callbacks() as callbacks:
        services.idea_delete(
            meeting_id=meeting.pk, actor=participant_actor(author), client_id=None, idea_id=idea_id
        )

    removed = {"id": idea_id, "removed": True}
    event = published(callbacks)[0]
    assert (event["mod"], event["public"], event["own"]["data"]) == (removed, removed, removed)
    assert board_snapshot(meeting.pk, facilitator_actor(meeting))["ideas"] == []


def test_idea_not_found_for_unknown_or_other_meeting_idea():
    meeting, other_meeting = make_meeting(), make_meeting()
    foreign = submit(other_meeting, participant_actor(make_participant(other_meeting)))

    codes = []
    for idea_id in (999999, foreign["data"]["idea"], "3", True):
        with pytest.raises(DomainError) as error:
            services.idea_support(
                meeting_id=meeting.pk,
                actor=participant_actor(make_participant(meeting)),
                client_id=None,
                idea_id=idea_id,
            )
        codes.append(error.value.code)

    assert codes == ["idea.not_found"] * 4


# --- moderation --------------------------------------------------------------------------------


def test_idea_hide_removes_from_public_but_author_sees_it_hidden(
    django_capture_on_commit_callbacks,
):
    meeting = make_meeting()
    author, other = make_participant(meeting), make_participant(meeting)
    idea_id = submit(meeting, participant_actor(author), "Propos déplacé")["data"]["idea"]

    with django_capture_on_commit_callbacks() as callbacks:
        services.idea_moderate(
            meeting_id=meeting.pk,
            actor=facilitator_actor(meeting),
            client_id=None,
            command="idea.hide",
            idea_id=idea_id,
        )

    event = published(callbacks)[0]
    assert event["public"] == {"id": idea_id, "removed": True}
    assert event["own"]["data"]["state"] == "hidden"
    assert board_snapshot(meeting.pk, participant_actor(other))["ideas"] == []
    own_view = board_snapshot(meeting.pk, participant_actor(author))["ideas"]
    assert [(i["id"], i["state"], i["mine"]) for i in own_view] == [(idea_id, "hidden", True)]


def test_idea_add_paper_is_visible_and_marked_as_entered_on_behalf():
    meeting = make_meeting()

    reply = services.idea_add_paper(
        meeting_id=meeting.pk,
        actor=facilitator_actor(meeting),
        client_id="p1",
        text="Post-it : un abri vélo",
    )

    idea = Idea.objects.get(pk=reply["data"]["idea"])
    assert (idea.on_behalf, idea.entered_by_id, idea.author, idea.state) == (
        True,
        meeting.owner_id,
        None,
        IdeaState.VISIBLE,
    )


def test_idea_pin_and_moderate_edit_change_what_everyone_sees():
    meeting = make_meeting()
    idea_id = submit(meeting, participant_actor(make_participant(meeting)), "pistes cyclabe")[
        "data"
    ]["idea"]
    actor = facilitator_actor(meeting)

    services.idea_pin(
        meeting_id=meeting.pk, actor=actor, client_id=None, idea_id=idea_id, pinned=True
    )
    services.idea_moderate_edit(
        meeting_id=meeting.pk, actor=actor, client_id=None, idea_id=idea_id, text="pistes cyclables"
    )

    public = board_snapshot(meeting.pk, participant_actor(make_participant(meeting)))
    assert [(i["text"], i["pinned"]) for i in public["ideas"]] == [("pistes cyclables", True)]


def test_meeting_reveal_shows_ideas_to_everyone(django_capture_on_commit_callbacks):
    meeting = make_meeting(hidden_until_reveal=True)
    author, other = make_participant(meeting), make_participant(meeting)
    submit(meeting, participant_actor(author), "Révélée")

    with django_capture_on_commit_callbacks() as callbacks:
        services.meeting_reveal(
            meeting_id=meeting.pk, actor=facilitator_actor(meeting), client_id=None
        )

    event = published(callbacks)[0]
    assert [i["text"] for i in event["public"]["ideas"]] == ["Révélée"]
    assert "ideas" not in event["mod"]
    assert [i["text"] for i in board_snapshot(meeting.pk, participant_actor(other))["ideas"]] == [
        "Révélée"
    ]


def test_domain_error_message_in_english_when_asked():
    from django.utils import translation

    meeting = make_meeting(phase=RoomPhase.DRAFT)
    with pytest.raises(DomainError) as error:
        submit(meeting, participant_actor(make_participant(meeting)))

    with translation.override("en"):
        english = error.value.render()
    with translation.override("fr"):
        french = error.value.render()

    assert french == "Impossible pendant la phase « Préparation »."
    assert english == "Not possible during the “Preparation” phase."
