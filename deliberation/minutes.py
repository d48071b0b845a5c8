"""Minutes (compte-rendu): compile a document from plain data. Pure: no ORM, no I/O.

`selectors.minutes_source()` gathers what happened; `compile_minutes()` turns it into a
`MinutesDocument`: a title, a few metadata lines and a list of simple blocks (headings,
paragraphs, bullet lists, tables) that every exporter (deliberation/exporters.py) renders the same
way, plus the raw data for the JSON and CSV exports. `compile_event_report()` does the same for a
whole event (all its sessions with attendance and debrief results).

The document is written in the active language (French source strings, English catalog): the
minutes page uses the request's language, `manage.py export_minutes --lang`. The CSV column names
stay fixed (machine-readable data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import formats
from django.utils.translation import (
    get_language,
    gettext_lazy,
    ngettext,
    pgettext,
    pgettext_lazy,
)
from django.utils.translation import gettext as _

DEBRIEF_COLUMNS = (
    ("strength", pgettext_lazy("debrief column", "Atouts")),
    ("critique", pgettext_lazy("debrief column", "Critiques")),
    ("improvement", pgettext_lazy("debrief column", "Pistes d'amélioration")),
)
# One sentence per method, for readers who were not in the room.
METHOD_SENTENCES = {
    "dots": gettext_lazy(
        "Chaque participant·e a réparti un nombre limité de gommettes entre les propositions ; "
        "les propositions sont classées par nombre total de gommettes."
    ),
    "approval": gettext_lazy(
        "Chaque participant·e a approuvé autant de propositions qu'il ou elle le "
        "souhaitait ; la proposition la plus approuvée l'emporte."
    ),
    "majority_judgment": gettext_lazy(
        "Chaque participant·e a attribué une mention à chaque proposition ; "
        "les propositions sont classées par leur mention majoritaire (la médiane)."
    ),
    "borda": gettext_lazy(
        "Chaque participant·e a classé les propositions ; chaque rang rapporte des points "
        "(plus pour les premiers) et les points sont additionnés."
    ),
    "schulze": gettext_lazy(
        "Chaque participant·e a classé les propositions ; la gagnante est celle qui bat "
        "chacune des autres en duel, par la méthode de Condorcet–Schulze."
    ),
    "score": gettext_lazy(
        "Chaque participant·e a noté chaque proposition ; les propositions sont classées "
        "par la somme des notes."
    ),
    "yes_no": gettext_lazy(
        "Chaque participant·e a répondu oui, non ou abstention ; la proposition est "
        "adoptée si les oui l'emportent sur les non."
    ),
}
IDEA_CSV_HEADERS = [
    "id",
    "type",
    "theme",
    "groupe",
    "titre",
    "texte",
    "soutiens",
    "epinglee",
    "post_it",
    "auteur",
    "repondue",
    "cree",
]


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Paragraph:
    text: str
    emphasis: bool = False


@dataclass
class Bullet:
    text: str
    title: str = ""
    note: str = ""
    sub: list[str] = field(default_factory=list)
    color: str = ""


@dataclass
class BulletList:
    items: list[Bullet]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


Block = Heading | Paragraph | BulletList | Table


@dataclass
class MinutesDocument:
    title: str
    meta: list[tuple[str, str]]
    blocks: list[Block]
    data: dict[str, Any]
    csv_headers: list[str] = field(default_factory=list)
    csv_rows: list[list[Any]] = field(default_factory=list)
    filename: str = "compte-rendu"


def timecode(seconds: int) -> str:
    """4:28, 22:30, 1:02:05: how people read a recording's clock."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def _date_label(iso: str) -> str:
    """5 mars 2026 / 5 March 2026: day, month name and year in the active language."""
    try:
        value = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return ""
    return formats.date_format(value, "j F Y")


def separator() -> str:
    """Between a label and its value: " : " in French typography, ": " in English."""
    return pgettext("between a label and its value", " : ")


def decimal(value: float) -> str:
    """One decimal, with the active language's decimal separator (3,5 / 3.5)."""
    return formats.number_format(value, 1)


def _supports(n: int) -> str:
    return ngettext("%(n)s soutien", "%(n)s soutiens", n) % {"n": n}


