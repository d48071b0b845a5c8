"""Render a MinutesDocument (deliberation/minutes.py) as Markdown, HTML, PDF, DOCX, ODT, CSV, JSON.

Every format escapes user text its own way: Markdown specials are backslash-escaped (and HTML
tags with them), HTML goes through Django's autoescaping, DOCX and ODT take text runs (never
markup), CSV cells that a spreadsheet would read as a formula are prefixed with an apostrophe.
Heavy libraries (WeasyPrint, python-docx, odfdo) are imported inside their function.
The few words added here (the label separator, table names) follow the active language, like the
document itself.

Charts: a `Table` block may also carry ``bars`` (see `_chart`): HTML and PDF draw them as
horizontal stacked bars in inline SVG (sizes and colours as SVG attributes, no script, no style
attribute), every value also written as text below each bar; Markdown, DOCX and ODT show the
table. The minutes use it for the merit profiles of majority-judgment votes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import pgettext

from .minutes import BulletList, Heading, MinutesDocument, Paragraph, Table, separator

# Characters with a meaning anywhere in a Markdown (CommonMark) line, or in inline HTML.
_MD_INLINE = re.compile(r"([\\`*_{}\[\]<>&|~#])")
# At the start of a line they open a block (list, quote, heading, numbered list).
_MD_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def md_escape(text: str) -> str:
    """Escape Markdown and inline HTML; keep line breaks as hard breaks."""
    lines = []
    for line in str(text).split("\n"):
        line = _MD_INLINE.sub(r"\\\1", line)
        lines.append(_MD_LINE_START.sub(_escape_block_start, line))
    return "  \n".join(lines)


def _escape_block_start(match: re.Match[str]) -> str:
    marker = match.group(2)
    if marker[0].isdigit():  # "1." → "1\." (a backslash before a digit is not an escape)
        return match.group(1) + marker[:-1] + "\\" + marker[-1]
    return match.group(1) + "\\" + marker


def csv_safe(value: Any) -> Any:
    """Neutralise a spreadsheet formula: a cell starting with = + - @ tab CR gets a leading '."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# --- Markdown ---------------------------------------------------------------------------------


def to_markdown(doc: MinutesDocument) -> bytes:
    out = [f"# {md_escape(doc.title)}", ""]
    for label, value in doc.meta:
        out.append(f"- **{md_escape(label)}**{separator()}{md_escape(value)}")
    out.append("")
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += ["#" * min(6, block.level) + " " + md_escape(block.text), ""]
        elif isinstance(block, Paragraph):
            text = md_escape(block.text)
            out += [f"*{text}*" if block.emphasis else text, ""]
        elif isinstance(block, BulletList):
            for item in block.items:
                head = f"**{md_escape(item.title)}** — " if item.title else ""
                note = f" *({md_escape(item.note)})*" if item.note else ""
                body = md_escape(item.text).replace("  \n", "  \n  ")
                out.append(f"- {head}{body}{note}")
                out += [f"  - {md_escape(line)}" for line in item.sub]
            out.append("")
        elif isinstance(block, Table):
            out.append("| " + " | ".join(md_escape(h) for h in block.headers) + " |")
            out.append("|" + "---|" * len(block.headers))
            for row in block.rows:
                cells = [md_escape(c).replace("  \n", " ") for c in row]
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
    return ("\n".join(out).rstrip() + "\n").encode("utf-8")


# --- HTML and PDF -----------------------------------------------------------------------------


# Fills of a stacked bar's segments by tone (0 = best grade … 1 = worst): one blue, darker for
# better grades, so that the order still reads in black and white; the worst is white, hatched.
# Ink: the text colour on each fill (contrast at least 4.5:1).
_FILLS = ("#0b3d6b", "#2c6aa8", "#6a9fd0", "#a9c8e8", "#dbe8f5", "#ffffff")
_INKS = ("#ffffff", "#ffffff", "#000000", "#000000", "#000000", "#000000")
_BAR_WIDTH = 1000  # SVG user units of a bar's width
_TEXT_MIN_SHARE = 0.08  # narrower segments show their percentage only in the line below


