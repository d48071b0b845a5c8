"""Production refuses a SECRET_KEY that Django's own check calls weak, at start-up."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.settings_env import ROOT, load_settings

STRONG_KEY = "k8Jq2zP0vN7wLrT4yXb1mC9sD6fH3gE5uA-2Rt8Wq0ZxLm4Np7Qs"  # 52 characters, varied


def prod(monkeypatch, tmp_path, secret_key: str):
    return load_settings(
        monkeypatch,
        tmp_path,
        INFORMACTION_ENV="prod",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="reunion.example.org",
    )


def test_production_accepts_a_strong_secret_key(monkeypatch, tmp_path):
    assert prod(monkeypatch, tmp_path, STRONG_KEY).SECRET_KEY == STRONG_KEY


@pytest.mark.parametrize(
    "weak_key",
    [
        pytest.param("x" * 64, id="one repeated character"),
        pytest.param("abcd" * 16, id="four different characters"),
        pytest.param(STRONG_KEY[:49], id="49 characters"),
        pytest.param("django-insecure-" + STRONG_KEY, id="django-insecure- prefix"),
    ],
)
def test_production_refuses_a_key_django_calls_weak(monkeypatch, tmp_path, weak_key):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        prod(monkeypatch, tmp_path, weak_key)


def test_production_refuses_a_missing_secret_key(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(monkeypatch, tmp_path, INFORMACTION_ENV="prod", ALLOWED_HOSTS="a.example")


def test_development_keeps_its_embedded_key(monkeypatch, tmp_path):
    loaded = load_settings(monkeypatch, tmp_path)

    assert loaded.SECRET_KEY == loaded.DEV_SECRET_KEY


def test_the_docker_build_key_passes_the_production_rule():
    """The image collects static files under INFORMACTION_ENV=prod with a throw-away key."""
    from informaction.settings import secret_key_weakness

    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    build_key = dockerfile.split("RUN SECRET_KEY=", 1)[1].split()[0]

    assert secret_key_weakness(build_key) is None
