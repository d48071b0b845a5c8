"""Database connections of pages served over ASGI (Daphne).

Django's ASGI handler runs each HTTP request's code in a thread of its own, which ends with the
request: the request's database connection can never serve another one, whatever
``CONN_MAX_AGE`` says. It is closed when the request ends. Left to the garbage collector (which
the server runs rarely, informaction/asgi.py), a burst of phones joining a room kept one
PostgreSQL connection each until PostgreSQL refused new ones. The rooms' sockets are not
concerned: their database work runs in one long-lived thread that keeps its connection.
"""

from __future__ import annotations

from typing import Any

from django.core.handlers.asgi import ASGIHandler
from django.db import connections


def close_request_connections(sender: Any, **kwargs: Any) -> None:
    """``request_finished`` receiver: close this thread's connections after an ASGI request
    (the test clients' requests, which share the test's connection, are left alone)."""
    if isinstance(sender, type) and issubclass(sender, ASGIHandler):
        for connection in connections.all(initialized_only=True):
            connection.close()
