"""RoomConsumer: the live idea board of one meeting, for phones (participants), the facilitators'
console and the projected screen (``?view=projection``: the public's frames, read-only).

Transport only: parse the frame, find its row in the command table (rooms/commands.py), read its
data by the row's fields, call the row's service, reply ``ack`` (after commit) or ``error``.
Room events reach this socket through the process's RoomRelay, never a per-socket group.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)

from informaction.handler import read_in_page_thread
from rooms import selectors
from rooms.commands import Command, command_named
from rooms.errors import DomainError
from rooms.roles import (
    PROJECTION_COOKIE,
    PROJECTION_VIEW,
    Actor,
    actor_for,
    facilitates,
    paired_meeting,
    read_only,
)
from rooms.snapshot import board_snapshot
from rooms.web import device_from_cookie

from . import protocol
from .batcher import CommandFailed, RoomBatcher
from .protocol import ClientError, read_fields
from .relay import RoomRelay
from .wire import Frame, RawWriter, raw_writer

logger = logging.getLogger(__name__)

# Per-connection flood guard: a burst of 30 frames, then 10 a second.
BUCKET_SIZE = 30.0
BUCKET_RATE = 10.0
# Snapshots cost the database: a burst of 2, then one every 5 s per phone (its sockets in one
# process share it; a facilitator's too). A request beyond that is not refused: one snapshot is
# owed, sent when the budget allows, with the last request's id. Snapshots are sent by a task of
# the socket's own, so its commands go on meanwhile.
SNAPSHOT_BURST = 2.0
SNAPSHOT_RATE = 0.2
# Sockets of one phone in one room (per server process): a new one closes the oldest beyond this.
MAX_SOCKETS_PER_DEVICE = 4
# How often a facilitator's socket checks that its session and rights still hold (seconds).
FACILITATOR_RECHECK = 15.0
CLOSE_NOT_FOUND = 4404
CLOSE_NOT_ALLOWED = 4403
CLOSE_REPLACED = 4409


class SnapshotBudget:
    """Token bucket of requested snapshots: a burst of SNAPSHOT_BURST, then SNAPSHOT_RATE/s."""

    def __init__(self) -> None:
        self.tokens = SNAPSHOT_BURST
        self.refilled = time.monotonic()

    def take(self) -> float:
        """Take a token: 0.0, or the seconds to wait before one is there (none taken)."""
        now = time.monotonic()
        self.tokens = min(SNAPSHOT_BURST, self.tokens + (now - self.refilled) * SNAPSHOT_RATE)
        self.refilled = now
        if self.tokens < 1:
            return (1 - self.tokens) / SNAPSHOT_RATE
        self.tokens -= 1
        return 0.0


class SocketEnded(Exception):
    """The socket was told why and closed: nothing more to answer."""


def _language(scope: dict[str, Any]) -> str:
    headers = dict(scope.get("headers") or [])
    cookies = SimpleCookie()
    with contextlib.suppress(Exception):  # a malformed cookie header is ignored
        cookies.load(headers.get(b"cookie", b"").decode("latin-1"))
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME)
    candidates = [chosen.value] if chosen else []
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    candidates += [lang for lang, _q in parse_accept_lang_header(accept) if lang != "*"]
    for candidate in candidates:
        try:
            return get_supported_language_variant(candidate)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class RoomConsumer(AsyncWebsocketConsumer):
    # No per-socket channel: room events come through the process relay (consumers/relay.py).
    channel_layer_alias = "__no_layer_per_socket__"

    identified = False  # who this socket is is known (facilitator or participant)
    facilitator = False
    projector = False  # the projected screen: public frames, every command refused
    participant_id: int | None = None

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Skip Channels' per-message thread hop to close old DB connections: every database
        # access here goes through database_sync_to_async, which already does it. On connect the
        # hop would make the handshake wait behind every queued command and snapshot.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        # No groups and no database: Channels' version would add a thread hop.
        await self.disconnect(message["code"])
        raise StopConsumer()

    async def connect(self) -> None:
        self.lang = _language(self.scope)
        self.relay: RoomRelay | None = None
        self.ready = False
        # Frames that arrive before the snapshot is sent, with the audience they were made for.
        self.backlog: list[tuple[Frame, bool | None]] = []
        self.raw: RawWriter | None = None
        self.tokens = BUCKET_SIZE
        self.refilled = time.monotonic()
        self.snapshot_id: str | None = None
        self.snapshot_wanted = False
        self.snapshot_task: asyncio.Task[None] | None = None
        self.rights_task: asyncio.Task[None] | None = None
        self.opened_at = self.refilled
        code = self.scope["url_route"]["kwargs"]["code"]
        session = self.scope.get("session")
        cookies = self.scope.get("cookies", {})
        device = device_from_cookie(cookies.get(settings.PARTICIPANT_COOKIE_NAME))
        view = _view(self.scope)
        paired = paired_meeting(cookies.get(PROJECTION_COOKIE)) if view == PROJECTION_VIEW else None
        # Accept at once: the handshake must not wait for the database (Daphne gives up after 5 s
        # and a room of phones connects in a burst).
        await self.accept()
        self.raw = raw_writer(self.base_send)
        meeting_id = await _meeting_id(code)
        if meeting_id is None:
            await self._send_error(None, "meeting.not_found", _("Aucune réunion avec ce code."))
            await self.close(CLOSE_NOT_FOUND)
            return
        self.meeting_id = meeting_id
        # Attached before the snapshot is read, so no later change can be missed; frames wait in
        # the backlog until the snapshot is sent.
        self.relay = await RoomRelay.attach(meeting_id, self)
        # A read: in a page thread, so that a hall of phones joining does not queue behind the
        # room's commits in its database thread (nor they behind it).
        self.actor, snapshot = await read_in_page_thread(
            _identify_and_snapshot, meeting_id, session, device, self.lang, view, paired
        )
        if snapshot is None:
            self.relay.detach(self)
            self.relay = None
            message = (
                _("Cet écran n'est pas associé à la réunion : saisissez le code d'appairage.")
                if view == PROJECTION_VIEW
                else _("Rejoignez d'abord la réunion avec son code.")
            )
            await self._send_error(None, "auth.not_participant", message)
            await self.close(CLOSE_NOT_ALLOWED)
            return
        self.facilitator = self.actor.facilitator
        self.projector = self.actor.projector
        self.participant_id = self.actor.participant_id
        self.identified = True
        self.relay.identified(self)
        if self.facilitator:
            self.rights_task = asyncio.get_running_loop().create_task(self._watch_rights())
        elif not self.projector:
            await self._close_oldest_of_device()
        await self._send_snapshot(None, snapshot)

    async def disconnect(self, code: int) -> None:
        for task in (self.snapshot_task, self.rights_task):
            if task is not None and task is not asyncio.current_task():
                task.cancel()
        if self.relay is not None:
            self.relay.detach(self)
            self.relay = None

    async def _close_oldest_of_device(self) -> None:
        """Keep at most MAX_SOCKETS_PER_DEVICE sockets of this phone: the oldest ones go (often
        connections a weak network left half-open)."""
        assert self.relay is not None
        mine = sorted(self.relay.sockets_of(self.participant_id), key=lambda s: s.opened_at)
        for old in mine[: max(0, len(mine) - MAX_SOCKETS_PER_DEVICE)]:
            await old.end(
                "auth.replaced",
                _("La réunion est ouverte ailleurs sur cet appareil : cette page ne suit plus."),
                CLOSE_REPLACED,
            )

    async def end(self, code: str, message: Any, close_code: int) -> None:
        """Tell this socket why, detach it from the room and close it."""
        await self._send_error(None, code, message)
        await self.disconnect(close_code)
        await self.close(close_code)

    async def _watch_rights(self) -> None:
        with contextlib.suppress(SocketEnded):
            while True:
                await asyncio.sleep(FACILITATOR_RECHECK)
                await self._require_rights()

    async def _require_rights(self) -> None:
        """Close a facilitator's socket whose session ended or whose rights were withdrawn."""
        if await database_sync_to_async(_still_facilitator)(
            self.meeting_id, self.actor.user_id, self.scope.get("session")
        ):
            return
        await self.end(
            "auth.rights_ended",
            _("Votre session d'animation a pris fin : reconnectez-vous."),
            CLOSE_NOT_ALLOWED,
        )
        raise SocketEnded

    async def deliver(self, frame: Frame, facilitators: bool | None = None) -> None:
        """Called by the relay's writer with a pre-serialised frame, in room order.

        `facilitators`: the audience the frame was made for; a socket still being identified gets
        both audiences' frames in its backlog and keeps those of its own.
        """
        if not self.ready:
            self.backlog.append((frame, facilitators))
            return
        await self._write(frame)

    async def _write(self, frame: Frame) -> None:
        """`frame` to this socket: straight to it under Daphne (compressed if it is shared and
        the socket negotiated compression: consumers/wire.py), else through ASGI."""
        if self.raw is None or not self.raw.write(frame):
            await self.base_send({"type": "websocket.send", "text": frame.text})

    async def _send_text(self, text: str) -> None:
        """A message made for this socket alone (a snapshot, an ack, an error), in order with
        the room's frames."""
        await self._write(Frame(text))

    async def _send_snapshot(
        self, message_id: str | None, snapshot: dict[str, Any] | None = None
    ) -> None:
        self.ready = False
        with translation.override(self.lang):
            if snapshot is None:
                # One requested snapshot at a time per process in the database thread's queue:
                # commands queued meanwhile wait for one snapshot at most, never for a storm.
                async with _snapshot_gate():
                    snapshot = await database_sync_to_async(_snapshot)(
                        self.meeting_id, self.actor, self.lang
                    )
            online = self.relay.online() if self.relay else 0
            await self._send_text(protocol.snapshot(message_id, online, snapshot))
        # Frames that arrived while the snapshot was read follow it, in order.
        while self.backlog:
            frame, audience = self.backlog.pop(0)
            if audience is None or audience == self.facilitator:
                await self._write(frame)
        self.ready = True

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        message_id: str | None = None
        with translation.override(self.lang):
            try:
                if self.relay is None:
                    raise ClientError("protocol.not_ready", _("Connexion en cours, réessayez."))
                self._take_token()
                envelope = protocol.parse_frame(text_data, bytes_data)
                message_id = envelope.id
                if envelope.type == "snapshot.get":
                    await self._snapshot_request(message_id)
                    return
                if self.projector:
                    raise read_only()
                row = command_named(envelope.type)
                if row is None:
                    raise ClientError(
                        "protocol.unknown_command",
                        _("Commande inconnue : %(type)s."),
                        type=envelope.type[:40],
                    )
                kwargs = {**row.fixed, **read_fields(row.fields, envelope.data)}
                if row.read:  # answered in the ack, with no sequence number
                    reply = {"seq": None, "data": await self.call(row, **kwargs)}
                else:
                    reply = await self.call(row, client_id=message_id, **kwargs)
                await self._send_text(protocol.ack(message_id, reply))
            except SocketEnded:
                return
            except ClientError as exc:
                await self._send_error(exc.message_id or message_id, exc.code, exc.render())
            except DomainError as exc:
                await self._send_error(message_id, exc.code, exc.render())
            except Exception as exc:
                # Nothing was acknowledged: the client may resend the same id; the socket stays.
                if not isinstance(exc, CommandFailed):  # the batcher logged those already
                    logger.exception("command failed in room %s", getattr(self, "meeting_id", None))
                await self._send_error(
                    message_id,
                    "server.error",
                    _("Erreur du serveur : rien n'a été enregistré, réessayez."),
                )

    async def _snapshot_request(self, message_id: str | None) -> None:
        """Answer with a snapshot in a task of its own: this socket's commands are not held up
        while it waits for its budget (no database work meanwhile) or for the process's gate."""
        self.snapshot_id, self.snapshot_wanted = message_id, True
        if self.snapshot_task is None:
            self.snapshot_task = asyncio.get_running_loop().create_task(self._serve_snapshots())

    async def _serve_snapshots(self) -> None:
        """Send the snapshots asked for, within the budget; requests made meanwhile are answered
        by the next snapshot, with the last request's id."""
        try:
            while self.snapshot_wanted:
                wait = self._snapshot_budget().take()
                if wait:
                    await asyncio.sleep(wait)
                    continue
                self.snapshot_wanted = False
                with translation.override(self.lang):
                    await self._send_snapshot(self.snapshot_id)
        finally:
            self.snapshot_task = None

    def _snapshot_budget(self) -> SnapshotBudget:
        """The budget of this phone (or facilitator), shared by its sockets in this process."""
        assert self.relay is not None
        key: Any = self.participant_id
        if self.projector:
            key = ("projector", id(self))  # each projected screen has its own
        elif key is None:
            key = f"u{self.actor.user_id}"
        budget = self.relay.budgets.get(("snapshot", key))
        if budget is None:
            budget = self.relay.budgets[("snapshot", key)] = SnapshotBudget()
        return budget

    async def _send_error(self, message_id: str | None, code: str, message: Any) -> None:
        with translation.override(getattr(self, "lang", settings.LANGUAGE_CODE)):
            await self._send_text(protocol.error(message_id, code, str(message)))

    def _take_token(self) -> None:
        now = time.monotonic()
        self.tokens = min(BUCKET_SIZE, self.tokens + (now - self.refilled) * BUCKET_RATE)
        self.refilled = now
        if self.tokens < 1:
            raise ClientError(
                "protocol.rate_limited", _("Trop de messages : patientez un instant.")
            )
        self.tokens -= 1

    async def call(self, row: Command, **kwargs: Any) -> Any:
        """Run the row's service in the database thread, in this connection's language.

        Batched rows join the room's group commit (consumers/batcher.py). A facilitator's rights
        are checked again first (a logout or a withdrawal ends them).
        """
        if self.facilitator:
            await self._require_rights()
        if row.batched:
            return await RoomBatcher.for_room(self.meeting_id).submit(
                row.service, meeting_id=self.meeting_id, actor=self.actor, **kwargs
            )
        return await database_sync_to_async(_in_language)(
            self.lang,
            row.service,
            meeting_id=self.meeting_id,
            actor=self.actor,
            **kwargs,
        )


