"""Differential tests: our tallies against independent PyPI implementations on random small
elections (seeded, so a failure is reproducible). Each test skips if its library is missing.

Known library quirks, and how each test works around them (details in docs/voting.md):

- votelib MajorityJudgment raises "cannot determine clear cutoff" when the leaders have
  identical merit profiles, and mis-breaks some ties between three or more leaders sharing a
  majority grade: we compare only when votelib answers and at most two options share the best
  majority grade.
- votelib Schulze uses plain support as link strength (no opposition tie-break) and picks the
  candidate with the most strongest-path wins: we compare winners on complete rankings only,
  where both definitions coincide.
- votelib RankedToPositionalVotes treats a str candidate as a tier (it tests len()): the Borda
  test uses int ids. It also scores unranked candidates 0, so only complete rankings compare.
- schulze-condorcet recomputes strongest paths on the remaining candidates for lower places,
  which is not Schulze's definition of the ranking: we compare winners and the pairwise matrix.
"""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction

import pytest

from voting.tally import (
    GradeScale,
    tally_approval,
    tally_borda,
    tally_majority_judgment,
    tally_schulze,
    tally_score,
)

SEEDS = range(400)


def random_election(seed, *, complete, int_ids=False):
    rng = random.Random(seed)
    m = rng.randint(2, 6)
    options = list(range(1, m + 1)) if int_ids else [f"o{i}" for i in range(m)]
    ballots = []
    for _ in range(rng.randint(1, 15)):
        order = rng.sample(options, m)
        ballots.append(order if complete else order[: rng.randint(0, m)])
    return rng, options, ballots


def test_borda_matches_votelib():
    convert = pytest.importorskip("votelib.convert")
    rankscore = pytest.importorskip("votelib.component.rankscore")
    for seed in SEEDS:
        # votelib treats any ranked item with a len() (a str too) as a tier of tied
        # candidates, so string ids would be split into characters: use int ids here.
        _, options, ballots = random_election(seed, complete=True, int_ids=True)
        votes = Counter(tuple(b) for b in ballots)

        ours = tally_borda(ballots, options=options)
        theirs = convert.RankedToPositionalVotes(rankscore.Borda(base=0)).convert(votes)

        assert ours.totals == dict(theirs), seed


def test_schulze_pairwise_matches_votelib_with_unranked_at_bottom():
    convert = pytest.importorskip("votelib.convert")
    for seed in SEEDS:
        _, options, ballots = random_election(seed, complete=False)
        # votelib only knows candidates that appear on some ballot; give it every option as a
        # trailing tier of tied candidates.
        votes = Counter(
            tuple(b) + ((frozenset(set(options) - set(b)),) if len(b) < len(options) else ())
            for b in ballots
        )

        ours = tally_schulze(ballots, options=options)
        theirs = convert.RankedToCondorcetVotes().convert(votes)

        assert ours.pairwise == {a: {b: theirs.get((a, b), 0) for b in options} for a in options}, (
            seed
        )


def test_schulze_winner_matches_votelib_on_complete_rankings():
    condorcet = pytest.importorskip("votelib.evaluate.condorcet")
    convert = pytest.importorskip("votelib.convert")
    compared = 0
    for seed in SEEDS:
        _, options, ballots = random_election(seed, complete=True)
        ours = tally_schulze(ballots, options=options)
        if len(ours.winners) > 1:
            continue
        pairs = convert.RankedToCondorcetVotes().convert(Counter(tuple(b) for b in ballots))

        theirs = condorcet.Schulze().evaluate(pairs, 1)

        assert list(ours.winners) == theirs, seed
        compared += 1
    assert compared > len(SEEDS) // 2


