"""Worked examples, edge cases and ballot validation for voting/tally.py."""

from __future__ import annotations

import json

import pytest

from voting.tally import (
    DEFAULT_GRADE_SCALE,
    BallotError,
    GradeScale,
    Place,
    majority_value_order,
    mj_reason,
    tally_approval,
    tally_borda,
    tally_dots,
    tally_majority_judgment,
    tally_schulze,
    tally_score,
    tally_yes_no,
    validate_approval_ballot,
    validate_dots_ballot,
    validate_grades_ballot,
    validate_ranked_ballot,
    validate_score_ballot,
    validate_yes_no_ballot,
)

# ---------------------------------------------------------------------------------------------
# Published worked examples
# ---------------------------------------------------------------------------------------------

# Wikipedia, "Schulze method", section "Example" (the 45-voter example also used in Markus
# Schulze, "A new monotonic, clone-independent, reversal symmetric, and Condorcet-consistent
# single-winner election method", Social Choice and Welfare 36 (2011), section 3.1).
SCHULZE_WIKIPEDIA = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]

# Wikipedia, "Tennessee" example used throughout its voting articles: 42 % Memphis voters,
# 26 % Nashville, 15 % Chattanooga, 17 % Knoxville; everyone prefers the closest city.
TENNESSEE = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]
TENNESSEE_PREFERENCES = [
    (42, ["Memphis", "Nashville", "Chattanooga", "Knoxville"]),
    (26, ["Nashville", "Chattanooga", "Knoxville", "Memphis"]),
    (15, ["Chattanooga", "Knoxville", "Nashville", "Memphis"]),
    (17, ["Knoxville", "Chattanooga", "Nashville", "Memphis"]),
]


def expand(groups):
    return [list(ballot) for count, ballot in groups for _ in range(count)]


def test_schulze_wikipedia_example_matrices_and_ranking():
    # Arrange
    ballots = expand(SCHULZE_WIKIPEDIA)

    # Act
    result = tally_schulze(ballots, options=list("ABCDE"))

    # Assert: d[*,*] and p[*,*] tables and the ranking E > A > C > B > D from the article.
    assert result.pairwise == {
        "A": {"A": 0, "B": 20, "C": 26, "D": 30, "E": 22},
        "B": {"A": 25, "B": 0, "C": 16, "D": 33, "E": 18},
        "C": {"A": 19, "B": 29, "C": 0, "D": 17, "E": 24},
        "D": {"A": 15, "B": 12, "C": 28, "D": 0, "E": 14},
        "E": {"A": 23, "B": 27, "C": 21, "D": 31, "E": 0},
    }
    assert result.strongest_paths == {
        "A": {"A": 0, "B": 28, "C": 28, "D": 30, "E": 24},
        "B": {"A": 25, "B": 0, "C": 28, "D": 33, "E": 24},
        "C": {"A": 25, "B": 29, "C": 0, "D": 29, "E": 24},
        "D": {"A": 25, "B": 28, "C": 28, "D": 0, "E": 24},
        "E": {"A": 25, "B": 28, "C": 28, "D": 31, "E": 0},
    }
    assert result.winners == ("E",)
    assert [p.options for p in result.ranking] == [("E",), ("A",), ("C",), ("B",), ("D",)]
    assert result.explanation_en == (
        "“E” beats “A”: 23 voters prefer “E” to “A”, against 22 the other way round."
    )


def test_borda_wikipedia_tennessee_example():
    # Wikipedia, "Borda count", Tennessee example (points n-1 ... 0): Nashville 194,
    # Chattanooga 173, Memphis 126, Knoxville 107.
    ballots = expand(TENNESSEE_PREFERENCES)

    result = tally_borda(ballots, options=TENNESSEE)

    assert result.totals == {"Memphis": 126, "Nashville": 194, "Chattanooga": 173, "Knoxville": 107}
    assert [p.options for p in result.ranking] == [
        ("Nashville",),
        ("Chattanooga",),
        ("Memphis",),
        ("Knoxville",),
    ]


