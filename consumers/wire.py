"""Frame once, write many: the room fan-out's last step, without a per-socket encode.

A room frame goes to every socket of the room. Through ASGI each send is encoded to UTF-8,
framed by autobahn and handed to Twisted, which re-registers the socket with epoll twice (once
to write, once when done): at 1,000 phones and four frames a second this was a third of the
server's CPU. Under Daphne, :func:`raw_writer` finds the connection behind a consumer's ASGI
``send`` so that the relay can encode and frame a message once (:class:`Frame`) and write the
same bytes to each socket with one ``send()`` call.

Only when it is safe: a plain TCP connection (no TLS), open, whose Twisted write buffer is
empty, so nothing queued can be overtaken. Otherwise, and under any other server (Uvicorn,
Channels' test communicator), frames go through ASGI as usual.

Compression (RFC 7692, ``permessage-deflate``): a browser offers it on every socket. The server
accepts it (`accept_deflate`, set on Daphne's factory by informaction/asgi.py) and compresses
each message alone, with no context taken over from the messages before it. So a room frame
every phone gets is compressed once (`Frame.deflated`) and the same bytes serve every socket,
whatever else each socket was sent; a frame made for one phone, or a small one, goes
uncompressed, which the extension allows message by message (docs/protocol.md).
"""

from __future__ import annotations

import functools
import logging
import struct
import zlib
from typing import Any

from autobahn.websocket.compress import (
    PERMESSAGE_COMPRESSION_EXTENSION,
    PerMessageDeflate,
    PerMessageDeflateOffer,
    PerMessageDeflateOfferAccept,
)

logger = logging.getLogger(__name__)

_TRANSPORT_FIELDS = (
    "socket",
    "connected",
    "disconnecting",
    "dataBuffer",
    "offset",
    "_tempDataLen",
    "_writeDisconnected",
    "write",
)


# Smaller messages are sent as they are: compressing them saves little (as Node's `ws` does).
DEFLATE_MIN_BYTES = 1024
DEFLATE_LEVEL = 6  # zlib's default; a shared frame is compressed once for all its sockets
_TEXT, _COMPRESSED_TEXT = 0x81, 0xC1  # FIN + text opcode; RSV1 set: a compressed message


def frame_header(length: int, compressed: bool = False) -> bytes:
    """The header of an unmasked, final WebSocket text frame (RFC 6455, 5.2) of `length` bytes;
    `compressed`: its payload is a permessage-deflate message (RFC 7692, RSV1 set)."""
    first = _COMPRESSED_TEXT if compressed else _TEXT
    if length < 126:
        return struct.pack("!BB", first, length)
    if length < 1 << 16:
        return struct.pack("!BBH", first, 126, length)
    return struct.pack("!BBQ", first, 127, length)


def deflate_message(payload: bytes) -> bytes:
    """`payload` as a permessage-deflate message on its own (RFC 7692, 7.2.1): raw DEFLATE,
    flushed to a byte boundary, the flush's final 4 bytes (00 00 ff ff) removed."""
    compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    data = compressor.compress(payload) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return data[:-4]


class Frame:
    """One message for many sockets: its text, and its wire bytes encoded on first use.

    `shared`: the frame goes to many sockets, so it is worth compressing (once) for those that
    negotiated compression; a frame made for one socket is sent as it is.
    """

    __slots__ = ("text", "shared", "_wire", "_deflated")

    def __init__(self, text: str, shared: bool = False) -> None:
        self.text = text
        self.shared = shared
        self._wire: bytes | None = None
        self._deflated: bytes | None = None

    def wire(self) -> bytes:
        if self._wire is None:
            payload = self.text.encode("utf-8")
            self._wire = frame_header(len(payload)) + payload
        return self._wire

    def deflated(self) -> bytes:
        """The wire bytes for a socket that negotiated compression: compressed once if shared
        and large enough, else the plain frame."""
        if self._deflated is None:
            plain = self.wire()
            if not self.shared or len(plain) < DEFLATE_MIN_BYTES:
                self._deflated = plain
            else:
                data = deflate_message(self.text.encode("utf-8"))
                self._deflated = frame_header(len(data), compressed=True) + data
        return self._deflated