def _paint(tone: float) -> dict[str, Any]:
    index = min(len(_FILLS) - 1, max(0, round(float(tone) * (len(_FILLS) - 1))))
    return {"fill": _FILLS[index], "ink": _INKS[index], "hatch": index == len(_FILLS) - 1}


def _chart(block: Table, number: int) -> dict[str, Any]:
    """SVG geometry for a table that carries ``bars`` (the chart contract).

    ``block.bars``: one dict per bar: ``label`` and ``note`` (text above it), ``description``
    (the whole bar in words, for screen readers), ``marker`` (0–1, a vertical line, or None) and
    ``segments``: ``share`` (0–1), ``text`` (written inside when wide enough), ``title`` (the
    segment in words, all of them also written below the bar), ``tone`` (0–1, its shade),
    ``highlight`` (outlined and in bold). ``block.legend``: ``[{text, tone}]``.
    """
    bars = []
    for index, bar in enumerate(getattr(block, "bars", [])):
        x, segments = 0.0, []
        for seg in bar["segments"]:
            width = max(0.0, float(seg["share"])) * _BAR_WIDTH
            segments.append(
                {
                    **seg,
                    **_paint(seg["tone"]),
                    "x": round(x, 2),
                    "width": round(width, 2),
                    "middle": round(x + width / 2, 2),
                    "inside": seg["share"] >= _TEXT_MIN_SHARE,
                }
            )
            x += width
        marker = bar.get("marker")
        bars.append(
            {
                **bar,
                "id": f"chart{number}-{index}",
                "segments": segments,
                "marker_x": None if marker is None else round(float(marker) * _BAR_WIDTH, 2),
            }
        )
    legend = [{**item, **_paint(item["tone"])} for item in getattr(block, "legend", [])]
    return {"bars": bars, "legend": legend, "id": f"chart{number}"}


def _template_blocks(doc: MinutesDocument) -> list[dict[str, Any]]:
    """The blocks as the template reads them; a table with ``bars`` becomes a chart."""
    kinds = ((Heading, "heading"), (Paragraph, "paragraph"), (BulletList, "list"), (Table, "table"))
    out: list[dict[str, Any]] = []
    for block in doc.blocks:
        kind = next(name for cls, name in kinds if isinstance(block, cls))
        if kind == "table" and getattr(block, "bars", None):
            out.append({"kind": "chart", "b": block, "chart": _chart(block, len(out))})
        else:
            out.append({"kind": kind, "b": block})
    return out


def _css() -> str:
    from django.contrib.staticfiles import finders

    path = finders.find("css/minutes.css")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def to_html(doc: MinutesDocument, *, for_print: bool = False) -> bytes:
    """A standalone HTML file (its CSS inside: it is a download, not a page of the site)."""
    html = render_to_string(
        "deliberation/minutes_document.html",
        {"doc": doc, "blocks": _template_blocks(doc), "for_print": for_print, "css": _css()},
    )
    return html.encode("utf-8")


def to_pdf(doc: MinutesDocument) -> bytes:
    from weasyprint import HTML

    html = to_html(doc, for_print=True).decode("utf-8")
    return HTML(string=html).write_pdf()


# --- DOCX -------------------------------------------------------------------------------------


