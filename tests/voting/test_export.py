"""The anonymised ballot export: who may download it, what it holds, and the recount."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import include, path, reverse

import informaction.urls
from rooms.enums import RoomPhase
from tests.factories import facilitator_actor, make_meeting, make_participant, participant_actor
from voting import selectors, services
from voting.export import neutralise
from voting.models import Ballot, Vote

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

# The project's URLs plus the vote exports (the project includes them under "votes/").
urlpatterns = [
    path("votes/", include("voting.urls")),
    *[p for p in informaction.urls.urlpatterns if str(p.pattern) != "votes/"],
]


def create(meeting, method: str, labels: list[str], **kw: Any) -> Vote:
    options = [{"label": label} for label in labels]
    reply = services.vote_create(
        meeting_id=meeting.pk,
        actor=facilitator_actor(meeting),
        client_id=None,
        method=method,
        options=options,
        open_now=True,
        **kw,
    )
    return Vote.objects.get(pk=reply["data"]["vote"])


def cast(meeting, person, vote: Vote, ballot: Any) -> None:
    services.ballot_cast(
        meeting_id=meeting.pk,
        actor=participant_actor(person),
        client_id=None,
        vote_id=vote.pk,
        ballot=ballot,
    )


def close(meeting, vote: Vote, publish: bool = True) -> Vote:
    services.vote_close(
        meeting_id=meeting.pk,
        actor=facilitator_actor(meeting),
        client_id=None,
        vote_id=vote.pk,
        publish=publish,
    )
    vote.refresh_from_db()
    return vote


@pytest.fixture
def schulze_vote():
    """A closed ranked vote with five phones and two paper ballots."""
    meeting = make_meeting(phase=RoomPhase.VOTE)
    vote = create(meeting, "schulze", ["Arbres", "Bancs", "Cinéma"])
    a, b, c = vote.options.values_list("pk", flat=True)
    for ranking in ([a, b, c], [a, c], [b, c, a], [c, b, a], [b, a]):
        cast(meeting, make_participant(meeting), vote, ranking)
    services.paper_count_add(
        meeting_id=meeting.pk,
        actor=facilitator_actor(meeting),
        client_id=None,
        vote_id=vote.pk,
        source="paper",
        ballots=[[c, a, b], [a]],
        note="Urne de l'accueil",
    )
    return meeting, close(meeting, vote)


def download(client, vote: Vote, fmt: str, **params: str):
    return client.get(reverse(f"vote-ballots-{fmt}", kwargs={"pk": vote.pk}), params)


def test_export_json_recomputes_to_the_stored_result(client, schulze_vote, tmp_path):
    meeting, vote = schulze_vote
    client.force_login(meeting.owner)

    response = download(client, vote, "json")
    export = json.loads(response.content)
    saved = tmp_path / "ballots.json"
    saved.write_bytes(response.content)
    out = io.StringIO()
    call_command("vote_recount", str(vote.pk), "--file", str(saved), stdout=out)

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="vote-{vote.pk}-ballots.json"'
    assert export["result"] == vote.cached_results
    assert sorted(map(tuple, export["ballots"])) == sorted(
        map(tuple, Ballot.objects.filter(vote=vote).values_list("content", flat=True))
    )
    assert [(p["source"], len(p["ballots"])) for p in export["paper"]] == [("paper", 2)]
    assert "OK: the recount equals the stored result." in out.getvalue()
    a, b, _c = (str(pk) for pk in vote.options.values_list("pk", flat=True))
    pairwise = export["result"]["tally"]["pairwise"]  # the matrix is part of the result
    assert (pairwise[a][b], pairwise[b][a]) == (4, 3)


def test_export_holds_no_participant_ids_or_times(schulze_vote):
    _meeting, vote = schulze_vote

    export = selectors.anonymised_ballots(vote)

    assert sorted(export) == ["ballots", "format", "paper", "result", "vote"]
    assert all(isinstance(b, list) for b in export["ballots"])  # bare contents
    assert sorted(export["paper"][0]) == ["ballots", "note", "source"]


def test_export_is_shuffled_afresh():
    meeting = make_meeting(phase=RoomPhase.VOTE)
    vote = create(meeting, "dots", ["A", "B"], settings={"max_dots": 40, "max_per_option": 40})
    a = vote.options.values_list("pk", flat=True)[0]
    for dots in range(40):
        cast(meeting, make_participant(meeting), vote, {str(a): dots})
    close(meeting, vote)

    orders = {
        tuple(b.get(str(a), 0) for b in selectors.anonymised_ballots(vote)["ballots"])
        for _ in range(3)
    }

    assert len(orders) == 3  # 40! orders: equal twice only by a (1 in 10^47) accident


def test_recount_without_file_uses_the_database(schulze_vote):
    _meeting, vote = schulze_vote
    out = io.StringIO()

    call_command("vote_recount", str(vote.pk), stdout=out)

    assert "OK: the recount equals the stored result." in out.getvalue()


def test_recount_detects_a_tampered_export(schulze_vote, tmp_path):
    _meeting, vote = schulze_vote
    export = selectors.anonymised_ballots(vote)
    export["ballots"][0] = list(reversed(export["ballots"][0]))
    export["ballots"].append(export["ballots"][0])
    saved = tmp_path / "ballots.json"
    saved.write_text(json.dumps(export), encoding="utf-8")

    with pytest.raises(CommandError, match="MISMATCH"):
        call_command(
            "vote_recount",
            str(vote.pk),
            "--file",
            str(saved),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


def test_recount_of_an_open_vote_refused():
    meeting = make_meeting(phase=RoomPhase.VOTE)
    vote = create(meeting, "approval", ["A", "B"])

    with pytest.raises(CommandError, match="not closed"):
        call_command("vote_recount", str(vote.pk), stdout=io.StringIO())


@pytest.mark.parametrize(
    ("method", "labels", "ballots", "kw"),
    [
        ("dots", ["A", "B", "C"], [{"0": 2}, {"1": 1, "2": 1}], {}),
        ("approval", ["A", "B"], [[0], [0, 1], []], {}),
        ("majority_judgment", ["A", "B"], [{"0": 0, "1": 5}, {"0": 3}], {}),
        ("borda", ["A", "B", "C"], [[2, 0], [0, 1, 2]], {}),
        ("score", ["A", "B"], [{"0": 5, "1": 0}, {"1": 3}], {}),
        ("yes_no", [], ["yes", "no", "yes"], {"title": "On y va ?"}),
    ],
)
def test_recount_matches_for_every_method(method, labels, ballots, kw):
    meeting = make_meeting(phase=RoomPhase.VOTE)
    vote = create(meeting, method, labels, **kw)
    ids = list(vote.options.values_list("pk", flat=True))

    def real(ballot):  # option positions -> option ids
        if isinstance(ballot, dict):
            return {str(ids[int(k)]): v for k, v in ballot.items()}
        if isinstance(ballot, list):
            return [ids[i] for i in ballot]
        return ballot

    for ballot in ballots:
        cast(meeting, make_participant(meeting), vote, real(ballot))
    if method in ("dots", "approval", "yes_no"):
        counts = {"yes": 4} if method == "yes_no" else {str(ids[-1]): 4}
        services.paper_count_add(
            meeting_id=meeting.pk,
            actor=facilitator_actor(meeting),
            client_id=None,
            vote_id=vote.pk,
            source="hands",
            counts=counts,
        )
    close(meeting, vote)
    out = io.StringIO()

    call_command("vote_recount", str(vote.pk), stdout=out)

    assert "OK" in out.getvalue()


# --- CSV ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 6", "'+33 6"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Pistes = vélo", "Pistes = vélo"),
        (-1, -1),
        (3, 3),
    ],
)
def test_neutralise_formula_cells(cell, expected):
    assert neutralise(cell) == expected


def test_export_csv_neutralises_labels_and_notes(client):
    meeting = make_meeting(phase=RoomPhase.VOTE)
    vote = create(meeting, "dots", ["=1+1", "@cmd", "Bancs"])
    a, b, c = vote.options.values_list("pk", flat=True)
    cast(meeting, make_participant(meeting), vote, {str(a): 2, str(c): 1})
    services.paper_count_add(
        meeting_id=meeting.pk,
        actor=facilitator_actor(meeting),
        client_id=None,
        vote_id=vote.pk,
        source="hands",
        counts={str(b): 5},
        note="-2 oublis",
    )
    close(meeting, vote)
    client.force_login(meeting.owner)

    response = download(client, vote, "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows == [
        ["source", "kind", "'=1+1", "'@cmd", "Bancs", "note"],
        ["phone", "ballot", "2", "0", "1", ""],
        ["hands", "total", "0", "5", "0", "'-2 oublis"],
    ]


def test_export_csv_majority_judgment_shows_grade_labels(client):
    meeting = make_meeting(phase=RoomPhase.VOTE)
    vote = create(
        meeting, "majority_judgment", ["A", "B"], settings={"grades": ["Oui", "Bof", "Non"]}
    )
    a, _b = vote.options.values_list("pk", flat=True)
    cast(meeting, make_participant(meeting), vote, {str(a): 1})
    close(meeting, vote)
    client.force_login(meeting.owner)

    rows = list(csv.reader(io.StringIO(download(client, vote, "csv").content.decode())))

    assert rows[1] == ["phone", "ballot", "Bof", "", ""]


# --- who may download --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "publish", "status"),
    [
        ("facilitator", False, 200),
        ("facilitator", True, 200),
        ("code", True, 200),
        ("code", False, 404),  # closed but not published
        ("wrong_code", True, 404),
        ("nobody", True, 404),
        ("participant_cookie_only", True, 404),
    ],
)
def test_export_access(client, who, publish, status):
    meeting = make_meeting(phase=RoomPhase.VOTE)
    vote = create(meeting, "approval", ["A", "B"])
    close(meeting, vote, publish=publish)
    params = {}
    if who == "facilitator":
        client.force_login(meeting.owner)
    elif who == "code":
        params["code"] = meeting.join_code.lower()
    elif who == "wrong_code":
        params["code"] = "ZZZZZZ"
    elif who == "participant_cookie_only":
        make_participant(meeting)

    codes = [download(client, vote, fmt, **params).status_code for fmt in ("json", "csv")]

    assert codes == [status, status]


def test_export_of_an_open_vote_refused_even_to_facilitators(client):
    meeting = make_meeting(phase=RoomPhase.VOTE)
    vote = create(meeting, "approval", ["A", "B"])
    client.force_login(meeting.owner)

    assert download(client, vote, "json").status_code == 409