def test_majority_judgment_wikipedia_tennessee_example():
    # Wikipedia, "Majority judgment", section "Example application" (version quoted on the
    # election-methods list, 2011-10-19, and on Electowiki "Majority Judgment"): four grades
    # Excellent / Good / Fair / Poor, each voter grades the cities by distance. Nashville and
    # Chattanooga share the median "Good"; Nashville wins the tie-break.
    scale = GradeScale(
        labels_fr=("Excellent", "Bien", "Passable", "Insuffisant"),
        labels_en=("Excellent", "Good", "Fair", "Poor"),
    )
    ballots = [{city: grade for grade, city in enumerate(p)} for p in expand(TENNESSEE_PREFERENCES)]

    result = tally_majority_judgment(ballots, options=TENNESSEE, scale=scale)

    assert result.merit_profiles == {
        "Memphis": (42, 0, 0, 58),
        "Nashville": (26, 42, 32, 0),
        "Chattanooga": (15, 43, 42, 0),
        "Knoxville": (17, 15, 26, 42),
    }
    assert result.majority_grades == {
        "Memphis": 3,
        "Nashville": 1,
        "Chattanooga": 1,
        "Knoxville": 2,
    }
    assert [p.options for p in result.ranking] == [
        ("Nashville",),
        ("Chattanooga",),
        ("Knoxville",),
        ("Memphis",),
    ]
    assert result.explanation_fr == (
        "« Nashville » passe devant « Chattanooga » : les deux ont la mention majoritaire "
        "« Bien » ; en retirant 16 mentions « Bien » de chacune, la mention majoritaire de "
        "« Nashville » reste « Bien », celle de « Chattanooga » devient « Passable » (« Bien » ou "
        "mieux : 68 votants contre 58)."
    )
    assert result.explanation_en == (
        "“Nashville” ranks ahead of “Chattanooga”: both have the majority grade “Good”; removing "
        "16 “Good” grades from each, the majority grade of “Nashville” stays “Good”, that of "
        "“Chattanooga” becomes “Fair” (“Good” or better: 68 voters versus 58)."
    )
    assert [(t.options, t.rule, t.resolved) for t in result.tie_breaks] == [
        (("Nashville", "Chattanooga"), "mj.majority_value", True)
    ]


# ---------------------------------------------------------------------------------------------
# Majority judgment details
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grades", "expected"),
    [
        ([0], 0),
        ([0, 1], 1),  # even count: the lower (worse) middle grade, not an average
        ([0, 5], 5),
        ([0, 1, 2], 1),
        ([0, 0, 3, 4], 3),
        ([2, 2, 2, 5, 5, 5], 5),
    ],
)
def test_majority_grade_lower_median(grades, expected):
    ballots = [{"x": g} for g in grades]

    result = tally_majority_judgment(ballots, options=["x"])

    assert result.majority_grades == {"x": expected}


def test_majority_judgment_missing_grade_counts_as_worst():
    ballots = [{"a": 0, "b": 0}, {"a": 0}, {"a": 1}]

    result = tally_majority_judgment(ballots, options=["a", "b"])

    assert result.merit_profiles == {"a": (2, 1, 0, 0, 0, 0), "b": (1, 0, 0, 0, 0, 2)}
    assert result.missing == {"a": 0, "b": 2}
    assert result.majority_grades == {"a": 0, "b": 5}


