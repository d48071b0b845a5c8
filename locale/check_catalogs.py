#!/usr/bin/env python3
"""Fail when the English catalog has an untranslated or fuzzy entry.

Usage: ``python locale/check_catalogs.py [PO_FILE ...]`` (default: locale/en/LC_MESSAGES/django.po
next to this script). Standard library only. Exits 1 and lists every problem, with its line number
and msgid, so that a string added to the code without its English translation fails the tests.

Also checked: every ``%(name)s`` / ``{name}`` placeholder of the msgid is kept in the translation
(a lost placeholder raises KeyError or silently drops a value at runtime), and the header is not
fuzzy (a fuzzy header makes some tools ignore the Plural-Forms line).
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "django.po"
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")
PERCENT = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACE = re.compile(r"\{(\w*)(?:[!:][^{}]*)?\}")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)
    obsolete: bool = False

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> list[str]:
        return [v for k, v in self.fields.items() if k.startswith("msgstr")]


def _unquote(token: str, path: Path, line: int) -> str:
    try:
        value = ast.literal_eval(token)
    except (SyntaxError, ValueError) as exc:
        raise SystemExit(f"{path}:{line}: unreadable string {token!r} ({exc})") from exc
    if not isinstance(value, str):
        raise SystemExit(f"{path}:{line}: not a string: {token!r}")
    return value


def parse(path: Path) -> list[Entry]:
    """Read a PO file into entries (comments, flags and strings; obsolete ``#~`` entries marked)."""
    entries: list[Entry] = []
    current: Entry | None = None
    last_key: str | None = None

    def start(line: int) -> Entry:
        entry = Entry(line=line)
        entries.append(entry)
        return entry

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.strip()
        if not text:
            current, last_key = None, None
            continue
        if text.startswith("#~"):
            if current is None:
                current = start(number)
            current.obsolete = True
            continue
        if text.startswith("#"):
            if current is None or current.fields:
                current = start(number)
            if text.startswith("#,"):
                current.flags.update(f.strip() for f in text[2:].split(",") if f.strip())
            continue
        match = KEYWORD.match(text)
        if match:
            key, token = match.groups()
            if current is None or (key in ("msgid", "msgctxt") and "msgid" in current.fields):
                current = start(number)
            current.fields[key] = _unquote(token, path, number)
            last_key = key
        elif text.startswith('"') and current is not None and last_key is not None:
            current.fields[last_key] += _unquote(text, path, number)
        else:
            raise SystemExit(f"{path}:{number}: unexpected line: {raw!r}")
    return entries


def placeholders(text: str, flags: set[str]) -> set[str]:
    found: set[str] = set()
    if "python-format" in flags:
        found |= {f"%({name})s" for name in PERCENT.findall(text)}
    if "python-brace-format" in flags:
        found |= {f"{{{name}}}" for name in BRACE.findall(text)}
    return found


def problems(path: Path) -> list[str]:
    found: list[str] = []
    entries = [e for e in parse(path) if not e.obsolete]
    if not entries or entries[0].msgid != "":
        return [f"{path}: no header entry"]
    header, *messages = entries
    if "fuzzy" in header.flags:
        found.append(f"{path}:{header.line}: header is fuzzy")
    if "Plural-Forms:" not in header.fields.get("msgstr", ""):
        found.append(f"{path}:{header.line}: header has no Plural-Forms")
    for entry in messages:
        where = f"{path}:{entry.line}: {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            found.append(f"{where} is fuzzy")
        if not entry.translations or not all(entry.translations):
            found.append(f"{where} is untranslated")
            continue
        expected = placeholders(entry.msgid, entry.flags)
        for translation in entry.translations:
            lost = expected - placeholders(translation, entry.flags)
            if lost and "msgid_plural" not in entry.fields:
                found.append(f"{where} loses {', '.join(sorted(lost))}")
    return found


def main(argv: list[str]) -> int:
    paths = [Path(arg) for arg in argv] or [DEFAULT]
    found: list[str] = []
    for path in paths:
        if not path.is_file():
            found.append(f"{path}: missing catalog")
            continue
        found.extend(problems(path))
    for problem in found:
        print(problem)
    if found:
        print(f"{len(found)} problem(s) in the translation catalog(s).", file=sys.stderr)
        return 1
    print(f"OK: {', '.join(str(p) for p in paths)} fully translated.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
