"""ASGI entry point: HTTP through Django (static files by whitenoise), WebSockets by Channels."""

import gc
import os
from pprint import pformat
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "informaction.settings")
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does

from informaction.handler import PageHandler  # noqa: E402 (needs Django set up)

django_asgi_app = PageHandler()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402 (needs Django set up)
from django.conf import settings  # noqa: E402

from consumers.routing import websocket_urlpatterns  # noqa: E402
from consumers.sessions import ReadOnlySessionStack  # noqa: E402
from informaction.origins import WebSocketGuard  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # A foreign Origin (scheme, host and port compared whole: informaction/origins.py), none
        # at all, or a NUL in the URL is refused (403) before the consumer runs. The user
        # is looked up by the consumer after accepting (not by AuthMiddleware before): a room of
        # phones connects in a burst and the handshake must not queue behind the database.
        # The session is read-only there: sockets never write it (consumers/sessions.py).
        "websocket": WebSocketGuard(ReadOnlySessionStack(URLRouter(websocket_urlpatterns))),
    }
)


def tune_garbage_collector(thresholds: tuple[int, ...]) -> None:
    """Freeze what the started app holds (the collector no longer walks it) and collect less
    often: the collector's pauses were the room's latency tail (docs/scaling.md)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)


tune_garbage_collector(settings.GC_THRESHOLDS)


class _FormattedWhenWritten:
    """A value that a log line formats with `pformat` only if the line is written."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __str__(self) -> str:
        return pformat(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _pformat_for_autobahn(value: Any) -> Any:
    """autobahn formats its handshake's settings (a list) with `pformat` for a debug line on
    every socket, written or not: 0.36 ms of each phone's connect (bench/RESULTS.md). That list
    is formatted only if the line is written; what autobahn formats otherwise stays text."""
    return _FormattedWhenWritten(value) if isinstance(value, list) else pformat(value)


def quiet_autobahn_handshake_log() -> None:
    """Daphne's WebSocket protocol (autobahn's) formats its debug line only when written."""
    import autobahn.websocket.protocol

    autobahn.websocket.protocol.pformat = _pformat_for_autobahn


quiet_autobahn_handshake_log()


def accept_compressed_sockets() -> None:
    """Daphne's WebSocket factory accepts permessage-deflate (`consumers.wire.accept_deflate`)."""
    import daphne.server

    from consumers.wire import accept_deflate, use_lean_deflate

    base = daphne.server.WebSocketFactory
    if getattr(base, "accepts_deflate", False):
        return

    class CompressingWebSocketFactory(base):
        accepts_deflate = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.setProtocolOptions(perMessageCompressionAccept=accept_deflate)

    use_lean_deflate()
    daphne.server.WebSocketFactory = CompressingWebSocketFactory


if settings.ROOM_COMPRESSION:
    accept_compressed_sockets()
