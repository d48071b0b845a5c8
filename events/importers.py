"""Programme imports: CSV and .ics files turned into plain rows, with errors line by line.

Pure parsing: no ORM. `imports.programme_import` resolves venues, tracks and speakers and
stores the rows (all or nothing, unless the organizer asks for the valid rows only).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from .enums import SessionKind

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 2000


@dataclass
class ImportRow:
    line: int
    title: str
    starts_at: datetime
    ends_at: datetime
    kind: str = SessionKind.WORKSHOP
    venue: str = ""
    room: str = ""
    track: str = ""
    speakers: list[str] = field(default_factory=list)
    capacity: int | None = None
    description: str = ""
    online_url: str = ""
    cancelled: bool = False


@dataclass
class ParseResult:
    rows: list[ImportRow]
    errors: list[tuple[int, str]]  # (line number, message); line 0 = the whole file


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, no header, not a calendar)."""


CSV_HEADERS = {
    "titre": "title",
    "title": "title",
    "type": "kind",
    "kind": "kind",
    "debut": "start",
    "début": "start",
    "start": "start",
    "fin": "end",
    "end": "end",
    "lieu": "venue",
    "venue": "venue",
    "salle": "room",
    "room": "room",
    "parcours": "track",
    "track": "track",
    "intervenants": "speakers",
    "intervenant·es": "speakers",
    "speakers": "speakers",
    "places": "capacity",
    "capacity": "capacity",
    "description": "description",
    "lien": "online_url",
    "online_url": "online_url",
    "url": "online_url",
}
REQUIRED = ("title", "start", "end")
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %Hh%M",
)


def _kind_lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for value, label in SessionKind.choices:
        table[value] = value
        table[str(label).lower()] = value
    table.update({"conference": SessionKind.TALK, "debat": SessionKind.DEBATE})
    table.update({"webconference": SessionKind.WEBCONFERENCE, "atelier": SessionKind.WORKSHOP})
    return table


def decode(data: bytes) -> str:
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(_("Fichier trop gros (2 Mo au plus)."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("Encodage du fichier illisible (enregistrez-le en UTF-8)."))


def parse_local_datetime(value: str, zone: ZoneInfo, *, day: date | None = None) -> datetime:
    """A wall-clock time in the event's zone. `day` lets an end be written as "17:30"."""
    value = value.strip()
    if day is not None and re.fullmatch(r"\d{1,2}[:h]\d{2}", value):
        hours, minutes = re.split(r"[:h]", value)
        return datetime(day.year, day.month, day.day, int(hours), int(minutes), tzinfo=zone)
    for fmt in DATETIME_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    raise ValueError(value)


def parse_csv(data: bytes, zone_name: str) -> ParseResult:
    """Rows of a CSV programme (comma or semicolon separated, header on line 1)."""
    text = decode(data)
    zone = ZoneInfo(zone_name)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ImportFileError(_("Le fichier est vide.")) from None
    columns = [CSV_HEADERS.get(h.strip().lower()) for h in header]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ImportFileError(
            _("Colonnes obligatoires absentes de la ligne 1 : titre, debut, fin (lu : %(h)s).")
            % {"h": ", ".join(h.strip() for h in header)[:200]}
        )
    kinds = _kind_lookup()
    rows: list[ImportRow] = []
    errors: list[tuple[int, str]] = []
    line = 1
    try:
        for raw in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in raw):
                continue
            if len(rows) + len(errors) >= MAX_IMPORT_ROWS:
                errors.append((line, _("Trop de lignes (%(max)s au plus).") % {"max": 2000}))
                break
            if len(raw) > len(header):
                errors.append((line, _("Plus de colonnes que l'en-tête : un séparateur en trop ?")))
                continue
            cells = {col: cell.strip() for col, cell in zip(columns, raw, strict=False) if col}
            problems = []
            title = cells.get("title", "")
            if not title:
                problems.append(_("titre manquant"))
            start = end = None
            try:
                start = parse_local_datetime(cells.get("start", ""), zone)
            except ValueError:
                problems.append(
                    _("début illisible « %(v)s » (format : 2027-07-06 14:30)")
                    % {"v": cells.get("start", "")[:40]}
                )
            try:
                end = parse_local_datetime(
                    cells.get("end", ""), zone, day=start.date() if start else None
                )
            except ValueError:
                problems.append(
                    _("fin illisible « %(v)s » (format : 2027-07-06 16:00 ou 16:00)")
                    % {"v": cells.get("end", "")[:40]}
                )
            kind_raw = cells.get("kind", "").lower()
            kind = kinds.get(kind_raw, "") if kind_raw else SessionKind.WORKSHOP
            if not kind:
                problems.append(_("type inconnu « %(v)s »") % {"v": kind_raw[:40]})
            capacity = None
            if cells.get("capacity"):
                try:
                    capacity = int(cells["capacity"])
                except ValueError:
                    problems.append(
                        _("places : « %(v)s » n'est pas un nombre") % {"v": cells["capacity"][:20]}
                    )
            if problems:
                errors.append((line, "; ".join(problems)))
                continue
            speakers = [
                s.strip()
                for s in re.split(
                    r"[|/]" if delimiter == "," else r"[|/,]", cells.get("speakers", "")
                )
                if s.strip()
            ]
            rows.append(
                ImportRow(
                    line=line,
                    title=title,
                    starts_at=start,
                    ends_at=end,
                    kind=kind,
                    venue=cells.get("venue", ""),
                    room=cells.get("room", ""),
                    track=cells.get("track", ""),
                    speakers=speakers,
                    capacity=capacity,
                    description=cells.get("description", ""),
                    online_url=cells.get("online_url", ""),
                )
            )
    except csv.Error as exc:
        errors.append((line + 1, _("CSV mal formé : %(e)s") % {"e": str(exc)[:100]}))
    return ParseResult(rows, errors)


