"""The votes' section of the minutes: registered by the voting app with rooms.minutes."""

from __future__ import annotations

import io
import json

import pytest
from django.utils import translation

from deliberation import (
    exporters,
    minutes,  # noqa: F401 - registers the meeting's own sections
)
from deliberation.minutes import MinutesDocument
from rooms.minutes import MinutesContext, Paragraph, minutes_parts, minutes_sections
from tests.factories import make_meeting
from voting.minutes import ChartTable, votes_section
from voting.tally import tally_majority_judgment


def test_sections_run_in_order_with_votes_between_questions_and_debrief():
    keys = [s.key for s in minutes_sections()]

    assert keys == [
        "header",
        "summary",
        "participation",
        "timeline",
        "ideas",
        "groups",
        "questions",
        "votes",
        "debrief",
        "questionnaires",
    ]


@pytest.mark.django_db
def test_minutes_parts_gathers_the_votes_of_a_meeting_without_any():
    meeting = make_meeting()

    assert minutes_parts(meeting.pk) == {"votes": []}


def test_votes_section_is_empty_without_closed_votes():
    section = votes_section(MinutesContext({"votes": []}))

    assert (section.meta, section.blocks) == ([], [])


# --- Majority judgment: the sentence, the merit-profile chart, "how is it counted?" ----------

# Mobilité: TB B AB P; Sécurité routière: E AB AB AR (4 voters, the tie case of test_tally.py).
MJ_BALLOTS = [{"1": 1, "2": 0}, {"1": 2, "2": 3}, {"1": 3, "2": 3}, {"1": 4, "2": 5}]


def mj_vote() -> dict:
    tally = tally_majority_judgment(
        MJ_BALLOTS, options=["1", "2"], labels={"1": "Mobilité", "2": "Sécurité routière"}
    )
    return {
        "id": 7,
        "title": "Priorités 2026",
        "method": "majority_judgment",
        "method_label": "Jugement majoritaire",
        "settings": {},
        "options": {"1": "Mobilité", "2": "Sécurité routière"},
        "results": {"tally": json.loads(json.dumps(tally.to_dict()))},  # as stored
    }


def mj_blocks() -> list:
    return votes_section(MinutesContext({"votes": [mj_vote()]})).blocks


def test_mj_minutes_give_the_sentence_the_profile_and_how_it_is_counted():
    blocks = mj_blocks()
    texts = [b.text for b in blocks if isinstance(b, Paragraph)]
    (chart,) = [b for b in blocks if isinstance(b, ChartTable)]

    assert texts[1] == (
        "« Mobilité » passe devant « Sécurité routière » : les deux ont la mention majoritaire "
        "« Assez bien » ; en retirant une mention « Assez bien » de chacune, la mention "
        "majoritaire de « Mobilité » devient « Bien », celle de « Sécurité routière » reste "
        "« Assez bien » (« Bien » ou mieux : 2 votants contre 1)."
    )
    assert chart.headers == [
        "Proposition",
        "Excellent",
        "Très bien",
        "Bien",
        "Assez bien",
        "Passable",
        "À rejeter",
    ]
    assert chart.rows == [
        ["Mobilité", "0 (0 %)", "1 (25 %)", "1 (25 %)", "1 (25 %)", "1 (25 %)", "0 (0 %)"],
        ["Sécurité routière", "1 (25 %)", "0 (0 %)", "0 (0 %)", "2 (50 %)", "0 (0 %)", "1 (25 %)"],
    ]
    first = chart.bars[0]
    assert (first["label"], first["note"], first["marker"]) == (
        "Mobilité",
        "mention majoritaire : Assez bien",
        0.625,  # position 2 of 4, best first: the lower middle grade
    )
    assert [s["highlight"] for s in first["segments"]] == [False, False, False, True, False, False]
    # "valeur majoritaire / Balinski et Laraki" only in the note on how it is counted.
    assert [t for t in texts if "Balinski" in t or "valeur majoritaire" in t] == [texts[-1]]
    assert texts[-1].startswith("Comment est-ce compté ?")


def test_mj_minutes_in_english():
    with translation.override("en"):
        blocks = mj_blocks()
    texts = [b.text for b in blocks if isinstance(b, Paragraph)]
    (chart,) = [b for b in blocks if isinstance(b, ChartTable)]

    assert texts[1] == (
        "“Mobilité” ranks ahead of “Sécurité routière”: both have the majority grade “Fair”; "
        "removing one “Fair” grade from each, the majority grade of “Mobilité” becomes “Good”, "
        "that of “Sécurité routière” stays “Fair” (“Good” or better: 2 voters versus 1)."
    )
    assert chart.headers[1:] == ["Excellent", "Very good", "Good", "Fair", "Passable", "Reject"]
    assert chart.rows[1][4] == "2 (50%)"
    assert chart.bars[1]["note"] == "majority grade: Fair"
    assert texts[-1].startswith("How is it counted?")


def test_mj_minutes_html_draws_the_merit_profile_in_svg():
    doc = MinutesDocument(title="CR", meta=[], blocks=mj_blocks(), data={})

    html = exporters.to_html(doc).decode()

    assert html.count('<svg class="minutes-bar-svg"') == 2
    assert 'aria-label="Mobilité; Excellent : 0 (0 %); Très bien : 1 (25 %);' in html
    assert '<line x1="625.0" x2="625.0" y1="0" y2="64"' in html  # the median: 62.5 % along
    assert "<strong>Assez bien : 1 (25 %)</strong>" in html  # the median grade, in bold
    assert "style=" not in html.split("</head>")[1]  # strict CSP: no style attribute
    assert "<script" not in html


def test_mj_minutes_text_formats_write_every_percentage():
    doc = MinutesDocument(title="CR", meta=[], blocks=mj_blocks(), data={})

    markdown = exporters.to_markdown(doc).decode().replace("\\", "")

    assert (
        "| Sécurité routière | 1 (25 %) | 0 (0 %) | 0 (0 %) | 2 (50 %) | 0 (0 %) | 1 (25 %) |"
        in (markdown)
    )
    assert "passe devant" in markdown


def test_mj_minutes_pdf_keeps_the_chart_text():
    from pdfminer.high_level import extract_text

    doc = MinutesDocument(title="CR", meta=[], blocks=mj_blocks(), data={})

    flat = " ".join(extract_text(io.BytesIO(exporters.to_pdf(doc))).split())

    assert "Mobilité — mention majoritaire : Assez bien" in flat
    assert "Assez bien : 2 (50 %)" in flat
    assert "passe devant « Sécurité routière »" in flat
