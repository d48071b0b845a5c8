"""Deployment checks: ``manage.py check --deploy`` fails when a development default would reach
production.

The settings fall back to embedded backends when nothing is configured (SQLite, the in-memory
channel layer, DEBUG, a fixed SECRET_KEY), which is right for ``runserver`` and the tests and wrong
behind a proxy with several Daphne workers: the in-memory layer does not cross processes, so a
room's events would reach only the sockets of the worker that made them. The Docker entrypoint runs
``check --deploy`` before it starts Daphne (see docs/deployment.md).

Every check is an Error, so it fails ``check --deploy`` whatever the ``--fail-level``. Each reads
``django.conf.settings`` at call time; the pure ``*_errors`` helpers take the values, so the tests
can reach every branch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from informaction.settings import DEV_SECRET_KEY, RANDOM_VALUE_COMMAND, secret_key_weakness

IN_MEMORY_CHANNEL_LAYER = "channels.layers.InMemoryChannelLayer"

E001 = "informaction.E001"  # in-memory channel layer
E002 = "informaction.E002"  # SQLite database
E003 = "informaction.E003"  # DEBUG on
E004 = "informaction.E004"  # SECRET_KEY is the development default
E005 = "informaction.E005"  # SECRET_KEY weak (Django's rule: length, variety, prefix)
E006 = "informaction.E006"  # ALLOWED_HOSTS empty
E007 = "informaction.E007"  # as many page threads as pooled connections: the room would wait


def channel_layer_errors(channel_layers: Mapping[str, Mapping[str, Any]]) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for alias, config in channel_layers.items():
        if config.get("BACKEND") == IN_MEMORY_CHANNEL_LAYER:
            errors.append(
                Error(
                    f"The channel layer {alias!r} is the in-memory layer: it does not cross "
                    "processes, so a room's events would reach only one worker's sockets.",
                    hint="Set REDIS_URL (redis://host:6379/0) to use channels_redis.",
                    id=E001,
                )
            )
    return errors


def database_errors(databases: Mapping[str, Mapping[str, Any]]) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for alias, config in databases.items():
        if "sqlite3" in str(config.get("ENGINE", "")):
            errors.append(
                Error(
                    f"The database {alias!r} is SQLite: one writer at a time, on one machine's "
                    "disk, unfit for several workers.",
                    hint="Set DATABASE_URL (postgres://user:password@host:5432/name).",
                    id=E002,
                )
            )
    return errors


def page_threads_errors(
    databases: Mapping[str, Mapping[str, Any]], page_threads: int
) -> list[CheckMessage]:
    """The page threads each hold a pooled connection while they answer; the room's database
    thread needs one more, or a burst of pages makes the room's commits wait for one."""
    pool = databases.get("default", {}).get("OPTIONS", {}).get("pool")
    size = pool.get("max_size") if isinstance(pool, Mapping) else None
    if size is None or page_threads < size:
        return []
    return [
        Error(
            f"PAGE_THREADS ({page_threads}) is not below DATABASE_POOL_SIZE ({size}): during a "
            "burst of pages, the rooms' commits would wait for a database connection.",
            hint="Raise DATABASE_POOL_SIZE or lower PAGE_THREADS (docs/deployment.md).",
            id=E007,
        )
    ]


def debug_errors(debug: bool) -> list[CheckMessage]:
    if not debug:
        return []
    return [
        Error(
            "DEBUG is on: error pages would show settings and code to anyone.",
            hint="Unset DEBUG (INFORMACTION_ENV=prod turns it off).",
            id=E003,
        )
    ]


def secret_key_errors(secret_key: str) -> list[CheckMessage]:
    """The same rule as the start-up refusal in settings.py (``secret_key_weakness``)."""
    weakness = secret_key_weakness(secret_key)
    if weakness is None:
        return []
    return [
        Error(
            f"{weakness}: anyone who guesses it could forge sessions and device cookies.",
            hint=f"Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value, e.g. "
            f"{RANDOM_VALUE_COMMAND}.",
            id=E004 if secret_key == DEV_SECRET_KEY else E005,
        )
    ]


def allowed_hosts_errors(allowed_hosts: Iterable[str]) -> list[CheckMessage]:
    if list(allowed_hosts):
        return []
    return [
        Error(
            "ALLOWED_HOSTS is empty: every request would be refused (HTTP 400), and WebSockets "
            "would be refused too since their Origin is checked against it.",
            hint="Set ALLOWED_HOSTS to the public host name(s), comma-separated.",
            id=E006,
        )
    ]


@register(Tags.security, deploy=True)
def check_channel_layer(app_configs=None, **kwargs) -> list[CheckMessage]:
    return channel_layer_errors(getattr(settings, "CHANNEL_LAYERS", {}))


@register(Tags.security, deploy=True)
def check_database(app_configs=None, **kwargs) -> list[CheckMessage]:
    return database_errors(settings.DATABASES)


@register(Tags.security, deploy=True)
def check_page_threads(app_configs=None, **kwargs) -> list[CheckMessage]:
    return page_threads_errors(settings.DATABASES, settings.PAGE_THREADS)


@register(Tags.security, deploy=True)
def check_debug(app_configs=None, **kwargs) -> list[CheckMessage]:
    return debug_errors(settings.DEBUG)


@register(Tags.security, deploy=True)
def check_secret_key(app_configs=None, **kwargs) -> list[CheckMessage]:
    return secret_key_errors(settings.SECRET_KEY)


@register(Tags.security, deploy=True)
def check_allowed_hosts(app_configs=None, **kwargs) -> list[CheckMessage]:
    return allowed_hosts_errors(settings.ALLOWED_HOSTS)
