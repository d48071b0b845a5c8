"""Deliberately naive re-implementations used as oracles by the property tests.

They follow the textbook definitions step by step, with no shared code with voting/tally.py.
"""

from __future__ import annotations

from fractions import Fraction


def dots_totals(ballots, options):
    totals = {o: 0 for o in options}
    for ballot in ballots:
        for option, dots in ballot.items():
            totals[option] += dots
    return totals


def approval_totals(ballots, options):
    return {o: sum(1 for b in ballots if o in b) for o in options}


def borda_totals(ballots, options):
    """Position i gets m-1-i points; the unranked share the remaining positions' points."""
    m = len(options)
    totals = {o: Fraction(0) for o in options}
    for ballot in ballots:
        remaining_points = list(range(m - 1 - len(ballot), -1, -1))
        unranked = [o for o in options if o not in ballot]
        for i, option in enumerate(ballot):
            totals[option] += m - 1 - i
        for option in unranked:
            totals[option] += Fraction(sum(remaining_points), len(unranked))
    return totals


def pairwise(ballots, options):
    d = {a: {b: 0 for b in options} for a in options}
    for ballot in ballots:
        position = {o: i for i, o in enumerate(ballot)}
        for a in options:
            for b in options:
                if a == b or a not in position:
                    continue
                if b not in position or position[a] < position[b]:
                    d[a][b] += 1
    return d


def schulze_paths(d, options):
    """Schulze (2011) §2.1 with link strength as the pair (support, opposition), compared by
    winning votes: larger support first, then smaller opposition. None = no path."""

    def key(link):
        return (-1, 0) if link is None else (link[0], -link[1])

    p = {}
    for a in options:
        for b in options:
            if a != b:
                p[a, b] = (d[a][b], d[b][a]) if d[a][b] > d[b][a] else None
    for i in options:
        for j in options:
            if i == j:
                continue
            for k in options:
                if k in (i, j):
                    continue
                via = min(p[j, i], p[i, k], key=key)
                if key(via) > key(p[j, k]):
                    p[j, k] = via
    return p, key


def schulze_beats(d, options):
    p, key = schulze_paths(d, options)
    return lambda a, b: a != b and key(p[a, b]) > key(p[b, a])


def majority_value(grades):
    """Balinski & Laraki: take the lower median (index 0 = best), remove it, repeat."""
    remaining = sorted(grades)
    out = []
    while remaining:
        out.append(remaining.pop(len(remaining) // 2))
    return tuple(out)


def mj_grades(ballots, options, worst):
    return {o: [b.get(o, worst) for b in ballots] for o in options}


def score_means(ballots, options, min_score=0):
    if not ballots:
        return {o: None for o in options}
    return {o: sum(b.get(o, min_score) for b in ballots) / len(ballots) for o in options}
