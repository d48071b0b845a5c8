"""Time every tally method on 10,000 random ballots over 30 options (one core, no assertions).

Run: python bench/bench_tally.py [--ballots 10000] [--options 30] [--repeat 5]
Prints the best and median of ``repeat`` runs per method; the target is < 200 ms each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voting import tally  # noqa: E402

TARGET_MS = 200.0


def make_elections(n: int, m: int, seed: int = 2024) -> dict[str, tuple]:
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    options = [f"opt-{i}" for i in range(m)]
    dots = []
    for _ in range(n):
        ballot: dict[str, int] = {}
        for o in rng.sample(options, 5):
            ballot[o] = ballot.get(o, 0) + rng.randint(1, 2)
        dots.append(ballot)
    approval = [set(rng.sample(options, rng.randint(0, m // 2))) for _ in range(n)]
    grades = [{o: rng.randrange(6) for o in options if rng.random() < 0.9} for _ in range(n)]
    ranked = [rng.sample(options, m) for _ in range(n)]  # full rankings: the worst case
    partial = [rng.sample(options, rng.randint(0, 10)) for _ in range(n)]
    scores = [{o: rng.randint(0, 5) for o in options} for _ in range(n)]
    yes_no = [rng.choice(tally.YES_NO_CHOICES) for _ in range(n)]
    return {
        "dots (≤10 per voter, ≤2/option)": (
            tally.tally_dots,
            dots,
            {"options": options, "max_dots": 10, "max_per_option": 2},
        ),
        "approval": (tally.tally_approval, approval, {"options": options}),
        "majority judgment (6 grades)": (
            tally.tally_majority_judgment,
            grades,
            {"options": options},
        ),
        "borda (full rankings)": (tally.tally_borda, ranked, {"options": options}),
        "borda (partial, 0-10 ranked)": (tally.tally_borda, partial, {"options": options}),
        "schulze (full rankings)": (tally.tally_schulze, ranked, {"options": options}),
        "schulze (partial, 0-10 ranked)": (tally.tally_schulze, partial, {"options": options}),
        "score (0-5)": (tally.tally_score, scores, {"options": options}),
        "yes / no / abstain": (tally.tally_yes_no, yes_no, {}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=10_000)
    parser.add_argument("--options", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    elections = make_elections(args.ballots, args.options)
    print(f"{args.ballots} ballots, {args.options} options, best / median of {args.repeat} runs")
    print(f"{'method':<34} {'best ms':>9} {'median ms':>10}  target")
    print("-" * 64)
    for name, (func, ballots, kwargs) in elections.items():
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            func(ballots, **kwargs)
            times.append((time.perf_counter() - start) * 1000)
        best, median = min(times), statistics.median(times)
        verdict = "ok" if median < TARGET_MS else "SLOW"
        print(f"{name:<34} {best:>9.1f} {median:>10.1f}  {verdict}")


if __name__ == "__main__":
    main()