def test_schulze_winners_match_schulze_condorcet():
    sc = pytest.importorskip("schulze_condorcet")
    for seed in SEEDS:
        _, options, ballots = random_election(seed, complete=False)
        vote_strings = []
        for b in ballots:
            rest = [o for o in options if o not in b]
            vote_strings.append(">".join(b + (["=".join(rest)] if rest else [])))

        ours = tally_schulze(ballots, options=options)
        theirs = sc.schulze_evaluate(vote_strings, options)

        assert set(ours.winners) == set(theirs.split(">")[0].split("=")), seed


def test_majority_judgment_winner_matches_votelib():
    cardinal = pytest.importorskip("votelib.evaluate.cardinal")
    core = pytest.importorskip("votelib.evaluate.core")
    compared = 0
    for seed in SEEDS:
        rng = random.Random(seed)
        m, size = rng.randint(2, 5), rng.randint(2, 6)
        options = [f"o{i}" for i in range(m)]
        ballots = [{o: rng.randrange(size) for o in options} for _ in range(rng.randint(1, 12))]
        scale = GradeScale(tuple(f"g{i}" for i in range(size)))
        ours = tally_majority_judgment(ballots, options=options, scale=scale)
        best = min(ours.majority_grades.values())
        if sum(g == best for g in ours.majority_grades.values()) > 2:
            continue  # votelib quirk: three-way tie-breaks
        # votelib scores: higher is better, so grade index g becomes size-1-g.
        votes = Counter(frozenset((o, size - 1 - g) for o, g in b.items()) for b in ballots)
        try:
            theirs = cardinal.MajorityJudgment().evaluate(votes, 1)
        except core.VotingSystemError:
            continue  # votelib quirk: identical leading profiles

        assert list(ours.ranking[0].options) == theirs, seed
        compared += 1
    assert compared > len(SEEDS) // 2


def test_approval_totals_match_votelib():
    convert = pytest.importorskip("votelib.convert")
    for seed in SEEDS:
        rng = random.Random(seed)
        options = [f"o{i}" for i in range(rng.randint(1, 6))]
        ballots = [
            frozenset(o for o in options if rng.random() < 0.5) for _ in range(rng.randint(1, 15))
        ]

        ours = tally_approval(ballots, options=options)
        theirs = convert.ApprovalToSimpleVotes().convert(Counter(ballots))

        assert ours.totals == {o: theirs.get(o, 0) for o in options}, seed


def test_score_means_match_votelib():
    convert = pytest.importorskip("votelib.convert")
    for seed in SEEDS:
        rng = random.Random(seed)
        options = [f"o{i}" for i in range(rng.randint(1, 6))]
        ballots = [
            {o: rng.randint(0, 5) for o in options if rng.random() < 0.8}
            for _ in range(rng.randint(1, 15))
        ]
        votes = Counter(frozenset(b.items()) for b in ballots)

        ours = tally_score(ballots, options=options)
        theirs = convert.ScoreToSimpleVotes(function="mean", unscored_value=0).convert(votes)

        assert ours.means == {o: float(Fraction(theirs.get(o, 0))) for o in options}, seed


def test_schulze_lower_places_documented_divergence_from_schulze_condorcet():
    # Found by the random search behind this file, checked by hand (docs/voting.md). Strongest
    # paths over the whole election: p[B][C] = 3 (direct, 3 to 2) and p[C][B] = 3 (C->A 3:2,
    # A->B 4:1), so B and C are tied under Schulze's definition. schulze-condorcet removes A and
    # D first and recomputes paths between B and C alone, where B wins 3 to 2.
    sc = pytest.importorskip("schulze_condorcet")
    ballots = [list("BDCA"), list("ADBC"), list("ADBC"), list("DCAB"), list("CADB")]

    ours = tally_schulze(ballots, options=list("ABCD"))
    theirs = sc.schulze_evaluate([">".join(b) for b in ballots], list("ABCD"))

    assert [p.options for p in ours.ranking] == [("A", "D"), ("B", "C")]
    assert (ours.strongest_paths["B"]["C"], ours.strongest_paths["C"]["B"]) == (3, 3)
    assert theirs == "A=D>B>C"
