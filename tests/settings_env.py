"""Run ``informaction/settings.py`` afresh with a chosen environment, as a server process would.

The module is executed under another name, so Django's own settings (already configured for the
test run) stay as they are; what a test reads is what ``daphne`` or ``manage.py`` would get.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SETTINGS_FILE = ROOT / "informaction" / "settings.py"
# Every variable the settings read, cleared first so the caller's shell does not leak in.
ENV_NAMES = [
    "INFORMACTION_ENV",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SITE_URL",
    "DATABASE_URL",
    "DATABASE_URL_FILE",
    "REDIS_URL",
    "REDIS_URL_FILE",
    "ROOM_FRAME_INTERVAL",
    "ROOM_BOARD_FRAME_INTERVAL",
    "IDEA_RATE_LIMIT_PER_MINUTE",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
    "TIME_ZONE",
    "EMAIL_ENABLED",
    "EMAIL_PORT",
    "LOG_LEVEL",
]


def load_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> ModuleType:
    """The settings module as the environment ``env`` (and nothing else) makes it."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STATIC_ROOT", str(tmp_path / "static"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_under_test", SETTINGS_FILE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
