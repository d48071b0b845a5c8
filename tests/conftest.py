"""Fixtures shared by every test package."""

from __future__ import annotations

import pytest
from channels.layers import channel_layers

from consumers.relay import RoomRelay


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """A new channel layer (and no relays) per test: layers bind to the test's event loop."""
    channel_layers.backends = {}
    RoomRelay._relays.clear()
    yield
    channel_layers.backends = {}
    RoomRelay._relays.clear()
