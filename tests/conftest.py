"""Fixtures shared by every test package."""

from __future__ import annotations

import pytest
from channels.layers import channel_layers

from consumers.batcher import RoomBatcher
from consumers.relay import RoomRelay
from tests.redis_server import own_redis_cache  # noqa: F401 (a fixture for every test)

# Django's default hasher (PBKDF2, a million rounds) costs ~0.3 s a password on an idle core, for
# every user a test creates and every login: over a minute of the run. No test is about hashing.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """Tests hash passwords with MD5 (never in production: settings.py keeps Django's default)."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
        yield


@pytest.fixture(autouse=True, scope="session")
def _quick_postgresql_flush():
    """Empty PostgreSQL's tables after a transactional test with DELETE rather than TRUNCATE.

    Transactional tests (sockets, threads) empty every table when they end. One TRUNCATE of the
    project's tables cost 1-2 s a test on PostgreSQL (half of the consumer tests' time); deleting
    the few rows a test leaves costs milliseconds. Django creates its foreign keys DEFERRABLE
    INITIALLY DEFERRED and flushes in one transaction, so the order of the DELETEs is free.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # Table names come from the models, quoted by the backend.
        return [f"DELETE FROM {self.quote_name(table)};" for table in tables]  # noqa: S608

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = truncate


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """A new channel layer (and no relays) per test: layers bind to the test's event loop."""
    channel_layers.backends = {}
    RoomRelay._relays.clear()
    RoomBatcher._batchers.clear()
    yield
    channel_layers.backends = {}
    RoomRelay._relays.clear()
    RoomBatcher._batchers.clear()


@pytest.fixture(autouse=True)
def _close_database_thread_connections():
    """Close the connections of the thread where Channels runs database code after each test.

    They are persistent (CONN_MAX_AGE), and an open one keeps PostgreSQL from dropping the test
    database at the end of the run.
    """
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    # Outside any async_to_sync, Channels' thread-sensitive calls all run in this executor.
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Each test starts in French (the default) with empty per-process read caches: a test's
    meeting may reuse the id (and room version) of an earlier test's rolled-back one."""
    from django.conf import settings
    from django.utils import translation

    from informaction.shared_pages import forget_shared_pages
    from rooms.snapshot import forget_public_views
    from voting import selectors as vote_selectors

    translation.activate(settings.LANGUAGE_CODE)
    forget_public_views()
    forget_shared_pages()
    vote_selectors._live_counts.clear()
    yield
    translation.activate(settings.LANGUAGE_CODE)
