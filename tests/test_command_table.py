"""The command table (rooms/commands.py) and docs/protocol.md say the same: every command, who may
send it, and in which phases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rooms.commands import Role, table
from rooms.enums import RoomPhase

PROTOCOL = Path(__file__).resolve().parent.parent / "docs" / "protocol.md"
HEADER = "| command | who | phases | data | ack `data` |"
# Transport-level commands the socket answers itself (no service, no row in the table).
TRANSPORT = {"snapshot.get"}


def documented() -> dict[str, tuple[str, str]]:
    """(who, phases) of every command in the command tables of docs/protocol.md."""
    rows: dict[str, tuple[str, str]] = {}
    in_table = False
    for line in PROTOCOL.read_text(encoding="utf-8").splitlines():
        if line.strip() == HEADER:
            in_table = True
            continue
        if not line.startswith("|"):
            in_table = False
        if not in_table or line.startswith("|---"):
            continue
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        for name in re.findall(r"`([a-z_.]+)`", cells[0]):
            assert name not in rows, f"{name} is documented twice"
            rows[name] = (cells[1], cells[2])
    return rows


def expected_phases(row) -> str:
    if row.role == Role.PARTICIPANT:
        order = list(RoomPhase.values)
        return ", ".join(sorted(row.phases, key=order.index))
    if row.role == Role.ANYONE or row.after_close:
        return "any"
    return "all but closed"


def test_every_command_is_documented_and_every_documented_command_exists():
    docs = set(documented()) - TRANSPORT
    assert docs == set(table()), (
        f"in the table only: {sorted(set(table()) - docs)}; "
        f"in docs/protocol.md only: {sorted(docs - set(table()))}"
    )


@pytest.mark.parametrize("name", sorted(table()))
def test_who_and_phases_match_the_doc(name):
    row = table()[name]
    who, phases = documented()[name]
    assert who == row.role.value
    assert phases == expected_phases(row)


def test_participant_commands_name_their_phases_and_batched_ones_are_participant_commands():
    for row in table().values():
        assert (row.role == Role.PARTICIPANT) == bool(row.phases), row.name
        assert not row.batched or row.role == Role.PARTICIPANT, row.name
