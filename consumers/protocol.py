"""The WebSocket envelope: parsing client frames and building replies (see docs/protocol.md)."""

from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rooms.commands import ASSIGNMENTS, IDS, INT_OR_CLEAR, INT_OR_NULL, Field
from rooms.errors import DomainError
from rooms.snapshot import snapshot_json, to_json

MAX_FRAME_BYTES = 16 * 1024
MAX_ID_LENGTH = 64
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# NUL and lone surrogates: JSON escapes can carry them, no database column stores them.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


class ClientError(DomainError):
    """A frame the server cannot accept, answered with an ``error`` frame; the socket stays open.
    `message_id`: the frame's id when it is known before the frame is fully read."""

    def __init__(
        self, code: str, message: str | Promise, *, message_id: str | None = None, **params: Any
    ) -> None:
        super().__init__(code, message, **params)
        self.message_id = message_id


@dataclass(frozen=True)
class Envelope:
    type: str
    id: str | None
    data: dict[str, Any]


def storable(value: Any) -> bool:
    """Whether a decoded JSON value can be stored as it is: no NUL or lone surrogate in any string
    (keys included), integers within 64 bits, finite numbers."""
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is None
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return INT64_MIN <= value <= INT64_MAX
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(storable(item) for item in value)
    if isinstance(value, dict):
        return all(storable(key) and storable(item) for key, item in value.items())
    return False


def _unstorable(message_id: str | None) -> ClientError:
    return ClientError(
        "protocol.bad_frame",
        _(
            "Message illisible : il contient un caractère ou un nombre impossible à enregistrer "
            "(caractère nul, caractère isolé, nombre trop grand)."
        ),
        message_id=message_id,
    )


def parse_frame(text: str | None, binary: bytes | None) -> Envelope:
    """Check the frame's shape, never its meaning. Raises ClientError.

    Every value must be storable (see `storable`): a frame that is not is refused here, before any
    service sees it, and the reply never echoes an identifier that could not be sent back."""
    if text is None:
        raise ClientError("protocol.bad_frame", _("Message illisible : du texte JSON est attendu."))
    if len(text) > MAX_FRAME_BYTES or len(text.encode("utf-8")) > MAX_FRAME_BYTES:
        raise ClientError(
            "protocol.too_large",
            _("Message trop long (%(max)s Kio au plus)."),
            max=MAX_FRAME_BYTES // 1024,
        )
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ClientError("protocol.bad_json", _("Message illisible : JSON invalide.")) from exc
    if not isinstance(value, dict):
        raise ClientError("protocol.bad_frame", _("Message illisible : un objet JSON est attendu."))
    raw_id = value.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int | type(None)):
        raise ClientError("protocol.bad_frame", _("Identifiant de message invalide."))
    if not storable(raw_id):
        raise _unstorable(None)
    message_id = None if raw_id is None else str(raw_id)
    if message_id is not None and not 0 < len(message_id) <= MAX_ID_LENGTH:
        raise ClientError("protocol.bad_frame", _("Identifiant de message invalide."))
    try:
        if not storable(value):
            raise _unstorable(message_id)
    except RecursionError as exc:
        raise ClientError("protocol.bad_json", _("Message illisible : JSON invalide.")) from exc
    kind = value.get("type")
    if not isinstance(kind, str) or not kind:
        raise ClientError("protocol.bad_frame", _("Message sans type."), message_id=message_id)
    data = value.get("data", {})
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ClientError(
            "protocol.bad_frame",
            _("Le champ « data » doit être un objet."),
            message_id=message_id,
        )
    return Envelope(type=kind, id=message_id, data=data)


def dumps(value: Any) -> str:
    return to_json(value)


def snapshot(message_id: str | None, online: int, data: dict[str, Any]) -> str:
    """A snapshot frame (its ideas' text made once per room version, see rooms/snapshot.py)."""
    head = dumps({"type": "snapshot", "id": message_id, "online": online})
    return head[:-1] + ',"data":' + snapshot_json(data) + "}"


def ack(message_id: str | None, reply: dict[str, Any]) -> str:
    return dumps(
        {"type": "ack", "id": message_id, "seq": reply.get("seq"), "data": reply.get("data")}
    )


def error(message_id: str | None, code: str, message: str) -> str:
    return dumps({"type": "error", "id": message_id, "code": code, "message": message})


def require(data: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    """A required field of the given JSON type (bool is not an int here)."""
    value = data.get(key)
    if (
        isinstance(value, bool)
        and kind is not bool
        and bool not in (kind if isinstance(kind, tuple) else (kind,))
    ):
        value = None
    if not isinstance(value, kind):
        raise ClientError(
            "protocol.bad_frame", _("Champ « %(field)s » manquant ou invalide."), field=key
        )
    return value


def optional_int(data: dict[str, Any], key: str) -> int | None:
    """An optional integer field (null or absent: None; a bool is not an int here)."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ClientError("protocol.bad_frame", _("Champ « %(field)s » invalide."), field=key)
    return value


def optional(data: dict[str, Any], key: str, kind: type, default: Any) -> Any:
    value = data.get(key, default)
    if value is None:
        return default
    if isinstance(value, bool) and kind is not bool:
        value = None
    if not isinstance(value, kind):
        raise ClientError("protocol.bad_frame", _("Champ « %(field)s » invalide."), field=key)
    return value


MAX_IDS = 2000


def id_list(data: dict[str, Any], key: str) -> list[int]:
    """A required list of at most MAX_IDS integer ids."""
    values = require(data, key, list)
    if len(values) > MAX_IDS or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        raise ClientError(
            "protocol.bad_frame", _("Champ « %(field)s » : une liste d'identifiants."), field=key
        )
    return values


def assignments(data: dict[str, Any], key: str) -> list[tuple[int, int | None]]:
    """A required list of {idea, theme} (theme null: not sorted) as (idea, theme) pairs."""
    items = require(data, key, list)
    if len(items) > MAX_IDS or not all(isinstance(i, dict) for i in items):
        raise ClientError("protocol.bad_frame", _("« assignments » : une liste de {idea, theme}."))
    return [(require(item, "idea", int), optional_int(item, "theme")) for item in items]


def read_fields(fields: tuple[Field, ...], data: dict[str, Any]) -> dict[str, Any]:
    """A command's data read by its row's fields (rooms/commands.py): the service's arguments.
    Raises ClientError (protocol.bad_frame) for a missing or ill-typed field."""
    arguments: dict[str, Any] = {}
    for field in fields:
        if field.kind == IDS:
            value = id_list(data, field.key)
        elif field.kind == ASSIGNMENTS:
            value = assignments(data, field.key)
        elif field.kind == INT_OR_NULL:
            value = optional_int(data, field.key)
            value = field.default if value is None else value
        elif field.kind == INT_OR_CLEAR:
            value = optional_int(data, field.key) if field.key in data else field.default
        elif field.required:
            value = require(data, field.key, field.kind)
        else:
            value = optional(data, field.key, field.kind, copy.copy(field.default))
        arguments[field.parameter] = value
    return arguments
