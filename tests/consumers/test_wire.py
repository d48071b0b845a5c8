"""Frame once, write many (consumers/wire.py): the bytes are valid WebSocket frames, they reach a
real Daphne connection's socket, and anything else falls back to ASGI."""

from __future__ import annotations

import functools
import socket

import pytest
from daphne.server import Server
from daphne.ws_protocol import WebSocketProtocol
from twisted.internet import tcp
from websockets.frames import Frame as ParsedFrame
from websockets.frames import Opcode
from websockets.streams import StreamReader

from consumers.wire import Frame, raw_writer


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