class RawWriter:
    """Writes framed bytes straight to a Daphne WebSocket connection's socket."""

    __slots__ = ("protocol", "transport", "deflate")

    def __init__(self, protocol: Any) -> None:
        self.protocol = protocol
        self.transport = protocol.transport
        self.deflate = compresses_alone(getattr(protocol, "_perMessageCompress", None))

    def write(self, frame: Frame) -> bool:
        """Send `frame`; False when the caller must send it through ASGI instead."""
        protocol, transport = self.protocol, self.transport
        if protocol.state != protocol.STATE_OPEN or protocol.transport is not transport:
            return False
        if not transport.connected or transport.disconnecting or transport._writeDisconnected:
            return False
        data = frame.deflated() if self.deflate else frame.wire()
        if transport._tempDataLen or transport.offset != len(transport.dataBuffer):
            transport.write(data)  # bytes already queued: keep the order, let Twisted send
            return True
        try:
            sent = transport.socket.send(data)
        except BlockingIOError:
            sent = 0
        except OSError:
            # The peer is gone: Twisted notices on its next read and closes the connection.
            return True
        if sent < len(data):
            transport.write(data[sent:])
        return True


def raw_writer(send: Any) -> RawWriter | None:
    """The direct writer behind an ASGI `send` callable, or None when there is none to trust.

    Daphne gives each connection ``functools.partial(server.handle_reply, protocol)``.
    """
    if not isinstance(send, functools.partial) or not send.args:
        return None
    if getattr(send.func, "__qualname__", "") != "Server.handle_reply":
        return None
    if not getattr(send.func, "__module__", "").startswith("daphne."):
        return None
    protocol = send.args[0]
    transport = getattr(protocol, "transport", None)
    if transport is None or not hasattr(protocol, "STATE_OPEN"):
        return None
    if any(not hasattr(transport, name) for name in _TRANSPORT_FIELDS):
        return None
    if getattr(transport, "TLS", False) or type(transport).__module__ != "twisted.internet.tcp":
        return None
    return RawWriter(protocol)


# --- Compression: what the server accepts, and how it keeps no per-socket state ---------------


class LeanPerMessageDeflate(PerMessageDeflate):
    """autobahn's permessage-deflate, keeping no compressor between messages where none is
    carried over: 5,000 phones would otherwise keep one each (zlib's state: 40 KB to inflate
    what a phone sends, 260 KB to deflate what autobahn sends it)."""

    def end_compress_message(self) -> bytes:
        data = super().end_compress_message()
        if self._is_server and self.server_no_context_takeover:
            self._compressor = None
        return data

    def end_decompress_message(self) -> None:
        super().end_decompress_message()
        if self._is_server and self.client_no_context_takeover:
            self._decompressor = None


def compresses_alone(extension: Any) -> bool:
    """Whether a connection's compression extension lets one compressed frame serve it: every
    message the server sends on it is compressed alone (no context takeover)."""
    return isinstance(extension, PerMessageDeflate) and bool(extension.server_no_context_takeover)


def accept_deflate(offers: list[Any]) -> PerMessageDeflateOfferAccept | None:
    """The answer to a browser's compression offers (autobahn's ``perMessageCompressionAccept``):
    the first permessage-deflate offer, the server compressing each message alone and asking the
    phone to do the same (so no inflate state stays between its messages) when it accepts to."""
    for offer in offers:
        if isinstance(offer, PerMessageDeflateOffer):
            return PerMessageDeflateOfferAccept(
                offer,
                request_no_context_takeover=bool(offer.accept_no_context_takeover),
                no_context_takeover=True,
            )
    return None


def use_lean_deflate() -> None:
    """autobahn builds `LeanPerMessageDeflate` for an accepted permessage-deflate offer."""
    PERMESSAGE_COMPRESSION_EXTENSION[PerMessageDeflate.EXTENSION_NAME]["PMCE"] = (
        LeanPerMessageDeflate
    )
