"""deliberation/clustering.py and deliberation/theme_presets.py: pure functions, no database."""

from __future__ import annotations

import pytest

from deliberation.clustering import (
    DEFAULT_MIN_CONFIDENCE,
    DiscoveredGroup,
    DuplicatePair,
    Suggestion,
    Theme,
    discover_themes,
    find_duplicates,
    group_duplicates,
    preset_themes,
    sort_ideas,
    theme_from_name,
    theme_from_preset,
)
from deliberation.theme_presets import PRESETS, find_preset, preset_by_slug

SPEC_THEMES = {
    "mobilite",
    "alimentation",
    "sante",
    "logement",
    "environnement-energie",
    "culture-fete",
    "jeunesse-education",
    "inclusion-numerique",
    "emploi-economie-locale",
    "espace-public-securite",
    "lien-social",
}

# A small CSS named-colour set covering what presets may use.
CSS_COLOURS = {
    "steelblue",
    "olivedrab",
    "crimson",
    "sienna",
    "forestgreen",
    "darkorchid",
    "darkorange",
    "teal",
    "goldenrod",
    "slategray",
    "palevioletred",
    "royalblue",
    "indigo",
    "peru",
}

CLEAR_IDEAS = [
    (1, "Des pistes cyclables jusqu'à la gare"),
    (2, "Un médecin généraliste dans la commune"),
    (3, "Des panneaux solaires sur le gymnase"),
    (4, "Un festival de musique en juillet"),
    (5, "Des logements sociaux pour les jeunes couples"),
]
FIVE_THEMES = ["mobilite", "sante", "environnement-energie", "culture-fete", "logement"]


def keys_of(result):
    return {s.idea_id: s.theme_key for s in result.suggestions}


# ---------------------------------------------------------------------------------------------
# Presets


def test_presets_cover_spec_themes():
    slugs = {p.slug for p in PRESETS}

    assert SPEC_THEMES - slugs == set()


def test_presets_slugs_unique():
    slugs = [p.slug for p in PRESETS]

    assert len(slugs) == len(set(slugs))


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.slug)
def test_presets_fields_filled(preset):
    assert preset.slug == preset.slug.lower().strip()
    assert preset.label_fr.strip() == preset.label_fr != ""
    assert preset.label_en.strip() == preset.label_en != ""
    assert preset.color in CSS_COLOURS
    assert len(preset.keywords) >= 30
    assert [k for k in preset.keywords if k != k.strip() or not k] == []


def test_presets_colours_distinct():
    colours = [p.color for p in PRESETS]

    assert len(colours) == len(set(colours))


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("Santé", "sante"),
        ("sante", "sante"),
        ("MOBILITÉ", "mobilite"),
        ("culture", "culture-fete"),
        ("Espace public & sécurité", "espace-public-securite"),
        ("Lien social", "lien-social"),
        ("Youth and education", "jeunesse-education"),
        ("emploi-economie-locale", "emploi-economie-locale"),
        ("Pétanque du jeudi", None),
        ("", None),
        ("🙂", None),
    ],
)
def test_find_preset_typed_names(typed, slug):
    preset = find_preset(typed)

    assert (preset.slug if preset else None) == slug


def test_preset_by_slug_unknown_returns_none():
    assert preset_by_slug("nope") is None


def test_theme_from_preset_uses_slug_and_label():
    assert theme_from_preset("sante") == Theme(key="sante", name="Santé", preset_slug="sante")


def test_theme_from_preset_unknown_slug_raises():
    with pytest.raises(KeyError):
        theme_from_preset("nope")


def test_theme_from_name_preset_name_gets_vocabulary():
    assert theme_from_name("Santé") == Theme(key="sante", name="Santé", preset_slug="sante")


def test_theme_from_name_custom_name_is_slugified():
    theme = theme_from_name("Pétanque du Jeudi", keywords=["boules", " ", "cochonnet"])

    assert theme == Theme(
        key="petanque-du-jeudi", name="Pétanque du Jeudi", keywords=("boules", "cochonnet")
    )


def test_preset_themes_default_all_presets():
    assert [t.key for t in preset_themes()] == [p.slug for p in PRESETS]


# ---------------------------------------------------------------------------------------------
# Sort the rest


def test_sort_ideas_presets_only_clear_ideas():
    result = sort_ideas(CLEAR_IDEAS, preset_themes(FIVE_THEMES))

    assert keys_of(result) == {
        1: "mobilite",
        2: "sante",
        3: "environnement-energie",
        4: "culture-fete",
        5: "logement",
    }