def _in_language(
    lang: str, service: Callable[..., dict[str, Any]], **kwargs: Any
) -> dict[str, Any]:
    with translation.override(lang):
        return service(**kwargs)


_snapshot_gates: dict[int, asyncio.Semaphore] = {}


def _snapshot_gate() -> asyncio.Semaphore:
    """The process's gate for requested snapshots (one per event loop)."""
    loop = asyncio.get_running_loop()
    gate = _snapshot_gates.get(id(loop))
    if gate is None:
        if len(_snapshot_gates) > 8:  # loops of finished tests
            _snapshot_gates.clear()
        gate = _snapshot_gates[id(loop)] = asyncio.Semaphore(1)
    return gate


# Join codes never change: the meeting id of a code is looked up once per process.
_meeting_ids: dict[str, int] = {}


async def _meeting_id(code: str) -> int | None:
    meeting_id = _meeting_ids.get(code)
    if meeting_id is None:
        meeting = await database_sync_to_async(selectors.meeting_by_code)(code)
        if meeting is None:
            return None
        meeting_id = _meeting_ids[code] = meeting.pk
    return meeting_id


def _view(scope: dict[str, Any]) -> str | None:
    """The screen kind the socket asks for in its query string (``?view=projection``)."""
    query = parse_qs(bytes(scope.get("query_string") or b"").decode("latin-1"))
    return (query.get("view") or [None])[0]


