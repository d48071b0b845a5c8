"""Minutes: compiled from what happened, exported in every format, each opened by its reader."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from deliberation import exporters, minutes, selectors, services
from deliberation.enums import TimelineKind
from deliberation.models import Idea
from rooms.enums import RoomPhase
from rooms.models import Meeting
from tests.factories import (
    facilitator_actor,
    make_meeting,
    make_participant,
    make_questionnaire,
    make_user,
    participant_actor,
)

pytestmark = pytest.mark.django_db

LONG = ("Une très longue idée sur la mobilité douce à Saint-Étienne-de-Crossey, " * 7)[:500]
NASTY = "<script>alert('x')</script> **gras** # titre [lien](javascript:x) 🌳🚲 élève à l'œuvre"


def _submit(meeting, person, text, kind=None):
    return services.idea_submit(
        meeting_id=meeting.pk,
        actor=participant_actor(person),
        client_id=None,
        text=text,
        kind=kind,
    )


def rich_meeting():
    """A meeting with a theme, ideas (one long, one nasty), a timeline, a debrief and a group."""
    owner = make_user("animatrice", first_name="Camille", last_name="Morel")
    meeting = make_meeting(owner=owner, title="Réunion publique : bien vivre à Crest")
    boss = facilitator_actor(meeting)
    lea = make_participant(meeting, "Léa")
    lea.listed = True
    lea.save()
    karim = make_participant(meeting, "Karim")
    make_participant(meeting, "")
    theme = services.theme_create(
        meeting_id=meeting.pk, actor=boss, client_id=None, name="Mobilité"
    )["data"]["theme"]
    first = _submit(meeting, lea, "Des pistes cyclables sûres")["data"]["idea"]
    _submit(meeting, karim, LONG)
    _submit(meeting, karim, NASTY)
    _submit(meeting, karim, '=HYPERLINK("http://evil")')
    services.idea_support(
        meeting_id=meeting.pk, actor=participant_actor(karim), client_id=None, idea_id=first
    )
    services.ideas_assign(
        meeting_id=meeting.pk, actor=boss, client_id=None, assignments=[(first, theme)]
    )
    services.timeline_mark(
        meeting_id=meeting.pk,
        actor=boss,
        client_id=None,
        kind=TimelineKind.VIDEO,
        label="La vidéo démarre",
        offset=268,
    )
    services.timeline_mark(
        meeting_id=meeting.pk,
        actor=boss,
        client_id=None,
        kind=TimelineKind.SPEAKER,
        speaker="Zoé Martin",
        label="présente les 8 modules de formation",
        offset=1350,
    )
    # A known timeline zero, so that the clock times beside the offsets can be checked.
    Meeting.objects.filter(pk=meeting.pk).update(started_at=datetime(2026, 3, 5, 18, 0, tzinfo=UTC))
    services.meeting_set_phase(meeting_id=meeting.pk, actor=boss, client_id=None, phase="debrief")
    _submit(meeting, lea, "Très bonne ambiance", kind="strength")
    _submit(meeting, karim, "Trop de bruit dans la salle", kind="critique")
    _submit(meeting, karim, "Prévoir des micros", kind="improvement")
    services.minutes_summary_update(
        meeting_id=meeting.pk,
        actor=boss,
        client_id=None,
        summary="Une soirée riche.\n\nÀ suivre.",
        place="Salle des fêtes",
    )
    meeting.refresh_from_db()
    return meeting


def doc_for(meeting):
    return minutes.compile_minutes(selectors.minutes_source(meeting.pk))


def test_duration_reads_as_time_after_the_start():
    assert [minutes.duration(s) for s in (0, 45, 268, 540, 570, 1350, 3725, 3900)] == [
        "+0 min",
        "+45 s",
        "+4 min 28",
        "+9 min",
        "+9 min 30",
        "+22 min 30",
        "+1 h 02",
        "+1 h 05",
    ]


def test_duration_in_english():
    from django.utils import translation

    with translation.override("en"):
        assert [minutes.duration(s) for s in (45, 570, 3900)] == [
            "+45 s",
            "+9 min 30 s",
            "+1 h 05 min",
        ]


def _timeline_titles(meeting) -> list[str]:
    doc = doc_for(meeting)
    start = next(i for i, b in enumerate(doc.blocks) if getattr(b, "text", "") == "Déroulé")
    return [item.title for item in doc.blocks[start + 1].items]


def test_timeline_clock_in_the_event_time_zone():
    from tests.factories_events import make_event, make_organization, make_session

    meeting = rich_meeting()
    event = make_event(make_organization(meeting.owner), timezone="America/Montreal")
    meeting.session = make_session(event)
    meeting.save(update_fields=["session"])

    # 18:00 UTC on 5 March 2026 is 13:00 in Montréal (UTC-5).
    assert _timeline_titles(meeting) == ["+4 min 28 (13:04)", "+22 min 30 (13:22)"]


def test_timeline_without_a_start_shows_durations_only():
    meeting = rich_meeting()
    Meeting.objects.filter(pk=meeting.pk).update(started_at=None)

    assert _timeline_titles(meeting) == ["+4 min 28", "+22 min 30"]


def test_compile_minutes_contains_every_section():
    doc = doc_for(rich_meeting())
    headings = [b.text for b in doc.blocks if isinstance(b, minutes.Heading)]

    assert doc.meta[:3] == [
        ("Date", doc.meta[0][1]),
        ("Lieu", "Salle des fêtes"),
        ("Animation", "Camille Morel"),
    ]
    assert headings[:4] == ["Synthèse", "Participation", "Déroulé", "Idées"]
    assert "Débat-bilan" in headings
    markdown = exporters.to_markdown(doc).decode()
    # The start is 18:00 UTC: 19:00 in Paris (the server's TIME_ZONE; no session).
    assert "**+4 min 28 (19:04)** — Vidéo — La vidéo démarre" in markdown.replace("\\", "")
    assert "**+22 min 30 (19:22)** — Prise de parole : Zoé Martin — présente les 8 modules" in (
        markdown.replace("\\", "")
    )
    assert "3 personnes connectées, dont 2" in markdown
    assert "Léa" in markdown  # agreed to be listed
    assert "Karim" not in markdown  # did not


def test_markdown_escapes_html_and_markdown():
    markdown = exporters.to_markdown(doc_for(rich_meeting())).decode()

    assert "<script>" not in markdown
    assert "\\<script\\>" in markdown
    assert "\\*\\*gras\\*\\*" in markdown
    assert "🌳🚲 élève à l'œuvre" in markdown


def test_html_escapes_user_text():
    html = exporters.to_html(doc_for(rich_meeting())).decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "Très bonne ambiance" in html


def test_pdf_renders_accents_emoji_and_long_text():
    from pdfminer.high_level import extract_text

    data = exporters.to_pdf(doc_for(rich_meeting()))
    flat = " ".join(extract_text(io.BytesIO(data)).split())

    assert data.startswith(b"%PDF")
    assert "Réunion publique : bien vivre à Crest" in flat
    assert "Salle des fêtes" in flat
    assert "<script>alert('x')</script>" in flat  # shown as text, not interpreted
    assert "Saint-Étienne-de-Crossey" in flat
    assert "Pistes d'amélioration" in flat or "Pistes d’amélioration" in flat


def test_docx_is_a4_and_readable():
    from docx import Document

    data = exporters.to_docx(doc_for(rich_meeting()))
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    section = document.sections[0]

    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert texts[0] == "Réunion publique : bien vivre à Crest"
    assert f"{NASTY} (0 soutien)" in texts
    assert "Très bonne ambiance (0 soutien · Léa)" in texts


def test_odt_opens_with_odfpy():
    from odf import teletype
    from odf.opendocument import load
    from odf.text import H, P

    data = exporters.to_odt(doc_for(rich_meeting()))
    document = load(io.BytesIO(data))
    headers = [teletype.extractText(h) for h in document.getElementsByType(H)]
    paragraphs = [teletype.extractText(p) for p in document.getElementsByType(P)]

    assert zipfile.ZipFile(io.BytesIO(data)).read("mimetype") == (
        b"application/vnd.oasis.opendocument.text"
    )
    assert headers[0] == "Réunion publique : bien vivre à Crest"
    assert "Débat-bilan" in headers
    assert f"{NASTY} (0 soutien)" in paragraphs


def test_csv_neutralises_formulas_and_keeps_accents():
    data = exporters.to_csv(doc_for(rich_meeting()))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    texts = [row[5] for row in rows[1:]]

    assert rows[0] == minutes.IDEA_CSV_HEADERS
    assert '\'=HYPERLINK("http://evil")' in texts
    assert not any(t.startswith(("=", "+", "-", "@")) for t in texts)
    assert NASTY in texts


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_safe_prefixes_formula_starts(value):
    assert exporters.csv_safe(value) == "'" + value


def test_json_carries_raw_data():
    data = json.loads(exporters.to_json(doc_for(rich_meeting())))

    assert data["title"] == "Réunion publique : bien vivre à Crest"
    assert sorted(i["kind"] for i in data["data"]["ideas"]) == [
        "critique",
        "idea",
        "idea",
        "idea",
        "idea",
        "improvement",
        "strength",
    ]
    assert [m["offset"] for m in data["data"]["timeline"]] == [268, 1350]


@pytest.mark.parametrize("fmt", sorted(exporters.FORMATS))
def test_empty_meeting_exports_clean_minutes(fmt):
    meeting = make_meeting(title="Réunion vide")

    data = exporters.export(doc_for(meeting), fmt)

    assert data
    if fmt == "md":
        assert "Aucune idée n'a été proposée." in data.decode()
        assert "0 personnes connectées" in data.decode()


def test_vote_results_appear_with_method_sentence():
    from voting import services as voting_services

    meeting = make_meeting(phase=RoomPhase.COLLECT)
    boss = facilitator_actor(meeting)
    person = make_participant(meeting, "Léa")
    ideas = [
        _submit(meeting, make_participant(meeting), text)["data"]["idea"]
        for text in ("Jardin partagé", "Marché bio")
    ]
    services.meeting_set_phase(meeting_id=meeting.pk, actor=boss, client_id=None, phase="vote")
    created = voting_services.vote_create(
        meeting_id=meeting.pk,
        actor=boss,
        client_id=None,
        method="approval",
        title="Priorités",
        options=[{"idea": i} for i in ideas],
    )
    vote_id = created["data"]["vote"]
    voting_services.vote_open(meeting_id=meeting.pk, actor=boss, client_id=None, vote_id=vote_id)
    from voting.models import VoteOption

    option = VoteOption.objects.filter(vote_id=vote_id).first()
    voting_services.ballot_cast(
        meeting_id=meeting.pk,
        actor=participant_actor(person),
        client_id=None,
        vote_id=vote_id,
        ballot=[option.pk],
    )
    voting_services.vote_close(meeting_id=meeting.pk, actor=boss, client_id=None, vote_id=vote_id)

    markdown = exporters.to_markdown(doc_for(meeting)).decode().replace("\\", "")

    assert "### Priorités" in markdown
    assert "la proposition la plus approuvée l'emporte" in markdown
    assert f"| 1 | {option.label} | 1 |" in markdown


def test_export_command_writes_file(tmp_path):
    meeting = rich_meeting()
    target = tmp_path / "cr.docx"

    call_command("export_minutes", str(meeting.pk), "--format", "docx", "--output", str(target))

    assert target.read_bytes()[:2] == b"PK"


def test_minutes_page_needs_facilitator(client):
    meeting = rich_meeting()
    stranger = make_user()
    url = reverse("minutes", kwargs={"pk": meeting.pk})

    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.get(url + "?format=pdf").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_minutes_page_preview_summary_and_download(client):
    meeting = rich_meeting()
    make_questionnaire(meeting, "Votre avis")
    client.force_login(meeting.owner)
    url = reverse("minutes", kwargs={"pk": meeting.pk})

    page = client.get(url)
    saved = client.post(url, {"summary": "Nouvelle synthèse <b>", "place": "Crest"})
    download = client.get(url + "?format=odt")

    assert page.status_code == 200
    assert "&lt;script&gt;" in page.content.decode()
    assert page.content.decode().count("<svg") == 1  # the questionnaire's QR code
    assert saved.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.minutes_summary, meeting.place) == ("Nouvelle synthèse <b>", "Crest")
    assert download["Content-Type"] == "application/vnd.oasis.opendocument.text"
    assert "attachment" in download["Content-Disposition"]


def test_many_ideas_compile_without_queries_per_idea(django_assert_max_num_queries):
    meeting = make_meeting()
    person = make_participant(meeting)
    Idea.objects.bulk_create(
        [Idea(meeting=meeting, author=person, text=f"Idée {n}") for n in range(200)]
    )

    with django_assert_max_num_queries(20):
        doc_for(meeting)


def test_minutes_in_english(tmp_path):
    from django.utils import translation
    from docx import Document

    meeting = rich_meeting()
    target = tmp_path / "minutes.docx"

    with translation.override("en"):
        markdown = exporters.to_markdown(doc_for(meeting)).decode().replace("\\", "")
    call_command(
        "export_minutes", str(meeting.pk), "--format", "docx", "--lang", "en", "-o", str(target)
    )
    texts = [p.text for p in Document(str(target)).paragraphs]

    assert "## Participation" in markdown
    assert "## Ideas" in markdown
    assert "## Debrief" in markdown
    assert "- **Venue**: Salle des fêtes" in markdown
    assert "3 people online, of whom 2 proposed at least one idea." in markdown
    assert "**+22 min 30 s (7:22 p.m.)** — Speech: Zoé Martin — présente les 8 modules" in markdown
    assert {"Summary", "Timeline", "Ideas", "Debrief", "Strengths"} <= set(texts)
    assert f"{NASTY} (0 supports)" in texts
    assert "Débat-bilan" not in texts
