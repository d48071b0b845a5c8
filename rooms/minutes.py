"""The minutes' sections: a registry that each domain app fills, and the blocks sections return.

The minutes of a meeting (deliberation/minutes.py `compile_minutes`) are the registered sections
run in order; the apps never import each other for it (voting registers its vote results here).

Section builder contract:

- Register once, from the app's ``AppConfig.ready()`` or the module that compiles the minutes:
  ``register_minutes_section(key, order=..., build=..., gather=..., report=...)``. ``key`` is
  unique (registering it again replaces the section); sections run by increasing ``order``, then
  key. Orders in use: header 10, summary 20, participation 30, timeline 40, ideas 50, groups 60,
  questions 70, votes 80 (voting), debrief 90, questionnaires 100. Leave gaps.
- ``build(context) -> Section`` is pure: it reads ``context.source``, the meeting's plain data
  (deliberation/selectors.py `minutes_source`), never the database, and returns its meta lines
  and blocks in the active language; an empty ``Section()`` when it has nothing to show.
- ``gather(meeting_id) -> data`` (optional) is the section's read, for data that only its app
  knows. The minutes' selectors call `minutes_parts(meeting_id)`, which puts each result in the
  source under the section's ``key``; it must be JSON-friendly (it goes into the JSON export).
- ``report(context) -> list[Block]`` (optional) is the section's part for one meeting inside an
  event report; ``context.source`` is then that meeting's entry of the report (with the
  gathered parts under their keys).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


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
class Section:
    """What one builder adds to the minutes: metadata lines (label, value) and blocks."""

    blocks: list[Block] = field(default_factory=list)
    meta: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class MinutesContext:
    """What a builder reads: the meeting's plain data (or one meeting's entry of a report)."""

    source: Mapping[str, Any]


@dataclass(frozen=True)
class MinutesSection:
    key: str
    order: int
    build: Callable[[MinutesContext], Section]
    gather: Callable[[int], Any] | None = None
    report: Callable[[MinutesContext], list[Block]] | None = None


_SECTIONS: dict[str, MinutesSection] = {}


def register_minutes_section(
    key: str,
    *,
    order: int,
    build: Callable[[MinutesContext], Section],
    gather: Callable[[int], Any] | None = None,
    report: Callable[[MinutesContext], list[Block]] | None = None,
) -> MinutesSection:
    """Add (or replace) the section ``key``; see the module docstring for the contract."""
    section = MinutesSection(key=key, order=order, build=build, gather=gather, report=report)
    _SECTIONS[key] = section
    return section


def minutes_sections() -> list[MinutesSection]:
    """The registered sections, in the order the minutes show them."""
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def minutes_parts(meeting_id: int) -> dict[str, Any]:
    """Every gathered part of one meeting, by section key (the data that only its app reads)."""
    return {s.key: s.gather(meeting_id) for s in minutes_sections() if s.gather is not None}
