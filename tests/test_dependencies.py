"""Dependencies point one way (docs/architecture.md): which package may not import which.

A small AST check over every .py file of a package. An import counts wherever it stands: at module
level, inside a function, under `try: … except ImportError`. Each rule is one row of RULES: the
package, the module prefixes it must not import, and its exceptions. An exception is a module
prefix the whole package may import ("rooms.errors"), or "<file>:<prefix>" for one file only
(file relative to the repository root), each with a comment saying why.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Rule:
    """`package` imports nothing under `forbidden`, except what `allowed` lists."""

    package: str
    forbidden: tuple[str, ...]
    allowed: tuple[str, ...] = ()


DOMAINS = ("deliberation", "voting", "events", "privacy")
RULES = [
    # The kernel is below every domain; each domain registers with it.
    Rule("rooms", forbidden=(*DOMAINS, "consumers")),
    # Ideas and votes never import each other (rooms/ registries connect them).
    Rule("deliberation", forbidden=("voting", "consumers", "privacy")),
    Rule("voting", forbidden=("deliberation", "consumers", "privacy")),
    # The programme is the lowest layer: no meeting, vote or deliberation module; the shared
    # error type is the one thing it takes from the kernel.
    Rule(
        "events",
        forbidden=("rooms", "deliberation", "voting", "consumers", "privacy"),
        allowed=("rooms.errors",),
    ),
    # The relay and the frame writer know rooms, never what the events are about.
    Rule("consumers/relay.py", forbidden=DOMAINS),
    Rule("consumers/wire.py", forbidden=DOMAINS),
]


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def imports_of(path: Path, root: Path = ROOT) -> Iterator[tuple[int, str]]:
    """(line, absolute dotted name) of everything `path` imports; `from a import b` gives "a.b"."""
    package = path.relative_to(root).parts[:-1]  # what "." means in this file (module or __init__)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = ".".join(package[: len(package) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def violations(rule: Rule, root: Path = ROOT) -> list[str]:
    """Every import of `rule.package` that the rule forbids, as "<file>:<line> imports <name>"."""
    found = []
    target = root / rule.package
    for path in [target] if target.is_file() else sorted(target.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        for line, name in imports_of(path, root):
            if not any(_under(name, prefix) for prefix in rule.forbidden):
                continue
            if not _allowed(rule, relative, name):
                found.append(f"{relative}:{line} imports {name}")
    return found


def _allowed(rule: Rule, file: str, name: str) -> bool:
    for exception in rule.allowed:
        only_in, _colon, prefix = exception.rpartition(":")
        if only_in in ("", file) and _under(name, prefix):
            return True
    return False


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.package)
def test_package_imports_only_what_its_layer_allows(rule):
    assert violations(rule) == []


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.package)
def test_file_exceptions_are_still_needed(rule):
    """A file's exception whose import is gone leaves the table, so it cannot hide a new one."""
    stale = []
    for exception in rule.allowed:
        if ":" not in exception:
            continue
        file, prefix = exception.split(":", 1)
        if not any(_under(name, prefix) for _line, name in imports_of(ROOT / file)):
            stale.append(exception)

    assert stale == []


def test_check_sees_relative_and_function_level_imports(tmp_path):
    (tmp_path / "voting").mkdir()
    (tmp_path / "voting" / "__init__.py").write_text("from .models import Vote\n")
    (tmp_path / "voting" / "views.py").write_text(
        "from rooms.errors import DomainError\n"
        "def page():\n"
        "    try:\n"
        "        from deliberation import models\n"
        "    except ImportError:\n"
        "        import deliberation.views\n"
    )
    rule = Rule("voting", forbidden=("deliberation", "rooms"), allowed=("rooms.errors",))

    assert list(imports_of(tmp_path / "voting" / "__init__.py", tmp_path)) == [
        (1, "voting.models.Vote")
    ]
    assert violations(rule, tmp_path) == [
        "voting/views.py:4 imports deliberation.models",
        "voting/views.py:6 imports deliberation.views",
    ]


def test_check_allows_a_file_exception_in_that_file_only(tmp_path):
    (tmp_path / "deliberation").mkdir()
    for name in ("selectors.py", "views.py"):
        (tmp_path / "deliberation" / name).write_text("def f():\n    from voting import models\n")
    rule = Rule("deliberation", ("voting",), allowed=("deliberation/selectors.py:voting",))

    assert violations(rule, tmp_path) == ["deliberation/views.py:2 imports voting.models"]
