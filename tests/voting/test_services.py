"""Vote services without sockets: who may do what, bad input, secrecy, paper counts, freezing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import override_settings

from deliberation.enums import IdeaState
from deliberation.models import Idea
from rooms.enums import RoomPhase
from rooms.errors import DomainError
from rooms.models import Meeting, Participant
from rooms.roles import Actor
from rooms.snapshot import board_snapshot
from tests.factories import (
    facilitator_actor,
    make_meeting,
    make_participant,
    participant_actor,
    published,
)
from voting import selectors, services
from voting.enums import BallotState
from voting.models import Ballot, PaperCount, Vote

pytestmark = pytest.mark.django_db


def create(
    meeting: Meeting,
    method: str = "dots",
    labels: tuple[str, ...] = ("Pistes cyclables", "Bancs", "Ombre"),
    **kw: Any,
) -> Vote:
    kw.setdefault("open_now", True)
    options = kw.pop("options", [{"label": label} for label in labels])
    reply = services.vote_create(
        meeting_id=meeting.pk,
        actor=facilitator_actor(meeting),
        client_id=None,
        method=method,
        options=options,
        **kw,
    )
    return Vote.objects.get(pk=reply["data"]["vote"])


def opt(vote: Vote) -> list[int]:
    return list(vote.options.values_list("pk", flat=True))


def cast(meeting: Meeting, person: Participant, vote: Vote, ballot: Any, client_id=None):
    return services.ballot_cast(
        meeting_id=meeting.pk,
        actor=participant_actor(person),
        client_id=client_id,
        vote_id=vote.pk,
        ballot=ballot,
    )


def facilitate(service, meeting: Meeting, vote: Vote, **kw):
    return service(
        meeting_id=meeting.pk,
        actor=facilitator_actor(meeting),
        client_id=None,
        vote_id=vote.pk,
        **kw,
    )


def dots(vote: Vote, *counts: int) -> dict[str, int]:
    return {str(o): c for o, c in zip(opt(vote), counts, strict=False)}


def all_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value).union(*(all_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(all_keys(v) for v in value))
    return set()


def error_of(call) -> str:
    with pytest.raises(DomainError) as error:
        call()
    return error.value.code


# --- creating a vote ------------------------------------------------------------------------------


def test_vote_create_options_from_ideas_themes_and_free_text(django_capture_on_commit_callbacks):
    meeting = make_meeting(phase=RoomPhase.REVIEW)
    idea = Idea.objects.create(meeting=meeting, text="Des arbres rue Haute", title="Arbres")

    with django_capture_on_commit_callbacks() as callbacks:
        vote = create(
            meeting,
            options=[{"idea": idea.pk}, {"theme": "Mobilité"}, {"label": "Autre chose"}],
            open_now=False,
            title="Que faire en premier ?",
        )

    options = list(vote.options.values_list("label", "idea_id", "theme"))
    assert options == [
        ("Arbres", idea.pk, ""),
        ("Mobilité", None, "Mobilité"),
        ("Autre chose", None, ""),
    ]
    assert (vote.state, vote.settings) == ("draft", {"max_dots": 3, "max_per_option": 3})
    events = published(callbacks)
    assert [(e["type"], e["public"]) for e in events] == [
        ("vote.changed", None)
    ]  # draft: mods only
    assert events[0]["mod"]["options"][0] == {
        "id": opt(vote)[0],
        "label": "Arbres",
        "idea": idea.pk,
        "theme": "",
    }


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"options": []}, "vote.no_options"),
        ({"options": None}, "vote.no_options"),
        ({"method": "lottery"}, "vote.unknown_method"),
        ({"options": [{"label": "A"}, {"label": "a"}]}, "vote.duplicate_option"),
        ({"options": [{"label": "  "}]}, "vote.bad_option"),
        ({"options": ["A"]}, "vote.bad_option"),
        ({"options": [{"idea": 999999}]}, "vote.unknown_idea"),
        ({"options": [{"label": "x" * 201}]}, "vote.option_too_long"),
        ({"options": [{"label": f"o{i}"} for i in range(61)]}, "vote.too_many_options"),
        ({"settings": {"max_dots": 3, "max_per_option": 4}}, "vote.bad_settings"),
        ({"settings": {"max_dots": 0}}, "vote.bad_settings"),
        ({"settings": "beaucoup"}, "vote.bad_settings"),
        ({"method": "score", "settings": {"min_score": 5, "max_score": 5}}, "vote.bad_settings"),
        ({"method": "majority_judgment", "settings": {"grades": ["Bien"]}}, "vote.bad_settings"),
        ({"reveal": "never"}, "vote.bad_settings"),
        ({"method": "yes_no", "title": "Adopter ?"}, "vote.bad_option"),
        ({"method": "yes_no", "options": [], "title": ""}, "vote.title_empty"),
    ],
)
def test_vote_create_bad_input_refused_and_nothing_stored(room, kwargs, code):
    meeting, _people = room
    kwargs = {"method": "dots", "options": [{"label": "A"}], **kwargs}

    assert error_of(lambda: create(meeting, **kwargs)) == code
    assert Vote.objects.count() == 0
    assert Meeting.objects.get().seq == 0


def test_vote_create_idea_of_another_meeting_or_hidden_is_unknown(room):
    meeting, _people = room
    elsewhere = Idea.objects.create(meeting=make_meeting(), text="Ailleurs")
    hidden = Idea.objects.create(meeting=meeting, text="Cachée", state=IdeaState.HIDDEN)

    codes = [
        error_of(lambda i=i: create(meeting, options=[{"idea": i.pk}])) for i in (elsewhere, hidden)
    ]

    assert codes == ["vote.unknown_idea", "vote.unknown_idea"]


def test_vote_create_yes_no_poll_needs_only_a_question(room):
    meeting, (lea, karim, _ines) = room
    vote = create(meeting, method="yes_no", options=[], title="Fermer la rue le dimanche ?")

    cast(meeting, lea, vote, "yes")
    cast(meeting, karim, vote, "abstain")
    facilitate(services.vote_close, meeting, vote)

    vote.refresh_from_db()
    assert vote.cached_results["tally"]["counts"] == {"yes": 1, "no": 0, "abstain": 1}
    assert vote.cached_results["tally"]["outcome"] == "adopted"


# --- who may do what, in which phase and state ----------------------------------------------------

ROLE_PHASE_TABLE = [
    # (role, meeting phase, action, expected error or None)
    ("participant", RoomPhase.VOTE, "cast", None),
    ("participant", RoomPhase.COLLECT, "cast", "meeting.wrong_phase"),
    ("participant", RoomPhase.CLUSTER, "cast", "meeting.wrong_phase"),
    ("participant", RoomPhase.RESULTS, "cast", "meeting.wrong_phase"),
    ("participant", RoomPhase.CLOSED, "cast", "meeting.wrong_phase"),
    ("facilitator", RoomPhase.VOTE, "cast", "auth.not_participant"),
    ("participant", RoomPhase.VOTE, "create", "auth.facilitator_only"),
    ("participant", RoomPhase.VOTE, "close", "auth.facilitator_only"),
    ("participant", RoomPhase.VOTE, "reveal", "auth.facilitator_only"),
    ("participant", RoomPhase.VOTE, "paper", "auth.facilitator_only"),
    ("facilitator", RoomPhase.VOTE, "create", None),
    ("facilitator", RoomPhase.REVIEW, "create", None),
    ("facilitator", RoomPhase.CLOSED, "create", "meeting.closed"),
    ("facilitator", RoomPhase.VOTE, "close", None),
    ("facilitator", RoomPhase.RESULTS, "close", None),
    ("facilitator", RoomPhase.CLOSED, "close", "meeting.closed"),
    ("facilitator", RoomPhase.VOTE, "reveal", "vote.already_revealed"),  # live reveal: shown
    ("facilitator", RoomPhase.VOTE, "paper", None),
]


@pytest.mark.parametrize(("role", "phase", "action", "expected"), ROLE_PHASE_TABLE)
def test_vote_commands_by_role_and_phase(room, role, phase, action, expected):
    meeting, (lea, *_rest) = room
    vote = create(meeting)
    Meeting.objects.filter(pk=meeting.pk).update(phase=phase)
    actor = participant_actor(lea) if role == "participant" else facilitator_actor(meeting)
    common = {"meeting_id": meeting.pk, "actor": actor, "client_id": None}
    calls = {
        "cast": lambda: services.ballot_cast(**common, vote_id=vote.pk, ballot={}),
        "create": lambda: services.vote_create(**common, method="dots", options=[{"label": "A"}]),
        "close": lambda: services.vote_close(**common, vote_id=vote.pk),
        "reveal": lambda: services.vote_reveal(**common, vote_id=vote.pk),
        "paper": lambda: services.paper_count_add(
            **common, vote_id=vote.pk, source="hands", counts={str(opt(vote)[0]): 4}
        ),
    }

    if expected is None:
        assert calls[action]()["seq"] == Meeting.objects.get().seq
    else:
        assert error_of(calls[action]) == expected


def test_vote_open_needs_the_vote_phase_and_no_other_open_vote(room):
    meeting, _people = room
    first = create(meeting)
    draft = create(meeting, open_now=False)
    Meeting.objects.filter(pk=meeting.pk).update(phase=RoomPhase.REVIEW)
    wrong_phase = error_of(lambda: facilitate(services.vote_open, meeting, draft))
    Meeting.objects.filter(pk=meeting.pk).update(phase=RoomPhase.VOTE)
    other_open = error_of(lambda: facilitate(services.vote_open, meeting, draft))
    facilitate(services.vote_close, meeting, first)

    facilitate(services.vote_open, meeting, draft)

    assert (wrong_phase, other_open) == ("meeting.wrong_phase", "vote.another_open")
    assert Vote.objects.get(pk=draft.pk).state == BallotState.OPEN


STATE_TABLE = [
    # (vote state, action, expected error or None)
    ("draft", "open", None),
    ("open", "open", "vote.already_open"),
    ("closed", "open", "vote.closed"),
    ("published", "open", "vote.closed"),
    ("draft", "close", "vote.not_open"),
    ("open", "close", None),
    ("closed", "close", "vote.closed"),
    ("draft", "reveal", "vote.not_open"),
    ("closed", "reveal", None),
    ("published", "reveal", "vote.already_revealed"),
    ("draft", "cast", "vote.not_found"),  # participants never see drafts
    ("open", "cast", None),
    ("closed", "cast", "vote.closed"),
    ("published", "cast", "vote.closed"),
    ("draft", "paper", "vote.not_open"),
    ("closed", "paper", "vote.closed"),
    ("open", "withdraw", "vote.no_ballot"),
    ("closed", "withdraw", "vote.closed"),
]


@pytest.mark.parametrize(("state", "action", "expected"), STATE_TABLE)
def test_vote_commands_by_vote_state(room, state, action, expected):
    meeting, (lea, *_rest) = room
    vote = create(meeting, open_now=state != "draft", reveal="at_close")
    if state in ("closed", "published"):
        facilitate(services.vote_close, meeting, vote, publish=state == "published")
    seq = Meeting.objects.get().seq
    calls = {
        "open": lambda: facilitate(services.vote_open, meeting, vote),
        "close": lambda: facilitate(services.vote_close, meeting, vote),
        "reveal": lambda: facilitate(services.vote_reveal, meeting, vote),
        "paper": lambda: facilitate(
            services.paper_count_add, meeting, vote, source="paper", counts={str(opt(vote)[0]): 1}
        ),
        "cast": lambda: cast(meeting, lea, vote, dots(vote, 1)),
        "withdraw": lambda: services.ballot_withdraw(
            meeting_id=meeting.pk, actor=participant_actor(lea), client_id=None, vote_id=vote.pk
        ),
    }

    if expected is None:
        assert calls[action]()["seq"] == seq + 1
    else:
        assert error_of(calls[action]) == expected
        assert Meeting.objects.get().seq == seq  # nothing else changed


# --- bad ballots: a clear error, not counted, nothing else changes --------------------------------

BAD_BALLOTS = [
    (
        "dots",
        {"max_dots": 3, "max_per_option": 2},
        lambda o: {o[0]: 2, o[1]: 2},
        "ballot.too_many_dots",
    ),
    (
        "dots",
        {"max_dots": 3, "max_per_option": 2},
        lambda o: {o[0]: 3},
        "ballot.too_many_dots_on_option",
    ),
    ("dots", {}, lambda o: {"999999": 1}, "ballot.unknown_option"),
    ("dots", {}, lambda o: {"trois": 1}, "ballot.unknown_option"),
    ("dots", {}, lambda o: {"0" + o[0]: 1}, "ballot.unknown_option"),
    ("dots", {}, lambda o: {o[0]: -1}, "ballot.invalid_dots"),
    ("dots", {}, lambda o: {o[0]: 1.5}, "ballot.invalid_dots"),
    ("dots", {}, lambda o: [o[0]], "ballot.invalid"),
    ("approval", {}, lambda o: [int(o[0]), int(o[0])], "ballot.duplicate_option"),
    ("approval", {}, lambda o: [{"x": 1}], "ballot.unknown_option"),
    ("approval", {}, lambda o: [True], "ballot.unknown_option"),
    ("majority_judgment", {}, lambda o: {o[0]: 6}, "ballot.grade_out_of_scale"),
    (
        "majority_judgment",
        {"grades": ["Oui", "Bof", "Non"]},
        lambda o: {o[0]: 3},
        "ballot.grade_out_of_scale",
    ),
    ("borda", {}, lambda o: [int(o[0]), int(o[1]), int(o[0])], "ballot.duplicate_rank"),
    ("schulze", {}, lambda o: [int(o[0]), 999999], "ballot.unknown_option"),
    ("score", {}, lambda o: {o[0]: 6}, "ballot.score_out_of_range"),
    ("score", {"min_score": 1, "max_score": 3}, lambda o: {o[0]: 0}, "ballot.score_out_of_range"),
]


@pytest.mark.parametrize(("method", "settings", "make_ballot", "code"), BAD_BALLOTS)
def test_ballot_cast_invalid_ballot_not_counted_and_earlier_ballot_kept(
    room, method, settings, make_ballot, code
):
    meeting, (lea, *_rest) = room
    vote = create(meeting, method=method, settings=settings)
    options = [str(o) for o in opt(vote)]
    good = {"dots": {options[0]: 1}, "approval": [int(options[0])]}.get(
        method, [int(options[0])] if method in ("borda", "schulze") else {options[0]: 1}
    )
    cast(meeting, lea, vote, good)
    seq = Meeting.objects.get().seq

    assert error_of(lambda: cast(meeting, lea, vote, make_ballot(options))) == code
    assert list(Ballot.objects.values_list("content", flat=True)) == [good]
    assert Meeting.objects.get().seq == seq


def test_ballot_cast_invalid_yes_no_answer_refused(room):
    meeting, (lea, *_rest) = room
    vote = create(meeting, method="yes_no", options=[], title="D'accord ?")

    codes = [error_of(lambda b=b: cast(meeting, lea, vote, b)) for b in ("oui", ["yes"])]

    assert codes == ["ballot.invalid_choice", "ballot.invalid_choice"]
    assert Ballot.objects.count() == 0


def test_ballot_error_message_is_translatable_with_the_vote_limits(room):
    meeting, (lea, *_rest) = room
    vote = create(meeting, settings={"max_dots": 2})

    with pytest.raises(DomainError) as error:
        cast(meeting, lea, vote, dots(vote, 1, 1, 1))

    assert error.value.render() == "Trop de gommettes : 2 au plus par personne."


def test_ballot_cast_participant_of_another_meeting_does_not_find_the_vote(room):
    meeting, _people = room
    vote = create(meeting)
    other_meeting = make_meeting(phase=RoomPhase.VOTE)
    stranger = make_participant(other_meeting, "Zoé")

    # Through the other meeting (the stranger's own room) and through this one.
    via_own_room = error_of(
        lambda: services.ballot_cast(
            meeting_id=other_meeting.pk,
            actor=participant_actor(stranger),
            client_id=None,
            vote_id=vote.pk,
            ballot=dots(vote, 1),
        )
    )
    via_this_room = error_of(lambda: cast(meeting, stranger, vote, dots(vote, 1)))

    assert (via_own_room, via_this_room) == ("vote.not_found", "vote.not_found")
    assert Ballot.objects.count() == 0


def test_ballot_cast_vote_id_of_wrong_type_is_not_found(room):
    meeting, (lea, *_rest) = room
    create(meeting)

    with pytest.raises(DomainError) as error:
        services.ballot_cast(
            meeting_id=meeting.pk,
            actor=participant_actor(lea),
            client_id=None,
            vote_id="1",
            ballot={},
        )

    assert error.value.code == "vote.not_found"


# --- casting, revising, withdrawing ---------------------------------------------------------------


def test_ballot_cast_revise_replaces_the_ballot(room):
    meeting, (lea, karim, _ines) = room
    vote = create(meeting)

    cast(meeting, lea, vote, dots(vote, 2, 1))
    cast(meeting, karim, vote, dots(vote, 0, 0, 3))
    reply = cast(meeting, lea, vote, dots(vote, 0, 3, 0))

    assert Ballot.objects.filter(vote=vote).count() == 2
    assert reply["data"] == {"vote": vote.pk, "counted": True, "ballot": {str(opt(vote)[1]): 3}}
    assert Ballot.objects.get(participant=lea).content == {str(opt(vote)[1]): 3}
    assert selectors.compute_results(vote)["tally"]["totals"] == dict(
        zip(map(str, opt(vote)), [0, 3, 3], strict=True)
    )


def test_ballot_cast_same_client_id_applied_once(room):
    meeting, (lea, *_rest) = room
    vote = create(meeting)
    seq = Meeting.objects.get().seq

    first = cast(meeting, lea, vote, dots(vote, 1), client_id="b1")
    retried = cast(meeting, lea, vote, dots(vote, 3), client_id="b1")

    assert retried == first
    assert Ballot.objects.get().content == dots(vote, 1)
    assert Meeting.objects.get().seq == seq + 1


def test_ballot_withdraw_removes_the_ballot(room, django_capture_on_commit_callbacks):
    meeting, (lea, *_rest) = room
    vote = create(meeting)
    cast(meeting, lea, vote, dots(vote, 1))

    with django_capture_on_commit_callbacks() as callbacks:
        reply = services.ballot_withdraw(
            meeting_id=meeting.pk, actor=participant_actor(lea), client_id=None, vote_id=vote.pk
        )

    assert reply["data"] == {"vote": vote.pk, "counted": False, "ballot": None}
    assert Ballot.objects.count() == 0
    assert published(callbacks)[0]["own"] == {
        "pid": lea.pk,
        "data": {"id": vote.pk, "my_ballot": None},
    }


def test_ballot_cast_canonical_forms(room):
    meeting, (lea, karim, ines) = room
    approval = create(meeting, method="approval")
    a, b, c = opt(approval)

    counted = cast(meeting, lea, approval, [c, a])["data"]["ballot"]

    assert counted == [a, c]  # option order, not click order


def test_ballot_cast_registered_only_refuses_others(room):
    meeting, (lea, karim, _ines) = room
    vote = create(meeting, registered_only=True)
    services.voter_register(participant=karim, source="ticket")

    refused = error_of(lambda: cast(meeting, lea, vote, dots(vote, 1)))
    cast(meeting, karim, vote, dots(vote, 1))

    assert refused == "vote.registration_required"
    assert list(Ballot.objects.values_list("participant_id", flat=True)) == [karim.pk]
    assert selectors.turnout(vote) == {"ballots": 1, "eligible": 1, "paper": 0}


# --- secrecy --------------------------------------------------------------------------------------


def test_ballot_cast_events_carry_aggregates_and_own_ballot_only_to_voter(
    room, django_capture_on_commit_callbacks
):
    meeting, (lea, karim, _ines) = room
    vote = create(meeting, reveal="at_close")
    cast(meeting, karim, vote, dots(vote, 3))

    with django_capture_on_commit_callbacks() as callbacks:
        cast(meeting, lea, vote, dots(vote, 1, 2))

    (event,) = published(callbacks)
    turnout = {"ballots": 2, "eligible": 3, "paper": 0}
    assert event["public"] == {"id": vote.pk, "turnout": turnout}  # no results before reveal
    assert event["mod"] == {"id": vote.pk, "turnout": turnout}  # at_close: facilitators too
    assert event["own"] == {"pid": lea.pk, "data": {"id": vote.pk, "my_ballot": dots(vote, 1, 2)}}
    everything_shared = json.dumps([event["public"], event["mod"]])
    assert "participant" not in everything_shared
    assert "pid" not in everything_shared


def test_vote_events_never_carry_ballots_or_voters(room, django_capture_on_commit_callbacks):
    meeting, (lea, karim, _ines) = room
    vote = create(meeting)
    cast(meeting, lea, vote, dots(vote, 1))
    cast(meeting, karim, vote, dots(vote, 0, 1))

    with django_capture_on_commit_callbacks() as callbacks:
        facilitate(services.paper_count_add, meeting, vote, source="hands", counts=dots(vote, 5))
        facilitate(services.vote_close, meeting, vote)

    for event in published(callbacks):
        assert event["own"] is None
        for view in (event["mod"], event["public"]):
            assert all_keys(view) & {"participant", "pid", "my_ballot", "device", "name"} == set()
    assert "paper" in published(callbacks)[0]["mod"]
    assert "paper" not in published(callbacks)[0]["public"]


@override_settings(VOTE_LIVE_RESULTS_MAX_BALLOTS=1)
def test_ballot_cast_events_drop_results_above_the_live_limit(
    room, django_capture_on_commit_callbacks
):
    meeting, (lea, karim, _ines) = room
    vote = create(meeting)
    cast(meeting, lea, vote, dots(vote, 1))

    with django_capture_on_commit_callbacks() as callbacks:
        cast(meeting, karim, vote, dots(vote, 1))

    (event,) = published(callbacks)
    assert sorted(event["mod"]) == ["id", "turnout"]
    assert sorted(event["public"]) == ["id", "turnout"]


# Ballot events carry no results (screens ask); a generous sharing delay for a slow machine.
@override_settings(VOTE_LIVE_RESULTS_MAX_BALLOTS=0, VOTE_LIVE_RESULTS_SHARED_SECONDS=60)
def test_vote_results_phones_share_one_recount_facilitators_get_a_fresh_one(room, monkeypatch):
    meeting, (lea, karim, _ines) = room
    vote = create(meeting)
    recounts = []
    real = selectors.compute_results
    monkeypatch.setattr(
        selectors, "compute_results", lambda v, *a: recounts.append(v.pk) or real(v, *a)
    )

    def read(actor):
        return selectors.vote_results_for(meeting_id=meeting.pk, actor=actor, vote_id=vote.pk)

    cast(meeting, lea, vote, dots(vote, 1))
    board = read(facilitator_actor(meeting))
    phone = read(participant_actor(karim))  # nothing changed: the same count
    assert len(recounts) == 1
    cast(meeting, karim, vote, dots(vote, 0, 1))
    shared = read(participant_actor(lea))  # young enough: shared, not recounted
    fresh = read(facilitator_actor(meeting))  # the board always sees the latest ballots
    with override_settings(VOTE_LIVE_RESULTS_SHARED_SECONDS=0):
        cast(meeting, lea, vote, dots(vote, 2))
        recounted = read(participant_actor(karim))

    assert phone == board
    assert shared == board
    assert fresh["turnout"]["ballots"] == 2
    assert fresh["results"]["tally"]["totals"][str(opt(vote)[1])] == 1
    assert recounted["results"]["tally"]["totals"][str(opt(vote)[0])] == 2
    assert len(recounts) == 3


# --- reveal ---------------------------------------------------------------------------------------


def test_results_hidden_until_close_then_published(room, django_capture_on_commit_callbacks):
    meeting, (lea, *_rest) = room
    vote = create(meeting, reveal="at_close")
    cast(meeting, lea, vote, dots(vote, 1))
    hidden = selectors.vote_results_for

    refused = error_of(
        lambda: hidden(meeting_id=meeting.pk, actor=participant_actor(lea), vote_id=vote.pk)
    )
    with django_capture_on_commit_callbacks() as callbacks:
        facilitate(services.vote_close, meeting, vote)

    assert refused == "vote.results_hidden"
    public = published(callbacks)[0]["public"]
    assert (public["state"], public["revealed"]) == ("published", True)
    assert public["results"] == Vote.objects.get().cached_results


def test_vote_close_without_publish_then_reveal(room, django_capture_on_commit_callbacks):
    meeting, (lea, *_rest) = room
    vote = create(meeting)  # live reveal
    cast(meeting, lea, vote, dots(vote, 1))

    with django_capture_on_commit_callbacks() as callbacks:
        facilitate(services.vote_close, meeting, vote, publish=False)
        facilitate(services.vote_reveal, meeting, vote)

    closed, revealed = published(callbacks)
    assert (closed["public"]["state"], closed["public"]["results"]) == ("closed", None)
    assert closed["mod"]["results"] == Vote.objects.get().cached_results
    assert (revealed["public"]["state"], revealed["public"]["results"]) == (
        "published",
        Vote.objects.get().cached_results,
    )


def test_vote_reveal_during_an_at_close_vote_goes_live(room, django_capture_on_commit_callbacks):
    meeting, (lea, karim, _ines) = room
    vote = create(meeting, reveal="at_close")
    facilitate(services.vote_reveal, meeting, vote)

    with django_capture_on_commit_callbacks() as callbacks:
        cast(meeting, karim, vote, dots(vote, 1))

    assert published(callbacks)[0]["public"]["results"]["tally"]["ballot_count"] == 1


# --- paper ballots and show of hands --------------------------------------------------------------


def test_paper_counts_reported_apart_from_phones(room):
    meeting, (lea, karim, _ines) = room
    vote = create(meeting)
    cast(meeting, lea, vote, dots(vote, 2, 1))
    cast(meeting, karim, vote, dots(vote, 0, 0, 3))
    facilitate(
        services.paper_count_add,
        meeting,
        vote,
        source="paper",
        counts=dots(vote, 4),
        note="Table 2",
    )
    facilitate(services.paper_count_add, meeting, vote, source="hands", counts=dots(vote, 0, 7))

    facilitate(services.vote_close, meeting, vote)

    result = Vote.objects.get().cached_results
    keys = list(map(str, opt(vote)))
    assert result["tally"]["ballot_totals"] == dict(zip(keys, [2, 1, 3], strict=True))
    assert result["tally"]["extra_totals"] == dict(zip(keys, [4, 7, 0], strict=True))
    assert result["tally"]["totals"] == dict(zip(keys, [6, 8, 3], strict=True))
    assert result["sources"] == {
        "phones": 2,
        "paper_ballots": 0,
        "paper": {keys[0]: 4},
        "hands": {keys[0]: 0, keys[1]: 7},
    }


def test_paper_ballots_for_majority_judgment_reported_apart(room):
    meeting, (lea, *_rest) = room
    vote = create(meeting, method="majority_judgment", labels=("A", "B"))
    a, b = map(str, opt(vote))
    cast(meeting, lea, vote, {a: 0, b: 5})

    facilitate(
        services.paper_count_add,
        meeting,
        vote,
        source="paper",
        ballots=[{a: 5, b: 0}, {a: 5, b: 1}],
    )
    result = selectors.compute_results(vote)

    assert result["sources"]["paper_ballots"] == 2
    assert result["tally"]["ballot_count"] == 3
    assert result["phones_only"]["ballot_count"] == 1
    assert result["tally"]["ranking"][0] == {"rank": 1, "options": [int(b)]}
    assert result["phones_only"]["ranking"][0] == {"rank": 1, "options": [int(a)]}


@pytest.mark.parametrize(
    ("method", "kwargs", "code"),
    [
        ("dots", {"source": "urn", "counts": {}}, "vote.bad_paper"),
        ("dots", {"source": "hands", "counts": {"999999": 3}}, "ballot.unknown_option"),
        ("dots", {"source": "hands", "counts": {"KEY": -1}}, "ballot.invalid_count"),
        ("dots", {"source": "paper", "ballots": [{}]}, "vote.bad_paper"),
        ("yes_no", {"source": "hands", "counts": {"peut-être": 2}}, "ballot.invalid_choice"),
        ("borda", {"source": "hands", "counts": {"KEY": 2}}, "vote.paper_not_supported"),
        ("borda", {"source": "paper", "ballots": []}, "vote.bad_paper"),
        ("borda", {"source": "paper", "ballots": [["OPT", "OPT"]]}, "ballot.duplicate_rank"),
    ],
)
def test_paper_count_bad_input_refused(room, method, kwargs, code):
    meeting, _people = room
    extra = {"options": [], "title": "D'accord ?"} if method == "yes_no" else {}
    vote = create(meeting, method=method, **extra)
    first = opt(vote)[0] if method != "yes_no" else 0
    text = json.dumps(kwargs).replace('"KEY"', f'"{first}"').replace('"OPT"', str(first))
    swap = json.loads(text)

    assert error_of(lambda: facilitate(services.paper_count_add, meeting, vote, **swap)) == code
    assert PaperCount.objects.count() == 0


def test_paper_count_remove_a_mistyped_entry(room):
    meeting, _people = room
    vote = create(meeting)
    reply = facilitate(
        services.paper_count_add, meeting, vote, source="hands", counts=dots(vote, 9)
    )

    facilitate(services.paper_count_remove, meeting, vote, paper_id=reply["data"]["paper"])

    assert PaperCount.objects.count() == 0
    assert selectors.compute_results(vote)["sources"]["hands"] is None


# --- freezing -------------------------------------------------------------------------------------


def test_vote_close_freezes_the_result(room):
    meeting, (lea, karim, _ines) = room
    vote = create(meeting, method="borda")
    a, b, c = opt(vote)
    cast(meeting, lea, vote, [a, b, c])
    cast(meeting, karim, vote, [b, a])

    facilitate(services.vote_close, meeting, vote)
    frozen = Vote.objects.get().cached_results
    Ballot.objects.filter(participant=karim).update(content=[c, b, a])  # tampering afterwards

    vote.refresh_from_db()
    assert selectors.results(vote) == frozen
    assert frozen["tally"]["totals"] == {str(a): 3, str(b): 3, str(c): 0}
    assert frozen["tally"]["ranking"] == [
        {"rank": 1, "options": [a, b]},
        {"rank": 3, "options": [c]},
    ]
    assert frozen["tally"]["tie_breaks"][0]["rule"] == "borda.tie_unbroken"
    assert error_of(lambda: cast(meeting, lea, vote, [c])) == "vote.closed"


def test_every_method_closes_with_a_result_and_an_explanation(room):
    meeting, (lea, karim, ines) = room
    ballots = {
        "dots": lambda o: {o[0]: 2, o[1]: 1},
        "approval": lambda o: [int(o[0]), int(o[2])],
        "majority_judgment": lambda o: {o[0]: 1, o[1]: 3, o[2]: 0},
        "borda": lambda o: [int(o[2]), int(o[0])],
        "schulze": lambda o: [int(o[1]), int(o[0]), int(o[2])],
        "score": lambda o: {o[0]: 5, o[1]: 2},
    }
    explanations = {}
    for method, make in ballots.items():
        vote = create(meeting, method=method)
        options = list(map(str, opt(vote)))
        for person in (lea, karim, ines):
            cast(meeting, person, vote, make(options))
        facilitate(services.vote_close, meeting, vote)
        vote.refresh_from_db()
        explanations[method] = vote.cached_results["tally"]["explanation_fr"]

    assert all(explanations.values())
    assert sorted(explanations) == sorted(ballots)


# --- snapshot -------------------------------------------------------------------------------------


def test_snapshot_votes_show_own_ballot_only_and_hide_drafts(room):
    meeting, (lea, karim, _ines) = room
    vote = create(meeting, reveal="at_close")
    create(meeting, open_now=False, labels=("X", "Y"))  # a draft
    cast(meeting, lea, vote, dots(vote, 1))

    def votes(actor: Actor) -> list[dict]:
        return board_snapshot(meeting.pk, actor)["votes"]

    for_lea, for_karim = votes(participant_actor(lea)), votes(participant_actor(karim))
    for_board = votes(facilitator_actor(meeting))

    assert [(v["id"], v["my_ballot"], v["results"]) for v in for_lea] == [
        (vote.pk, dots(vote, 1), None)
    ]
    assert [(v["id"], v["my_ballot"], v["may_vote"]) for v in for_karim] == [(vote.pk, None, True)]
    assert [v["state"] for v in for_board] == ["open", "draft"]
    assert for_board[0]["results"] is None  # at_close: turnout only until the close
    assert for_board[0]["turnout"] == {"ballots": 1, "eligible": 3, "paper": 0}
    assert "my_ballot" not in for_board[0]
