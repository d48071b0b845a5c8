"""Help a facilitator group short French ideas into themes. Pure functions, no ORM.

Three tools, all taking ideas as plain ``(id, text)`` pairs:

``sort_ideas``
    Given themes (built-in presets, typed names, typed names plus keywords) and the ideas the
    facilitator already placed, propose a theme for every other idea with a confidence in [0, 1].
    Ideas below ``min_confidence`` stay in the "unsure" bucket (``theme_key is None``): the machine
    suggests, the facilitator decides, and a wrong suggestion in front of 100 people costs more
    than no suggestion.
``find_duplicates``
    Pairs of near-identical ideas as merge candidates, best first.
``discover_themes``
    For a board without themes: a few tight groups, each labelled by its most distinctive words,
    and the rest left unsorted.

How sorting scores an idea against a theme (see docs/clustering.md for numbers):

1. Text is case- and accent-folded, SMS spellings are expanded ("+" → plus, "ds" → dans),
   French stop words dropped, and each word stemmed with the French Snowball stemmer.
2. Vocabulary score: the theme's keywords (its preset's list plus typed keywords and the words of
   its name) are matched on stems, prefixes ("cycl*") and phrases. A word shared by several themes
   counts for less. A word matching nothing is compared by character trigrams with the vocabulary
   so that typos ("cyclabe", "medcin") still count, at a discount.
3. Example score: ideas are vectors of TF-IDF over word stems and over ``char_wb`` 3-5-grams
   (scikit-learn). Each theme's placed ideas give a centroid (cosine to it) and a
   nearest-neighbours score (mean cosine to its 3 closest placed ideas). So an idea with no
   keyword can follow a similar idea the facilitator placed, and a theme typed as a bare name
   learns from what is put in it.
4. Confidence is the softmax share of the best theme, scaled down when the best raw score is
   weak; ``None`` below ``min_confidence``.

scikit-learn and snowballstemmer are imported lazily: importing this module costs only the
standard library and ``theme_presets``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from deliberation.theme_presets import PRESETS, ThemePreset, find_preset, preset_by_slug

IdeaId = Hashable

#: Ideas below this confidence stay unsure.
DEFAULT_MIN_CONFIDENCE = 0.4
#: Cosine similarity (word stems + character n-grams) from which two ideas are merge candidates.
DEFAULT_DUPLICATE_THRESHOLD = 0.65
#: Only the start of very long texts is analysed (an idea is a sentence, not an essay).
MAX_TEXT_CHARS = 1000

# Sorting weights and constants; measured on bench/data/proposals_fr.csv (docs/clustering.md).
_LEX_SCALE = 1.0  # vocabulary score L maps to 1 - exp(-L / scale)
_FUZZY_MIN_SIM = 0.72  # character-trigram cosine for a typo to count as a vocabulary word
_FUZZY_DISCOUNT = 0.7
_W_CENTROID = 0.3
_W_KNN = 0.5
_KNN_K = 3
_SOFTMAX_TEMPERATURE = 0.12
_STRENGTH_FLOOR = 0.25  # best score under this lowers the confidence proportionally
_DISCOVER_DISTANCE = 0.95  # cosine distance under which agglomerative clustering merges


# --------------------------------------------------------------------------------------------
# Public data types


@dataclass(frozen=True)
class Theme:
    """A theme to sort into. ``key`` is the caller's identifier (a slug, a cluster id as text).

    ``preset_slug`` adds that preset's vocabulary; ``keywords`` are extra typed words. A theme with
    neither still works from the words of its ``name`` and from the ideas placed in it.
    """

    key: str
    name: str = ""
    keywords: tuple[str, ...] = ()
    preset_slug: str | None = None


@dataclass(frozen=True)
class Suggestion:
    idea_id: IdeaId
    theme_key: str | None  # None: unsure, left for the facilitator
    confidence: float  # in [0, 1], for the best guess
    best_guess: str | None  # best theme even when unsure (None: nothing matched, or a tie)


@dataclass(frozen=True)
class SortResult:
    suggestions: tuple[Suggestion, ...]  # one per unplaced idea, in input order

    def unsure(self) -> list[IdeaId]:
        return [s.idea_id for s in self.suggestions if s.theme_key is None]

    def by_theme(self) -> dict[str | None, list[IdeaId]]:
        groups: dict[str | None, list[IdeaId]] = {}
        for s in self.suggestions:
            groups.setdefault(s.theme_key, []).append(s.idea_id)
        return groups


@dataclass(frozen=True)
class DuplicatePair:
    a: IdeaId  # the earlier idea in input order
    b: IdeaId
    score: float  # in [0, 1]; 1.0 for texts identical after folding


@dataclass(frozen=True)
class DiscoveredGroup:
    label: str  # "vélo · piste · bus"
    keywords: tuple[str, ...]
    idea_ids: tuple[IdeaId, ...]
    cohesion: float  # mean cosine similarity of the members to their centroid, in [0, 1]
    preset_slug: str | None  # the preset whose vocabulary the group matches best, if clearly


@dataclass(frozen=True)
class DiscoverResult:
    groups: tuple[DiscoveredGroup, ...]  # largest first
    unsorted: tuple[IdeaId, ...]


def theme_from_preset(preset: ThemePreset | str) -> Theme:
    if isinstance(preset, str):
        found = preset_by_slug(preset)
        if found is None:
            raise KeyError(preset)
        preset = found
    return Theme(key=preset.slug, name=preset.label_fr, preset_slug=preset.slug)


def theme_from_name(name: str, keywords: Iterable[str] = (), key: str | None = None) -> Theme:
    """A theme typed by the facilitator. A name that designates a preset gets its vocabulary."""
    preset = find_preset(name)
    if key is None:
        key = preset.slug if preset else (_slugify(name) or name)
    return Theme(
        key=key,
        name=name,
        keywords=tuple(k for k in keywords if k and k.strip()),
        preset_slug=preset.slug if preset else None,
    )


def preset_themes(slugs: Iterable[str] | None = None) -> list[Theme]:
    """Themes for the given preset slugs (all presets when None), in preset order when None."""
    if slugs is None:
        return [theme_from_preset(p) for p in PRESETS]
    return [theme_from_preset(s) for s in slugs]


# --------------------------------------------------------------------------------------------
# Text normalisation

# French stop words (folded), a few English ones for mixed boards, and filler words that
# say nothing about a theme ("svp", "idée", "besoin", "créer").
_STOP_WORDS_TEXT = """
    a au aux avec ce ces cet cette c ca ceci cela celle celles celui ceux chez comme d dans de des
    du elle elles en entre es est et etc etre eu fait faire faut font il ils je j l la le les leur
    leurs lui m ma mais me meme mes moi mon n ne ni nos notre nous on ont ou par pas peu peut plus
    pour qu que quel quelle quelles quels qui s sa sans se ses si son sont sur ta te tes toi ton
    tous tout toute toutes tres tu un une unes uns vos votre vous y ya afin ainsi alors apres aussi
    autre autres avant avoir bien car chaque deja donc encore ici jamais jusqu la-bas lors moins
    non oui parce pendant peut-etre plutot puis quand quelque quelques sous surtout tant tel telle
    toujours trop vers via voila etait sera serait seraient soit etaient avons avez ai as suis
    sommes etes mettre mis mise creer cree creation permettre pouvoir vouloir veut voudrais
    aimerait faudrait devrait doit faites fais chose choses truc trucs svp stp merci please plz pls
    idee proposition proposer propose besoin manque gros grosse petit petite petits petites nouveau
    nouvelle nouveaux nouvelles beaucoup vraiment tres the and or of to in on for with at by from
    is are be it this that an as we our you your more less please there their they not no yes can
    should would could will
