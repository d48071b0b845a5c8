"""Issue 10, item 9: a NUL byte anywhere in a URL is answered 404, never 500 (and a cookie
holding one is ignored).

PostgreSQL refuses NUL in text parameters ("A string literal cannot contain NUL"), so every
route that looks a path segment or a query value up in the database used to crash there. The
fix is one middleware (informaction/middleware.py), tested here on a spread of routes.
"""

from __future__ import annotations

import pytest

from tests.factories import make_meeting

pytestmark = pytest.mark.django_db

PUBLIC_ROUTES = [
    "/j/{nul}",
    "/j/AB{nul}CD/qr.svg",
    "/m/{nul}/",
    "/q/{nul}/",
    "/j/{code}/p/tok{nul}en",
    "/j/{code}/billet/tok{nul}en",
    "/m/{code}/groupe/{nul}",
    "/programme/inscription/{nul}/",
    "/programme/inscription/{nul}/annuler/",
    "/programme/agenda/{nul}.ics",
    "/programme/agenda/{nul}/",
    "/programme/billet/{nul}/",
    "/programme/festi{nul}val/",
    "/programme/festival/programme{nul}.ics",
    "/votes/1{nul}/ballots.json",
]

QUERIES = [
    "/rejoindre/?code={nul}",
    "/j/{code}?x={nul}",
    "/programme/?jour={nul}",
]


@pytest.mark.parametrize("route", PUBLIC_ROUTES + QUERIES)
def test_nul_in_url_is_not_found(client, route):
    meeting = make_meeting()
    client.raise_request_exception = False  # a crash must show as the 500 a phone would get

    response = client.get(route.format(nul="%00", code=meeting.join_code))

    assert response.status_code == 404


def test_nul_page_is_the_plain_not_found_page(client):
    response = client.get("/j/%00")

    assert response.status_code == 404
    assert "\x00" not in response.content.decode()
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_a_percent_sign_alone_is_not_mistaken_for_nul(client):
    meeting = make_meeting()

    response = client.get(f"/j/{meeting.join_code}?x=%2500")

    assert response.status_code == 200


@pytest.mark.parametrize("name", ["sessionid", "csrftoken", "ia_device"])
def test_a_cookie_holding_nul_is_ignored(client, name):
    client.raise_request_exception = False

    response = client.get("/", HTTP_COOKIE=f'{name}="\\000abcdefghijkl"')

    assert response.status_code == 200