def _vevent_lines(text: str) -> list[int]:
    return [
        n
        for n, raw in enumerate(text.splitlines(), start=1)
        if raw.strip().upper() == "BEGIN:VEVENT"
    ]


def parse_ics(data: bytes, zone_name: str) -> ParseResult:
    """Rows of an .ics file, one per VEVENT; errors refer to the line of its BEGIN:VEVENT."""
    import icalendar

    text = decode(data)
    zone = ZoneInfo(zone_name)
    if "BEGIN:VCALENDAR" not in text.upper():
        raise ImportFileError(_("Ce n'est pas un fichier iCalendar (.ics)."))
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, IndexError, KeyError) as exc:
        raise ImportFileError(_("Fichier .ics illisible : %(e)s") % {"e": str(exc)[:120]}) from None
    kinds = _kind_lookup()
    starts = _vevent_lines(text)
    rows: list[ImportRow] = []
    errors: list[tuple[int, str]] = []
    for index, component in enumerate(calendar.walk("VEVENT")):
        line = starts[index] if index < len(starts) else 0
        problems = []
        try:
            title = str(component.get("SUMMARY", "")).strip()
            if not title:
                problems.append(_("SUMMARY (titre) manquant"))
            if component.get("RRULE") or component.get("RDATE"):
                problems.append(_("les séances répétées (RRULE) ne sont pas prises en charge"))
            start = _ics_datetime(component, "DTSTART", zone)
            if start is None:
                problems.append(_("DTSTART manquant ou illisible"))
            end = _ics_datetime(component, "DTEND", zone)
            if end is None and start is not None and component.get("DURATION") is not None:
                duration = component.decoded("DURATION")
                end = start + duration if isinstance(duration, timedelta) else None
            if end is None:
                problems.append(_("DTEND manquant ou illisible"))
        except _AllDay:
            problems.append(_("journée entière : indiquez une heure de début et de fin"))
        except (ValueError, TypeError, KeyError) as exc:
            problems.append(_("propriété illisible : %(e)s") % {"e": str(exc)[:80]})
        if getattr(component, "errors", None):
            problems.extend(
                _("propriété illisible : %(e)s") % {"e": f"{name} {msg}"[:80]}
                for name, msg in component.errors
            )
        if problems:
            errors.append((line, "; ".join(dict.fromkeys(str(p) for p in problems))))
            continue
        raw_categories = component.get("CATEGORIES")
        if raw_categories is None:
            raw_categories = []
        elif not isinstance(raw_categories, list):
            raw_categories = [raw_categories]
        categories: list[str] = []
        for value in raw_categories:
            categories.extend(str(c) for c in getattr(value, "cats", [value]))
        kind = SessionKind.WORKSHOP
        track = ""
        for category in categories:
            found = kinds.get(category.strip().lower())
            if found:
                kind = found
            elif not track:
                track = category.strip()
        online_url = ""
        conference = component.get("CONFERENCE")
        if conference is not None:
            first = conference[0] if isinstance(conference, list) else conference
            online_url = str(first) if str(first).startswith(("https://", "http://")) else ""
        rows.append(
            ImportRow(
                line=line,
                title=title,
                starts_at=start,
                ends_at=end,
                kind=SessionKind.WEBCONFERENCE if online_url and kind == "workshop" else kind,
                venue=str(component.get("LOCATION", "")).strip()[:200],
                track=track,
                description=str(component.get("DESCRIPTION", "")).strip(),
                online_url=online_url,
                cancelled=str(component.get("STATUS", "")).upper() == "CANCELLED",
            )
        )
    if not rows and not errors:
        errors.append((0, _("Aucun VEVENT dans ce fichier.")))
    return ParseResult(rows, errors)


class _AllDay(Exception):
    pass


def _ics_datetime(component, name: str, zone: ZoneInfo) -> datetime | None:
    if component.get(name) is None:
        return None
    value = component.decoded(name)
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    if isinstance(value, date):
        raise _AllDay
    return None