"""
_STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_SMS = {
    "ds": "dans",
    "pr": "pour",
    "bcp": "beaucoup",
    "tjs": "toujours",
    "tt": "tout",
    "ts": "tous",
    "qd": "quand",
    "pb": "probleme",
    "pbs": "problemes",
    "pk": "pourquoi",
    "pq": "pourquoi",
    "ke": "que",
    "koi": "quoi",
    "rdv": "rendez vous",
    "ordi": "ordinateur",
    "ordis": "ordinateurs",
    "appart": "appartement",
    "apparts": "appartements",
    "covoit": "covoiturage",
    "assos": "associations",
    "asso": "association",
    "ado": "adolescent",
    "ados": "adolescents",
    "expo": "exposition",
    "expos": "expositions",
    "ciné": "cinema",
    "cine": "cinema",
    "récup": "recuperation",
    "recup": "recuperation",
    "velo": "vélo",
    "velos": "vélos",
}

_TOKEN_RE = re.compile(r"[^\W_]+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _slugify(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in _fold(name)).split())


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("french")


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    """Stem then fold: Snowball French knows accents, the folding makes typos without them meet."""
    return _fold(_stemmer().stemWord(word))


@lru_cache(maxsize=50_000)
def _is_stop(word: str) -> bool:
    return _fold(word) in _STOP_WORDS


def _words(text: str) -> list[str]:
    """Lower-cased content words (accents kept for the stemmer), SMS spellings expanded."""
    text = (text or "")[:MAX_TEXT_CHARS].casefold().replace("+", " plus ").replace("&", " et ")
    words: list[str] = []
    for token in _TOKEN_RE.findall(text):
        token = _SMS.get(token, token)
        for word in token.split():
            if len(word) > 1 and not _is_stop(word):
                words.append(word)
    return words


@dataclass(frozen=True)
class _Doc:
    words: tuple[str, ...]  # lower-cased, accents kept (for labels)
    surface: tuple[str, ...]  # folded words
    stems: tuple[str, ...]


def _analyse(texts: Sequence[str]) -> list[_Doc]:
    docs = []
    for text in texts:
        words = _words(text)
        docs.append(
            _Doc(tuple(words), tuple(_fold(w) for w in words), tuple(_stem(w) for w in words))
        )
    return docs


# --------------------------------------------------------------------------------------------
# Vectors


def _identity(tokens):
    return tokens


def _vectorize(docs: Sequence[_Doc]):
    """Rows: L2-normalised [word-stem TF-IDF, char_wb 3-5-gram TF-IDF], equal weight.

    Empty documents (emoji only, stop words only) give zero rows; cosine with them is 0.
    """
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    n = len(docs)
    if n == 0 or not any(d.stems for d in docs):
        return sparse.csr_matrix((n, 1), dtype=np.float64)
    word = TfidfVectorizer(analyzer=_identity, sublinear_tf=True).fit_transform(
        [list(d.stems) for d in docs]
    )
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    char_matrix = char.fit_transform([" ".join(d.surface) for d in docs])
    half = math.sqrt(0.5)
    return normalize(sparse.hstack([word * half, char_matrix * half]).tocsr())


# --------------------------------------------------------------------------------------------
# Theme vocabulary


@dataclass(frozen=True)
class _Lexicon:
    keys: tuple[str, ...]
    stem_weights: tuple[dict[str, float], ...]  # per theme: stem -> weight
    prefixes: tuple[tuple[tuple[str, float], ...], ...]  # per theme: (folded prefix, weight)
    phrases: tuple[tuple[tuple[tuple[str, ...], float], ...], ...]  # per theme: (stems, weight)
    fuzzy_words: tuple[str, ...]  # folded single vocabulary words, for typo matching
    fuzzy_stems: tuple[str, ...]  # their stems


def _theme_keywords(theme: Theme) -> list[str]:
    keywords = [theme.name, *theme.keywords]
    if theme.preset_slug:
        preset = preset_by_slug(theme.preset_slug)
        if preset is not None:
            keywords += [preset.label_fr, preset.label_en, *preset.keywords]
    return keywords


def _as_tuple(entry: str | tuple[str, ...]) -> tuple[str, ...]:
    return entry if isinstance(entry, tuple) else (entry,)


@lru_cache(maxsize=32)
def _lexicon(themes: tuple[Theme, ...]) -> _Lexicon:
    singles: list[set[str]] = []
    prefixes: list[set[str]] = []
    phrases: list[set[tuple[str, ...]]] = []
    centrality: list[Counter] = []
    surface_of: dict[str, str] = {}
    for theme in themes:
        t_singles, t_prefixes, t_phrases = set(), set(), set()
        for keyword in _theme_keywords(theme):
            keyword = keyword.strip()
            if keyword.endswith("*") and len(keyword) > 3:
                t_prefixes.add(_fold(keyword[:-1]))
                continue
            words = _words(keyword)
            stems = tuple(_stem(w) for w in words)
            if len(stems) == 1:
                t_singles.add(stems[0])
                surface_of.setdefault(_fold(words[0]), stems[0])
            elif len(stems) > 1:
                t_phrases.add(stems)
        singles.append(t_singles)
        prefixes.append(t_prefixes)
        phrases.append(t_phrases)
        # How central a word is to the theme: in how many distinct entries it occurs
        # ("bus", "ligne de bus", "arrêt de bus" → 3).
        centrality.append(
            Counter(s for entry in t_singles | t_phrases for s in set(_as_tuple(entry)))
        )

    # A vocabulary unit shared by k themes weighs 1/k: "place" says less than "vélo". A word
    # the theme's list repeats in several entries weighs more (1 + ln n), which also breaks most
    # ties between two themes that each match one word.
    count = Counter(s for t in singles for s in t)
    count_p = Counter(p for t in prefixes for p in t)
    count_ph = Counter(p for t in phrases for p in t)
    return _Lexicon(
        keys=tuple(t.key for t in themes),
        stem_weights=tuple(
            {s: (1.0 + math.log(central[s])) / count[s] for s in t}
            for t, central in zip(singles, centrality, strict=True)
        ),
        prefixes=tuple(tuple((p, 1.0 / count_p[p]) for p in sorted(t)) for t in prefixes),
        phrases=tuple(tuple((p, 1.0 / count_ph[p]) for p in sorted(t)) for t in phrases),
        fuzzy_words=tuple(w for w in surface_of if len(w) >= 4),
        fuzzy_stems=tuple(surface_of[w] for w in surface_of if len(w) >= 4),
    )


@lru_cache(maxsize=32)
def _fuzzy_index(words: tuple[str, ...]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not words:
        return None, None
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3))
    return vectorizer, vectorizer.fit_transform(words)


def _lexical_scores(docs: Sequence[_Doc], lexicon: _Lexicon):
    """Matrix (ideas x themes) of summed vocabulary weights."""
    import numpy as np

    n_themes = len(lexicon.keys)
    scores = np.zeros((len(docs), n_themes))
    known = set()
    for weights in lexicon.stem_weights:
        known.update(weights)

    # Typos: a word unknown to the vocabulary borrows the stem of its closest vocabulary word.
    unknown = sorted(
        {w for d in docs for w, s in zip(d.surface, d.stems, strict=True) if s not in known}
    )
    unknown = [w for w in unknown if len(w) >= 5]
    borrowed: dict[str, str] = {}
    vectorizer, index = _fuzzy_index(lexicon.fuzzy_words)
    if unknown and vectorizer is not None:
        sims = vectorizer.transform(unknown) @ index.T
        sims = sims.toarray() if hasattr(sims, "toarray") else sims
        best = sims.argmax(axis=1)
        for row, word in enumerate(unknown):
            if sims[row, best[row]] >= _FUZZY_MIN_SIM:
                borrowed[word] = lexicon.fuzzy_stems[best[row]]

    for i, doc in enumerate(docs):
        stems = set(doc.stems)
        fuzzy = {borrowed[w] for w in doc.surface if w in borrowed} - stems
        for t in range(n_themes):
            weights = lexicon.stem_weights[t]
            total = sum(weights[s] for s in stems if s in weights)
            total += _FUZZY_DISCOUNT * sum(weights[s] for s in fuzzy if s in weights)
            for prefix, weight in lexicon.prefixes[t]:
                if any(w.startswith(prefix) for w in doc.surface):
                    total += weight
            for phrase, weight in lexicon.phrases[t]:
                if all(p in stems for p in phrase):
                    total += weight
            scores[i, t] = total
    return scores


# --------------------------------------------------------------------------------------------
# Sort the rest


def _as_theme(theme: Theme | ThemePreset | str) -> Theme:
    if isinstance(theme, Theme):
        # Keywords given as a list would make the theme unhashable (the vocabulary is cached).
        return replace(theme, keywords=tuple(k for k in theme.keywords if isinstance(k, str)))
    if isinstance(theme, ThemePreset):
        return theme_from_preset(theme)
    return theme_from_name(str(theme))


def _clean_ideas(ideas: Iterable[tuple[IdeaId, str | None]]) -> tuple[list, list[str]]:
    """Drop repeated ids (first wins) and turn None texts into ""."""
    ids, texts, seen = [], [], set()
    for idea_id, text in ideas:
        if idea_id in seen:
            continue
        seen.add(idea_id)
        ids.append(idea_id)
        texts.append(text if isinstance(text, str) else "")
    return ids, texts


def _example_scores(vectors, examples: Mapping[int, tuple[int, float]], n_themes: int):
    """(centroid cosine, mean of top-k cosines) per idea and theme from weighted examples.

    ``examples`` maps an idea row to (theme index, weight). An idea is never its own example.
    """
    import numpy as np

    n = vectors.shape[0]
    centroid = np.zeros((n, n_themes))
    knn = np.zeros((n, n_themes))
    if not examples:
        return centroid, knn
    rows = np.array(sorted(examples))
    sims = (vectors @ vectors[rows].T).toarray()
    sims[rows, np.arange(len(rows))] = 0.0  # no self-match
    theme_of = np.array([examples[r][0] for r in rows])
    weight_of = np.array([examples[r][1] for r in rows])
    for t in range(n_themes):
        cols = np.flatnonzero(theme_of == t)
        if cols.size == 0:
            continue
        w = weight_of[cols]
        center = np.asarray(vectors[rows[cols]].multiply(w[:, None]).sum(axis=0)).ravel()
        norm = np.linalg.norm(center)
        if norm > 0:
            centroid[:, t] = np.asarray(vectors @ center).ravel() / norm
        block = sims[:, cols] * w
        k = min(_KNN_K, cols.size)
        top = -np.sort(-block, axis=1)[:, :k]
        knn[:, t] = top.sum(axis=1) / max(k, 1)
    return centroid, knn


def _confidence(scores):
    """Softmax share of the best theme, damped when the best raw score is weak."""
    import numpy as np

    if scores.shape[1] == 0:
        return np.zeros(scores.shape[0]), np.zeros(scores.shape[0], dtype=int)
    best = scores.argmax(axis=1)
    top = scores.max(axis=1)
    z = np.exp((scores - top[:, None]) / _SOFTMAX_TEMPERATURE)
    share = 1.0 / z.sum(axis=1)
    strength = np.clip(top / _STRENGTH_FLOOR, 0.0, 1.0)
    conf = np.where(top > 0, share * strength, 0.0)
    return np.clip(conf, 0.0, 1.0), best


def sort_ideas(
    ideas: Iterable[tuple[IdeaId, str | None]],
    themes: Iterable[Theme | ThemePreset | str],
    placed: Mapping[IdeaId, str] | None = None,
    *,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> SortResult:
    """Propose a theme for every idea not in ``placed``.

    ``ideas``: every idea of the board, placed or not, as ``(id, text)``.
    ``themes``: ``Theme`` objects, presets, or plain names (a name matching a preset gets its
    vocabulary). ``placed`` maps an idea id to a theme key; a key missing from ``themes`` becomes a
    theme named after the key, and ids missing from ``ideas`` are ignored.
    With no theme at all every idea is unsure.
    """
    import numpy as np

    ids, texts = _clean_ideas(ideas)
    theme_list: list[Theme] = []
    seen_keys: set[str] = set()
    for theme in themes:
        t = _as_theme(theme)
        if t.key not in seen_keys:
            seen_keys.add(t.key)
            theme_list.append(t)
    placed = {k: v for k, v in (placed or {}).items() if v is not None}
    for key in placed.values():
        if key not in seen_keys:
            seen_keys.add(key)
            theme_list.append(Theme(key=key, name=str(key)))

    row_of = {idea_id: i for i, idea_id in enumerate(ids)}
    todo = [i for i, idea_id in enumerate(ids) if idea_id not in placed]
    if not todo:
        return SortResult(())
    if not theme_list:
        return SortResult(tuple(Suggestion(ids[i], None, 0.0, None) for i in todo))

    docs = _analyse(texts)
    lexicon = _lexicon(tuple(theme_list))
    lex = 1.0 - np.exp(-_lexical_scores(docs, lexicon) / _LEX_SCALE)
    key_index = {k: t for t, k in enumerate(lexicon.keys)}
    examples = {row_of[i]: (key_index[k], 1.0) for i, k in placed.items() if i in row_of}

    vectors = _vectorize(docs)
    centroid, knn = _example_scores(vectors, examples, len(theme_list))
    scores = lex + _W_CENTROID * centroid + _W_KNN * knn
    conf, best = _confidence(scores)

    # An exact tie between the two best themes is never settled by theme order.
    ordered = np.sort(scores, axis=1)
    if scores.shape[1] > 1:
        tied = ordered[:, -1] - ordered[:, -2] < 1e-9
    else:
        tied = np.zeros(scores.shape[0], dtype=bool)
    suggestions = []
    for i in todo:
        c = round(float(conf[i]), 4)
        guess = lexicon.keys[int(best[i])] if scores[i].max() > 0 and not tied[i] else None
        key = guess if c >= min_confidence else None
        suggestions.append(Suggestion(ids[i], key, c, guess))
    return SortResult(tuple(suggestions))


# --------------------------------------------------------------------------------------------
# Find duplicates


def find_duplicates(
    ideas: Iterable[tuple[IdeaId, str | None]],
    *,
    threshold: float = DEFAULT_DUPLICATE_THRESHOLD,
) -> list[DuplicatePair]:
    """Pairs of ideas whose similarity is at least ``threshold``, highest score first.

    The similarity is the cosine of the word-stem + character n-gram vectors. Texts identical
    after folding case, accents and spaces score 1.0 even when they have no words (emoji).
    Ties are ordered by input position, so the result is deterministic.
    """

    ids, texts = _clean_ideas(ideas)
    if len(ids) < 2:
        return []
    docs = _analyse(texts)
    vectors = _vectorize(docs)
    sims = (vectors @ vectors.T).tocoo()
    found: dict[tuple[int, int], float] = {}
    mask = (sims.row < sims.col) & (sims.data >= threshold - 1e-9)
    for i, j, s in zip(sims.row[mask], sims.col[mask], sims.data[mask], strict=True):
        found[(int(i), int(j))] = min(float(s), 1.0)

    exact: dict[str, list[int]] = defaultdict(list)
    for i, text in enumerate(texts):
        key = " ".join(_fold(text).split())
        if key:
            exact[key].append(i)
    for rows in exact.values():
        for x in range(len(rows)):
            for y in range(x + 1, len(rows)):
                found[(rows[x], rows[y])] = 1.0

    pairs = sorted(found.items(), key=lambda item: (-round(item[1], 9), item[0]))
    return [DuplicatePair(ids[i], ids[j], round(s, 4)) for (i, j), s in pairs]


def group_duplicates(pairs: Iterable[DuplicatePair]) -> list[list[IdeaId]]:
    """Connected components of the duplicate graph, each in first-seen order, largest first."""
    parent: dict[IdeaId, IdeaId] = {}
    order: dict[IdeaId, int] = {}

    def find(x):
        parent.setdefault(x, x)
        order.setdefault(x, len(order))
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        ra, rb = find(pair.a), find(pair.b)
        if ra != rb:
            if order[ra] > order[rb]:
                ra, rb = rb, ra
            parent[rb] = ra
    groups: dict[IdeaId, list[IdeaId]] = defaultdict(list)
    for x in sorted(order, key=order.__getitem__):
        groups[find(x)].append(x)
    return sorted(groups.values(), key=lambda g: (-len(g), order[g[0]]))


# --------------------------------------------------------------------------------------------
# Discover


def discover_themes(
    ideas: Iterable[tuple[IdeaId, str | None]],
    *,
    min_group_size: int = 3,
    max_groups: int | None = None,
    use_presets: bool = True,
) -> DiscoverResult:
    """Propose a few tight groups for a board without themes; everything else stays unsorted.

    With ``use_presets`` (the default) the ideas are first sorted against every built-in preset
    (exactly ``sort_ideas``, unsure ideas excluded) and each preset that gathers at least
    ``min_group_size`` ideas becomes a group. Then, on all ideas still unsorted, and with
    ``use_presets=False`` on all ideas, average-linkage agglomerative clustering over the TF-IDF
    vectors (cosine distance under ``_DISCOVER_DISTANCE``) finds tight groups of words the presets
    do not know. Groups smaller than ``min_group_size`` are dissolved; only the ``max_groups``
    largest are kept (default: the square root of the number of ideas, 17 for 300). Every group
    is labelled by its 2-3 most distinctive words (c-TF-IDF: share of the group's ideas using a
    word, times the word's inverse document frequency on the board).
    """
    import numpy as np

    ids, texts = _clean_ideas(ideas)
    min_group_size = max(2, min_group_size)
    if max_groups is None:
        max_groups = max(1, round(math.sqrt(len(ids))))
    if len(ids) < min_group_size or max_groups <= 0:
        return DiscoverResult((), tuple(ids))
    docs = _analyse(texts)
    vectors = _vectorize(docs)
    members: list[tuple[list[int], str | None]] = []
    free = list(range(len(ids)))

    if use_presets:
        themes = preset_themes()
        result = sort_ideas(list(zip(range(len(ids)), texts, strict=True)), themes)
        buckets: dict[str, list[int]] = defaultdict(list)
        for suggestion in result.suggestions:
            if suggestion.theme_key is not None:
                buckets[suggestion.theme_key].append(suggestion.idea_id)
        taken = set()
        for key, rows in buckets.items():
            if len(rows) >= min_group_size:
                members.append((rows, key))
                taken.update(rows)
        free = [i for i in free if i not in taken]

    # Data-driven groups among what is left (ideas with no words cannot group).
    free = [i for i in free if docs[i].stems]
    if len(free) >= min_group_size:
        from sklearn.cluster import AgglomerativeClustering

        sub = vectors[free]
        distance = np.clip(1.0 - (sub @ sub.T).toarray(), 0.0, 2.0)
        np.fill_diagonal(distance, 0.0)
        labels = AgglomerativeClustering(
            n_clusters=None,
            metric="precomputed",
            linkage="average",
            distance_threshold=_DISCOVER_DISTANCE,
        ).fit_predict(distance)
        by_label: dict[int, list[int]] = defaultdict(list)
        for row, label in zip(free, labels, strict=True):
            by_label[int(label)].append(row)
        for rows in by_label.values():
            if len(rows) >= min_group_size:
                members.append((rows, None))

    members.sort(key=lambda m: (-len(m[0]), min(m[0])))
    members = members[:max_groups]
    grouped = {i for rows, _ in members for i in rows}

    doc_freq = Counter(s for d in docs for s in set(d.stems))
    groups = []
    for rows, preset_slug in members:
        theme_stems = frozenset()
        if preset_slug is not None:
            lexicon = _lexicon((theme_from_preset(preset_slug),))
            theme_stems = frozenset(lexicon.stem_weights[0])
        keywords = _distinctive_words([docs[i] for i in rows], doc_freq, len(docs), theme_stems)
        center = np.asarray(vectors[rows].mean(axis=0)).ravel()
        norm = np.linalg.norm(center)
        cohesion = float(np.mean(vectors[rows] @ center) / norm) if norm > 0 else 0.0
        groups.append(
            DiscoveredGroup(
                label=" · ".join(keywords),
                keywords=tuple(keywords),
                idea_ids=tuple(ids[i] for i in sorted(rows)),
                cohesion=round(min(max(cohesion, 0.0), 1.0), 4),
                preset_slug=preset_slug,
            )
        )
    unsorted = tuple(ids[i] for i in range(len(ids)) if i not in grouped)
    return DiscoverResult(tuple(groups), unsorted)


def _distinctive_words(
    members: Sequence[_Doc], doc_freq: Counter, n_docs: int, theme_stems: frozenset[str]
) -> list[str]:
    """2-3 words used by many of the group's ideas and few others (c-TF-IDF), most frequent form.

    Words of the group's preset vocabulary (``theme_stems``) win ties, so a group whose ideas
    share no word is still labelled by what made it a group.
    """
    in_group = Counter(s for d in members for s in set(d.stems))
    forms: dict[str, Counter] = defaultdict(Counter)
    for d in members:
        for word, stem in zip(d.words, d.stems, strict=True):
            if not word.isdigit():
                forms[stem][word] += 1
    scored = sorted(
        (
            -(count / len(members)) * math.log(1 + n_docs / doc_freq[stem]),
            stem not in theme_stems,
            stem,
        )
        for stem, count in in_group.items()
        if stem in forms
    )
    repeated = [stem for _, _, stem in scored if in_group[stem] >= 2]
    chosen = repeated[:3] if len(repeated) >= 2 else [stem for _, _, stem in scored][:2]
    return [forms[stem].most_common(1)[0][0] for stem in chosen]


_warm = False


def warm_up() -> None:
    """Load scikit-learn and the preset vocabulary once, so the first "sort the rest" is quick.

    Called in a background thread when a facilitator opens a board (about 1.5 s on one core).
    """
    global _warm
    if _warm:
        return
    _warm = True
    sort_ideas([(0, "une piste cyclable"), (1, "un marché bio")], preset_themes())
    find_duplicates([(0, "une piste cyclable"), (1, "une piste cyclable")])