def _identify_and_snapshot(
    meeting_id: int,
    session: Any,
    device: str | None,
    lang: str,
    view: str | None = None,
    paired: int | None = None,
) -> tuple[Actor, dict[str, Any] | None]:
    """Who this socket is, and what it may see now (None: it may see nothing).

    A phone has no session: no query for the user. A facilitator's session is checked exactly as
    Channels' AuthMiddleware does (same function, run here in the database thread).
    """
    from channels.auth import get_user

    from rooms import sql
    from rooms.models import Meeting

    user = None
    if session is not None and session.session_key:
        user = get_user.func({"session": session})  # the sync function under the wrapper
    meeting = sql.get_one(Meeting, id=meeting_id)  # once per socket opened
    if meeting is None:
        raise Meeting.DoesNotExist
    actor = actor_for(meeting, user=user, device=device, view=view, paired=paired)
    if actor is None:
        return Actor(), None
    return actor, _snapshot(meeting_id, actor, lang, meeting)


def _still_facilitator(meeting_id: int, user_id: int | None, session: Any) -> bool:
    """Whether the session is still signed in as `user_id`, who still facilitates the meeting
    (read afresh: a logout deletes the session, a password change invalidates it)."""
    from channels.auth import get_user

    if session is None or not session.session_key:
        return False
    user = get_user.func({"session": type(session)(session.session_key)})
    return user.is_authenticated and user.pk == user_id and facilitates(user, meeting_id)


def _snapshot(meeting_id: int, actor: Actor, lang: str, meeting: Any = None) -> dict[str, Any]:
    with translation.override(lang):
        return board_snapshot(meeting_id, actor, meeting)
