"""Pages served by the ASGI server (Daphne) run each request in a thread of its own (Django's
ASGIHandler), so a request's database connection can never serve another request: it must be
closed when the request ends, not left to the garbage collector (which the server runs rarely,
informaction/asgi.py). Left open, a burst of phones joining a room held one PostgreSQL
connection each, until PostgreSQL refused new ones and the join page answered 500."""

from __future__ import annotations

import gc
import threading

import pytest
from channels.testing import HttpCommunicator
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

from informaction.asgi import application

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_a_pages_database_connection_is_closed_when_its_request_ends(monkeypatch):
    opened: dict[int, str] = {}  # id of a request thread's connection -> its thread
    closed: set[int] = set()
    backend = type(connections["default"])  # its own close (SQLite keeps an in-memory database)
    connect, close = BaseDatabaseWrapper.connect, backend.close

    def recording_connect(self):
        if threading.current_thread() is not threading.main_thread():
            opened[id(self)] = threading.current_thread().name
        return connect(self)

    def recording_close(self):
        closed.add(id(self))
        return close(self)

    monkeypatch.setattr(BaseDatabaseWrapper, "connect", recording_connect)
    monkeypatch.setattr(backend, "close", recording_close)
    gc.disable()  # as rare as the server's collections: nothing is closed by being collected
    try:
        for _ in range(3):
            page = HttpCommunicator(
                application, "GET", "/j/ZZZZZZ", headers=[(b"host", b"testserver")]
            )
            response = await page.get_response()
            await page.wait()  # the request ends (its response closed)
            assert response["status"] == 404  # looked up in the database: no such meeting
    finally:
        gc.enable()

    assert len(opened) == 3  # a thread and a connection per request
    assert set(opened) <= closed


async def test_a_page_goes_to_its_worker_thread_once(monkeypatch):
    """informaction/handler.py: the middleware chain and the view run in one hop to the request's
    worker thread, never back to the event loop in between (Django's own handler loads the chain
    for async and goes back and forth for our synchronous middleware: thread switches that a join
    storm paid three times per phone)."""
    from asgiref.sync import AsyncToSync

    back_to_the_loop = 0
    call = AsyncToSync.__call__

    def counting_call(self, *args, **kwargs):
        nonlocal back_to_the_loop
        back_to_the_loop += 1
        return call(self, *args, **kwargs)

    monkeypatch.setattr(AsyncToSync, "__call__", counting_call)
    page = HttpCommunicator(application, "GET", "/j/ZZZZZZ", headers=[(b"host", b"testserver")])
    response = await page.get_response()
    await page.wait()

    assert response["status"] == 404
    assert b"ZZZZZZ" in response["body"]  # the "unknown meeting" page, rendered by the view
    assert back_to_the_loop == 0
