"""The deployment checks of informaction/checks.py, through Django's check framework."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.checks import run_checks

from informaction.checks import secret_key_errors
from informaction.settings import DEV_SECRET_KEY

PROD_SECRET_KEY = "k8Jq2zP0vN7wLrT4yXb1mC9sD6fH3gE5uA-2Rt8Wq0ZxLm4Np7Qs"
REDIS_LAYER = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": ["redis://redis:6379/0"]},
    }
}
MEMORY_LAYER = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
POSTGRES_DB = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "informaction"}}
SQLITE_DB = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "informaction.sqlite3"}}


def informaction_ids(*, deploy: bool = True) -> list[str]:
    return sorted(
        message.id
        for message in run_checks(include_deployment_checks=deploy)
        if message.id and message.id.startswith("informaction.")
    )


@pytest.fixture
def set_databases(monkeypatch):
    """Replace settings.DATABASES for the checks only.

    The ``settings`` fixture would warn "Overriding setting DATABASES can lead to unexpected
    behavior" (an error under filterwarnings=error) and reset the connections; the checks only
    read the dict, so the attribute is swapped without the setting_changed signal.
    """

    def _set(databases):
        monkeypatch.setattr(django_settings, "DATABASES", databases)

    return _set


@pytest.fixture
def production(settings, set_databases):
    """Settings as the Docker image runs them: every check passes."""
    settings.DEBUG = False
    settings.SECRET_KEY = PROD_SECRET_KEY
    settings.ALLOWED_HOSTS = ["reunion.example.org"]
    settings.CHANNEL_LAYERS = REDIS_LAYER
    set_databases(POSTGRES_DB)
    return settings


def test_checks_production_settings_pass(production):
    assert informaction_ids() == []


def test_checks_development_defaults_fail_each(settings, set_databases):
    settings.DEBUG = True
    settings.SECRET_KEY = DEV_SECRET_KEY
    settings.ALLOWED_HOSTS = []
    settings.CHANNEL_LAYERS = MEMORY_LAYER
    set_databases(SQLITE_DB)

    assert informaction_ids() == [
        "informaction.E001",
        "informaction.E002",
        "informaction.E003",
        "informaction.E004",
        "informaction.E006",
    ]


def test_checks_not_run_without_deploy(settings, set_databases):
    settings.DEBUG = True
    settings.SECRET_KEY = DEV_SECRET_KEY
    settings.ALLOWED_HOSTS = []
    settings.CHANNEL_LAYERS = MEMORY_LAYER
    set_databases(SQLITE_DB)

    assert informaction_ids(deploy=False) == []


def test_checks_in_memory_channel_layer_fails(production):
    production.CHANNEL_LAYERS = MEMORY_LAYER

    assert informaction_ids() == ["informaction.E001"]


def test_checks_sqlite_fails(production, set_databases):
    set_databases({"default": POSTGRES_DB["default"], "archive": SQLITE_DB["default"]})

    assert informaction_ids() == ["informaction.E002"]


def test_checks_page_threads_as_many_as_pooled_connections_fails(production, set_databases):
    pooled = {**POSTGRES_DB["default"], "OPTIONS": {"pool": {"min_size": 1, "max_size": 4}}}
    set_databases({"default": pooled})
    production.PAGE_THREADS = 3
    assert informaction_ids() == []

    production.PAGE_THREADS = 4
    assert informaction_ids() == ["informaction.E007"]


def test_checks_debug_fails(production):
    production.DEBUG = True

    assert informaction_ids() == ["informaction.E003"]


def test_checks_dev_secret_key_fails(production):
    production.SECRET_KEY = DEV_SECRET_KEY

    assert informaction_ids() == ["informaction.E004"]


@pytest.mark.parametrize(
    ("secret_key", "expected"),
    [
        (PROD_SECRET_KEY[:49], ["informaction.E005"]),
        ("x" * 64, ["informaction.E005"]),
        ("django-insecure-" + PROD_SECRET_KEY, ["informaction.E005"]),
        (PROD_SECRET_KEY[:50], []),
    ],
)
def test_checks_weak_secret_key(production, secret_key, expected):
    production.SECRET_KEY = secret_key

    assert informaction_ids() == expected


def test_secret_key_errors_empty_key():
    # Django itself refuses an empty SECRET_KEY when it is read, so only the helper can see one.
    assert [message.id for message in secret_key_errors("")] == ["informaction.E005"]


def test_checks_empty_allowed_hosts_fails(production):
    production.ALLOWED_HOSTS = []

    assert informaction_ids() == ["informaction.E006"]


def test_checks_are_errors(settings):
    settings.DEBUG = True

    levels = {
        message.id: message.level
        for message in run_checks(include_deployment_checks=True)
        if message.id == "informaction.E003"
    }

    assert levels == {"informaction.E003": 40}
