"""Property-based tests (hypothesis): every tally against a naive recount or a known theorem."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.voting import reference
from voting.tally import (
    YES_NO_CHOICES,
    GradeScale,
    tally_approval,
    tally_borda,
    tally_dots,
    tally_majority_judgment,
    tally_schulze,
    tally_score,
    tally_yes_no,
    validate_dots_ballot,
    validate_ranked_ballot,
)

option_lists = st.integers(min_value=1, max_value=6).map(lambda m: [f"o{i}" for i in range(m)])


@st.composite
def dots_elections(draw):
    options = draw(option_lists)
    per_option = draw(st.integers(1, 3))
    ballots = draw(
        st.lists(st.dictionaries(st.sampled_from(options), st.integers(0, per_option)), max_size=30)
    )
    extra = draw(st.dictionaries(st.sampled_from(options), st.integers(0, 20)))
    return options, per_option, ballots, extra


@st.composite
def approval_elections(draw):
    options = draw(option_lists)
    ballots = draw(st.lists(st.frozensets(st.sampled_from(options)), max_size=30))
    extra = draw(st.dictionaries(st.sampled_from(options), st.integers(0, 20)))
    return options, ballots, extra


@st.composite
def ranked_elections(draw, complete=False, max_voters=25):
    options = draw(option_lists)
    n = draw(st.integers(0, max_voters))
    ballots = []
    for _ in range(n):
        order = draw(st.permutations(options))
        k = len(options) if complete else draw(st.integers(0, len(options)))
        ballots.append(list(order[:k]))
    return options, ballots


@st.composite
def graded_elections(draw, complete=False):
    options = draw(option_lists)
    size = draw(st.integers(2, 7))
    grades = st.integers(0, size - 1)
    if complete:
        ballot = st.fixed_dictionaries({o: grades for o in options})
    else:
        ballot = st.dictionaries(st.sampled_from(options), grades)
    ballots = draw(st.lists(ballot, max_size=25))
    scale = GradeScale(tuple(f"g{i}" for i in range(size)))
    return options, scale, ballots


def assert_ranking_well_formed(result, key):
    """Every option exactly once, competition ranks, groups ordered by ``key`` (smaller = better)
    and holding exactly the options with equal key."""
    flat = [o for place in result.ranking for o in place.options]
    assert sorted(flat) == sorted(result.options)
    rank = 1
    for place in result.ranking:
        assert place.rank == rank
        rank += len(place.options)
        assert len({key(o) for o in place.options}) == 1
    keys = [key(place.options[0]) for place in result.ranking]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


# --- dots --------------------------------------------------------------------------------------


@given(dots_elections())
def test_dots_totals_equal_naive_recount(election):
    options, per_option, ballots, extra = election

    result = tally_dots(ballots, options=options, max_per_option=per_option, extra_totals=extra)

    recount = reference.dots_totals(ballots, options)
    assert result.ballot_totals == recount
    assert result.totals == {o: recount[o] + extra.get(o, 0) for o in options}
    assert result.supporters == {o: sum(1 for b in ballots if b.get(o)) for o in options}
    assert_ranking_well_formed(result, lambda o: -result.totals[o])


@given(dots_elections(), st.integers(0, 12))
def test_dots_tally_and_validator_agree_on_limits(election, max_dots):
    options, per_option, ballots, _ = election
    valid = True
    try:
        for b in ballots:
            validate_dots_ballot(b, options=options, max_dots=max_dots, max_per_option=per_option)
    except Exception:
        valid = False

    try:
        tally_dots(ballots, options=options, max_dots=max_dots, max_per_option=per_option)
        tallied = True
    except Exception:
        tallied = False

    assert tallied == valid


# --- approval ----------------------------------------------------------------------------------


@given(approval_elections(), st.randoms(use_true_random=False))
def test_approval_totals_equal_naive_recount_in_any_ballot_order(election, rnd):
    options, ballots, extra = election
    shuffled = list(ballots)
    rnd.shuffle(shuffled)

    result = tally_approval(ballots, options=options, extra_totals=extra)
    again = tally_approval(shuffled, options=options, extra_totals=extra)

    recount = reference.approval_totals(ballots, options)
    assert result.ballot_totals == recount
    assert result.totals == {o: recount[o] + extra.get(o, 0) for o in options}
    assert again == result
    assert_ranking_well_formed(result, lambda o: -result.totals[o])


# --- majority judgment -------------------------------------------------------------------------


@given(graded_elections())
def test_mj_majority_grade_is_the_lower_median(election):
    options, scale, ballots = election
    assume(ballots)
    n = len(ballots)

    result = tally_majority_judgment(ballots, options=options, scale=scale)

    for o, grades in reference.mj_grades(ballots, options, scale.size - 1).items():
        g = result.majority_grades[o]
        # More than half give g or better, and at least half give g or worse; g is the only
        # grade with both properties.
        matching = [
            h
            for h in range(scale.size)
            if 2 * sum(x <= h for x in grades) > n and 2 * sum(x >= h for x in grades) >= n
        ]
        assert matching == [g]


@given(graded_elections())
def test_mj_ranking_equals_literal_iterative_removal(election):
    options, scale, ballots = election

    result = tally_majority_judgment(ballots, options=options, scale=scale)

    grades = reference.mj_grades(ballots, options, scale.size - 1)
    values = {o: reference.majority_value(g) for o, g in grades.items()}
    assert_ranking_well_formed(result, values.__getitem__)
    assert result.merit_profiles == {
        o: tuple(g.count(i) for i in range(scale.size)) for o, g in grades.items()
    }


@given(graded_elections())
def test_mj_gauge_agrees_with_ranking(election):
    # Balinski & Laraki: with equal majority grades, "+" (more above than below) beats "-";
    # among "+" the larger share above wins; among "-" the larger share below loses.
    options, scale, ballots = election
    assume(ballots)

    result = tally_majority_judgment(ballots, options=options, scale=scale)

    position = {o: i for i, p in enumerate(result.ranking) for o in p.options}

    def gauge_key(o):
        g = result.gauges[o]
        tail = -g["better"] if g["sign"] == "+" else g["worse"]
        return (result.majority_grades[o], 0 if g["sign"] == "+" else 1, tail)

    for a in options:
        for b in options:
            if gauge_key(a) < gauge_key(b):
                assert position[a] < position[b]


@given(graded_elections(complete=True), st.data())
def test_mj_raising_a_grade_of_the_winner_keeps_it_winning(election, data):
    options, scale, ballots = election
    assume(ballots)
    winner = tally_majority_judgment(ballots, options=options, scale=scale).ranking[0].options[0]
    i = data.draw(st.integers(0, len(ballots) - 1))
    assume(ballots[i][winner] > 0)
    raised = [dict(b) for b in ballots]
    raised[i][winner] -= 1  # index 0 is the best grade

    result = tally_majority_judgment(raised, options=options, scale=scale)

    assert result.ranking[0].options == (winner,)


# --- Borda -------------------------------------------------------------------------------------


@given(ranked_elections())
def test_borda_totals_equal_naive_recount(election):
    options, ballots = election
    m = len(options)

    result = tally_borda(ballots, options=options)

    recount = reference.borda_totals(ballots, options)
    assert result.totals == {
        o: float(v) if v.denominator > 1 else int(v) for o, v in recount.items()
    }
    assert sum(result.totals.values()) == len(ballots) * m * (m - 1) / 2
    assert_ranking_well_formed(result, lambda o: -result.totals[o])


@given(ranked_elections(complete=True))
def test_borda_dropping_the_last_rank_changes_nothing(election):
    options, ballots = election

    full = tally_borda(ballots, options=options)
    truncated = tally_borda([b[:-1] for b in ballots], options=options)

    assert truncated.totals == full.totals


# --- Schulze -----------------------------------------------------------------------------------


@given(ranked_elections())
def test_schulze_pairwise_and_ranking_follow_the_definition(election):
    options, ballots = election

    result = tally_schulze(ballots, options=options)

    d = reference.pairwise(ballots, options)
    beats = reference.schulze_beats(d, options)
    assert result.pairwise == d
    assert result.winners == tuple(o for o in options if not any(beats(x, o) for x in options))
    # Places: nothing placed lower beats anything placed higher; inside a place nobody beats
    # anybody; every option after the first place is beaten by someone placed above it.
    places = [p.options for p in result.ranking]
    for i, place in enumerate(places):
        above = [o for p in places[:i] for o in p]
        below = [o for p in places[i + 1 :] for o in p]
        for o in place:
            assert not any(beats(x, o) for x in place + tuple(below))
            assert not i or any(beats(x, o) for x in above)


@given(ranked_elections())
def test_schulze_relation_is_transitive(election):
    # Schulze (2011), section 4.1: the strongest-path relation is transitive.
    options, ballots = election
    beats = reference.schulze_beats(tally_schulze(ballots, options=options).pairwise, options)

    for a in options:
        for b in options:
            for c in options:
                if beats(a, b) and beats(b, c):
                    assert beats(a, c)


@given(ranked_elections())
def test_schulze_condorcet_winner_wins_alone(election):
    options, ballots = election
    d = reference.pairwise(ballots, options)
    condorcet = [a for a in options if all(d[a][b] > d[b][a] for b in options if b != a)]
    assume(condorcet)

    result = tally_schulze(ballots, options=options)

    assert result.winners == tuple(condorcet)


@given(ranked_elections(), st.data())
def test_schulze_adding_a_ballot_for_a_winner_keeps_it_winning(election, data):
    # Mono-add-plump: a new ballot ranking X first and nothing else only strengthens links out of
    # X and weakens links into X. (With a full ranking appended the property is not guaranteed.)
    options, ballots = election
    x = data.draw(st.sampled_from(tally_schulze(ballots, options=options).winners))

    result = tally_schulze([*ballots, [x]], options=options)

    assert x in result.winners


@given(ranked_elections(), st.data())
def test_schulze_raising_a_winner_keeps_it_winning(election, data):
    # Monotonicity (Schulze 2011, section 4.5): moving X up one place on a ballot.
    options, ballots = election
    x = data.draw(st.sampled_from(tally_schulze(ballots, options=options).winners))
    candidates = [i for i, b in enumerate(ballots) if x in b and b.index(x) > 0]
    assume(candidates)
    i = data.draw(st.sampled_from(candidates))
    raised = [list(b) for b in ballots]
    j = raised[i].index(x)
    raised[i][j - 1], raised[i][j] = raised[i][j], raised[i][j - 1]

    result = tally_schulze(raised, options=options)

    assert x in result.winners


@given(ranked_elections())
def test_ranked_validator_accepts_generated_ballots(election):
    options, ballots = election

    for b in ballots:
        assert validate_ranked_ballot(b, options=options) is None


# --- score -------------------------------------------------------------------------------------


@given(
    option_lists.flatmap(
        lambda opts: st.tuples(
            st.just(opts),
            st.lists(st.dictionaries(st.sampled_from(opts), st.integers(0, 5)), max_size=25),
        )
    )
)
def test_score_means_equal_naive_recount(election):
    options, ballots = election

    result = tally_score(ballots, options=options)

    assert result.means == pytest.approx(reference.score_means(ballots, options))
    assert all(sum(d.values()) == len(ballots) for d in result.distribution.values())
    assert_ranking_well_formed(result, lambda o: -result.totals[o])


# --- yes / no ----------------------------------------------------------------------------------


@given(
    st.lists(st.sampled_from(YES_NO_CHOICES), max_size=40),
    st.dictionaries(st.sampled_from(YES_NO_CHOICES), st.integers(0, 10)),
)
def test_yes_no_counts_and_outcome_consistent(ballots, extra):
    result = tally_yes_no(ballots, extra_counts=extra)

    counts = {c: ballots.count(c) + extra.get(c, 0) for c in YES_NO_CHOICES}
    assert result.counts == counts
    assert result.expressed == counts["yes"] + counts["no"]
    expected = (
        "adopted"
        if counts["yes"] > counts["no"]
        else "rejected"
        if counts["no"] > counts["yes"]
        else "tie"
    )
    assert result.outcome == expected
    if result.expressed:
        assert result.percentages["yes"] + result.percentages["no"] == pytest.approx(100)
