"""Minutes (compte-rendu): compile a document from plain data. Pure: no ORM, no I/O.

`selectors.minutes_source()` gathers what happened; `compile_minutes()` turns it into a
`MinutesDocument`: a title, a few metadata lines and a list of simple blocks (headings,
paragraphs, bullet lists, tables) that every exporter (deliberation/exporters.py) renders the same
way, plus the raw data for the JSON and CSV exports. The metadata and blocks come from the
sections registered in rooms/minutes.py, run in order: this module registers the meeting's own
sections below (header, summary, participation, timeline, ideas, groups, questions, debrief,
questionnaires); other apps register theirs (voting: the votes). `compile_event_report()` does the
same for a whole event (all its sessions with attendance and debrief results).

The document is written in the active language (French source strings, English catalog): the
minutes page uses the request's language, `manage.py export_minutes --lang`. The CSV column names
stay fixed (machine-readable data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from rooms.minutes import (
    Block,
    Bullet,
    BulletList,
    Heading,
    MinutesContext,
    Paragraph,
    Section,
    Table,
    minutes_sections,
    register_minutes_section,
)

DEBRIEF_COLUMNS = (
    ("strength", pgettext_lazy("debrief column", "Atouts")),
    ("critique", pgettext_lazy("debrief column", "Critiques")),
    ("improvement", pgettext_lazy("debrief column", "Pistes d'amélioration")),
)
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
class MinutesDocument:
    title: str
    meta: list[tuple[str, str]]
    blocks: list[Block]
    data: dict[str, Any]
    csv_headers: list[str] = field(default_factory=list)
    csv_rows: list[list[Any]] = field(default_factory=list)
    filename: str = "compte-rendu"


def duration(seconds: int) -> str:
    """How long after the start: "+45 s", "+9 min", "+9 min 30", "+1 h 05" (hours: to the minute),
    in the active language."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return pgettext("duration", "+%(hours)s h %(minutes)02d") % {
            "hours": hours,
            "minutes": minutes,
        }
    if not minutes and secs:
        return pgettext("duration", "+%(seconds)s s") % {"seconds": secs}
    if not secs:
        return pgettext("duration", "+%(minutes)s min") % {"minutes": minutes}
    return pgettext("duration", "+%(minutes)s min %(seconds)02d") % {
        "minutes": minutes,
        "seconds": secs,
    }


def _clock(iso: str) -> str:
    """20:09 / 8:09 p.m.: the local time of a mark (its ISO time carries the meeting's zone)."""
    try:
        value = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return ""
    return formats.time_format(value, "TIME_FORMAT")


def _mark_time(mark: dict[str, Any]) -> str:
    """A mark's offset as a duration, with its clock time beside it when the start is known."""
    clock = _clock(mark.get("at") or "")
    offset = duration(mark["offset"])
    if not clock:
        return offset
    return pgettext("timeline mark", "%(offset)s (%(clock)s)") % {"offset": offset, "clock": clock}


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


# --- The meeting's own sections (rooms/minutes.py: the builder contract) ---------------------


def _header(context: MinutesContext) -> Section:
    source = context.source
    meeting = source["meeting"]
    meta = [
        (_("Date"), _date_label(meeting["date"])),
        (_("Lieu"), meeting["place"] or "—"),
        (pgettext("minutes", "Animation"), ", ".join(source["facilitators"]) or "—"),
    ]
    if meeting.get("group_of"):
        meta.append((_("Groupe de"), meeting["group_of"]))
    return Section(meta=meta)


def _summary(context: MinutesContext) -> Section:
    summary = context.source["meeting"].get("summary")
    if not summary:
        return Section()
    return Section(
        [Heading(_("Synthèse")), *[Paragraph(p) for p in summary.split("\n\n") if p.strip()]]
    )


def _participation(context: MinutesContext) -> Section:
    attendance = context.source["attendance"]
    counts = ngettext(
        "%(n)s personne connectée, dont %(contributors)s ayant proposé au moins une idée.",
        "%(n)s personnes connectées, dont %(contributors)s ayant proposé au moins une idée.",
        attendance["participants"],
    ) % {"n": attendance["participants"], "contributors": attendance["contributors"]}
    blocks: list[Block] = [Heading(_("Participation")), Paragraph(counts)]
    if attendance["listed"]:
        blocks.append(
            Paragraph(_("Personnes présentes (qui ont accepté d'être citées) :"), emphasis=True)
        )
        blocks.append(Paragraph(", ".join(attendance["listed"])))
    return Section(blocks)


def _timeline(context: MinutesContext) -> Section:
    marks = context.source["timeline"]
    if not marks:
        return Section()
    items = []
    for mark in marks:
        words = [mark["kind_label"]]
        if mark["speaker"]:
            words.append(mark["speaker"])
        text = " — ".join(w for w in [separator().join(words), mark["label"]] if w)
        items.append(Bullet(text=text, title=_mark_time(mark)))
    return Section([Heading(_("Déroulé")), BulletList(items)])


