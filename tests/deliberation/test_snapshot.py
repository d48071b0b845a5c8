"""A phone's snapshot: the room's public part read once per room version, and its own things."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation import services
from deliberation.enums import IdeaState
from rooms.models import Meeting
from rooms.snapshot import board_snapshot
from tests.factories import facilitator_actor, make_meeting, make_participant, participant_actor

pytestmark = pytest.mark.django_db


def post(meeting: Meeting, who, text: str) -> int:
    reply = services.idea_submit(
        meeting_id=meeting.pk, actor=participant_actor(who), client_id=None, text=text
    )
    return reply["data"]["idea"]


def snapshot(meeting: Meeting, who) -> dict:
    return board_snapshot(meeting.pk, participant_actor(who))


def test_phones_share_the_public_part_and_keep_their_own_flags():
    meeting = make_meeting()
    lea, karim, ines = (make_participant(meeting, n) for n in ("Léa", "Karim", "Inès"))
    bancs = post(meeting, lea, "Des bancs")
    ombre = post(meeting, karim, "De l'ombre")
    services.idea_support(
        meeting_id=meeting.pk, actor=participant_actor(ines), client_id=None, idea_id=bancs
    )

    with CaptureQueriesContext(connection) as fresh:
        first = snapshot(meeting, lea)
    with CaptureQueriesContext(connection) as shared:
        second = snapshot(meeting, ines)

    def flags(snap):
        return [(i["id"], i["mine"], i["supported"], i["supports"]) for i in snap["ideas"]]

    assert flags(first) == [(bancs, True, False, 1), (ombre, False, False, 0)]
    assert flags(second) == [(bancs, False, True, 1), (ombre, False, False, 0)]
    assert (first["me"]["name"], second["me"]["name"]) == ("Léa", "Inès")
    assert first["version"] == second["version"] == Meeting.objects.get().seq
    # The second phone read the room's row (its version) and its own things (pending ideas,
    # supports); the ideas list, themes, votes and groups came from the first one's read.
    read_again = {
        "deliberation_theme",
        "voting_vote",
        'deliberation_meeting" WHERE "deliberation_meeting"."parent_id',
    }
    assert len(shared.captured_queries) == 3, [q["sql"][:90] for q in shared.captured_queries]
    assert not any(
        f'FROM "{table}"' in q["sql"] for q in shared.captured_queries for table in read_again
    )
    assert len(fresh.captured_queries) > len(shared.captured_queries) + 2


def test_a_change_is_in_the_next_snapshot_at_once():
    meeting = make_meeting()
    lea, karim = make_participant(meeting), make_participant(meeting)
    post(meeting, lea, "Des bancs")
    assert [i["text"] for i in snapshot(meeting, karim)["ideas"]] == ["Des bancs"]

    post(meeting, lea, "Un kiosque")

    assert [i["text"] for i in snapshot(meeting, karim)["ideas"]] == ["Des bancs", "Un kiosque"]


def test_pending_and_hidden_ideas_only_in_their_authors_snapshot_in_order():
    meeting = make_meeting()
    lea, karim = make_participant(meeting), make_participant(meeting)
    first = post(meeting, lea, "Visible d'abord")
    Meeting.objects.filter(pk=meeting.pk).update(premoderation=True)
    meeting.refresh_from_db()
    pending = post(meeting, lea, "En attente")
    Meeting.objects.filter(pk=meeting.pk).update(premoderation=False)
    meeting.refresh_from_db()
    last = post(meeting, karim, "Visible ensuite")

    lea_view = [(i["id"], i["state"]) for i in snapshot(meeting, lea)["ideas"]]
    karim_view = [(i["id"], i["state"]) for i in snapshot(meeting, karim)["ideas"]]
    board = board_snapshot(meeting.pk, facilitator_actor(meeting))["ideas"]

    assert lea_view == [
        (first, IdeaState.VISIBLE),
        (pending, IdeaState.PENDING),
        (last, IdeaState.VISIBLE),
    ]
    assert karim_view == [(first, IdeaState.VISIBLE), (last, IdeaState.VISIBLE)]
    assert [i["id"] for i in board] == [first, pending, last]


def test_public_part_is_reused_however_old_while_the_room_version_holds(monkeypatch):
    import time

    meeting = make_meeting()
    lea, karim = make_participant(meeting), make_participant(meeting)
    post(meeting, lea, "Des bancs")
    first = snapshot(meeting, lea)
    an_hour_later = time.monotonic() + 3600
    monkeypatch.setattr(time, "monotonic", lambda: an_hour_later)

    with CaptureQueriesContext(connection) as later:
        second = snapshot(meeting, karim)

    assert second["version"] == first["version"]
    assert not any('FROM "deliberation_theme"' in q["sql"] for q in later.captured_queries)


def test_a_phone_renamed_from_the_join_page_shows_its_new_name_in_the_next_snapshots():
    from rooms import services as room_services

    meeting = make_meeting()
    lea, karim = make_participant(meeting, "Léa"), make_participant(meeting, "Karim")
    post(meeting, lea, "Des bancs")
    before = snapshot(meeting, karim)  # the public part is cached at this version

    room_services.participant_join(meeting=meeting, device=lea.device, display_name="Léa M.")
    after = snapshot(meeting, karim)

    assert [i["author"] for i in before["ideas"]] == ["Léa"]
    assert [i["author"] for i in after["ideas"]] == ["Léa M."]
    assert after["version"] == before["version"] + 1


def test_an_erased_phone_s_name_leaves_every_screen_and_its_ideas_stay(
    django_capture_on_commit_callbacks,
):
    from privacy.services import erase_participant
    from tests.factories import published

    meeting = make_meeting()
    lea, karim = make_participant(meeting, "Léa"), make_participant(meeting, "Karim")
    bancs = post(meeting, lea, "Des bancs")
    before = snapshot(meeting, karim)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        erase_participant(lea)
    after = snapshot(meeting, karim)

    assert [i["author"] for i in before["ideas"]] == ["Léa"]
    assert [(i["id"], i["author"]) for i in after["ideas"]] == [(bancs, None)]
    (event,) = published(callbacks)
    assert event["type"] == "idea.changed"
    assert event["public"]["author"] is None
    assert event["seq"] == after["version"] == before["version"] + 1


def test_an_idea_a_phone_neither_wrote_nor_supports_is_one_object_for_every_such_phone():
    """A hall of phones joining gets the same ideas: each phone's snapshot makes a new item only
    for its own ideas and those it supports (issue 14: 300 items a phone cost 0.6 ms each join)."""
    meeting = make_meeting()
    lea, karim, ana, bob = (make_participant(meeting, n) for n in ("Léa", "Karim", "Ana", "Bob"))
    bancs = post(meeting, lea, "Des bancs")
    ombre = post(meeting, lea, "De l'ombre")
    services.idea_support(
        meeting_id=meeting.pk, actor=participant_actor(karim), client_id=None, idea_id=bancs
    )

    ana_ideas, bob_ideas, karim_ideas = (
        snapshot(meeting, who)["ideas"] for who in (ana, bob, karim)
    )

    assert [i["id"] for i in ana_ideas] == [bancs, ombre]
    assert all(a is b for a, b in zip(ana_ideas, bob_ideas, strict=True))
    assert karim_ideas[1] is ana_ideas[1]  # l'ombre: Karim neither wrote nor supports it
    assert karim_ideas[0] is not ana_ideas[0]
    assert (karim_ideas[0]["supported"], ana_ideas[0]["supported"]) == (True, False)
    assert not any(i["mine"] or i["supported"] for i in ana_ideas)


def test_the_snapshot_frame_says_what_the_snapshot_holds_its_ideas_encoded_once(monkeypatch):
    """Each public idea's JSON text is made once per room version (not once per phone) and the
    frame built from it parses to exactly the snapshot: flags, own pending ideas, odd text."""
    import json

    from consumers import protocol
    from deliberation import selectors

    meeting = make_meeting(premoderation=True)
    lea, karim = make_participant(meeting, 'Léa "la" 🌳'), make_participant(meeting, "Karim")
    post(meeting, lea, "Une idée en attente")  # pending: only in Léa's snapshot, first
    shown = [post(meeting, lea, 'Des bancs « près » du\nlac </script> \\ "ok"')]
    shown.append(post(meeting, karim, "De l'ombre 🌳"))
    services.ideas_approve(
        meeting_id=meeting.pk, actor=facilitator_actor(meeting), client_id=None, idea_ids=shown
    )
    services.idea_support(
        meeting_id=meeting.pk, actor=participant_actor(karim), client_id=None, idea_id=shown[0]
    )
    made: list[dict] = []
    encode = selectors.encoded_head
    monkeypatch.setattr(selectors, "encoded_head", lambda p: made.append(p) or encode(p))

    snapshots = [snapshot(meeting, who) for who in (lea, karim, lea)]
    frames = [json.loads(protocol.snapshot("s1", 7, snap)) for snap in snapshots]

    assert len(made) == 2  # the two public ideas, once for three snapshots
    for snap, frame in zip(snapshots, frames, strict=True):
        assert frame == {"type": "snapshot", "id": "s1", "online": 7, "data": snap}
    lea_ideas = [
        (i["text"][:8], i["mine"], i["supported"], i["state"]) for i in frames[0]["data"]["ideas"]
    ]
    karim_ideas = [(i["text"][:8], i["mine"], i["supported"]) for i in frames[1]["data"]["ideas"]]
    assert lea_ideas == [
        ("Une idée", True, False, IdeaState.PENDING),
        ("Des banc", True, False, IdeaState.VISIBLE),
        ("De l'omb", False, False, IdeaState.VISIBLE),
    ]
    assert karim_ideas == [("Des banc", False, True), ("De l'omb", True, False)]
    assert frames[0]["data"]["ideas"][1]["text"] == 'Des bancs « près » du\nlac </script> \\ "ok"'
