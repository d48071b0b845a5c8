"""Pages that are the same for every visitor but for the CSRF token: rendered once, then served.

A QR code scanned by a hall of 5,000 phones brings 5,000 new visitors to one join page within
half a minute; rendering its template each time was most of what the page cost (issue 14). A
view that knows its page depends on nothing personal renders it through `render_shared` with
a key naming everything the page shows that can change. The page is rendered once per key and
language with a placeholder for the CSRF token; each visitor gets a copy with a token of its own
(`get_token`, which also sets the CSRF cookie as `{% csrf_token %}` would).

A page may also show a few personal words (a phone's name): the view puts a `Slot`'s text in
the context where the words go and gives the words in `fills`; each copy gets its own, escaped
as the template would have escaped them (so a slot may not go through a filter).

What the key cannot name (a privacy policy read inside a template tag, say) is kept at most
`SHARED_PAGE_SECONDS`; `forget_shared_pages` empties the cache of this process at once.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Hashable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

SHARED_PAGE_SECONDS = 10.0
MAX_SHARED_PAGES = 500
# Unguessable, so that no text shown on the page (a meeting's title…) can contain it.
_TOKEN_PLACEHOLDER = "csrf-" + secrets.token_hex(16)


class Slot:
    """A place for personal words in a shared page: `text` goes in the context, unguessable."""

    def __init__(self, name: str) -> None:
        self.text = f"slot-{name}-{secrets.token_hex(16)}"


_pages: dict[tuple[Hashable, ...], tuple[float, str]] = {}
_lock = threading.Lock()


def render_shared(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    key: Hashable,
    fills: dict[Slot, str] | None = None,
) -> HttpResponse:
    """`template` rendered with `context` as `render` would, reused for every request of the same
    `key`, path and language within `SHARED_PAGE_SECONDS`, with this request's CSRF token and
    each slot of `fills` filled with its words."""
    full_key = (key, request.get_full_path(), translation.get_language())
    now = time.monotonic()
    with _lock:
        hit = _pages.get(full_key)
    if hit is None or hit[0] <= now:
        html = render_to_string(template, {**context, "csrf_token": _TOKEN_PLACEHOLDER}, request)
        hit = (now + SHARED_PAGE_SECONDS, html)
        with _lock:
            if len(_pages) >= MAX_SHARED_PAGES:
                _pages.clear()
            _pages[full_key] = hit
    html = hit[1].replace(_TOKEN_PLACEHOLDER, get_token(request))
    for slot, words in (fills or {}).items():
        html = html.replace(slot.text, escape(words))
    return HttpResponse(html)


def forget_shared_pages() -> None:
    """Drop every page kept by this process (a stored policy changed; tests)."""
    with _lock:
        _pages.clear()
