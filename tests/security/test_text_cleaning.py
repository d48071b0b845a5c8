"""Issue 10, item 14: text cleaning keeps the zero-width joiner and non-joiner inside text.

U+200D joins emoji into one picture (👩🏽‍🌾, families, the rainbow flag) and U+200C/U+200D
shape Persian and Indic words: removing them changed what people wrote. Text made only of
invisible characters is still refused, and the characters that hide or reorder text (zero-width
space, bidi overrides and isolates, controls) are still removed.
"""

from __future__ import annotations

import pytest

from deliberation.models import Idea
from deliberation.services import clean_text, idea_submit
from events.services import clean_text as event_clean_text
from rooms.errors import DomainError
from tests.factories import make_meeting, make_participant, participant_actor

FARMER = "\U0001f469\U0001f3fd\u200d\U0001f33e"  # 👩🏽‍🌾 woman farmer, medium skin tone
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👨‍👩‍👧‍👦
RAINBOW_FLAG = "\U0001f3f3\ufe0f\u200d\U0001f308"  # 🏳️‍🌈
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # tag sequence
PERSIAN = "می\u200cخواهم"  # "I want": the ZWNJ keeps می and خواهم apart but unjoined
HINDI = "क्\u200dष"  # an explicit half-form of क before ष
TEXTS = [FARMER, FAMILY, RAINBOW_FLAG, SCOTLAND, PERSIAN, HINDI]


@pytest.mark.parametrize("cleaner", [clean_text, event_clean_text])
@pytest.mark.parametrize("text", TEXTS)
def test_joiners_inside_text_are_kept(cleaner, text):
    assert cleaner(f"Jardin partagé {text} au bourg") == f"Jardin partagé {text} au bourg"
    assert cleaner(text) == text


@pytest.mark.parametrize("cleaner", [clean_text, event_clean_text])
@pytest.mark.parametrize(
    "invisible",
    [
        "\u200d",
        "\u200c\u200d",
        " \u200b\u200d\ufe0f \n",
        "\u2060\ufeff\u00ad",
        "\u202e\u200d\u2066",
        "\u3164\u115f",  # Hangul fillers, drawn as nothing
    ],
)
def test_text_of_invisible_characters_only_is_empty(cleaner, invisible):
    assert cleaner(invisible) == ""


@pytest.mark.parametrize("cleaner", [clean_text, event_clean_text])
def test_hiding_and_reordering_characters_are_still_removed(cleaner):
    assert cleaner("\u200dPlus\u200b de\u202e bancs\u2066\x00\u200c") == "Plus de bancs"


@pytest.mark.django_db
@pytest.mark.parametrize("text", TEXTS)
def test_an_idea_keeps_its_emoji_and_spelling_on_disk(text):
    meeting = make_meeting()
    actor = participant_actor(make_participant(meeting))

    reply = idea_submit(
        meeting_id=meeting.pk, actor=actor, client_id=None, text=f"Un potager {text}"
    )

    assert Idea.objects.get(pk=reply["data"]["idea"]).text == f"Un potager {text}"


@pytest.mark.django_db
def test_an_idea_of_joiners_only_is_refused_as_empty():
    meeting = make_meeting()
    actor = participant_actor(make_participant(meeting))

    with pytest.raises(DomainError) as refused:
        idea_submit(meeting_id=meeting.pk, actor=actor, client_id=None, text="\u200d\u200c\ufe0f")

    assert refused.value.code == "idea.empty"
    assert refused.value.render() == "L'idée est vide : écrivez quelques mots."
    assert not Idea.objects.exists()
