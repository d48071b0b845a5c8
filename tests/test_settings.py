"""Typed settings: a bad value stops start-up with a message naming the variable and the value
expected, never a raw ``ValueError`` from deep inside Python."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.settings_env import load_settings


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "ROOM_FRAME_INTERVAL",
            "abc",
            "ROOM_FRAME_INTERVAL must be a number of seconds, not 'abc'",
        ),
        ("ROOM_FRAME_INTERVAL", "-1", "ROOM_FRAME_INTERVAL must be at least 0, not '-1'"),
        (
            "ROOM_FRAME_INTERVAL",
            "nan",
            "ROOM_FRAME_INTERVAL must be a number of seconds, not 'nan'",
        ),
        (
            "ROOM_BOARD_FRAME_INTERVAL",
            "0,1",
            "ROOM_BOARD_FRAME_INTERVAL must be a number of seconds, not '0,1'",
        ),
        (
            "IDEA_RATE_LIMIT_PER_MINUTE",
            "ten",
            "IDEA_RATE_LIMIT_PER_MINUTE must be an integer, not 'ten'",
        ),
        (
            "IDEA_RATE_LIMIT_PER_MINUTE",
            "0",
            "IDEA_RATE_LIMIT_PER_MINUTE must be at least 1, not '0'",
        ),
        ("SECURE_HSTS_SECONDS", "1 year", "SECURE_HSTS_SECONDS must be an integer, not '1 year'"),
        ("EMAIL_PORT", "smtp", "EMAIL_PORT must be an integer, not 'smtp'"),
        ("EMAIL_PORT", "70000", "EMAIL_PORT must be at most 65535, not '70000'"),
        (
            "TIME_ZONE",
            "Paris",
            "TIME_ZONE must be an IANA time zone such as Europe/Paris, not 'Paris'",
        ),
        (
            "LOG_LEVEL",
            "LOUD",
            "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not 'LOUD'",
        ),
        (
            "SITE_URL",
            "reunion.example.org",
            "SITE_URL must be an absolute URL, e.g. https://host, not 'reunion.example.org'",
        ),
        (
            "DATABASE_URL",
            "mysqlx://db/informaction",
            "DATABASE_URL is not a database URL Django can use",
        ),
        ("DEBUG", "yes", "DEBUG must be True or False, not 'yes'"),
        (
            "GC_THRESHOLDS",
            "50000,20",
            "GC_THRESHOLDS must be 3 whole numbers of at least 0, separated by commas,"
            " not '50000,20'",
        ),
        (
            "GC_THRESHOLDS",
            "50000,-1,100",
            "GC_THRESHOLDS must be 3 whole numbers of at least 0",
        ),
    ],
)
def test_a_bad_value_names_the_setting(monkeypatch, tmp_path, name, value, message):
    env = {name: value}
    if name == "EMAIL_PORT":
        env["EMAIL_ENABLED"] = "True"
    if name == "SECURE_HSTS_SECONDS":
        env.update(
            INFORMACTION_ENV="prod",
            SECRET_KEY="k8Jq2zP0vN7wLrT4yXb1mC9sD6fH3gE5uA-2Rt8Wq0ZxLm4Np7Qs",
            ALLOWED_HOSTS="reunion.example.org",
        )

    with pytest.raises(ImproperlyConfigured, match="^" + re.escape(message)):
        load_settings(monkeypatch, tmp_path, **env)


def test_the_database_url_error_does_not_print_the_password(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured) as caught:
        load_settings(monkeypatch, tmp_path, DATABASE_URL="postgresx://u:hunter2-secret@db/x")

    assert "hunter2" not in str(caught.value)


def test_good_values_are_read(monkeypatch, tmp_path):
    loaded = load_settings(
        monkeypatch,
        tmp_path,
        ROOM_FRAME_INTERVAL=" 0.5 ",
        ROOM_BOARD_FRAME_INTERVAL="0",
        IDEA_RATE_LIMIT_PER_MINUTE="20",
        TIME_ZONE="America/Montreal",
        LOG_LEVEL="info",
        SITE_URL="http://192.168.1.23:8000/",
        EMAIL_ENABLED="True",
        EMAIL_PORT="587",
        GC_THRESHOLDS="1000, 5,5",
    )

    assert loaded.ROOM_FRAME_INTERVAL == 0.5
    assert loaded.ROOM_BOARD_FRAME_INTERVAL == 0.0
    assert loaded.IDEA_RATE_LIMIT_PER_MINUTE == 20
    assert loaded.TIME_ZONE == "America/Montreal"
    assert loaded.LOGGING["root"]["level"] == "INFO"
    assert loaded.SITE_URL == "http://192.168.1.23:8000"
    assert loaded.EMAIL_PORT == 587
    assert loaded.GC_THRESHOLDS == (1000, 5, 5)


def test_nothing_set_gives_the_embedded_defaults(monkeypatch, tmp_path):
    loaded = load_settings(monkeypatch, tmp_path)

    assert (loaded.ROOM_FRAME_INTERVAL, loaded.ROOM_BOARD_FRAME_INTERVAL) == (0.25, 0.1)
    assert loaded.IDEA_RATE_LIMIT_PER_MINUTE == 10
    assert loaded.TIME_ZONE == "Europe/Paris"
    assert loaded.SITE_URL == ""
    assert loaded.GC_THRESHOLDS == (50_000, 20, 100)


def test_the_servers_keep_djangos_password_hashers(monkeypatch, tmp_path):
    """The tests' fast MD5 hasher (tests/conftest.py) never reaches a real server."""
    loaded = load_settings(monkeypatch, tmp_path)

    assert not hasattr(loaded, "PASSWORD_HASHERS")


def test_the_server_freezes_its_started_objects_and_collects_less_often():
    import gc

    from informaction.asgi import tune_garbage_collector

    before = gc.get_threshold()
    try:
        tune_garbage_collector((12_345, 6, 7))
        assert gc.get_threshold() == (12_345, 6, 7)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_postgresql_connections_come_from_a_bounded_pool(monkeypatch, tmp_path):
    loaded = load_settings(
        monkeypatch,
        tmp_path,
        DATABASE_URL="postgres://informaction:secret@db:5432/informaction",
        DATABASE_POOL_SIZE="4",
    )

    database = loaded.DATABASES["default"]
    assert database["CONN_MAX_AGE"] == 0  # a closed connection goes back to the pool
    assert database["OPTIONS"]["pool"]["max_size"] == 4