def test_sort_ideas_typos_and_sms_spellings():
    ideas = [(1, "pistes cyclabe svp"), (2, "+ de medcins stp"), (3, "pb de loyer tro cher")]

    result = sort_ideas(ideas, ["Mobilité", "Santé", "Logement"])

    assert keys_of(result) == {1: "mobilite", 2: "sante", 3: "logement"}


def test_sort_ideas_confidence_in_unit_interval():
    result = sort_ideas(CLEAR_IDEAS, preset_themes())

    assert [0.0 <= s.confidence <= 1.0 for s in result.suggestions] == [True] * 5


def test_sort_ideas_custom_theme_keywords():
    themes = [Theme(key="petanque", name="Pétanque", keywords=("boules", "cochonnet"))]

    result = sort_ideas([(1, "Un tournoi de boules le dimanche"), (2, "Rien à voir")], themes)

    assert keys_of(result) == {1: "petanque", 2: None}


def test_sort_ideas_theme_keywords_as_list():
    themes = [Theme(key="petanque", name="Pétanque", keywords=["boules"])]

    result = sort_ideas([(1, "Un tournoi de boules")], themes)

    assert keys_of(result) == {1: "petanque"}


def test_sort_ideas_placed_ideas_are_not_suggested():
    placed = {1: "mobilite", 2: "sante"}

    result = sort_ideas(CLEAR_IDEAS, preset_themes(FIVE_THEMES), placed)

    assert [s.idea_id for s in result.suggestions] == [3, 4, 5]


def test_sort_ideas_placed_idea_pulls_similar_idea_into_bare_theme():
    ideas = [(1, "Jumelage avec Heidelberg"), (2, "Un jumelage avec une ville allemande")]
    themes = [Theme(key="europe", name="Ouverture"), theme_from_preset("culture-fete")]

    before = sort_ideas(ideas, themes)
    after = sort_ideas(ideas, themes, placed={1: "europe"})

    assert keys_of(before) == {1: None, 2: None}
    assert keys_of(after) == {2: "europe"}


def test_sort_ideas_more_placed_ideas_raise_confidence():
    ideas = [
        (1, "Ramasser les feuilles mortes devant chez soi"),
        (2, "Ramasser les feuilles mortes sur le trottoir"),
        (3, "Ramasser les feuilles mortes le samedi"),
    ]
    themes = [Theme(key="automne", name="Automne"), Theme(key="hiver", name="Hiver")]

    one = sort_ideas(ideas, themes, placed={1: "automne"})
    two = sort_ideas(ideas, themes, placed={1: "automne", 2: "automne"})

    assert one.suggestions[-1].theme_key == "automne"
    assert two.suggestions[-1].theme_key == "automne"
    assert two.suggestions[-1].confidence >= one.suggestions[-1].confidence


def test_sort_ideas_placed_key_unknown_becomes_theme():
    ideas = [(1, "Jumelage avec Heidelberg"), (2, "Jumelage avec Heidelberg, vite")]

    result = sort_ideas(ideas, [], placed={1: "jumelage"})

    assert keys_of(result) == {2: "jumelage"}


def test_sort_ideas_placed_id_missing_from_ideas_ignored():
    result = sort_ideas(CLEAR_IDEAS[:1], preset_themes(FIVE_THEMES), placed={99: "sante"})

    assert keys_of(result) == {1: "mobilite"}


def test_sort_ideas_no_matching_word_goes_to_unsure():
    result = sort_ideas([(1, "Bonjour à tous")], preset_themes(["mobilite", "sante"]))

    assert result.suggestions == (Suggestion(1, None, 0.0, None),)
    assert result.unsure() == [1]


def test_sort_ideas_exact_tie_goes_to_unsure():
    themes = [Theme("a", "A", keywords=("vélo",)), Theme("b", "B", keywords=("médecin",))]

    result = sort_ideas([(1, "Un médecin à vélo")], themes)

    assert result.suggestions == (Suggestion(1, None, 0.5, None),)


def test_sort_ideas_below_min_confidence_goes_to_unsure():
    themes = [Theme("a", "A", keywords=("vélo",)), Theme("b", "B", keywords=("médecin",))]
    ideas = [(1, "Un médecin à vélo électrique"), (2, "Un vélo")]
    placed = {2: "a"}

    default = sort_ideas(ideas, themes, placed)
    strict = sort_ideas(ideas, themes, placed, min_confidence=0.99)

    assert default.suggestions[0].theme_key == "a"
    assert default.suggestions[0].confidence < 0.99
    assert strict.suggestions[0].theme_key is None
    assert strict.suggestions[0].best_guess == "a"