def _ideas(context: MinutesContext) -> Section:
    """The plenary's ideas grouped by theme (themes in their order, unclassified last)."""
    source = context.source
    plain = [i for i in source["ideas"] if i["kind"] == "idea" and not i.get("group")]
    blocks: list[Block] = [Heading(_("Idées"))]
    if not plain:
        blocks.append(Paragraph(_("Aucune idée n'a été proposée.")))
        return Section(blocks)
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
    return Section(blocks)


def _group_blocks(group: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = [
        Heading(group["title"], 3),
        Paragraph(
            ngettext(
                "%(n)s personne — animation : %(names)s",
                "%(n)s personnes — animation : %(names)s",
                group["participants"],
            )
            % {"n": group["participants"], "names": ", ".join(group["facilitators"])}
        ),
    ]
    if not group["proposals"]:
        return [*blocks, Paragraph(_("Pas de proposition retenue."))]
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
    return [*blocks, BulletList(items)]


def _groups(context: MinutesContext) -> Section:
    source = context.source
    from_groups = [i for i in source["ideas"] if i.get("group")]
    if not (source["groups"] or from_groups):
        return Section()
    blocks: list[Block] = [Heading(_("Travaux des groupes"))]
    for group in source["groups"]:
        blocks += _group_blocks(group)
    return Section(blocks)


def _questions(context: MinutesContext) -> Section:
    questions = [i for i in context.source["ideas"] if i["kind"] == "question"]
    if not questions:
        return Section()
    items = [
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
    return Section([Heading(_("Questions du public")), BulletList(items)])


def _debrief(context: MinutesContext) -> Section:
    """The debrief heading (over the columns and the questionnaires), then each column."""
    ideas = context.source["ideas"]
    debrief = {kind: [i for i in ideas if i["kind"] == kind] for kind, _label in DEBRIEF_COLUMNS}
    if not (any(debrief.values()) or context.source["questionnaires"]):
        return Section()
    blocks: list[Block] = [Heading(_("Débat-bilan"))]
    for kind, label in DEBRIEF_COLUMNS:
        if debrief[kind]:
            blocks.append(Heading(str(label), 3))
            blocks.append(BulletList([_idea_bullet(i) for i in debrief[kind]]))
    return Section(blocks)


def _questionnaires(context: MinutesContext) -> Section:
    return Section([b for r in context.source["questionnaires"] for b in _questionnaire_blocks(r)])


def register_sections() -> None:
    """The meeting's own sections of the minutes; called from DeliberationConfig.ready()."""
    register_minutes_section("header", order=10, build=_header)
    register_minutes_section("summary", order=20, build=_summary)
    register_minutes_section("participation", order=30, build=_participation)
    register_minutes_section("timeline", order=40, build=_timeline)
    register_minutes_section("ideas", order=50, build=_ideas)
    register_minutes_section("groups", order=60, build=_groups)
    register_minutes_section("questions", order=70, build=_questions)
    register_minutes_section("debrief", order=90, build=_debrief)
    register_minutes_section("questionnaires", order=100, build=_questionnaires)


# --- Compilers ------------------------------------------------------------------------------


def _idea_rows(source: dict[str, Any]) -> list[list[Any]]:
    """The CSV export: one row per visible idea (IDEA_CSV_HEADERS)."""
    themes_by_id = {t["id"]: t["name"] for t in source["themes"]}
    return [
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
        for i in source["ideas"]
    ]


def compile_minutes(source: dict[str, Any]) -> MinutesDocument:
    """The minutes of one meeting, from `selectors.minutes_source()` data: every registered
    section (rooms.minutes) in order."""
    context = MinutesContext(source)
    meta: list[tuple[str, str]] = []
    blocks: list[Block] = []
    for section in minutes_sections():
        part = section.build(context)
        meta += part.meta
        blocks += part.blocks
    meeting = source["meeting"]
    return MinutesDocument(
        title=meeting["title"],
        meta=meta,
        blocks=blocks,
        data=source,
        csv_headers=IDEA_CSV_HEADERS,
        csv_rows=_idea_rows(source),
        filename=pgettext("file name", "compte-rendu-%(code)s") % {"code": meeting["code"].lower()},
    )


def _meeting_results(meeting: dict[str, Any]) -> list[Block]:
    """One meeting inside an event report: its debrief columns, what other apps report (voting:
    the votes), its questionnaires."""
    blocks: list[Block] = []
    for kind, label in DEBRIEF_COLUMNS:
        items = meeting["debrief"][kind]
        if items:
            blocks.append(Heading(f"{label} — {meeting['title']}", 4))
            notes = [Bullet(text=i["text"], note=_supports(i["support_count"])) for i in items]
            blocks.append(BulletList(notes))
    for section in minutes_sections():
        if section.report is not None:
            blocks += section.report(MinutesContext(meeting))
    for result in meeting["questionnaires"]:
        blocks += _questionnaire_blocks(result)
    return blocks


def _session_details(session: dict[str, Any]) -> list[Block]:
    """Where a session came from, then the results of each of its meetings."""
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
        details += _meeting_results(meeting)
    return details


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
        details = _session_details(session)
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
