"""Test-only fault injection for the e2e server of tests/e2e/test_resend.py.

Installed only by tests/e2e/settings_faults.py (never by informaction.settings): an idea whose
text contains FAIL_ONCE makes `idea.submit`'s service (its row of the command table) raise the
first time that text arrives,
so the consumer answers `server.error` (nothing stored); the same text succeeds afterwards.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from django.apps import AppConfig

FAIL_ONCE = "[panne-serveur]"


class FaultsConfig(AppConfig):
    name = "tests.e2e.faults"
    label = "e2e_faults"

    def ready(self) -> None:
        import dataclasses

        from rooms import commands

        row = commands.command_named("idea.submit")
        assert row is not None, "e2e_faults must come after deliberation in INSTALLED_APPS"
        original = row.service
        failed: set[str] = set()
        lock = threading.Lock()

        @functools.wraps(original)
        def idea_submit(**kwargs: Any) -> dict[str, Any]:
            text = str(kwargs.get("text", ""))
            if FAIL_ONCE in text:
                with lock:
                    first = text not in failed
                    failed.add(text)
                if first:
                    raise RuntimeError("injected fault (tests/e2e/faults.py)")
            return original(**kwargs)

        commands._table["idea.submit"] = dataclasses.replace(row, service=idea_submit)
