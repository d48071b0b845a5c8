"""Frame once, write many (consumers/wire.py): the bytes are valid WebSocket frames, they reach a
real Daphne connection's socket, and anything else falls back to ASGI."""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys

import pytest
from autobahn.websocket.compress import PerMessageDeflateOffer
from daphne.server import Server
from daphne.ws_protocol import WebSocketProtocol
from twisted.internet import tcp
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame as ParsedFrame
from websockets.frames import Opcode
from websockets.streams import StreamReader

from consumers.wire import (
    DEFLATE_MIN_BYTES,
    Frame,
    LeanPerMessageDeflate,
    accept_deflate,
    compresses_alone,
    raw_writer,
)


def parse_frames(data: bytes) -> list[ParsedFrame]:
    """Decode server-to-client frames with the `websockets` library's own parser."""
    reader = StreamReader()
    reader.feed_data(data)
    frames = []
    while reader.buffer:
        parser = ParsedFrame.parse(reader.read_exact, mask=False)
        try:
            while True:
                next(parser)
        except StopIteration as done:
            frames.append(done.value)
    return frames


@pytest.mark.parametrize("length", [0, 1, 125, 126, 127, 65535, 65536, 200_000])
def test_frame_bytes_parse_as_one_final_text_frame(length: int) -> None:
    text = "a" * length if length < 6 else "é💡" + "a" * (length - 6)  # `length` UTF-8 bytes
    frame = Frame(text)
    assert len(text.encode()) == length
    parsed = parse_frames(frame.wire())
    assert len(parsed) == 1
    assert parsed[0].opcode is Opcode.TEXT
    assert parsed[0].fin
    assert parsed[0].data.decode("utf-8") == text
    assert frame.wire() is frame.wire()  # encoded once, shared by every socket


class _Reactor:
    """Records what Twisted would have been asked to watch (no reactor runs in this test)."""

    def __init__(self) -> None:
        self.writers: list[object] = []
        self.readers: list[object] = []

    def addReader(self, reader: object) -> None:  # noqa: N802 (Twisted's name)
        self.readers.append(reader)

    def addWriter(self, writer: object) -> None:  # noqa: N802 (Twisted's name)
        self.writers.append(writer)

    def removeWriter(self, writer: object) -> None:  # noqa: N802
        self.writers.remove(writer)


@pytest.fixture
def daphne_connection():
    """A Daphne WebSocket protocol on a real Twisted TCP transport over a socket pair."""
    server_side, client_side = socket.socketpair()
    with server_side, client_side:
        reactor = _Reactor()
        protocol = WebSocketProtocol()
        transport = tcp.Server(server_side, protocol, ("127.0.0.1", 5), None, 1, reactor)
        protocol.transport = transport
        protocol.state = protocol.STATE_OPEN
        server = Server.__new__(Server)  # only its bound handle_reply is needed
        send = functools.partial(server.handle_reply, protocol)
        client_side.settimeout(2)
        yield send, protocol, transport, reactor, client_side


