"""Compressed room frames (RFC 7692, permessage-deflate) from a real Daphne server, read the way
a browser reads them: one inflater for the whole connection, kept from message to message.

Phone A offers compression as a browser does; phone B does not. B posts ideas; A gets the room's
frames compressed (RSV1 set), its own messages (snapshot, acks) plain, in one stream that
`websockets`' own permessage-deflate decodes; A's commands may be compressed too. B gets
everything plain. No browser: the frames' bits are what is checked here (the browser tests run
with compression on, as Chromium offers it)."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import struct
import urllib.parse
from collections.abc import Iterator
from contextlib import closing

import pytest
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame as WsFrame
from websockets.frames import Opcode
from websockets.sync.client import connect

from consumers.wire import DEFLATE_MIN_BYTES

from .test_board_phone import CODE

pytestmark = pytest.mark.e2e

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LONG_IDEA = "Été au parc : " + "é" * 470  # over DEFLATE_MIN_BYTES in any frame that carries it


def join(base: str, name: str) -> str:
    """A new phone through the join page: its device cookie (``name=value``)."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    with closing(conn):
        conn.request("GET", f"/j/{CODE}")
        page = conn.getresponse()
        token = TOKEN.search(page.read().decode())
        assert page.status == 200, page.status
        assert token is not None
        csrf = next(v for k, v in page.getheaders() if k.lower() == "set-cookie" and "csrf" in v)
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "name": name})
        headers = {
            "Cookie": csrf.split(";")[0],
            "Content-Type": "application/x-www-form-urlencoded",
        }
        conn.request("POST", f"/j/{CODE}", body=form, headers=headers)
        joined = conn.getresponse()
        joined.read()
        assert joined.status == 302, joined.status
        cookie = next(
            v for k, v in joined.getheaders() if k.lower() == "set-cookie" and "device" in v
        )
        return cookie.split(";")[0]