def test_sort_ideas_min_confidence_above_one_leaves_all_unsure():
    result = sort_ideas(CLEAR_IDEAS, preset_themes(FIVE_THEMES), min_confidence=1.01)

    assert result.unsure() == [1, 2, 3, 4, 5]
    assert [s.best_guess for s in result.suggestions] == [
        "mobilite",
        "sante",
        "environnement-energie",
        "culture-fete",
        "logement",
    ]


def test_sort_ideas_default_min_confidence_value():
    assert DEFAULT_MIN_CONFIDENCE == 0.4


def test_sort_ideas_by_theme_groups_ids():
    ideas = [*CLEAR_IDEAS, (6, "Bonjour")]

    result = sort_ideas(ideas, preset_themes(FIVE_THEMES))

    assert result.by_theme() == {
        "mobilite": [1],
        "sante": [2],
        "environnement-energie": [3],
        "culture-fete": [4],
        "logement": [5],
        None: [6],
    }


def test_sort_ideas_accepts_presets_and_names_mixed():
    themes = [PRESETS[0], "Santé", theme_from_preset("logement")]

    result = sort_ideas([CLEAR_IDEAS[0], CLEAR_IDEAS[1], CLEAR_IDEAS[4]], themes)

    assert keys_of(result) == {1: "mobilite", 2: "sante", 5: "logement"}


# ---------------------------------------------------------------------------------------------
# Find duplicates


def test_find_duplicates_near_identical_pair():
    ideas = [
        (1, "Des pistes cyclables sécurisées entre le centre-ville et la gare"),
        (2, "Un médecin généraliste"),
        (3, "des pistes cyclabes securisees entre le centre ville et la gare !!"),
    ]

    pairs = find_duplicates(ideas)

    assert [(p.a, p.b) for p in pairs] == [(1, 3)]
    assert 0.65 <= pairs[0].score <= 1.0


def test_find_duplicates_different_ideas_none():
    assert find_duplicates(CLEAR_IDEAS) == []


def test_find_duplicates_sorted_by_score():
    ideas = [
        (1, "Un café associatif pour se retrouver"),
        (2, "Un café associatif pour se retrouver entre habitants"),
        (3, "Un café associatif pour se retrouver"),
    ]

    pairs = find_duplicates(ideas)

    assert [(p.a, p.b) for p in pairs] == [(1, 3), (1, 2), (2, 3)]
    assert pairs[0].score == 1.0
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True)


def test_find_duplicates_threshold_one_keeps_exact_only():
    ideas = [(1, "Plus de bancs"), (2, "plus de BANCS "), (3, "Plus de bancs sur la place")]

    assert find_duplicates(ideas, threshold=1.0) == [DuplicatePair(1, 2, 1.0)]


def test_group_duplicates_connected_components():
    pairs = [DuplicatePair(1, 2, 0.9), DuplicatePair(4, 5, 0.8), DuplicatePair(2, 3, 0.7)]

    assert group_duplicates(pairs) == [[1, 2, 3], [4, 5]]


def test_group_duplicates_empty():
    assert group_duplicates([]) == []


# ---------------------------------------------------------------------------------------------
# Discover

DISCOVER_IDEAS = [
    (1, "Des pistes cyclables vers la gare"),
    (2, "Plus de bus le soir"),
    (3, "Un parking à vélos couvert"),
    (4, "Plus de trains vers la grande ville"),
    (5, "Un médecin généraliste au village"),
    (6, "Une maison de santé"),
    (7, "Un dentiste, il n'en reste aucun"),
    (8, "Dépistage gratuit du diabète"),
    (9, "Jumelage avec Heidelberg"),
]


def test_discover_themes_groups_and_unsorted():
    result = discover_themes(DISCOVER_IDEAS)

    assert [(g.preset_slug, g.idea_ids, g.label) for g in result.groups] == [
        ("mobilite", (1, 2, 3, 4), "bus · gare"),
        ("sante", (5, 6, 7, 8), "dentiste · dépistage"),
    ]
    assert result.unsorted == (9,)


def test_discover_themes_label_from_distinctive_words():
    ideas = [
        (1, "Jumelage avec Heidelberg en Allemagne"),
        (2, "Un jumelage avec une ville d'Allemagne"),
        (3, "Jumelage : échanges scolaires avec l'Allemagne"),
        (4, "Des bancs"),
    ]

    result = discover_themes(ideas, use_presets=False)

    assert len(result.groups) == 1
    group = result.groups[0]
    assert group.idea_ids == (1, 2, 3)
    assert set(group.keywords) == {"jumelage", "allemagne"}
    assert group.label == " · ".join(group.keywords)
    assert group.preset_slug is None
    assert result.unsorted == (4,)