def _read(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        data += sock.recv(size - len(data))
    return data


def test_daphne_send_gets_a_raw_writer_that_writes_whole_frames(daphne_connection) -> None:
    send, _protocol, transport, reactor, client = daphne_connection
    writer = raw_writer(send)
    assert writer is not None, "Daphne's send is no longer recognised: the fan-out lost its path"
    first, second = Frame('{"type":"delta","upto":1}'), Frame("x" * 70_000)
    assert writer.write(first)
    assert writer.write(second)
    received = _read(client, len(first.wire()) + len(second.wire()))
    assert [f.data.decode() for f in parse_frames(received)] == [first.text, second.text]
    assert not transport._tempDataLen  # sent at once, nothing left for Twisted
    assert not reactor.writers  # and no epoll change


def test_bytes_already_queued_in_twisted_keep_their_place(daphne_connection) -> None:
    send, _protocol, transport, reactor, client = daphne_connection
    writer = raw_writer(send)
    queued = Frame("an ack sent through ASGI, not yet flushed").wire()
    transport.write(queued)  # what autobahn does for a frame sent through ASGI
    assert reactor.writers == [transport]
    assert writer.write(Frame("next frame"))
    assert transport._tempDataLen == len(queued) + len(Frame("next frame").wire())
    transport.doWrite()  # what the reactor does when the socket is writable
    received = _read(client, len(queued) + len(Frame("next frame").wire()))
    assert [f.data.decode() for f in parse_frames(received)] == [
        "an ack sent through ASGI, not yet flushed",
        "next frame",
    ]


def test_closing_or_closed_connections_fall_back_to_asgi(daphne_connection) -> None:
    send, protocol, _transport, _reactor, client = daphne_connection
    writer = raw_writer(send)
    protocol.state = protocol.STATE_CLOSING
    assert writer.write(Frame("late")) is False
    client.settimeout(0.1)
    with pytest.raises(TimeoutError):
        client.recv(10)


def test_other_servers_and_test_communicators_use_asgi() -> None:
    async def asgi_send(message: dict) -> None:
        return None

    assert raw_writer(asgi_send) is None
    assert raw_writer(functools.partial(asgi_send)) is None
    assert raw_writer(functools.partial(print, object())) is None


# --- Compression (RFC 7692) ------------------------------------------------------------------


class _Browser:
    """Reads server frames as a browser that negotiated compression: one inflater for the
    connection (`websockets`' own permessage-deflate), noting which messages came compressed."""

    name = "permessage-deflate"

    def __init__(self) -> None:
        self.inflater = PerMessageDeflate(False, False, 15, 15)
        self.compressed: list[bool] = []

    def decode(self, frame: ParsedFrame, *, max_size: int | None = None) -> ParsedFrame:
        self.compressed.append(frame.rsv1)
        return self.inflater.decode(frame, max_size=max_size)

    def read(self, data: bytes) -> list[str]:
        reader = StreamReader()
        reader.feed_data(data)
        frames = []
        while reader.buffer:
            parser = ParsedFrame.parse(reader.read_exact, mask=False, extensions=[self])
            try:
                while True:
                    next(parser)
            except StopIteration as done:
                frames.append(done.value)
        assert all(f.opcode is Opcode.TEXT and f.fin for f in frames)
        return [f.data.decode("utf-8") for f in frames]


@pytest.mark.parametrize("length", [DEFLATE_MIN_BYTES, 70_000, 200_000])
def test_a_shared_frame_is_compressed_once_and_inflates_to_its_text(length: int) -> None:
    text = ('{"type":"delta","events":[' + '{"text":"Été au parc"},' * length)[:length]
    frame = Frame(text, shared=True)
    browser = _Browser()
    assert browser.read(frame.deflated()) == [text]
    assert browser.compressed == [True]
    assert len(frame.deflated()) < len(frame.wire()) / 4  # a room's JSON compresses well
    assert frame.deflated() is frame.deflated()  # compressed once, for every socket


def test_small_or_personal_frames_are_not_compressed() -> None:
    small = Frame("x" * (DEFLATE_MIN_BYTES - 10), shared=True)
    personal = Frame("x" * 70_000)  # made for one phone: compressing costs more than it saves
    assert small.deflated() == small.wire()
    assert personal.deflated() == personal.wire()


def test_one_inflater_reads_compressed_and_plain_messages_in_any_order() -> None:
    """As a browser does: its inflater keeps the connection's history; each compressed
    message stands alone, so what came between (plain, or for other sockets) never matters."""
    texts = ["a" * 5000, "plain ack", "b" * 3000 + "a" * 2000, "a" * 5000]
    frames = [Frame(t, shared=len(t) > 100) for t in texts]
    browser = _Browser()
    assert browser.read(b"".join(f.deflated() for f in frames)) == texts
    assert browser.compressed == [True, False, True, True]


def _negotiated(protocol: WebSocketProtocol, *, alone: bool) -> None:
    protocol._perMessageCompress = LeanPerMessageDeflate(True, alone, True, 15, 15, 8)


def test_a_socket_that_negotiated_compression_gets_the_compressed_bytes(daphne_connection):
    send, protocol, _transport, _reactor, client = daphne_connection
    _negotiated(protocol, alone=True)
    writer = raw_writer(send)
    room, ack = Frame("y" * 20_000, shared=True), Frame('{"type":"ack"}')
    assert writer.write(room)
    assert writer.write(ack)
    browser = _Browser()
    received = _read(client, len(room.deflated()) + len(ack.wire()))
    assert browser.read(received) == [room.text, ack.text]
    assert browser.compressed == [True, False]


def test_no_shared_compressed_bytes_where_the_server_keeps_a_context(daphne_connection):
    """A connection whose own compressor carries context from message to message (not ours)
    would be broken by bytes compressed elsewhere: it gets the plain frames."""
    send, protocol, _transport, _reactor, client = daphne_connection
    _negotiated(protocol, alone=False)
    room = Frame("y" * 20_000, shared=True)
    assert raw_writer(send).write(room)
    assert _read(client, len(room.wire())) == room.wire()


def test_no_compressor_stays_between_messages() -> None:
    deflate = LeanPerMessageDeflate(True, True, True, 15, 15, 8)
    deflate.start_compress_message()
    deflate.compress_message_data(b"z" * 1000)
    deflate.end_compress_message()
    browser = PerMessageDeflate(False, True, 15, 15)
    compressed = browser.encode(ParsedFrame(Opcode.TEXT, b'{"type":"idea.submit"}' * 10))
    deflate.start_decompress_message()
    assert deflate.decompress_message_data(compressed.data) == b'{"type":"idea.submit"}' * 10
    deflate.end_decompress_message()
    assert deflate._compressor is None
    assert deflate._decompressor is None


def test_the_server_accepts_a_browsers_offer_and_compresses_each_message_alone() -> None:
    chromium = PerMessageDeflateOffer.parse({"client_max_window_bits": [True]})
    accept = accept_deflate([chromium])
    assert accept is not None
    assert accept.get_extension_string() == "permessage-deflate; client_no_context_takeover"
    assert compresses_alone(LeanPerMessageDeflate.create_from_offer_accept(True, accept))
    assert accept_deflate([]) is None


def test_daphne_accepts_compression_as_the_server_process_is_set_up() -> None:
    import daphne.server

    import informaction.asgi  # noqa: F401 (the server process's set-up)

    factory = daphne.server.WebSocketFactory(None, server="Daphne")
    assert factory.perMessageCompressionAccept is accept_deflate


def test_room_compression_off_leaves_daphne_as_shipped() -> None:
    """ROOM_COMPRESSION=False: the server process answers no compression offer."""
    check = (
        "import daphne.server, informaction.asgi; "
        "f = daphne.server.WebSocketFactory(None, server='Daphne'); "
        "print(f.perMessageCompressionAccept([]), hasattr(f, 'accepts_deflate'))"
    )
    env = {
        **os.environ,
        "ROOM_COMPRESSION": "False",
        "DJANGO_SETTINGS_MODULE": "informaction.settings",
    }
    out = subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "-c", check], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["None", "False"]