# Hand-computed two-option profiles (grade indexes 0 = Excellent … 5 = À rejeter), the grades
# each voter gave, and the sentences they must produce.
MJ_SENTENCES = {
    # Different majority grades. Mobilité: B B B AB P (median B); Sécurité routière:
    # TB AB AB AB P (median AB).
    "different_medians": (
        [2, 2, 2, 3, 4],
        [1, 3, 3, 3, 4],
        "« Mobilité » a la mention majoritaire « Bien », « Sécurité routière » « Assez bien ».",
        "“Mobilité” has the majority grade “Good”, “Sécurité routière” “Fair”.",
    ),
    # Same majority grade AB (4 voters: the lower middle grade). Remove one AB from each:
    # Mobilité keeps TB B P (median B), Sécurité routière E AB AR (median AB).
    "one_removal_winner_rises": (
        [1, 2, 3, 4],
        [0, 3, 3, 5],
        "« Mobilité » passe devant « Sécurité routière » : les deux ont la mention majoritaire "
        "« Assez bien » ; en retirant une mention « Assez bien » de chacune, la mention "
        "majoritaire de « Mobilité » devient « Bien », celle de « Sécurité routière » reste "
        "« Assez bien » (« Bien » ou mieux : 2 votants contre 1).",
        "“Mobilité” ranks ahead of “Sécurité routière”: both have the majority grade “Fair”; "
        "removing one “Fair” grade from each, the majority grade of “Mobilité” becomes “Good”, "
        "that of “Sécurité routière” stays “Fair” (“Good” or better: 2 voters versus 1).",
    ),
    # Same majority grade B (5 voters). Remove one B: Mobilité E B B P (median B), Sécurité
    # routière E TB AB AB (median AB).
    "one_removal_loser_drops": (
        [0, 2, 2, 2, 4],
        [0, 1, 2, 3, 3],
        "« Mobilité » passe devant « Sécurité routière » : les deux ont la mention majoritaire "
        "« Bien » ; en retirant une mention « Bien » de chacune, la mention majoritaire de "
        "« Mobilité » reste « Bien », celle de « Sécurité routière » devient « Assez bien » "
        "(« Bien » ou mieux : 4 votants contre 3).",
        "“Mobilité” ranks ahead of “Sécurité routière”: both have the majority grade “Good”; "
        "removing one “Good” grade from each, the majority grade of “Mobilité” stays “Good”, "
        "that of “Sécurité routière” becomes “Fair” (“Good” or better: 4 voters versus 3).",
    ),
    # Same majority grade AB (4 voters). Remove one AB: TB B AB and E B P, both median B.
    # Remove one B: TB AB (median AB) and E P (median P).
    "two_different_grades_removed": (
        [1, 2, 3, 3],
        [0, 2, 3, 4],
        "« Mobilité » passe devant « Sécurité routière » : les deux ont la mention majoritaire "
        "« Assez bien » ; en retirant une mention « Assez bien » puis une mention « Bien » de "
        "chacune, la mention majoritaire de « Mobilité » devient « Assez bien », celle de "
        "« Sécurité routière » devient « Passable » (« Assez bien » ou mieux : 4 votants "
        "contre 3).",
        "“Mobilité” ranks ahead of “Sécurité routière”: both have the majority grade “Fair”; "
        "removing one “Fair” grade and then one “Good” grade from each, the majority grade of "
        "“Mobilité” becomes “Fair”, that of “Sécurité routière” becomes “Passable” (“Fair” or "
        "better: 4 voters versus 3).",
    ),
    # Same majority grade B (10 voters), 4 Excellent against 3: three B removed from each
    # before Mobilité's median becomes Excellent (its 4th best grade) and the other's stays B.
    "several_removals_best_grade": (
        [0, 0, 0, 0, 2, 2, 2, 3, 3, 3],
        [0, 0, 0, 2, 2, 2, 2, 2, 3, 3],
        "« Mobilité » passe devant « Sécurité routière » : les deux ont la mention majoritaire "
        "« Bien » ; en retirant 3 mentions « Bien » de chacune, la mention majoritaire de "
        "« Mobilité » devient « Excellent », celle de « Sécurité routière » reste « Bien » "
        "(« Excellent » : 4 votants contre 3).",
        "“Mobilité” ranks ahead of “Sécurité routière”: both have the majority grade “Good”; "
        "removing 3 “Good” grades from each, the majority grade of “Mobilité” becomes "
        "“Excellent”, that of “Sécurité routière” stays “Good” (“Excellent”: 4 voters versus 3).",
    ),
}


@pytest.mark.parametrize("case", sorted(MJ_SENTENCES))
def test_mj_reason_sentence(case):
    mobility, safety, expected_fr, expected_en = MJ_SENTENCES[case]
    ballots = [{"s": s, "m": m} for m, s in zip(mobility, safety, strict=True)]
    labels = {"m": "Mobilité", "s": "Sécurité routière"}

    result = tally_majority_judgment(ballots, options=["s", "m"], labels=labels)

    assert [p.options for p in result.ranking] == [("m",), ("s",)]
    assert (result.explanation_fr, result.explanation_en) == (expected_fr, expected_en)