def test_discover_themes_min_group_size_dissolves_small_groups():
    result = discover_themes(DISCOVER_IDEAS, min_group_size=5)

    assert result.groups == ()
    assert result.unsorted == tuple(range(1, 10))


def test_discover_themes_max_groups_keeps_largest():
    ideas = [*DISCOVER_IDEAS, (10, "Une navette gratuite pour le marché")]

    result = discover_themes(ideas, max_groups=1)

    assert [g.preset_slug for g in result.groups] == ["mobilite"]
    assert result.unsorted == (5, 6, 7, 8, 9)


def test_discover_themes_cohesion_identical_ideas_is_one():
    ideas = [(i, "Un skatepark pour les ados") for i in range(4)]

    result = discover_themes(ideas, use_presets=False)

    assert result.groups == (
        DiscoveredGroup(
            label="adolescents · skatepark",
            keywords=("adolescents", "skatepark"),
            idea_ids=(0, 1, 2, 3),
            cohesion=1.0,
            preset_slug=None,
        ),
    )


# ---------------------------------------------------------------------------------------------
# Bad input: no crash, sensible result

LONG_TEXT = ("Il faudrait des pistes cyclables et des bus plus fréquents. " * 90)[:5000]


def test_bad_input_empty_list():
    assert sort_ideas([], preset_themes()).suggestions == ()
    assert find_duplicates([]) == []
    assert discover_themes([]).groups == ()
    assert discover_themes([]).unsorted == ()


def test_bad_input_one_idea():
    ideas = [(1, "Des pistes cyclables")]

    assert keys_of(sort_ideas(ideas, preset_themes())) == {1: "mobilite"}
    assert find_duplicates(ideas) == []
    assert discover_themes(ideas).unsorted == (1,)


def test_bad_input_all_ideas_identical():
    ideas = [(i, "Des pistes cyclables") for i in range(5)]

    assert keys_of(sort_ideas(ideas, preset_themes())) == dict.fromkeys(range(5), "mobilite")
    assert len(find_duplicates(ideas)) == 10
    assert group_duplicates(find_duplicates(ideas)) == [[0, 1, 2, 3, 4]]
    assert [g.idea_ids for g in discover_themes(ideas).groups] == [(0, 1, 2, 3, 4)]


def test_bad_input_emoji_only():
    ideas = [(1, "🚲🚲🚲"), (2, "👍"), (3, "👍")]

    result = sort_ideas(ideas, preset_themes())

    assert keys_of(result) == {1: None, 2: None, 3: None}
    assert find_duplicates(ideas) == [DuplicatePair(2, 3, 1.0)]
    assert discover_themes(ideas).groups == ()
    assert discover_themes(ideas).unsorted == (1, 2, 3)


def test_bad_input_very_long_text():
    ideas = [(1, LONG_TEXT), (2, LONG_TEXT + " Merci."), (3, "Un médecin")]

    result = sort_ideas(ideas, preset_themes())

    assert len(LONG_TEXT) == 5000
    assert keys_of(result) == {1: "mobilite", 2: "mobilite", 3: "sante"}
    assert [(p.a, p.b) for p in find_duplicates(ideas)] == [(1, 2)]


def test_bad_input_mixed_french_and_english():
    ideas = [
        (1, "We need more bike lanes please, des pistes cyclables"),
        (2, "More doctors in town"),
        (3, "Plus de médecins, we need doctors"),
    ]

    result = sort_ideas(ideas, preset_themes(["mobilite", "sante"]))

    assert keys_of(result) == {1: "mobilite", 2: None, 3: "sante"}


def test_bad_input_no_themes():
    result = sort_ideas(CLEAR_IDEAS, [])

    assert result.unsure() == [1, 2, 3, 4, 5]
    assert [s.confidence for s in result.suggestions] == [0.0] * 5


def test_bad_input_none_and_blank_texts():
    ideas = [(1, None), (2, ""), (3, "   ")]

    assert keys_of(sort_ideas(ideas, preset_themes())) == {1: None, 2: None, 3: None}
    assert find_duplicates(ideas) == []
    assert discover_themes(ideas).unsorted == (1, 2, 3)


def test_bad_input_repeated_ids_first_wins():
    ideas = [(1, "Des pistes cyclables"), (1, "Un médecin")]

    assert keys_of(sort_ideas(ideas, preset_themes())) == {1: "mobilite"}
    assert find_duplicates(ideas) == []
