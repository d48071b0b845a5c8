"""The group commit of the crowd's commands (rooms/runner.py ``run_batch``): each command applied
once, refused ones dropped alone, and the unit's shared reads and deferred writes (ideas, supports,
stored replies: rooms/sql.py) giving what one command at a time would give."""

from __future__ import annotations

import pytest
from django.test import override_settings

from deliberation import services
from deliberation.models import Idea, Support
from rooms.enums import RoomPhase
from rooms.errors import DomainError
from rooms.models import ClientCommand, Meeting
from rooms.runner import run_batch
from rooms.snapshot import board_snapshot
from tests.factories import facilitator_actor, make_meeting, make_participant, participant_actor

from .test_services import submit

pytestmark = pytest.mark.django_db


def call(meeting: Meeting, service, who, client_id: str | None = None, **kwargs):
    """One call of a batch: `service` as the socket would call it for participant `who`."""
    actor = participant_actor(who)
    return service, {"meeting_id": meeting.pk, "actor": actor, "client_id": client_id, **kwargs}


def test_group_commit_keeps_accepted_commands_and_drops_refused_ones():
    meeting = make_meeting()
    author, fan = make_participant(meeting), make_participant(meeting)
    idea_id = submit(meeting, participant_actor(author))["data"]["idea"]
    seq_before = Meeting.objects.get().seq

    results = run_batch(
        meeting_id=meeting.pk,
        calls=[
            call(meeting, services.idea_support, fan, "a", idea_id=idea_id),
            call(meeting, services.idea_support, fan, "b", idea_id=idea_id),  # twice: refused
            call(meeting, services.idea_support, author, "c", idea_id=idea_id),  # own idea: refused
            call(meeting, services.idea_submit, fan, "d", text="Des toilettes publiques"),
            call(meeting, services.idea_submit, fan, "e", text="   "),  # empty: refused
            call(meeting, services.idea_support, fan, "a", idea_id=idea_id),  # same id: same reply
        ],
    )

    codes = [r.code if isinstance(r, DomainError) else "ok" for r in results]
    assert codes == ["ok", "idea.already_supported", "idea.own_idea", "ok", "idea.empty", "ok"]
    assert results[5] == results[0]
    assert [results[0]["seq"], results[3]["seq"]] == [seq_before + 1, seq_before + 2]
    assert Meeting.objects.get().seq == seq_before + 2
    assert Support.objects.filter(participant=fan).count() == 1
    assert Idea.objects.get(pk=idea_id).support_count == 1
    assert list(Idea.objects.filter(author=fan).values_list("text", flat=True)) == [
        "Des toilettes publiques"
    ]
    assert set(ClientCommand.objects.values_list("client_id", flat=True)) == {"a", "d"}


def test_group_commit_answers_a_retry_from_an_earlier_batch_with_its_stored_reply():
    meeting = make_meeting()
    lea, karim = make_participant(meeting), make_participant(meeting)

    def batch(*people):
        texts = {who: f"Idée de {who.pk}" for who in people}
        calls = [call(meeting, services.idea_submit, who, "m1", text=texts[who]) for who in people]
        return run_batch(meeting_id=meeting.pk, calls=calls)

    (first,) = batch(lea)
    retried, other = batch(lea, karim)  # Léa's phone resends m1; Karim's m1 is his own

    assert retried == first
    assert other["data"]["idea"] != first["data"]["idea"]
    assert Idea.objects.filter(author=lea).count() == 1
    assert Idea.objects.filter(author=karim).count() == 1