class BrowserLikeSocket:
    """A WebSocket client on a plain socket that keeps each frame's RSV1 bit, offering
    permessage-deflate as Chromium does, and inflating as a browser does."""

    def __init__(self, base: str, cookie: str, offer: str) -> None:
        parts = urllib.parse.urlsplit(base)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=20)
        self.buffer = b""
        self.seen: list[tuple[bool, dict]] = []  # what `until` read: (compressed, message)
        request = (
            f"GET /ws/room/{CODE}/ HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            f"Origin: {base}\r\nCookie: {cookie}\r\n"
            + (f"Sec-WebSocket-Extensions: {offer}\r\n" if offer else "")
            + "\r\n"
        )
        self.sock.sendall(request.encode())
        head = self._read_until(b"\r\n\r\n").decode()
        assert head.startswith("HTTP/1.1 101"), head
        found = re.search(r"(?im)^sec-websocket-extensions: *(.+?)\r?$", head)
        self.extensions = found.group(1) if found else ""
        client_no_context = "client_no_context_takeover" in self.extensions
        # A browser's inflater: kept across messages (the server did not say it resets).
        self.deflate = PerMessageDeflate(False, client_no_context, 15, 15)

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            self._fill()
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def _fill(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("closed by the server")
        self.buffer += data

    def _read(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def receive(self) -> tuple[bool, dict]:
        """The next text message: whether it came compressed, and its JSON."""
        first, second = self._read(2)
        assert first & 0x8F == 0x80 | Opcode.TEXT.value, hex(first)  # a whole text message
        assert not second & 0x80  # a server's frames are not masked
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self._read(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._read(8))
        compressed = bool(first & 0x40)
        frame = WsFrame(Opcode.TEXT, self._read(length), rsv1=compressed)
        if compressed:
            frame = self.deflate.decode(frame)
        return compressed, json.loads(frame.data.decode("utf-8"))

    def send(self, message: dict, compress: bool = False) -> None:
        """A masked text frame, compressed alone if asked."""
        frame = WsFrame(Opcode.TEXT, json.dumps(message).encode())
        if compress:
            frame = PerMessageDeflate(False, True, 15, 15).encode(frame)
        mask = os.urandom(4)
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(frame.data))
        first = 0x80 | (0x40 if frame.rsv1 else 0) | Opcode.TEXT.value
        length = len(payload)
        size = struct.pack("!B", 0x80 | length) if length < 126 else struct.pack("!BH", 254, length)
        self.sock.sendall(bytes([first]) + size + mask + payload)

    def until(self, wanted, limit: int = 60) -> tuple[bool, dict]:
        """Messages until one `wanted(message)` accepts; each is checked on the way."""
        for _ in range(limit):
            compressed, message = self.receive()
            self.seen.append((compressed, message))
            if wanted(message):
                return compressed, message
        raise AssertionError(f"not received in {limit} messages")


@pytest.fixture
def phones(server_url: str) -> Iterator[tuple[BrowserLikeSocket, object]]:
    """Phone A (a browser's compression offer) and phone B (no offer), both joined."""
    a = BrowserLikeSocket(
        server_url, join(server_url, "Alix"), "permessage-deflate; client_max_window_bits"
    )
    ws_url = server_url.replace("http://", "ws://") + f"/ws/room/{CODE}/"
    headers = {"Cookie": join(server_url, "Bao"), "Origin": server_url}
    with closing(a.sock), connect(ws_url, additional_headers=headers, compression=None) as b:
        yield a, b


def _delta_with(text: str):
    def wanted(message: dict) -> bool:
        return message.get("type") == "delta" and text in json.dumps(message, ensure_ascii=False)

    return wanted


def _post(b, text: str, message_id: str) -> int:
    b.send(json.dumps({"type": "idea.submit", "id": message_id, "data": {"text": text}}))
    while True:
        message = json.loads(b.recv(timeout=20))  # plain frames only: no extension negotiated
        if message.get("type") == "ack" and message.get("id") == message_id:
            idea = message["data"]["idea"]
            return idea["id"] if isinstance(idea, dict) else idea


def test_a_phone_offering_compression_reads_room_frames_compressed(phones) -> None:
    a, b = phones
    assert a.extensions.startswith("permessage-deflate")
    compressed, snapshot = a.receive()
    assert snapshot["type"] == "snapshot"
    assert not compressed

    first = f"{LONG_IDEA} (1)"
    idea = _post(b, first, "b1")
    compressed, delta = a.until(_delta_with(first))
    assert compressed, "a room frame of over 1 KiB reaches a compressing phone compressed"
    assert first in [e["data"].get("text") for e in delta["events"]]  # accents and all

    # A's own command, compressed as a browser sends it; its ack comes plain (small, its own).
    a.send({"type": "idea.support", "id": "a1", "data": {"idea": idea}}, compress=True)
    compressed, ack = a.until(lambda m: m.get("type") == "ack" and m.get("id") == "a1")
    assert not compressed
    assert ack["data"]["supported"] is True

    # A compressed message that inflates past the frame limit (a few hundred bytes on the wire)
    # is refused like a long plain one, in French, and the socket stays usable.
    big = {"type": "idea.submit", "id": "a2", "data": {"text": "a" * 20_000}}
    a.send(big, compress=True)
    _compressed, refusal = a.until(lambda m: m.get("type") == "error")
    assert refusal["code"] == "protocol.too_large"
    assert "Message trop long" in refusal["message"]

    # (A's own frame for its support may be plain: made for A alone.) The next room frame
    # still inflates with the same inflater, after the plain messages.
    a.until(lambda m: m.get("type") == "delta" and m["upto"] >= ack["seq"])
    second = f"{LONG_IDEA} (2)"
    _post(b, second, "b2")
    compressed, delta = a.until(_delta_with(second))
    assert compressed
    assert delta["type"] == "delta"
    # Every message A read decoded; the small ones and those made for A alone came plain.
    assert all(not c for c, m in a.seen if len(json.dumps(m).encode()) < DEFLATE_MIN_BYTES // 2)


def test_a_phone_without_the_offer_gets_plain_frames(phones) -> None:
    a, b = phones
    text = f"{LONG_IDEA} (3)"
    _post(b, text, "b3")
    # `websockets` refuses any frame with RSV1 set when nothing was negotiated: B read its ack
    # and now the delta with its own idea, every frame plain.
    while True:
        message = json.loads(b.recv(timeout=20))
        if message.get("type") == "delta" and text in json.dumps(message, ensure_ascii=False):
            break
    assert b.response.headers.get("Sec-WebSocket-Extensions") is None


def test_chromium_negotiates_compression_and_shows_what_came_compressed(
    browser, server_url: str
) -> None:
    """The room page in Chromium: its socket took compression, and an idea that reached it in a
    compressed frame is on its screen, with no script error."""
    from playwright.sync_api import expect

    from .test_board_phone import Watch, open_phone, phone_card

    watch = Watch()
    context, page = open_phone(browser, server_url, watch, "Chloé")
    try:
        extensions = page.evaluate("() => window.__sockets.map((s) => s.extensions)")
        assert any(e.startswith("permessage-deflate") for e in extensions), extensions
        text = f"{LONG_IDEA} (Chromium)"
        ws_url = server_url.replace("http://", "ws://") + f"/ws/room/{CODE}/"
        headers = {"Cookie": join(server_url, "Dan"), "Origin": server_url}
        with connect(ws_url, additional_headers=headers, compression=None) as poster:
            _post(poster, text, "c1")
        expect(phone_card(page, text)).to_have_count(1)
        assert watch.errors == []
    finally:
        context.close()