def _lines(text: str) -> tuple[str, list[str]]:
    """A proposal's first line, and its other lines as bullet points ("- " stripped)."""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    if not parts:
        return "", []
    return parts[0], [p.lstrip("-•*· ").strip() for p in parts[1:]]


def _idea_bullet(idea: dict[str, Any], *, with_supports: bool = True) -> Bullet:
    notes = []
    if with_supports:
        notes.append(_supports(idea.get("supports", 0)))
    if idea.get("author"):
        notes.append(idea["author"])
    if idea.get("group"):
        notes.append(idea["group"]["title"])
    return Bullet(text=idea["text"], title=idea.get("title", ""), note=" · ".join(notes))


def _vote_blocks(vote: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = [Heading(vote.get("title") or vote.get("method_label", ""), 3)]
    sentence = str(METHOD_SENTENCES.get(vote.get("method", ""), ""))
    blocks.append(Paragraph(f"{vote.get('method_label', '')} — {sentence}".strip(" —")))
    results = vote.get("results") or {}
    tally = results.get("tally") or {}
    labels = vote.get("options") or {}
    if vote.get("method") == "yes_no":
        counts = tally.get("counts") or {}
        outcome = {
            "adopted": pgettext("vote outcome", "adoptée"),
            "rejected": pgettext("vote outcome", "rejetée"),
            "tie": pgettext("vote outcome", "égalité"),
        }.get(tally.get("outcome", ""), "")
        blocks.append(
            Table(
                [_("Oui"), _("Non"), _("Abstention"), _("Résultat")],
                [
                    [
                        str(counts.get("yes", 0)),
                        str(counts.get("no", 0)),
                        str(counts.get("abstain", 0)),
                        outcome,
                    ]
                ],
            )
        )
        return blocks
    rows = []
    scale = tally.get("scale") or {}
    english = (get_language() or "").startswith("en")
    grades = (english and scale.get("labels_en")) or scale.get("labels_fr") or []
    for place in tally.get("ranking") or []:
        for option in place.get("options", []):
            key = str(option)
            if vote.get("method") == "majority_judgment":
                index = (tally.get("majority_grades") or {}).get(key)
                value = grades[index] if isinstance(index, int) and index < len(grades) else "—"
            else:
                value = (tally.get("totals") or {}).get(key, "—")
            rows.append([str(place.get("rank", "")), labels.get(key, key), str(value)])
    if rows:
        column = (
            _("Mention majoritaire") if vote.get("method") == "majority_judgment" else _("Total")
        )
        blocks.append(Table([_("Rang"), _("Proposition"), column], rows))
    ballots = tally.get("ballot_count")
    if ballots is not None:
        n = int(ballots)
        blocks.append(Paragraph(ngettext("%(n)s bulletin.", "%(n)s bulletins.", n) % {"n": n}))
    return blocks


def _questionnaire_blocks(result: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = [
        Heading(result["title"], 3),
        Paragraph(
            ngettext("%(n)s réponse.", "%(n)s réponses.", result["responses"])
            % {"n": result["responses"]}
        ),
    ]
    scales = [q for q in result["questions"] if q["type"] == "scale"]
    if scales:
        blocks.append(
            Table(
                [_("Question"), _("Moyenne (sur 5)"), _("Réponses"), "1", "2", "3", "4", "5"],
                [
                    [
                        q["label"],
                        "—" if q["mean"] is None else decimal(q["mean"]),
                        str(q["count"]),
                        *[str(q["distribution"].get(str(n), 0)) for n in range(1, 6)],
                    ]
                    for q in scales
                ],
            )
        )
    for q in result["questions"]:
        if q["type"] == "text" and q.get("texts"):
            blocks.append(Paragraph(q["label"], emphasis=True))
            blocks.append(BulletList([Bullet(text=t) for t in q["texts"]]))
    return blocks


def compile_minutes(source: dict[str, Any]) -> MinutesDocument:
    """The minutes of one meeting, from `selectors.minutes_source()` data."""
    meeting = source["meeting"]
    attendance = source["attendance"]
    ideas = source["ideas"]
    meta = [
        (_("Date"), _date_label(meeting["date"])),
        (_("Lieu"), meeting["place"] or "—"),
        (pgettext("minutes", "Animation"), ", ".join(source["facilitators"]) or "—"),
    ]
    if meeting.get("group_of"):
        meta.append((_("Groupe de"), meeting["group_of"]))
    blocks: list[Block] = []

    if meeting.get("summary"):
        blocks += [Heading(_("Synthèse"))]
        blocks += [Paragraph(p) for p in meeting["summary"].split("\n\n") if p.strip()]

    blocks.append(Heading(_("Participation")))
    counts = ngettext(
        "%(n)s participant·e connecté·e·s, dont %(contributors)s ayant proposé au moins une idée.",
        "%(n)s participant·e·s connecté·e·s, dont %(contributors)s ayant proposé au moins une "
        "idée.",
        attendance["participants"],
    ) % {"n": attendance["participants"], "contributors": attendance["contributors"]}
    blocks.append(Paragraph(counts))
    if attendance["listed"]:
        blocks.append(Paragraph(_("Présent·e·s (ayant accepté d'être cité·e·s) :"), emphasis=True))
        blocks.append(Paragraph(", ".join(attendance["listed"])))

    if source["timeline"]:
        blocks.append(Heading(_("Déroulé")))
        items = []
        for mark in source["timeline"]:
            words = [mark["kind_label"]]
            if mark["speaker"]:
                words.append(mark["speaker"])
            text = " — ".join(w for w in [separator().join(words), mark["label"]] if w)
            items.append(Bullet(text=text, title=timecode(mark["offset"])))
        blocks.append(BulletList(items))

    plain = [i for i in ideas if i["kind"] == "idea" and not i.get("group")]
    blocks.append(Heading(_("Idées")))
    if not plain:
        blocks.append(Paragraph(_("Aucune idée n'a été proposée.")))
    else:
        blocks.append(
            Paragraph(
                ngettext("%(n)s idée, par thème.", "%(n)s idées, par thème.", len(plain))
                % {"n": len(plain)}
            )
        )
        themes = {t["id"]: t for t in source["themes"]}
        by_theme: dict[Any, list[dict[str, Any]]] = {}
        for idea in plain:
            key = idea["theme"] if idea["theme"] in themes else None
            by_theme.setdefault(key, []).append(idea)
        order = [t["id"] for t in source["themes"] if t["id"] in by_theme]
        if None in by_theme:
            order.append(None)
        for key in order:
            name = themes[key]["name"] if key is not None else pgettext("ideas", "Non classées")
            if len(order) > 1 or key is not None:
                total = sum(i["supports"] for i in by_theme[key])
                blocks.append(Heading(f"{name} ({_supports(total)})", 3))
            blocks.append(BulletList([_idea_bullet(i) for i in by_theme[key]]))

    from_groups = [i for i in ideas if i.get("group")]
    if source["groups"] or from_groups:
        blocks.append(Heading(_("Travaux des groupes")))
        for group in source["groups"]:
            blocks.append(Heading(group["title"], 3))
            blocks.append(
                Paragraph(
                    ngettext(
                        "%(n)s participant·e — animation : %(names)s",
                        "%(n)s participant·e·s — animation : %(names)s",
                        group["participants"],
                    )
                    % {"n": group["participants"], "names": ", ".join(group["facilitators"])}
                )
            )
            if not group["proposals"]:
                blocks.append(Paragraph(_("Pas de proposition retenue.")))
                continue
            items = []
            for proposal in group["proposals"]:
                first, rest = _lines(proposal["text"])
                items.append(
                    Bullet(
                        text=first,
                        title=proposal["title"],
                        sub=rest,
                        note=_supports(proposal["supports"]),
                        color=group["color"],
                    )
                )
            blocks.append(BulletList(items))

    questions = [i for i in ideas if i["kind"] == "question"]
    if questions:
        blocks.append(Heading(_("Questions du public")))
        blocks.append(
            BulletList(
                [
                    Bullet(
                        text=q["text"],
                        note=" · ".join(
                            [
                                _supports(q["supports"]),
                                pgettext("question", "répondue") if q["answered"] else "",
                            ]
                        ).strip(" ·"),
                    )
                    for q in questions
                ]
            )
        )

    if source["votes"]:
        blocks.append(Heading(_("Votes")))
        for vote in source["votes"]:
            blocks += _vote_blocks(vote)

    debrief = {kind: [i for i in ideas if i["kind"] == kind] for kind, _label in DEBRIEF_COLUMNS}
    if any(debrief.values()) or source["questionnaires"]:
        blocks.append(Heading(_("Débat-bilan")))
        for kind, label in DEBRIEF_COLUMNS:
            if debrief[kind]:
                blocks.append(Heading(str(label), 3))
                blocks.append(BulletList([_idea_bullet(i) for i in debrief[kind]]))
        for result in source["questionnaires"]:
            blocks += _questionnaire_blocks(result)

    themes_by_id = {t["id"]: t["name"] for t in source["themes"]}
    rows = [
        [
            i["id"],
            i["kind"],
            themes_by_id.get(i["theme"], ""),
            i["group"]["title"] if i.get("group") else "",
            i["title"],
            i["text"],
            i["supports"],
            "oui" if i["pinned"] else "",
            "oui" if i["paper"] else "",
            i["author"],
            "oui" if i["answered"] else "",
            i["created"],
        ]
        for i in ideas
    ]
    return MinutesDocument(
        title=meeting["title"],
        meta=meta,
        blocks=blocks,
        data=source,
        csv_headers=IDEA_CSV_HEADERS,
        csv_rows=rows,
        filename=pgettext("file name", "compte-rendu-%(code)s") % {"code": meeting["code"].lower()},
    )


def compile_event_report(source: dict[str, Any]) -> MinutesDocument:
    """An event's report: every session with its attendance and debrief results."""
    event = source["event"]
    blocks: list[Block] = []
    if event.get("description"):
        blocks.append(Paragraph(event["description"]))
    rows = []
    total = 0
    for session in source["sessions"]:
        people = sum(m["participants"] for m in session["meetings"])
        total += people
        rows.append(
            [
                _date_label(session["starts_at"]),
                pgettext("session", "%(title)s (annulée)") % {"title": session["title"]}
                if session["cancelled"]
                else session["title"],
                session["venue"],
                str(people) if session["meetings"] else "—",
            ]
        )
    blocks.append(Heading(_("Séances")))
    if rows:
        blocks.append(Table([_("Date"), _("Séance"), _("Lieu"), _("Participant·e·s")], rows))
        blocks.append(
            Paragraph(
                ngettext("Total : %(n)s participation.", "Total : %(n)s participations.", total)
                % {"n": total}
            )
        )
    else:
        blocks.append(Paragraph(_("Aucune séance.")))
    for session in source["sessions"]:
        details: list[Block] = []
        if session["origin"]:
            origin = session["origin"]
            what = origin["idea"] or origin["theme"]
            details.append(
                Paragraph(
                    _("Issue de « %(meeting)s » : %(what)s")
                    % {"meeting": origin["meeting"], "what": what}
                )
            )
        for meeting in session["meetings"]:
            for kind, label in DEBRIEF_COLUMNS:
                items = meeting["debrief"][kind]
                if items:
                    details.append(Heading(f"{label} — {meeting['title']}", 4))
                    details.append(
                        BulletList(
                            [
                                Bullet(text=i["text"], note=_supports(i["support_count"]))
                                for i in items
                            ]
                        )
                    )
            for vote in meeting["votes"]:
                details += _vote_blocks(vote)
            for result in meeting["questionnaires"]:
                details += _questionnaire_blocks(result)
        if details:
            blocks.append(Heading(session["title"], 3))
            blocks += details
    if source["questionnaires"]:
        blocks.append(Heading(_("Questionnaires de satisfaction")))
        for result in source["questionnaires"]:
            blocks += _questionnaire_blocks(result)
    csv_rows = [
        [
            s["id"],
            s["title"],
            s["starts_at"],
            s["venue"],
            sum(m["participants"] for m in s["meetings"]),
        ]
        + [sum(len(m["debrief"][k]) for m in s["meetings"]) for k, _l in DEBRIEF_COLUMNS]
        for s in source["sessions"]
    ]
    return MinutesDocument(
        title=_("Bilan — %(title)s") % {"title": event["title"]},
        meta=[(_("Dates"), f"{_date_label(event['starts_on'])} – {_date_label(event['ends_on'])}")],
        blocks=blocks,
        data=source,
        csv_headers=[
            "id",
            "seance",
            "debut",
            "lieu",
            "participants",
            "atouts",
            "critiques",
            "pistes",
        ],
        csv_rows=csv_rows,
        filename=pgettext("file name", "bilan-evenement-%(id)s") % {"id": event["id"]},
    )
