"""Which pages may open a WebSocket here: the site's own origin, compared whole.

Browsers send the cookies of a host to every port and scheme of that host, and a WebSocket is
not covered by CSRF tokens or CORS: the `Origin` header is the only thing that tells the room
socket that the page opening it is ours. So the whole origin (scheme, host and port) must be

- the socket's own origin: its `Host` header (which must be in ALLOWED_HOSTS) with its scheme
  (https when the connection is secure, or when the proxy says so through
  SECURE_PROXY_SSL_HEADER, as for HTTP requests), the rule Django's CSRF check applies to forms;
- or one of CSRF_TRUSTED_ORIGINS (exact, or Django's ``https://*.example.org`` form), or the
  origin of SITE_URL.

A missing or malformed Origin is refused, and so is a path, query or cookie holding NUL (it
names no room or session, and PostgreSQL cannot even look it up). See docs/security.md.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host

Origin = tuple[str, str, int]
DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_origin(value: str) -> Origin | None:
    """(scheme, host, port) of an origin or URL, the default port written out; None if it is
    not an http(s) origin ("null", garbage, a path-less host...)."""
    try:
        parts = urlsplit(value.strip())
        scheme, host, port = parts.scheme.lower(), (parts.hostname or ""), parts.port
    except ValueError:
        return None
    if scheme not in DEFAULT_PORTS or not host:
        return None
    return scheme, host.lower(), port if port is not None else DEFAULT_PORTS[scheme]


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def _is_secure(scope: dict[str, Any]) -> bool:
    if scope.get("scheme") in ("wss", "https"):
        return True
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if not proxy:
        return False
    meta_name, expected = proxy
    header = meta_name.removeprefix("HTTP_").lower().replace("_", "-").encode("latin1")
    value = _header(scope, header)
    return value is not None and value.split(",")[0].strip() == expected


def own_origin(scope: dict[str, Any]) -> Origin | None:
    """The origin of the socket itself, if its Host is one of ALLOWED_HOSTS."""
    host = _header(scope, b"host")
    if not host:
        return None
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:  # Django's own fallback for an empty list in DEBUG
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    if not domain or not validate_host(domain, allowed):
        return None
    scheme = "https" if _is_secure(scope) else "http"
    return parse_origin(f"{scheme}://{host}")


def _trusted(origin: Origin) -> bool:
    scheme, host, port = origin
    for pattern in [*settings.CSRF_TRUSTED_ORIGINS, getattr(settings, "SITE_URL", "")]:
        if not pattern:
            continue
        wildcard = "://*." in pattern
        trusted = parse_origin(pattern.replace("://*.", "://", 1) if wildcard else pattern)
        if trusted is None or trusted[0] != scheme or trusted[2] != port:
            continue
        if host == trusted[1] or (wildcard and host.endswith("." + trusted[1])):
            return True
    return False


def origin_allowed(scope: dict[str, Any]) -> bool:
    """Whether the page that opens this socket is ours (the module docstring says which)."""
    header = _header(scope, b"origin")
    origin = parse_origin(header) if header else None
    if origin is None:
        return False
    return origin == own_origin(scope) or _trusted(origin)


def has_nul(scope: dict[str, Any]) -> bool:
    """A NUL in the path, the query or a cookie (its quoted "\\000" form decodes to one)."""
    query = scope.get("query_string", b"").decode("latin1")
    if "\x00" in scope.get("path", "") or "\x00" in unquote(query):
        return True
    cookies = parse_cookie(_header(scope, b"cookie") or "")
    return any("\x00" in name or "\x00" in value for name, value in cookies.items())


class WebSocketGuard:
    """ASGI middleware before every socket: a foreign or missing origin, or a NUL in the URL or
    a cookie, is refused (HTTP 403) before any consumer or database work."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and (has_nul(scope) or not origin_allowed(scope)):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