def test_mj_reason_literal_removal_agrees_with_sentence():
    # "several_removals_best_grade" done by hand: after removing 3 "Bien" from each, the lower
    # medians of the 7 grades left are Excellent (E E E E B AB AB AB... position 3) and Bien.
    mobility = sorted([0, 0, 0, 0, 2, 2, 2, 3, 3, 3])
    safety = sorted([0, 0, 0, 2, 2, 2, 2, 2, 3, 3])
    for grades in (mobility, safety):
        for _ in range(3):
            grades.remove(2)

    assert (mobility[len(mobility) // 2], safety[len(safety) // 2]) == (0, 2)


def test_mj_reason_identical_profiles_sentence():
    fr, en = mj_reason("w", "l", (0, 1, 2, 0, 0, 0), (0, 1, 2, 0, 0, 0), DEFAULT_GRADE_SCALE)

    assert fr == "« w » et « l » restent à égalité : exactement les mêmes mentions."
    assert en == "“w” and “l” remain tied: exactly the same grades."


def test_mj_tie_break_explains_each_step_of_the_group():
    # a, b, c share the majority grade B (3 voters); c is ahead (E at the deciding position),
    # a and b have identical profiles and stay tied.
    ballots = [{"a": 1, "b": 1, "c": 0}, {"a": 2, "b": 2, "c": 2}, {"a": 4, "b": 4, "c": 3}]
    labels = {"a": "Jardins", "b": "Vélo", "c": "Cantine"}

    result = tally_majority_judgment(ballots, options=["a", "b", "c"], labels=labels)

    assert [p.options for p in result.ranking] == [("c",), ("a", "b")]
    (tie,) = result.tie_breaks
    assert (tie.rule, tie.resolved, tie.order) == ("mj.majority_value", False, (("c",), ("a", "b")))
    assert tie.explanation_fr == (
        "« Jardins », « Vélo » et « Cantine » ont la même mention majoritaire « Bien ». "
        "« Cantine » passe devant « Jardins » : les deux ont la mention majoritaire « Bien » ; "
        "en retirant une mention « Bien » de chacune, la mention majoritaire de « Cantine » "
        "devient « Assez bien », celle de « Jardins » devient « Passable » (« Assez bien » ou "
        "mieux : 3 votants contre 2). « Jardins » et « Vélo » restent à égalité : exactement "
        "les mêmes mentions."
    )
    assert tie.explanation_en == (
        "“Jardins”, “Vélo” and “Cantine” share the majority grade “Good”. “Cantine” ranks ahead "
        "of “Jardins”: both have the majority grade “Good”; removing one “Good” grade from each, "
        "the majority grade of “Cantine” becomes “Fair”, that of “Jardins” becomes “Passable” "
        "(“Fair” or better: 3 voters versus 2). “Jardins” and “Vélo” remain tied: exactly the "
        "same grades."
    )
    assert "Balinski" not in tie.explanation_fr + result.explanation_fr


@pytest.mark.parametrize("n", range(0, 12))
def test_majority_value_order_matches_literal_removal(n):
    positions = list(range(n))
    literal = []
    while positions:
        literal.append(positions.pop(len(positions) // 2))

    assert majority_value_order(n) == literal


# ---------------------------------------------------------------------------------------------
# Edge cases for every method: no ballots, one voter, all tied, empty ballot
# ---------------------------------------------------------------------------------------------

OPTIONS = ["a", "b", "c"]
ALL_TIED = (Place(rank=1, options=("a", "b", "c")),)

# method -> (tally function, one ballot, the ranking that single ballot must produce)
TALLIES = {
    "dots": (tally_dots, {"b": 2, "a": 1}, [("b",), ("a",), ("c",)]),
    "approval": (tally_approval, {"b", "a"}, [("a", "b"), ("c",)]),
    "mj": (tally_majority_judgment, {"b": 0, "a": 1}, [("b",), ("a",), ("c",)]),
    "borda": (tally_borda, ["b", "a"], [("b",), ("a",), ("c",)]),
    "schulze": (tally_schulze, ["b", "a"], [("b",), ("a",), ("c",)]),
    "score": (tally_score, {"b": 5, "a": 3}, [("b",), ("a",), ("c",)]),
}


@pytest.mark.parametrize("method", sorted(TALLIES))
def test_tally_no_ballots_all_tied(method):
    func, _, _ = TALLIES[method]

    result = func([], options=OPTIONS)

    assert result.ranking == ALL_TIED
    assert result.ballot_count == 0
    assert (
        result.explanation_fr == "Aucun vote n'a été exprimé : toutes les options sont à égalité."
    )
    json.dumps(result.to_dict())  # JSON-friendly


@pytest.mark.parametrize("method", sorted(TALLIES))
def test_tally_one_voter_follows_that_voter(method):
    func, ballot, expected = TALLIES[method]

    result = func([ballot], options=OPTIONS)

    assert [p.options for p in result.ranking] == expected


@pytest.mark.parametrize(
    ("method", "ballots"),
    [
        ("dots", [{"a": 1}, {"b": 1}, {"c": 1}]),
        ("approval", [{"a", "b", "c"}, set()]),
        ("mj", [{"a": 2, "b": 2, "c": 2}]),
        ("borda", [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]]),
        ("schulze", [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]]),
        ("score", [{"a": 1, "b": 1, "c": 1}]),
    ],
)
def test_tally_all_tied_reports_tie(method, ballots):
    func, _, _ = TALLIES[method]

    result = func(ballots, options=OPTIONS)

    assert result.ranking == ALL_TIED
    assert len(result.tie_breaks) == 1
    assert result.tie_breaks[0].options == ("a", "b", "c")
    assert result.tie_breaks[0].resolved is False


@pytest.mark.parametrize("method", sorted(TALLIES))
def test_tally_empty_ballot_is_counted_but_changes_no_order(method):
    func, ballot, expected = TALLIES[method]
    empty = type(ballot)()

    result = func([ballot, empty], options=OPTIONS)

    assert result.ballot_count == 2
    assert [p.options for p in result.ranking] == expected


def test_dots_extra_totals_reported_separately():
    ballots = [{"a": 2, "b": 1}, {"b": 3}]

    result = tally_dots(ballots, options=OPTIONS, extra_totals={"a": 5})

    assert result.ballot_totals == {"a": 2, "b": 4, "c": 0}
    assert result.extra_totals == {"a": 5, "b": 0, "c": 0}
    assert result.totals == {"a": 7, "b": 4, "c": 0}
    assert result.supporters == {"a": 1, "b": 2, "c": 0}
    assert result.explanation_fr == (
        "« a » l'emporte avec 7 gommettes, contre 4 gommettes pour « b »."
    )


def test_approval_extra_totals_reported_separately():
    result = tally_approval([{"a"}, {"a", "c"}], options=OPTIONS, extra_totals={"c": 3})

    assert result.ballot_totals == {"a": 2, "b": 0, "c": 1}
    assert result.totals == {"a": 2, "b": 0, "c": 4}
    assert [p.options for p in result.ranking] == [("c",), ("a",), ("b",)]


def test_borda_partial_ballot_unranked_share_remaining_points():
    # 4 options, "a" first: a gets 3, the three unranked share 2+1+0 -> 1 each.
    result = tally_borda([["a"]], options=["a", "b", "c", "d"])

    assert result.totals == {"a": 3, "b": 1, "c": 1, "d": 1}


def test_borda_half_points_when_shares_are_not_whole():
    result = tally_borda([["a", "b"]], options=["a", "b", "c", "d"])

    assert result.totals == {"a": 3, "b": 2, "c": 0.5, "d": 0.5}


def test_schulze_unranked_below_ranked_and_equal_to_each_other():
    result = tally_schulze([["a"]], options=["a", "b", "c"])

    assert result.pairwise == {
        "a": {"a": 0, "b": 1, "c": 1},
        "b": {"a": 0, "b": 0, "c": 0},
        "c": {"a": 0, "b": 0, "c": 0},
    }
    assert [p.options for p in result.ranking] == [("a",), ("b", "c")]


def test_schulze_opposition_breaks_equal_support():
    # Schulze (2011) §2.1, winning votes: for equal support, less opposition is stronger.
    # Links a->b (4 to 3), b->c (4 to 2), c->a (4 to 2): every support is 4, so counting support
    # alone (the simplified Wikipedia presentation) gives a three-way tie; by the paper's
    # definition b>a (4:2 path vs 4:3 link), b>c (4:2 vs 4:3 path) and c>a (4:2 vs 4:3 path).
    ballots = [["a"], ["b"], ["a", "b"], ["b", "c"], ["b", "c"], ["c", "a"], ["c", "a"]]

    result = tally_schulze(ballots, options=["a", "b", "c"])

    assert result.pairwise == {
        "a": {"a": 0, "b": 4, "c": 2},
        "b": {"a": 3, "b": 0, "c": 4},
        "c": {"a": 4, "b": 2, "c": 0},
    }
    assert result.strongest_paths == {
        "a": {"a": 0, "b": 4, "c": 4},
        "b": {"a": 4, "b": 0, "c": 4},
        "c": {"a": 4, "b": 4, "c": 0},
    }
    assert result.strongest_paths_opposition == {
        "a": {"a": 0, "b": 3, "c": 3},
        "b": {"a": 2, "b": 0, "c": 2},
        "c": {"a": 2, "b": 3, "c": 0},
    }
    assert [p.options for p in result.ranking] == [("b",), ("c",), ("a",)]
    assert result.explanation_fr == (
        "« b » l'emporte sur « c » : 4 votants préfèrent « b » à « c », contre 2 l'inverse."
    )


@pytest.mark.parametrize(
    ("ballots", "extra", "counts", "percentages", "outcome"),
    [
        ([], None, {"yes": 0, "no": 0, "abstain": 0}, {"yes": None, "no": None}, "tie"),
        (["abstain"], None, {"yes": 0, "no": 0, "abstain": 1}, {"yes": None, "no": None}, "tie"),
        (["yes"], None, {"yes": 1, "no": 0, "abstain": 0}, {"yes": 100.0, "no": 0.0}, "adopted"),
        (["yes", "no"], None, {"yes": 1, "no": 1, "abstain": 0}, {"yes": 50.0, "no": 50.0}, "tie"),
        (
            ["yes", "no", "no", "abstain"],
            {"yes": 1, "abstain": 2},
            {"yes": 2, "no": 2, "abstain": 3},
            {"yes": 50.0, "no": 50.0},
            "tie",
        ),
        (
            ["no", "no", "yes", "abstain"],
            None,
            {"yes": 1, "no": 2, "abstain": 1},
            {"yes": 100 / 3, "no": 200 / 3},
            "rejected",
        ),
    ],
)
def test_yes_no_counts_and_outcome(ballots, extra, counts, percentages, outcome):
    result = tally_yes_no(ballots, extra_counts=extra)

    assert result.counts == counts
    assert result.percentages == percentages
    assert result.outcome == outcome


def test_yes_no_explanation():
    result = tally_yes_no(["yes", "yes", "no", "abstain"])

    assert result.explanation_fr == "Adopté : 2 oui (67 %), 1 non (33 %), 1 abstention."
    assert result.explanation_en == "Adopted: 2 yes (67%), 1 no (33%), 1 abstention."


def test_score_missing_counts_as_min_and_means():
    result = tally_score([{"a": 5, "b": 3}, {"b": 4}], options=["a", "b"])

    assert result.means == {"a": 2.5, "b": 3.5}
    assert result.missing == {"a": 1, "b": 0}
    assert result.distribution["a"] == {0: 1, 1: 0, 2: 0, 3: 0, 4: 0, 5: 1}


def test_labels_used_in_explanations():
    result = tally_approval([{1}, {1, 2}], options=[1, 2], labels={1: "Pistes", 2: "Jardins"})

    assert result.explanation_fr == (
        "« Pistes » l'emporte avec 2 approbations, contre 1 approbation pour « Jardins »."
    )
    assert json.loads(json.dumps(result.to_dict()))["totals"] == {"1": 2, "2": 1}


# ---------------------------------------------------------------------------------------------
# Ballot validation codes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: validate_dots_ballot({"a": 1}, options=[], max_dots=3), "ballot.empty_options"),
        (
            lambda: validate_dots_ballot({"z": 1}, options=OPTIONS, max_dots=3),
            "ballot.unknown_option",
        ),
        (
            lambda: validate_dots_ballot({"a": 2, "b": 2}, options=OPTIONS, max_dots=3),
            "ballot.too_many_dots",
        ),
        (
            lambda: validate_dots_ballot({"a": 3}, options=OPTIONS, max_dots=5, max_per_option=2),
            "ballot.too_many_dots_on_option",
        ),
        (
            lambda: validate_dots_ballot({"a": -1}, options=OPTIONS, max_dots=5),
            "ballot.invalid_dots",
        ),
        (lambda: validate_approval_ballot(["a", "a"], options=OPTIONS), "ballot.duplicate_option"),
        (lambda: validate_approval_ballot({"z"}, options=OPTIONS), "ballot.unknown_option"),
        (lambda: validate_grades_ballot({"a": 6}, options=OPTIONS), "ballot.grade_out_of_scale"),
        (lambda: validate_grades_ballot({"a": -1}, options=OPTIONS), "ballot.grade_out_of_scale"),
        (lambda: validate_ranked_ballot(["a", "b", "a"], options=OPTIONS), "ballot.duplicate_rank"),
        (lambda: validate_ranked_ballot(["z"], options=OPTIONS), "ballot.unknown_option"),
        (lambda: validate_score_ballot({"a": 6}, options=OPTIONS), "ballot.score_out_of_range"),
        (lambda: validate_score_ballot({"a": 2.5}, options=OPTIONS), "ballot.score_out_of_range"),
        (lambda: validate_yes_no_ballot("maybe"), "ballot.invalid_choice"),
        (lambda: tally_dots([{"a": 4}], options=OPTIONS, max_dots=3), "ballot.too_many_dots"),
        (
            lambda: tally_dots([{"a": 2}], options=OPTIONS, max_dots=3, max_per_option=1),
            "ballot.too_many_dots_on_option",
        ),
        (
            lambda: tally_dots([{"a": 1}], options=OPTIONS, extra_totals={"a": -1}),
            "ballot.invalid_count",
        ),
        (lambda: tally_dots([], options=["a", "a"]), "ballot.duplicate_option"),
        (lambda: tally_approval([{"z"}], options=OPTIONS), "ballot.unknown_option"),
        (lambda: tally_approval([["a", "a"]], options=OPTIONS), "ballot.duplicate_option"),
        (lambda: tally_majority_judgment([{"a": 9}], options=OPTIONS), "ballot.grade_out_of_scale"),
        (lambda: tally_borda([["a", "a"]], options=OPTIONS), "ballot.duplicate_rank"),
        (lambda: tally_schulze([["z"]], options=OPTIONS), "ballot.unknown_option"),
        (lambda: tally_schulze([], options=[]), "ballot.empty_options"),
        (lambda: tally_score([{"a": 7}], options=OPTIONS), "ballot.score_out_of_range"),
        (lambda: tally_yes_no(["oui"]), "ballot.invalid_choice"),
        (lambda: tally_yes_no([], extra_counts={"peut-être": 1}), "ballot.invalid_choice"),
    ],
)
def test_ballot_error_codes(call, code):
    with pytest.raises(BallotError) as excinfo:
        call()

    assert excinfo.value.code == code


@pytest.mark.parametrize(
    "call",
    [
        lambda: validate_dots_ballot(
            {"a": 2, "b": 1}, options=OPTIONS, max_dots=3, max_per_option=2
        ),
        lambda: validate_dots_ballot({}, options=OPTIONS, max_dots=3),
        lambda: validate_approval_ballot(set(), options=OPTIONS),
        lambda: validate_grades_ballot({"a": 0, "c": 5}, options=OPTIONS),
        lambda: validate_ranked_ballot([], options=OPTIONS),
        lambda: validate_ranked_ballot(["c", "a", "b"], options=OPTIONS),
        lambda: validate_score_ballot({"a": 0, "b": 5}, options=OPTIONS),
        lambda: validate_yes_no_ballot("abstain"),
    ],
)
def test_ballot_validation_accepts_valid_ballots(call):
    assert call() is None


def test_ballot_error_message_is_french():
    with pytest.raises(BallotError) as excinfo:
        validate_dots_ballot({"a": 2, "b": 2}, options=OPTIONS, max_dots=3)

    assert excinfo.value.message == "Au plus 3 gommette(s) par personne (4 posées)."
