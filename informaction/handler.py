"""The ASGI handler of the site's pages: one thread hop per request."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase


class PageHandler(ASGIHandler):
    """Django's ASGI handler with its middleware chain loaded for synchronous code.

    Django's own handler loads the chain for async: our (synchronous) middleware then runs in a
    worker thread, goes back to the event loop for the view's async wrapper and to the thread
    again for the view, several thread switches per page. Every middleware and view here is
    synchronous, so the chain runs whole in the request's worker thread, as under WSGI (an
    async view would still work, run by Django in a thread of its own). A join storm is three
    pages per phone (docs/scaling.md).
    """

    def __init__(self) -> None:
        BaseHandler.__init__(self)  # not ASGIHandler's: it loads the chain for async
        self.load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        """The synchronous chain in one hop to the request's worker thread."""
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