@override_settings(IDEA_RATE_LIMIT_PER_MINUTE=3)
def test_group_commit_applies_the_idea_rate_limit_across_earlier_and_batched_ideas():
    meeting = make_meeting()
    lea, karim = make_participant(meeting), make_participant(meeting)
    for n in range(2):
        submit(meeting, participant_actor(lea), f"Avant {n}")

    def idea(who, text):
        kwargs = {"meeting_id": meeting.pk, "actor": participant_actor(who), "client_id": None}
        return services.idea_submit, {**kwargs, "text": text}

    results = run_batch(
        meeting_id=meeting.pk,
        calls=[idea(lea, "Trois"), idea(karim, "Une"), idea(lea, "Quatre"), idea(lea, "Cinq")],
    )

    codes = [r.code if isinstance(r, DomainError) else "ok" for r in results]
    assert codes == ["ok", "ok", "idea.rate_limited", "idea.rate_limited"]
    assert Idea.objects.filter(author=lea).count() == 3
    assert Idea.objects.filter(author=karim).count() == 1


def test_group_commit_counts_supports_given_and_withdrawn_within_one_batch():
    meeting = make_meeting()
    author, ana, ben, cleo = (make_participant(meeting) for _ in range(4))
    first = submit(meeting, participant_actor(author))["data"]["idea"]
    second = submit(meeting, participant_actor(author), "Un kiosque")["data"]["idea"]
    services.idea_support(
        meeting_id=meeting.pk, actor=participant_actor(cleo), client_id=None, idea_id=first
    )

    def support(who, idea_id, on=True):
        kwargs = {"meeting_id": meeting.pk, "actor": participant_actor(who), "client_id": None}
        return services.idea_support, {**kwargs, "idea_id": idea_id, "on": on}

    results = run_batch(
        meeting_id=meeting.pk,
        calls=[
            support(ana, first),
            support(ben, first),
            support(ana, first),  # already, though not written yet
            support(ana, second),
            support(ana, first, on=False),  # withdrawn in the same batch
            support(cleo, first, on=False),  # given before the batch
            support(ben, second),
            support(cleo, second, on=False),  # never given
        ],
    )

    replies = [r.code if isinstance(r, DomainError) else r["data"]["supports"] for r in results]
    assert replies == [2, 3, "idea.already_supported", 1, 2, 1, 2, "idea.not_supported"]
    counts = dict(Idea.objects.values_list("pk", "support_count"))
    assert counts == {first: 1, second: 2}
    assert sorted(Support.objects.values_list("idea_id", "participant_id")) == sorted(
        [(first, ben.pk), (second, ana.pk), (second, ben.pk)]
    )
    board = board_snapshot(meeting.pk, participant_actor(ana))["ideas"]
    assert [(i["id"], i["supports"], i["supported"]) for i in board] == [
        (first, 1, False),
        (second, 2, True),
    ]


def test_run_batch_applies_each_command_once_and_refuses_only_the_bad_ones(
    django_capture_on_commit_callbacks,
):
    meeting = make_meeting()
    lea, karim = make_participant(meeting, "Léa"), make_participant(meeting, "Karim")
    existing = submit(meeting, participant_actor(karim), "Déjà là", client_id="k0")
    idea_id = existing["data"]["idea"]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        results = run_batch(
            meeting_id=meeting.pk,
            calls=[
                call(meeting, services.idea_submit, lea, "l1", text="Première"),
                call(meeting, services.idea_submit, lea, "l2", text=""),
                call(meeting, services.idea_support, lea, "l3", idea_id=idea_id),
                call(meeting, services.idea_support, karim, "k1", idea_id=idea_id),
                call(meeting, services.idea_submit, lea, "l1", text="Première"),
                call(meeting, services.idea_submit, karim, "k0", text="Déjà là"),
            ],
        )

    codes = [r.code if isinstance(r, DomainError) else r["seq"] for r in results]
    assert codes == [2, "idea.empty", 3, "idea.own_idea", 2, 1]
    assert results[4] == results[0]  # the same message twice in one batch: applied once
    assert results[5] == existing  # retried from an earlier transaction: the stored reply
    assert sorted(Idea.objects.values_list("text", flat=True)) == ["Déjà là", "Première"]
    assert Meeting.objects.get().seq == 3
    assert [[e["seq"] for e in cb.events] for cb in callbacks] == [[2, 3]]  # one message
    assert ClientCommand.objects.count() == 3


