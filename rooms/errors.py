"""DomainError: a rule refused an action. Stable codes (`<area>.<reason>`), translated messages."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    """A refused action, with a stable code and a human message (lazy, translated on display)."""

    def __init__(self, code: str, message: str | Promise, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.params = params

    def render(self) -> str:
        """The message in the active language."""
        text = str(self.message)
        return text % self.params if self.params else text
