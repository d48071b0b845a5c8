"""The command table: every command a room socket accepts, in one place.

For each command: its name, the service that applies it, the shape of its data, who may send it,
in which phases, and whether it joins the room's group commit. Domains declare their commands
(deliberation/commands.py, voting/commands.py) and register them when their app is ready; the
socket's dispatch (consumers/room.py) and the permission check (rooms/roles.py) read this table,
and a test compares it with docs/protocol.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .enums import RoomPhase


class Role(StrEnum):
    """Who may send a command."""

    PARTICIPANT = "participant"  # a phone that joined the room, in the command's phases
    FACILITATOR = "facilitator"  # the room's facilitators, in every phase but "closed"
    ANYONE = "anyone"  # a read: the service decides what each one may see


# Kinds of field beyond JSON types: an integer or null, a list of ids, a list of {idea, theme}.
INT_OR_NULL = "int?"
# An integer, or null meaning "clear it"; absent: the field's default (e.g. "unchanged").
INT_OR_CLEAR = "int|null"
IDS = "ids"
ASSIGNMENTS = "assignments"


@dataclass(frozen=True)
class Field:
    """One key of a command's `data`: its kind, whether it is required, and the service's
    parameter it fills (by default the key itself)."""

    key: str
    kind: type | tuple[type, ...] | str
    required: bool = True
    default: Any = None
    kwarg: str | None = None

    @property
    def parameter(self) -> str:
        return self.kwarg or self.key


def req(key: str, kind: type | tuple[type, ...] | str, kwarg: str | None = None) -> Field:
    """A required field."""
    return Field(key, kind, True, None, kwarg)


def opt(key: str, kind: type | str, default: Any = None, kwarg: str | None = None) -> Field:
    """An optional field (absent or null: `default`)."""
    return Field(key, kind, False, default, kwarg)


@dataclass(frozen=True)
class Command:
    """One row of the table."""

    name: str
    service: Callable[..., Any]
    fields: tuple[Field, ...] = ()
    role: Role = Role.PARTICIPANT
    # Participants: the phases that allow it. Facilitators: every phase but closed, unless
    # `after_close` (reopening, and the timeline written up after the meeting).
    phases: frozenset[str] = frozenset()
    after_close: bool = False
    batched: bool = False  # joins the room's group commit (a crowd sends it at once)
    read: bool = False  # answers with data and no sequence number (nothing is written)
    fixed: Mapping[str, Any] = field(default_factory=dict)  # more arguments for the service


_table: dict[str, Command] = {}


def register(*commands: Command) -> None:
    """Add commands to the table; a name is registered once."""
    for command in commands:
        if command.name in _table and _table[command.name] != command:
            raise ValueError(f"command {command.name} registered twice")
        _table[command.name] = command


def command_named(name: str) -> Command | None:
    """The table's row for `name`, if any."""
    return _table.get(name)


def table() -> dict[str, Command]:
    """Every registered command, by name."""
    return dict(_table)


ALL_PHASES = frozenset(RoomPhase.values)
