"""The Django session of a WebSocket, read-only and loaded only when used."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from channels.sessions import CookieMiddleware
from django.conf import settings


class ReadOnlySessionMiddleware:
    """Puts the session named by the session cookie in ``scope["session"]``, unloaded.

    Unlike Channels' SessionMiddleware it leaves ``send`` alone: a socket never writes the
    session, and every frame of a room's fan-out would otherwise go through one more coroutine
    (and the room's frame writer could not reach the connection, see consumers/wire.py). The
    store reads the database only when the consumer identifies the user, in the database thread.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.store = import_module(settings.SESSION_ENGINE).SessionStore

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        key = scope.get("cookies", {}).get(settings.SESSION_COOKIE_NAME)
        return await self.inner(dict(scope, session=self.store(key)), receive, send)


def ReadOnlySessionStack(inner: Any) -> CookieMiddleware:  # noqa: N802 (named like Channels')
    """Cookies parsed into ``scope["cookies"]``, then the read-only session."""
    return CookieMiddleware(ReadOnlySessionMiddleware(inner))
