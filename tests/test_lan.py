"""`./dev.sh demo --lan`: the settings informaction/lan.py prints make the demo work for a phone
that reaches the laptop at its network address, and put that address in the join URL and QR code."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.urls import reverse

from informaction import asgi, lan
from tests.deliberation.test_views import decode_qr
from tests.factories import make_meeting
from tests.settings_env import ROOT, load_settings

ADDRESS = "192.168.1.23"
ORIGIN = f"http://{ADDRESS}:8000"


@pytest.fixture
def lan_settings(settings, monkeypatch, tmp_path):
    """Django's settings as the settings file makes them from the environment dev.sh exports."""
    loaded = load_settings(monkeypatch, tmp_path, **lan.lan_environment(ADDRESS, 8000))
    for name in ("ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SITE_URL"):
        setattr(settings, name, getattr(loaded, name))
    return settings


def test_the_printed_environment_names_the_address():
    result = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "informaction.lan", "8000"],
        cwd=ROOT,
        env={"LAN_ADDRESS": ADDRESS, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.splitlines() == [
        f"ALLOWED_HOSTS={ADDRESS},127.0.0.1,localhost,[::1]",
        f"CSRF_TRUSTED_ORIGINS={ORIGIN}",
        f"SITE_URL={ORIGIN}",
    ]


def test_no_usable_address_is_explained(monkeypatch, capsys):
    monkeypatch.setenv("LAN_ADDRESS", "127.0.0.1")

    assert lan.main(["8000"]) == 1
    assert "LAN_ADDRESS=192.168.1.23 ./dev.sh demo --lan" in capsys.readouterr().err


def test_the_address_found_is_reachable_from_elsewhere():
    address = lan.lan_address()

    # A machine with no network at all has none; any address found must not be loopback.
    assert address is None or lan.usable(address)


def test_ipv6_addresses_are_bracketed():
    env = lan.lan_environment("fd00::23", 8000)

    assert env["SITE_URL"] == "http://[fd00::23]:8000"
    assert env["ALLOWED_HOSTS"].startswith("[fd00::23],")


@pytest.mark.django_db
def test_a_phone_at_the_lan_address_gets_the_join_page(client, lan_settings):
    meeting = make_meeting()

    response = client.get(f"/j/{meeting.join_code}", HTTP_HOST=f"{ADDRESS}:8000", follow=True)

    assert response.status_code == 200
    assert meeting.title in response.content.decode()


@pytest.mark.django_db
def test_the_board_qr_code_carries_the_lan_address(client, lan_settings):
    """The laptop opens the board at 127.0.0.1; its QR code still sends phones to the LAN."""
    meeting = make_meeting()
    client.force_login(meeting.owner)

    board = client.get(reverse("board", kwargs={"pk": meeting.pk}), HTTP_HOST="127.0.0.1:8000")
    qr = client.get(f"/j/{meeting.join_code}/qr.svg", HTTP_HOST="127.0.0.1:8000")

    assert f">{ADDRESS}:8000/j/{meeting.join_code}<" in board.content.decode()
    assert decode_qr(qr.content) == f"{ORIGIN}/j/{meeting.join_code}"


@pytest.mark.django_db
def test_another_host_is_still_refused(client, lan_settings):
    meeting = make_meeting()

    response = client.get(f"/j/{meeting.join_code}", HTTP_HOST="evil.example")

    assert response.status_code == 400


@pytest.fixture
def _rebuild_asgi_afterwards():
    """Set up before (so torn down after) pytest-django's settings: rebuilds the application
    with the run's own settings once they are restored."""
    yield
    importlib.reload(asgi)


@pytest.fixture
def lan_application(_rebuild_asgi_afterwards, lan_settings):
    """The ASGI application as a process started with the LAN settings builds it: the origin
    check reads ALLOWED_HOSTS when informaction.asgi is imported."""
    importlib.reload(asgi)
    return asgi.application


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.parametrize(("origin", "accepted"), [(ORIGIN, True), ("http://evil.example", False)])
async def test_a_phone_socket_from_the_lan_origin_is_accepted(lan_application, origin, accepted):
    meeting = await database_sync_to_async(make_meeting)()
    headers = [(b"host", f"{ADDRESS}:8000".encode()), (b"origin", origin.encode())]
    path = f"/ws/room/{meeting.join_code}/"
    communicator = WebsocketCommunicator(lan_application, path, headers)

    connected, _ = await communicator.connect(timeout=5)
    await communicator.disconnect()

    assert connected is accepted
