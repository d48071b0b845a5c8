"""Pages served by the ASGI server (Daphne) run in a few long-lived page threads
(informaction/handler.py), one hop per request: a burst of phones joining a room uses at most
``PAGE_THREADS`` database connections, kept from one request to the next. Django's own handler
made a thread per request, and a connection with it: on PostgreSQL a burst of joins held one
connection each until PostgreSQL refused new ones and the join page answered 500; on every
backend each page paid a new thread and a new connection."""

from __future__ import annotations

import asyncio
import gc
import threading

import pytest
from channels.testing import HttpCommunicator
from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper

from informaction.asgi import application

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def unknown_meeting_page() -> dict:
    """The join page of a code no meeting has: looked up in the database, answered 404."""
    page = HttpCommunicator(application, "GET", "/j/ZZZZZZ", headers=[(b"host", b"testserver")])
    response = await page.get_response()
    await page.wait()  # the request ends (its response closed)
    return response


async def test_a_burst_of_pages_shares_the_page_threads_connections(monkeypatch):
    threads: set[str] = set()  # the threads that used a database connection
    wrappers: set[int] = set()  # the connection objects they used (one per thread)
    ensure = BaseDatabaseWrapper.ensure_connection

    def recording_ensure(self):
        if threading.current_thread() is not threading.main_thread():
            threads.add(threading.current_thread().name)
            wrappers.add(id(self))
        return ensure(self)

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", recording_ensure)
    gc.disable()  # as rare as the server's collections: nothing is closed by being collected
    try:
        responses = await asyncio.gather(*(unknown_meeting_page() for _ in range(12)))
        responses += [await unknown_meeting_page() for _ in range(4)]
    finally:
        gc.enable()

    assert [r["status"] for r in responses] == [404] * 16
    assert b"ZZZZZZ" in responses[0]["body"]  # the "unknown meeting" page, rendered by the view
    assert threads  # the pages looked the code up in the database
    assert all(name.startswith("page") for name in threads)
    assert len(wrappers) <= settings.PAGE_THREADS < 12


async def test_a_page_goes_to_its_worker_thread_once(monkeypatch):
    """informaction/handler.py: the request-started signal, the middleware chain, the view and
    the request-finished signal run in one hop to a page thread, never back to the event loop
    in between (Django's own handler made three hops per page, and loaded the chain for async,
    going back and forth for our synchronous middleware: thread switches a join storm paid three
    times per phone)."""
    from asgiref.sync import AsyncToSync, SyncToAsync

    hops = back_to_the_loop = 0
    to_thread, to_loop = SyncToAsync.__call__, AsyncToSync.__call__

    async def counting_hop(self, *args, **kwargs):
        nonlocal hops
        hops += 1
        return await to_thread(self, *args, **kwargs)

    def counting_call(self, *args, **kwargs):
        nonlocal back_to_the_loop
        back_to_the_loop += 1
        return to_loop(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counting_hop)
    monkeypatch.setattr(AsyncToSync, "__call__", counting_call)
    response = await unknown_meeting_page()

    assert response["status"] == 404
    assert b"ZZZZZZ" in response["body"]
    assert (hops, back_to_the_loop) == (1, 0)


async def test_a_static_file_is_read_in_a_page_thread_not_the_rooms_database_thread(monkeypatch):
    """Static files (whitenoise, inside Daphne: every phone loads about fifteen on its first
    visit) are read in a page thread. Django reads a file answer's content with a thread-sensitive
    hop which, outside Django's per-request threads, lands on the one thread that runs the rooms'
    database work (Channels'): a join storm's files would queue with the rooms' commits."""
    from asgiref.sync import SyncToAsync

    rooms_thread = SyncToAsync.single_thread_executor
    submitted = 0
    submit = rooms_thread.submit

    def counting_submit(*args, **kwargs):
        nonlocal submitted
        submitted += 1
        return submit(*args, **kwargs)

    monkeypatch.setattr(rooms_thread, "submit", counting_submit)
    request = HttpCommunicator(
        application, "GET", "/static/js/room-store.js", headers=[(b"host", b"testserver")]
    )
    await request.send_input({"type": "http.request", "body": b""})
    start, body = await request.receive_output(), b""
    while (chunk := await request.receive_output())["type"] == "http.response.body":
        body += chunk.get("body", b"")  # a streamed answer ends with a message without body
        if not chunk.get("more_body"):
            break
    await request.wait()

    assert start["status"] == 200
    assert b"export" in body  # the module itself
    assert submitted == 0
