"""Registrations sent at the same instant from many threads: no overbooking, on any backend.

On PostgreSQL the threads share the test database and `select_for_update` does the work. On
SQLite the test database is a shared-cache in-memory file, whose table locks fail at once
instead of waiting ("database table is locked"), which no deployment uses. So there the worker
threads run against a real on-disk SQLite file, with the production settings (BEGIN IMMEDIATE,
WAL, busy timeout): the same configuration `runserver` and Daphne use.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections import Counter

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from events.enums import RegistrationStatus
from events.models import Registration
from tests.factories_events import make_event, make_organization, make_session, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _in_thread(func):
    """Run `func` in a fresh thread (its own DB connection) and return its result."""
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = func()
        except BaseException as exc:  # re-raised in the caller
            box["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


@contextlib.contextmanager
def threads_database(tmp_path):
    """Point the connections that new threads open at a real database."""
    original = connections.settings["default"]
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    # A copy of the migrated test database (SQLite's online backup: milliseconds, where running
    # the migrations again on the file took seconds).
    path = tmp_path / "threads.sqlite3"
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(path)) as target:
        connection.connection.backup(target)
    connections.settings["default"] = {**original, "NAME": str(path)}
    try:
        yield
    finally:
        connections.settings["default"] = original


def _post_all_at_once(url: str, count: int) -> list[int]:
    barrier = threading.Barrier(count)
    statuses: list[int] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=60)
            response = Client().post(url, {"name": f"Personne {n}", "email": f"p{n}@example.org"})
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_registration_concurrent_requests_fill_seats_then_waiting_list(tmp_path):
    with threads_database(tmp_path):

        def arrange():
            event = make_event(make_organization(make_user()))
            session = make_session(event, capacity=5)
            return reverse(
                "events:session-detail", kwargs={"slug": event.slug, "pk": session.pk}
            ), session.pk

        url, session_pk = _in_thread(arrange)

        statuses = _post_all_at_once(url, 24)

        counts = _in_thread(
            lambda: Counter(
                Registration.objects.filter(session_id=session_pk).values_list("status", flat=True)
            )
        )
    assert statuses == [302] * 24
    assert counts == {RegistrationStatus.REGISTERED: 5, RegistrationStatus.WAITING: 19}


def test_registration_concurrent_same_email_registers_once(tmp_path):
    with threads_database(tmp_path):

        def arrange():
            event = make_event(make_organization(make_user()))
            session = make_session(event, capacity=50)
            return reverse(
                "events:session-detail", kwargs={"slug": event.slug, "pk": session.pk}
            ), session.pk

        url, session_pk = _in_thread(arrange)
        barrier = threading.Barrier(8)
        statuses: list[int] = []

        def worker() -> None:
            try:
                barrier.wait(timeout=60)
                response = Client().post(url, {"name": "Awa", "email": "awa@example.org"})
                statuses.append(response.status_code)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        count = _in_thread(lambda: Registration.objects.filter(session_id=session_pk).count())
    assert sorted(statuses) == [302] + [400] * 7
    assert count == 1
