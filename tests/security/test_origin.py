"""Issue 10, item 8: a WebSocket is accepted only from the site's own whole origin.

The check used to compare the host alone: a page served over plain HTTP, or by another service
on another port of the same host, could open a room socket with the user's cookies (cookies are
sent to every port of a host). Now scheme, host and port must all match: the socket's own origin
(its Host header, which must be in ALLOWED_HOSTS, and its scheme) or one of CSRF_TRUSTED_ORIGINS
or SITE_URL.
"""

from __future__ import annotations

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from informaction.asgi import application
from tests.consumers.test_room import participant_cookie
from tests.factories import make_meeting, make_participant

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

PROD_HOST = "reunion.example.org"


@pytest.fixture
def production(settings):
    """Settings as behind the production proxy (TLS ends before it, X-Forwarded-Proto set)."""
    settings.ALLOWED_HOSTS = [PROD_HOST]
    settings.CSRF_TRUSTED_ORIGINS = []
    settings.SITE_URL = ""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


@pytest_asyncio.fixture
async def phone_cookie():
    @database_sync_to_async
    def make() -> tuple[str, str]:
        meeting = make_meeting()
        return meeting.join_code, participant_cookie(make_participant(meeting).device)

    return await make()


async def connects(code_cookie: tuple[str, str], *, host: str, origin: str | None, **extra) -> bool:
    code, cookie = code_cookie
    headers = [(b"host", host.encode()), (b"cookie", cookie.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    headers += [(name.replace("_", "-").encode(), value.encode()) for name, value in extra.items()]
    communicator = WebsocketCommunicator(application, f"/ws/room/{code}/", headers)
    connected, _ = await communicator.connect(timeout=5)
    if connected:
        await communicator.disconnect()
    return connected


async def test_dev_server_own_origin_with_its_port_is_accepted(phone_cookie):
    assert await connects(phone_cookie, host="127.0.0.1:8000", origin="http://127.0.0.1:8000")


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:9999",  # another service on another port of the same machine
        "https://127.0.0.1:8000",  # another scheme
        "http://127.0.0.1",  # port 80, not the server's 8000
        "http://localhost:8000",  # an allowed host, but not the one the socket was opened on
        "null",  # sandboxed frames, file:// pages
        "http://127.0.0.1:8000.evil.example",
    ],
)
async def test_dev_server_refuses_another_scheme_port_or_host(phone_cookie, origin):
    assert not await connects(phone_cookie, host="127.0.0.1:8000", origin=origin)


async def test_production_accepts_its_https_origin(production, phone_cookie):
    assert await connects(
        phone_cookie, host=PROD_HOST, origin=f"https://{PROD_HOST}", x_forwarded_proto="https"
    )
    # The default port written out is the same origin.
    assert await connects(
        phone_cookie, host=PROD_HOST, origin=f"https://{PROD_HOST}:443", x_forwarded_proto="https"
    )


@pytest.mark.parametrize(
    "origin",
    [
        f"http://{PROD_HOST}",  # a plain-HTTP page (e.g. injected on a café Wi-Fi)
        f"https://{PROD_HOST}:8443",  # another service on the same host
        f"https://autre.{PROD_HOST}",
        f"https://{PROD_HOST}.evil.example",
        None,  # no Origin at all
    ],
)
async def test_production_refuses_another_scheme_port_or_subdomain(
    production, phone_cookie, origin
):
    assert not await connects(
        phone_cookie, host=PROD_HOST, origin=origin, x_forwarded_proto="https"
    )


async def test_host_outside_allowed_hosts_is_refused_even_from_its_own_origin(
    production, phone_cookie
):
    assert not await connects(
        phone_cookie, host="evil.example", origin="https://evil.example", x_forwarded_proto="https"
    )


async def test_trusted_origins_and_site_url_are_accepted_whole(production, phone_cookie):
    production.CSRF_TRUSTED_ORIGINS = ["https://salle.example.net"]
    production.SITE_URL = "https://qr.example.org"

    assert await connects(
        phone_cookie, host=PROD_HOST, origin="https://salle.example.net", x_forwarded_proto="https"
    )
    assert await connects(
        phone_cookie, host=PROD_HOST, origin="https://qr.example.org", x_forwarded_proto="https"
    )
    assert not await connects(
        phone_cookie, host=PROD_HOST, origin="http://salle.example.net", x_forwarded_proto="https"
    )
    assert not await connects(
        phone_cookie, host=PROD_HOST, origin="https://qr.example.org:444", x_forwarded_proto="https"
    )


async def test_nul_in_the_socket_path_is_refused_before_the_room_is_looked_up(phone_cookie):
    code, cookie = phone_cookie
    headers = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")]
    headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, "/ws/room/AB\x00CD/", headers)

    connected, _ = await communicator.connect(timeout=5)

    assert connected is False


async def test_a_session_cookie_holding_nul_is_refused(phone_cookie):
    code, _cookie = phone_cookie
    headers = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")]
    headers.append((b"cookie", b'sessionid="\\000abcdefghijkl"'))
    communicator = WebsocketCommunicator(application, f"/ws/room/{code}/", headers)

    connected, _ = await communicator.connect(timeout=5)

    assert connected is False
