"""The ASGI handler of the site's pages: one hop per request to a page thread that lives on."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from asgiref.sync import SyncToAsync
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.db import close_old_connections
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix

T = TypeVar("T")


_page_threads: ThreadPoolExecutor | None = None


def page_threads() -> ThreadPoolExecutor:
    """The process's ``PAGE_THREADS`` page threads, made on first use (in the event loop)."""
    global _page_threads
    if _page_threads is None:
        _page_threads = ThreadPoolExecutor(settings.PAGE_THREADS, thread_name_prefix="page")
    return _page_threads


async def in_page_thread(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in a page thread, with this task's context (the language...)."""
    return await SyncToAsync(function, thread_sensitive=False, executor=page_threads())(*args)


async def read_in_page_thread(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)``, a read a socket makes, in a page thread, its connections checked
    before and after as a page's are: not in the rooms' database thread, where it would wait
    behind the room's commits (and their wait for the meeting's lock)."""
    return await in_page_thread(_with_checked_connections, function, *args)


def _with_checked_connections(function: Callable[..., T], *args: Any) -> T:
    """As around a page: connections broken or past their age closed before and after."""
    close_old_connections()
    try:
        return function(*args)
    finally:
        close_old_connections()


async def _replay(parts: list[bytes]) -> AsyncIterator[bytes]:
    """Parts already read, as the async iterator a streaming answer is sent from."""
    for part in parts:
        yield part


class PageHandler(ASGIHandler):
    """Django's ASGI handler, with each page run whole in one of a few long-lived threads.

    Django's own handler runs a request's synchronous code in a thread made for that request
    (asgiref's ``ThreadSensitiveContext``), three hops to it per page (the request-started
    signal, the middleware chain, the response's close), and loads the chain for async code, so
    our synchronous middleware went back to the event loop and to the thread again in between.
    The thread ended with its request, and its database connection with it: every page opened a
    new connection. Here the request-started signal, the chain, the view and (for a response
    already in memory) the request-finished signal run in one hop to one of ``PAGE_THREADS``
    threads, as a threaded WSGI server would; a thread keeps its database connection as
    ``CONN_MAX_AGE`` says. A streaming answer (whitenoise's static files) is read there too, and
    closed there once sent. A join storm is three pages per phone and its first visit's static
    files (docs/scaling.md).

    Every middleware and view here is synchronous; an async view would still work (Django runs
    it in a loop of its own). The room's commits keep their own database thread (Channels'),
    so a burst of pages does not queue in front of them; a socket's reads when it opens
    (`read_in_page_thread`) are made here, like a page's.
    """

    def __init__(self) -> None:
        BaseHandler.__init__(self)  # not ASGIHandler's: it loads the chain for async
        self.load_middleware(is_async=False)

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        """Read the request's body, answer it in a page thread, send the answer."""
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        try:
            response = await self.in_page_thread(self.respond, scope, body_file)
            try:
                await self.send_response(response, send)
            except asyncio.CancelledError:
                pass  # the client went away while the answer was sent
            finally:
                if response.streaming:  # a file: the request ends once it is sent
                    await self.in_page_thread(response.close)
        finally:
            body_file.close()

    def respond(self, scope: dict[str, Any], body_file: Any) -> HttpResponseBase:
        """In a page thread: the request-started signal, the chain and the view; an answer held
        in memory is closed here (the request-finished signal: connections put back or kept)."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
        response._handler_class = self.__class__
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size
        if not response.streaming:
            response.close()
        elif not response.is_async:
            # Read here what Django would read with a thread-sensitive hop: outside its
            # per-request threads that hop lands on the rooms' database thread (Channels').
            response.streaming_content = _replay(list(response.streaming_content))
        return response

    async def in_page_thread(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` in a page thread, with this task's context (the language...)."""
        return await in_page_thread(function, *args)