def test_run_batch_refused_command_leaves_no_partial_write():
    meeting = make_meeting()
    lea = make_participant(meeting)
    idea_id = submit(meeting, participant_actor(make_participant(meeting)), "Une idée")["data"][
        "idea"
    ]
    Meeting.objects.filter(pk=meeting.pk).update(phase=RoomPhase.DRAFT)

    support = call(meeting, services.idea_support, lea, "x", idea_id=idea_id)
    results = run_batch(meeting_id=meeting.pk, calls=[support])

    assert [r.code for r in results] == ["meeting.wrong_phase"]
    assert Support.objects.count() == 0
    assert Meeting.objects.get().seq == 1


def test_group_commit_supports_an_idea_posted_in_the_same_batch_and_sees_merged_supports():
    meeting = make_meeting()
    author, fan, ben = (make_participant(meeting) for _ in range(3))
    target = submit(meeting, participant_actor(author), "Des arbres")["data"]["idea"]
    duplicate = submit(meeting, participant_actor(ben), "Plus d'arbres")["data"]["idea"]
    services.idea_support(
        meeting_id=meeting.pk, actor=participant_actor(fan), client_id=None, idea_id=duplicate
    )
    services.ideas_merge(
        meeting_id=meeting.pk,
        actor=facilitator_actor(meeting),
        client_id=None,
        target_id=target,
        idea_ids=[duplicate],
    )
    posted = duplicate + 1  # the next idea's number, on SQLite and PostgreSQL alike

    results = run_batch(
        meeting_id=meeting.pk,
        calls=[
            call(meeting, services.idea_support, fan, "f1", idea_id=target),  # via the duplicate
            call(meeting, services.idea_support, ben, "b1", idea_id=target),
            call(meeting, services.idea_submit, author, "a1", text="Un abri à vélos"),
            call(meeting, services.idea_support, fan, "f2", idea_id=posted),
            call(meeting, services.idea_support, ben, "b2", idea_id=posted),
            call(meeting, services.idea_support, ben, "b3", idea_id=target, on=False),
        ],
    )

    replies = [r.code if isinstance(r, DomainError) else r["data"] for r in results]
    assert replies == [
        "idea.already_supported",
        {"idea": target, "supports": 2, "supported": True},
        {"idea": posted, "state": "visible"},
        {"idea": posted, "supports": 1, "supported": True},
        {"idea": posted, "supports": 2, "supported": True},
        {"idea": target, "supports": 1, "supported": False},
    ]
    counts = dict(Idea.objects.filter(state="visible").values_list("text", "support_count"))
    assert counts == {"Des arbres": 1, "Un abri à vélos": 2}
    assert Support.objects.filter(idea_id=posted).count() == 2
    board = board_snapshot(meeting.pk, participant_actor(fan))["ideas"]
    assert sorted((i["id"], i["supports"], i["supported"]) for i in board) == [
        (target, 1, True),
        (posted, 2, True),
    ]


def test_a_message_stored_meanwhile_by_its_twin_is_answered_with_the_stored_reply(monkeypatch):
    """The same message sent twice at once: the second finds no stored reply before its
    transaction, then hits the unique index when it stores its own (raised at the end of the
    unit's writes): it answers as the first did, and applies nothing."""
    from rooms import runner

    meeting = make_meeting()
    lea = make_participant(meeting)
    first = submit(meeting, participant_actor(lea), "Un jardin partagé", client_id="m1")
    looked_up = []

    def not_yet_committed(meeting_id, actor, client_id):
        looked_up.append(client_id)
        return None if len(looked_up) == 1 else ClientCommand.objects.get().reply

    monkeypatch.setattr(runner, "_stored_reply", not_yet_committed)
    again = submit(meeting, participant_actor(lea), "Un jardin partagé", client_id="m1")

    assert again == first
    assert looked_up == ["m1", "m1"]
    assert Idea.objects.count() == 1
    assert Meeting.objects.get().seq == first["seq"]