def to_docx(doc: MinutesDocument) -> bytes:
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4, not US Letter
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    document.styles["Normal"].font.size = Pt(10.5)
    document.core_properties.title = _xml_safe(doc.title)
    # Style ids looked up once and set on the paragraph's XML: by name or style object,
    # python-docx scans every style of styles.xml on each paragraph (seconds for 500 ideas).
    ids = {
        name: document.styles[name].style_id
        for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4")
        + ("List Bullet", "List Bullet 2")
    }

    def paragraph(style: str | None = None, text: str = ""):
        para = document.add_paragraph(_xml_safe(text) if text else "")
        if style:
            para._p.style = ids[style]  # noqa: SLF001 - the documented CT_P style setter
        return para

    paragraph("Title", doc.title)
    for label, value in doc.meta:
        para = paragraph()
        para.add_run(_xml_safe(f"{label}{separator()}")).bold = True
        para.add_run(_xml_safe(value))
    for block in doc.blocks:
        if isinstance(block, Heading):
            paragraph(f"Heading {min(block.level, 4)}", block.text)
        elif isinstance(block, Paragraph):
            paragraph().add_run(_xml_safe(block.text)).italic = block.emphasis
        elif isinstance(block, BulletList):
            for item in block.items:
                para = paragraph("List Bullet")
                if item.title:
                    para.add_run(_xml_safe(f"{item.title} — ")).bold = True
                para.add_run(_xml_safe(item.text))
                if item.note:
                    para.add_run(_xml_safe(f" ({item.note})")).italic = True
                for line in item.sub:
                    paragraph("List Bullet 2", line)
        elif isinstance(block, Table):
            table = document.add_table(rows=1 + len(block.rows), cols=len(block.headers))
            table.style = document.styles["Table Grid"]
            for row, values in zip(table.rows, [block.headers, *block.rows], strict=True):
                for cell, text in zip(row.cells, values, strict=True):
                    cell.text = _xml_safe(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """XML 1.0 forbids most control characters: drop them (services already strip them)."""
    return _XML_INVALID.sub("", str(text))


# --- ODT --------------------------------------------------------------------------------------


def to_odt(doc: MinutesDocument) -> bytes:
    from odfdo import (
        Document,
        Header,
        List,
        ListItem,
        Row,
    )
    from odfdo import (
        Paragraph as OdfParagraph,
    )
    from odfdo import (
        Table as OdfTable,
    )

    document = Document("text")
    body = document.body
    body.clear()
    body.append(Header(1, _xml_safe(doc.title)))
    for label, value in doc.meta:
        body.append(OdfParagraph(_xml_safe(f"{label}{separator()}{value}")))
    table_count = 0
    for block in doc.blocks:
        if isinstance(block, Heading):
            body.append(Header(min(block.level, 6), _xml_safe(block.text)))
        elif isinstance(block, Paragraph):
            body.append(OdfParagraph(_xml_safe(block.text)))
        elif isinstance(block, BulletList):
            odf_list = List()
            for item in block.items:
                text = item.text
                if item.title:
                    text = f"{item.title} — {text}"
                if item.note:
                    text = f"{text} ({item.note})"
                entry = ListItem(_xml_safe(text))
                if item.sub:
                    sub = List()
                    for line in item.sub:
                        sub.append(ListItem(_xml_safe(line)))
                    entry.append(sub)
                odf_list.append(entry)
            body.append(odf_list)
        elif isinstance(block, Table):
            table_count += 1
            table = OdfTable(pgettext("ODT table name", "Tableau%(n)s") % {"n": table_count})
            for values in [block.headers, *block.rows]:
                row = Row()
                row.set_values([_xml_safe(v) for v in values])
                table.append(row)
            body.append(table)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- Raw data ---------------------------------------------------------------------------------


def to_csv(doc: MinutesDocument) -> bytes:
    """The ideas (or sessions), one row each; UTF-8 with a BOM so spreadsheets read accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(doc.csv_headers)
    for row in doc.csv_rows:
        writer.writerow([csv_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_json(doc: MinutesDocument) -> bytes:
    payload = {"title": doc.title, "meta": dict(doc.meta), "data": doc.data}
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str).encode("utf-8")


@dataclass(frozen=True)
class Format:
    render: Callable[[MinutesDocument], bytes]
    content_type: str
    extension: str
    label: str


FORMATS: dict[str, Format] = {
    "pdf": Format(to_pdf, "application/pdf", "pdf", "PDF"),
    "odt": Format(to_odt, "application/vnd.oasis.opendocument.text", "odt", "ODT (LibreOffice)"),
    "docx": Format(
        to_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        "DOCX (Word)",
    ),
    "html": Format(to_html, "text/html; charset=utf-8", "html", "HTML"),
    "md": Format(to_markdown, "text/markdown; charset=utf-8", "md", "Markdown"),
    "csv": Format(to_csv, "text/csv; charset=utf-8", "csv", "CSV"),
    "json": Format(to_json, "application/json", "json", "JSON"),
}


def export(doc: MinutesDocument, fmt: str) -> bytes:
    return FORMATS[fmt].render(doc)
