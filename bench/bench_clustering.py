"""Quality and speed of deliberation/clustering.py on bench/data/proposals_fr.csv.

Run from the repository root: ``python bench/bench_clustering.py``. Prints tables, asserts nothing.

(a) sort the rest with preset themes only, (b) after two ideas per theme were placed by hand,
(c) duplicate precision / recall, (d) discover vs a plain TF-IDF + k-means baseline, then timings
on 300 and 2,000 ideas (the 2,000 are sampled from the corpus and perturbed).
"""

from __future__ import annotations

import csv
import os
import random
import statistics
import sys
import time
from itertools import combinations
from pathlib import Path

# One core, as on a small server: no BLAS/OpenMP thread pools.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deliberation.clustering import (  # noqa: E402
    discover_themes,
    find_duplicates,
    group_duplicates,
    preset_themes,
    sort_ideas,
)

CORPUS = ROOT / "bench" / "data" / "proposals_fr.csv"
SEEDS = (1, 2, 3, 4, 5)


def load_corpus(path: Path = CORPUS) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def sort_scores(rows, placed):
    truth = {r["id"]: r["theme_slug"] for r in rows}
    slugs = sorted(set(truth.values()))
    result = sort_ideas([(r["id"], r["text"]) for r in rows], preset_themes(slugs), placed)
    total = len(result.suggestions)
    sorted_ = [s for s in result.suggestions if s.theme_key is not None]
    right = sum(1 for s in sorted_ if s.theme_key == truth[s.idea_id])
    return {
        "accuracy": right / total,
        "coverage": len(sorted_) / total,
        "accuracy_on_sorted": right / len(sorted_) if sorted_ else 0.0,
    }


def placed_sample(rows, per_theme, seed):
    rnd = random.Random(seed)
    by_theme: dict[str, list[str]] = {}
    for r in rows:
        by_theme.setdefault(r["theme_slug"], []).append(r["id"])
    placed = {}
    for slug, ids in sorted(by_theme.items()):
        for idea_id in rnd.sample(ids, per_theme):
            placed[idea_id] = slug
    return placed


def true_duplicate_pairs(rows):
    parent = {r["id"]: r["id"] for r in rows}

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for r in rows:
        if r["duplicate_of"]:
            parent[find(r["id"])] = find(r["duplicate_of"])
    groups: dict[str, list[str]] = {}
    for r in rows:
        groups.setdefault(find(r["id"]), []).append(r["id"])
    return {frozenset(p) for g in groups.values() for p in combinations(g, 2)}


def duplicate_scores(rows, threshold=None):
    kwargs = {} if threshold is None else {"threshold": threshold}
    found = {frozenset((p.a, p.b)) for p in find_duplicates(rows_as_ideas(rows), **kwargs)}
    truth = true_duplicate_pairs(rows)
    hit = len(found & truth)
    return {
        "pairs_found": len(found),
        "pairs_true": len(truth),
        "precision": hit / len(found) if found else 0.0,
        "recall": hit / len(truth) if truth else 0.0,
    }


def rows_as_ideas(rows):
    return [(r["id"], r["text"]) for r in rows]


def discover_scores(rows, **kwargs):
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    result = discover_themes(rows_as_ideas(rows), **kwargs)
    label_of = {}
    for g, group in enumerate(result.groups):
        for idea_id in group.idea_ids:
            label_of[idea_id] = f"g{g}"
    truth = [r["theme_slug"] for r in rows]
    # Unsorted ideas as one "unsorted" pile (what the facilitator sees) ...
    pile = [label_of.get(r["id"], "unsorted") for r in rows]
    # ... and as singletons (the strictest reading).
    single = [label_of.get(r["id"], f"u{r['id']}") for r in rows]
    sorted_rows = [i for i, r in enumerate(rows) if r["id"] in label_of]
    return {
        "groups": len(result.groups),
        "coverage": len(sorted_rows) / len(rows),
        "ari_pile": adjusted_rand_score(truth, pile),
        "nmi_pile": normalized_mutual_info_score(truth, pile),
        "ari_single": adjusted_rand_score(truth, single),
        "nmi_single": normalized_mutual_info_score(truth, single),
        "ari_sorted": adjusted_rand_score(
            [truth[i] for i in sorted_rows], [pile[i] for i in sorted_rows]
        )
        if sorted_rows
        else 0.0,
        "result": result,
    }


def kmeans_baseline(rows, seeds=SEEDS):
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    truth = [r["theme_slug"] for r in rows]
    k = len(set(truth))
    x = TfidfVectorizer().fit_transform([r["text"] for r in rows])
    aris, nmis = [], []
    for seed in seeds:
        labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(x)
        aris.append(adjusted_rand_score(truth, labels))
        nmis.append(normalized_mutual_info_score(truth, labels))
    return statistics.mean(aris), statistics.mean(nmis)


