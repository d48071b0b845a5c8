"""Ranked ballots: Borda count and the Condorcet–Schulze method (winning votes)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from .base import (
    NO_VOTES,
    BallotError,
    OptionId,
    RankedResult,
    _check_options,
    _fmt_en,
    _fmt_fr,
    _group,
    _label_getter,
    _names,
    _num,
    _place_fr,
    _places,
    _plural,
    _simple_explanation,
    _ties,
    _unbroken_ties,
    _unknown,
)


@dataclass(frozen=True, kw_only=True, repr=False)
class BordaResult(RankedResult):
    totals: dict[OptionId, int | float]  # multiples of 0.5 when ballots are partial
    method: str = "borda"


@dataclass(frozen=True, kw_only=True, repr=False)
class SchulzeResult(RankedResult):
    pairwise: dict[OptionId, dict[OptionId, int]]  # d[a][b]: voters ranking a above b
    # p[a][b]: support of the weakest link of the strongest path from a to b (0 = no path),
    # and that link's opposition, the secondary winning-votes criterion (Schulze 2011, 2.1).
    strongest_paths: dict[OptionId, dict[OptionId, int]]
    strongest_paths_opposition: dict[OptionId, dict[OptionId, int]]
    winners: tuple[OptionId, ...]
    method: str = "schulze"


def validate_ranked_ballot(ballot: Sequence[OptionId], *, options: Sequence[OptionId]) -> None:
    """Check one ranked ballot: a list of options, best first, possibly partial, no repeats.

    Raises BallotError: ballot.empty_options, ballot.unknown_option, ballot.duplicate_rank.
    """
    allowed = set(_check_options(options))
    seen = set()
    for option in ballot:
        if option not in allowed:
            raise _unknown(option)
        if option in seen:
            raise BallotError(
                "ballot.duplicate_rank", f"L'option « {option} » est classée plusieurs fois."
            )
        seen.add(option)


def _check_ranked(ballots: Sequence[Sequence[OptionId]], opts: tuple[OptionId, ...]) -> None:
    # Whole-election check at C speed; fall back to per-ballot messages only on failure.
    lengths = list(map(len, ballots))
    if not set().union(*ballots) <= set(opts) or lengths != list(map(len, map(set, ballots))):
        for b in ballots:
            validate_ranked_ballot(b, options=opts)


def tally_borda(
    ballots: Sequence[Sequence[OptionId]],
    *,
    options: Sequence[OptionId],
    labels: Mapping[OptionId, str] | None = None,
) -> BordaResult:
    """Borda count with m options: the option ranked at position i (0 = first) gets m-1-i points.

    Options a ballot leaves unranked count as tied below every ranked one: they share the points
    of the remaining positions equally, (m-k-1)/2 each when k options are ranked. Every ballot
    therefore gives out m(m-1)/2 points, and a full ranking of m-1 options equals a full ranking.
    Ties stay ties.
    """
    opts = _check_options(options)
    m = len(opts)
    _check_ranked(ballots, opts)
    by_len: dict[int, list] = defaultdict(list)
    for b in ballots:
        by_len[len(b)].append(b)
    points2 = dict.fromkeys(opts, 0)  # twice the points, to stay in integers
    for k, group in by_len.items():
        ranked = Counter()
        for pos, column in enumerate(zip(*group, strict=True)):
            col = Counter(column)
            ranked.update(col)
            weight = 2 * (m - 1 - pos)
            for o, c in col.items():
                points2[o] += weight * c
        if k < m - 1:
            share = m - k - 1  # 2 * (m-k-1)/2
            for o in opts:
                points2[o] += share * (len(group) - ranked[o])
    totals = {o: _num(Fraction(points2[o], 2)) for o in opts}
    groups = _group(opts, lambda o: -points2[o])
    label = _label_getter(labels)

    def fr(o: OptionId) -> str:
        return f"{_fmt_fr(totals[o])} {_plural(totals[o], 'point', 'points')}"

    def en(o: OptionId) -> str:
        return f"{_fmt_en(totals[o])} {_plural(totals[o], 'point', 'points')}"

    expl_fr, expl_en = _simple_explanation(groups, len(ballots), label, fr, en)
    return BordaResult(
        options=opts,
        ballot_count=len(ballots),
        totals=totals,
        ranking=_places(groups),
        tie_breaks=_unbroken_ties(groups, "borda", label, fr, en),
        explanation_fr=expl_fr,
        explanation_en=expl_en,
    )


def pairwise_matrix(
    ballots: Sequence[Sequence[OptionId]], options: Sequence[OptionId]
) -> dict[OptionId, dict[OptionId, int]]:
    """d[a][b] = number of ballots ranking a above b; ranked options beat unranked ones, unranked
    options are not compared with each other. Assumes validated ballots.

    Each row d[a] is accumulated as one Python big integer holding every d[a][b] in its own bit
    field, so a ballot costs two big-int operations per ranked option instead of m^2 increments.
    """
    opts = tuple(options)
    n = len(ballots)
    width = n.bit_length() + 1
    unit = {o: 1 << (width * i) for i, o in enumerate(opts)}
    everyone = sum(unit.values())
    rows = dict.fromkeys(opts, 0)
    for ballot, count in Counter(map(tuple, ballots)).items():
        below = everyone
        for a in ballot:
            below -= unit[a]
            rows[a] += below * count
    mask = (1 << width) - 1
    return {a: {b: (rows[a] >> (width * j)) & mask for j, b in enumerate(opts)} for a in opts}


def strongest_paths(
    d: Mapping[OptionId, Mapping[OptionId, int]], options: Sequence[OptionId]
) -> dict[OptionId, dict[OptionId, int]]:
    """Strength of the strongest path from a to b, encoded as one comparable integer.

    Schulze (2011, section 2.1) measures a link a->b (which exists when d[a][b] > d[b][a]) by
    winning votes: more support is stronger, and for equal support less opposition is stronger.
    The link is encoded as ``d[a][b] * (N + 1) - d[b][a]`` with N = max(d[a][b] + d[b][a]),
    and 0 means "no path"; ``decode_strength`` turns it back into (support, opposition).
    The widest paths are found with the Floyd–Warshall variant from the paper.
    """
    opts = tuple(options)
    m = len(opts)
    dm = [[d[a][b] for b in opts] for a in opts]
    base = _strength_base(dm)
    p = [
        [dm[i][j] * base - dm[j][i] if i != j and dm[i][j] > dm[j][i] else 0 for j in range(m)]
        for i in range(m)
    ]
    for i in range(m):
        pi = p[i]
        for j in range(m):
            if j == i:
                continue
            pj = p[j]
            pji = pj[i]
            if not pji:
                continue
            for k in range(m):
                if k != i and k != j:
                    v = pi[k] if pi[k] < pji else pji
                    if v > pj[k]:
                        pj[k] = v
    return {a: {b: p[i][j] for j, b in enumerate(opts)} for i, a in enumerate(opts)}


def _strength_base(dm: list[list[int]]) -> int:
    m = len(dm)
    return 1 + max((dm[i][j] + dm[j][i] for i in range(m) for j in range(m)), default=0)


def decode_strength(value: int, base: int) -> tuple[int, int]:
    """(support, opposition) of a link or path strength encoded by ``strongest_paths``."""
    if not value:
        return 0, 0
    support = -(-value // base)
    return support, support * base - value


def tally_schulze(
    ballots: Sequence[Sequence[OptionId]],
    *,
    options: Sequence[OptionId],
    labels: Mapping[OptionId, str] | None = None,
) -> SchulzeResult:
    """Condorcet–Schulze method (winning votes).

    a is ranked above b when p[a][b] > p[b][a]; Schulze proves this relation is transitive.
    ``winners`` are the options no other option beats. The full ranking repeatedly takes the
    options that no remaining option beats, always using the strongest paths of the whole
    election (paths are not recomputed on the remaining options). Options in the same place
    are tied (p[a][b] == p[b][a]); no further tie-breaking is applied.
    """
    opts = _check_options(options)
    _check_ranked(ballots, opts)
    d = pairwise_matrix(ballots, opts)
    p = strongest_paths(d, opts)
    base = _strength_base([[d[a][b] for b in opts] for a in opts])
    decoded = {a: {b: decode_strength(p[a][b], base) for b in opts} for a in opts}
    remaining = list(opts)
    groups: list[tuple] = []
    while remaining:
        level = tuple(a for a in remaining if all(p[a][b] >= p[b][a] for b in remaining))
        groups.append(level)
        remaining = [a for a in remaining if a not in level]
    label = _label_getter(labels)

    def explain(g: tuple, rank: int) -> tuple[str, str]:
        return (
            f"{_names(g, label, 'fr')} sont à égalité : aucune n'a un chemin plus fort que "
            f"l'autre (méthode de Schulze) ; elles partagent la {_place_fr(rank)}.",
            f"{_names(g, label, 'en')} are tied: none has a stronger path than the other "
            f"(Schulze method); they share place {rank}.",
        )

    support = {a: {b: decoded[a][b][0] for b in opts} for a in opts}
    expl_fr, expl_en = _schulze_explanation(groups, d, decoded, label, len(ballots))
    return SchulzeResult(
        options=opts,
        ballot_count=len(ballots),
        pairwise=d,
        strongest_paths=support,
        strongest_paths_opposition={a: {b: decoded[a][b][1] for b in opts} for a in opts},
        winners=groups[0],
        ranking=_places(groups),
        tie_breaks=_ties(groups, "schulze.tie_unbroken", explain),
        explanation_fr=expl_fr,
        explanation_en=expl_en,
    )


def _schulze_explanation(groups, d, p, label, n) -> tuple[str, str]:
    if n == 0:
        return NO_VOTES
    first = groups[0]
    if len(first) > 1:
        return (
            f"{_names(first, label, 'fr')} sont à égalité en tête : aucune n'a un chemin plus "
            f"fort que l'autre.",
            f"{_names(first, label, 'en')} are tied for first place: none has a stronger path "
            f"than the other.",
        )
    w = first[0]
    if len(groups) == 1:
        return (f"« {label(w)} » est la seule option.", f"“{label(w)}” is the only option.")
    r = groups[1][0]
    wn, rn = label(w), label(r)
    (pw, ow), (pr, or_) = p[w][r], p[r][w]
    # r is in the second place only because w beats it (nothing else can): pw/ow > pr/or_.
    if d[w][r] > d[r][w]:
        return (
            f"« {wn} » l'emporte sur « {rn} » : {d[w][r]} votants préfèrent « {wn} » à « {rn} », "
            f"contre {d[r][w]} l'inverse.",
            f"“{wn}” beats “{rn}”: {d[w][r]} voters prefer “{wn}” to “{rn}”, against "
            f"{d[r][w]} the other way round.",
        )
    if pw == pr:  # same support: the weaker opposition decided (winning votes, Schulze 2.1)
        fr_force = f"force {pw} contre {pr}, mais une opposition plus faible ({ow} contre {or_})"
        en_force = f"strength {pw} versus {pr}, but weaker opposition ({ow} versus {or_})"
    else:
        fr_force, en_force = f"force {pw} contre {pr}", f"strength {pw} versus {pr}"
    if d[w][r] == d[r][w]:
        fr_h2h = f"alors qu'en face-à-face elles sont à égalité ({d[w][r]} contre {d[r][w]})"
        en_h2h = f"while head to head they are tied ({d[w][r]} to {d[r][w]})"
    else:
        fr_h2h = f"bien que {d[r][w]} votants préfèrent « {rn} » à « {wn} » contre {d[w][r]}"
        en_h2h = f"although {d[r][w]} voters prefer “{rn}” to “{wn}” against {d[w][r]}"
    return (
        f"« {wn} » l'emporte sur « {rn} » par le chemin le plus fort (méthode de Schulze) : "
        f"{fr_force}, {fr_h2h}.",
        f"“{wn}” beats “{rn}” through the strongest path (Schulze method): {en_force}, {en_h2h}.",
    )
