"""Phones joining a room count against their network address in the cache (Redis in
production): the page requests share the server process's Redis connections
(informaction/cache.py). Django's Redis cache made a connection pool per request context, so
each phone joining opened a new connection to Redis."""

from __future__ import annotations

import re

import pytest
import redis
from channels.db import database_sync_to_async
from channels.testing import HttpCommunicator
from django.conf import settings

from informaction.asgi import application
from rooms.models import Participant
from tests.factories import make_meeting

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def page(method: str, path: str, body: bytes = b"", cookie: str = "") -> dict:
    headers = [(b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    if body:
        headers.append((b"content-type", b"application/x-www-form-urlencoded"))
    request = HttpCommunicator(application, method, path, body=body, headers=headers)
    response = await request.get_response()
    await request.wait()
    return response


async def scan(path: str, name: str) -> int:
    """A phone joining over HTTP: the join page, then its form posted (a new participant)."""
    form = await page("GET", path)
    cookie = next(
        value.decode().split(";")[0]
        for header, value in form["headers"]
        if header.lower() == b"set-cookie" and value.startswith(b"csrftoken=")
    )
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form["body"])[1]
    body = f"csrfmiddlewaretoken={token.decode()}&name={name}".encode()
    return (await page("POST", path, body, cookie))["status"]


async def test_phones_joining_share_the_processs_redis_connections(own_redis_cache):
    meeting = await database_sync_to_async(make_meeting)()
    before = redis.Redis(port=own_redis_cache.port).info("stats")["total_connections_received"]

    statuses = [await scan(f"/j/{meeting.join_code}", f"Tel{i}") for i in range(8)]

    after = redis.Redis(port=own_redis_cache.port).info("stats")["total_connections_received"]
    assert statuses == [302] * 8  # each joined, redirected to the room
    assert await database_sync_to_async(Participant.objects.filter(meeting=meeting).count)() == 8
    assert 1 <= after - before - 1 <= settings.PAGE_THREADS  # the -1: this test's own INFO