_TYPOS = (
    ("é", "e"),
    ("è", "e"),
    ("à", "a"),
    ("s ", " "),
    ("plus", "+"),
    ("qu", "k"),
    ("ss", "s"),
)


def perturbed(rows, n, seed=0):
    """``n`` ideas sampled from the corpus with typos, case changes and SMS endings."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        text = rnd.choice(rows)["text"]
        for a, b in rnd.sample(_TYPOS, 2):
            text = text.replace(a, b, 1)
        if rnd.random() < 0.3:
            text = text.lower() + rnd.choice((" svp", " stp", " !!", " merci"))
        out.append((f"p{i}", text))
    return out


def timed(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    rows = load_corpus()
    slugs = sorted({r["theme_slug"] for r in rows})
    dup_rows = sum(1 for r in rows if r["duplicate_of"])
    print(f"Corpus: {len(rows)} ideas, {len(slugs)} themes, {dup_rows} marked duplicates\n")

    print("Sort the rest                         accuracy  coverage  acc. on sorted")
    a = sort_scores(rows, {})
    print(
        f"(a) preset names only                 {a['accuracy']:8.1%}  {a['coverage']:8.1%}"
        f"  {a['accuracy_on_sorted']:8.1%}"
    )
    for per_theme in (2, 5):
        runs = [sort_scores(rows, placed_sample(rows, per_theme, s)) for s in SEEDS]
        mean = {k: statistics.mean(r[k] for r in runs) for k in runs[0]}
        label = f"(b) + {per_theme} placed per theme ({len(SEEDS)} seeds)"
        print(
            f"{label:<37} {mean['accuracy']:8.1%}  {mean['coverage']:8.1%}"
            f"  {mean['accuracy_on_sorted']:8.1%}"
        )

    print("\nFind duplicates         threshold  found  true  precision  recall")
    for threshold in (None, 0.5, 0.7):
        d = duplicate_scores(rows, threshold)
        shown = "default" if threshold is None else f"{threshold:.2f}"
        print(
            f"(c)                     {shown:>9}  {d['pairs_found']:5d}  {d['pairs_true']:4d}"
            f"  {d['precision']:9.2f}  {d['recall']:6.2f}"
        )

    print(
        "\nDiscover                      groups  coverage  ARI(pile)  NMI(pile)  ARI(single)"
        "  NMI(single)  ARI(sorted only)"
    )
    for name, kwargs in (("(d) with presets", {}), ("(d) words only", {"use_presets": False})):
        d = discover_scores(rows, **kwargs)
        print(
            f"{name:<29} {d['groups']:6d}  {d['coverage']:8.1%}  {d['ari_pile']:9.3f}"
            f"  {d['nmi_pile']:9.3f}  {d['ari_single']:11.3f}  {d['nmi_single']:11.3f}"
            f"  {d['ari_sorted']:16.3f}"
        )
    ari, nmi = kmeans_baseline(rows)
    print(
        f"{'baseline TF-IDF + k-means':<29} {len(slugs):6d}  {1:8.1%}  {ari:9.3f}  {nmi:9.3f}"
        f"  {ari:11.3f}  {nmi:11.3f}  {ari:16.3f}"
    )
    groups = discover_scores(rows)["result"].groups
    print("    labels:", "; ".join(g.label for g in groups))

    print("\nTimings (one core, best of 3)     300 ideas   2,000 ideas")
    ideas_300 = perturbed(rows, 300, seed=1)
    ideas_2000 = perturbed(rows, 2000, seed=2)
    themes = preset_themes(slugs)
    placed_300 = {idea_id: "mobilite" for idea_id, _ in ideas_300[:5]}
    placed_2000 = {idea_id: "mobilite" for idea_id, _ in ideas_2000[:5]}
    for label, fn300, fn2000 in (
        (
            "sort the rest",
            lambda: sort_ideas(ideas_300, themes, placed_300),
            lambda: sort_ideas(ideas_2000, themes, placed_2000),
        ),
        (
            "find duplicates",
            lambda: find_duplicates(ideas_300),
            lambda: find_duplicates(ideas_2000),
        ),
        (
            "discover",
            lambda: discover_themes(ideas_300),
            lambda: discover_themes(ideas_2000),
        ),
    ):
        fn300()  # warm the lazy imports and caches
        print(f"{label:<33} {timed(fn300) * 1000:7.0f} ms  {timed(fn2000) * 1000:8.0f} ms")
    groups_2000 = group_duplicates(find_duplicates(ideas_2000))
    print(f"    (2,000 perturbed ideas: {len(groups_2000)} duplicate groups)")


if __name__ == "__main__":
    main()
