"""autobahn's debug line of each WebSocket handshake costs nothing unless it is written
(informaction/asgi.py): a phone's connect no longer formats the protocol's 29 settings."""

from __future__ import annotations

from pprint import pformat

import autobahn.websocket.protocol as autobahn_protocol
from autobahn.websocket.protocol import Timings

import informaction.asgi  # noqa: F401 (the server process's set-up)


class Counted:
    formatted = 0

    def __repr__(self) -> str:
        Counted.formatted += 1
        return "Counted()"


def test_the_handshake_settings_are_formatted_only_when_the_line_is_written():
    settings = [("openHandshakeTimeout", Counted(), "WebSocketServerFactory")]

    text = autobahn_protocol.pformat(settings)

    assert Counted.formatted == 0
    assert f"\n{text}" == "\n" + pformat(settings)
    assert Counted.formatted == 2  # the line written, and the expected text


def test_what_autobahn_formats_as_text_is_still_text():
    timings = Timings()
    timings.track("handshake")

    assert isinstance(str(timings), str)
    assert "handshake" in str(timings)
