"""Inform'action settings: embedded defaults; real backends and production mode from the env.

Nothing set: SQLite in ``data/``, the in-memory channel layer, a local-memory cache, DEBUG on.
``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to channels_redis and a Redis cache.
``INFORMACTION_ENV=prod`` requires ``SECRET_KEY``, refuses ``DEBUG`` and sets secure cookies.
Every variable is documented in the README.
"""

from __future__ import annotations

import math
import os
import zoneinfo
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
Number = TypeVar("Number", int, float)


def env_str(name: str, default: str = "") -> str:
    """A string from the environment; ``NAME_FILE`` (a path) is read when set (Docker secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Only the words True/False (any case) or 1/0: anything else is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"true", "1"}:
        return True
    if lowered in {"false", "0"}:
        return False
    raise ImproperlyConfigured(f"{name} must be True or False, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _bounded(name: str, raw: str, value: Number, low: float | None, high: float | None) -> Number:
    """``value`` when within [low, high]; otherwise a configuration error quoting ``raw``."""
    if low is not None and value < low:
        raise ImproperlyConfigured(f"{name} must be at least {low}, not {raw!r}")
    if high is not None and value > high:
        raise ImproperlyConfigured(f"{name} must be at most {high}, not {raw!r}")
    return value


def env_int(name: str, default: int, *, low: int | None = None, high: int | None = None) -> int:
    """A whole number, within [low, high] when given; anything else is a configuration error."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc
    return _bounded(name, raw, value, low, high)


def env_ints(name: str, default: tuple[int, ...], *, low: int = 0) -> tuple[int, ...]:
    """As many whole numbers as `default` has, comma-separated (``50000,20,100``), each at least
    ``low``; anything else is a configuration error."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        values = tuple(int(part) for part in raw.split(","))
    except ValueError:
        values = ()
    if len(values) != len(default) or min(values) < low:
        raise ImproperlyConfigured(
            f"{name} must be {len(default)} whole numbers of at least {low}, separated by"
            f" commas, not {raw!r}"
        )
    return values


def env_seconds(name: str, default: float, *, low: float = 0) -> float:
    """A finite number of seconds (``0.25``; a dot, not a comma), at least ``low``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ImproperlyConfigured(f"{name} must be a number of seconds, not {raw!r}")
    return _bounded(name, raw, value, low, None)


def env_choice(name: str, default: str, choices: list[str]) -> str:
    """One of ``choices`` (any case, given back as written in ``choices``)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    for choice in choices:
        if raw.lower() == choice.lower():
            return choice
    raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {raw!r}")


def env_time_zone(name: str, default: str) -> str:
    """An IANA time zone name known to this system (``zoneinfo``)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Europe/Paris, not {raw!r}"
        ) from exc
    return raw


def env_base_url(name: str) -> str:
    """An absolute http(s) base URL without its trailing slash, or "" when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"{name} must be an absolute URL, e.g. https://host, not {raw!r}"
        )
    return raw.rstrip("/")


ENVIRONMENT = os.environ.get("INFORMACTION_ENV", "dev").strip().lower()
if ENVIRONMENT not in {"dev", "prod"}:
    raise ImproperlyConfigured("INFORMACTION_ENV must be 'dev' or 'prod'")
PRODUCTION = ENVIRONMENT == "prod"

DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105 (dev default)
RANDOM_VALUE_COMMAND = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


def secret_key_weakness(key: str) -> str | None:
    """Why this key is unfit for production, or None: the rule of Django's own security.W009
    (at least 50 characters, 5 different ones, no ``django-insecure-`` prefix), and not ours."""
    if not key:
        return "SECRET_KEY is empty"
    if key == DEV_SECRET_KEY:
        return "SECRET_KEY is the development default, public in the source code"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"SECRET_KEY has {len(key)} characters, fewer than {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return (
            f"SECRET_KEY has {len(set(key))} different characters, "
            f"fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS}"
        )
    if key.startswith(SECRET_KEY_INSECURE_PREFIX):
        return f"SECRET_KEY starts with {SECRET_KEY_INSECURE_PREFIX!r} (a startproject default)"
    return None


SECRET_KEY = env_str("SECRET_KEY") or ("" if PRODUCTION else DEV_SECRET_KEY)
if PRODUCTION and (weakness := secret_key_weakness(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"INFORMACTION_ENV=prod requires a strong SECRET_KEY: {weakness}. "
        f"Generate one with {RANDOM_VALUE_COMMAND}"
    )

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when INFORMACTION_ENV=prod")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The absolute base URL printed in QR codes and feeds, e.g. https://reunion.example.org.
# Empty: derived from each request's host.
SITE_URL = env_base_url("SITE_URL")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "informaction",
    "rooms",
    "deliberation",
    "events",
    "voting",
    "consumers",
    "privacy",
]

MIDDLEWARE = [
    "informaction.middleware.DropNulCookiesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "informaction.middleware.SecurityHeadersMiddleware",
    # Innermost, so that its 404 gets the headers above; none of the above reads the database.
    "informaction.middleware.RejectNulMiddleware",
]

ROOT_URLCONF = "informaction.urls"
ASGI_APPLICATION = "informaction.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: SQLite by default, PostgreSQL with DATABASE_URL -------------------------------
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    import dj_database_url

    # A pool of connections per server process (psycopg_pool), at most DATABASE_POOL_SIZE, shared
    # by the PAGE_THREADS page threads and the rooms' database thread (checks.py: E007). A
    # connection closed by Django goes back to the pool (CONN_MAX_AGE 0, as pooling requires).
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": env_int("DATABASE_POOL_SIZE", 10, low=1),
            "timeout": 20,  # seconds a request waits for a connection before failing
        }
    except ValueError as exc:
        # The URL itself is not printed: it holds the password.
        scheme = DATABASE_URL.partition("://")[0] if "://" in DATABASE_URL else "none"
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL Django can use (scheme {scheme!r}); "
            "expected postgres://user:password@host:5432/name"
        ) from exc
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "informaction.sqlite3",
            # Keep the connection: reopening SQLite around every call (Channels closes "old"
            # connections) also checkpoints the WAL each time: 4x slower (bench/RESULTS.md).
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                # BEGIN IMMEDIATE: a write transaction holds the write lock from its start, so two
                # writers queue on the busy timeout instead of failing with "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channel layer and cache: in-memory by default, Redis with REDIS_URL ---------------------
REDIS_URL = env_str("REDIS_URL")


def redis_channel_layer(url: str, prefix: str) -> dict[str, object]:
    """The channel layer on Redis: publish/subscribe. Only the rooms' relays use it (one per
    process and room, consumers/relay.py), to hear a room's numbered events: one PUBLISH per
    message, which every subscribed process reads off its one connection. channels_redis' list
    layer costs about ten Redis round trips per message and process (bench/RESULTS.md). A
    message missed (Redis restarting) is found by its sequence number and ends in a `gap`."""
    return {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [url], "prefix": prefix},
    }


if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": redis_channel_layer(REDIS_URL, os.environ.get("REDIS_PREFIX", "informaction"))
    }
    CACHES = {
        "default": {
            "BACKEND": "informaction.cache.SharedPoolRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("REDIS_PREFIX", "informaction"),
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            # The default (100 messages a channel) silently drops a burst of room events.
            "CONFIG": {"capacity": 5000, "expiry": 60},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Template fragments that depend on the language alone (the phone page's words): kept in each
# process, so a new release's words replace them when the processes restart.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": None,
}

# --- Live rooms -------------------------------------------------------------------------------
# Delta frames are coalesced per room: at most one frame per interval (a quiet room gets its
# frame at once); facilitators' screens (the projected board, a handful of sockets) more often
# than the phones. See docs/protocol.md.
ROOM_FRAME_INTERVAL = env_seconds("ROOM_FRAME_INTERVAL", 0.25)
# Room sockets accept permessage-deflate when the browser offers it (consumers/wire.py): a room
# frame is compressed once for every phone (about a fifth of the bytes on the venue's network).
ROOM_COMPRESSION = env_bool("ROOM_COMPRESSION", True)
ROOM_BOARD_FRAME_INTERVAL = env_seconds("ROOM_BOARD_FRAME_INTERVAL", 0.1)
ROOM_MAX_FRAME_BYTES = 16 * 1024
IDEA_MAX_LENGTH = 500
IDEA_TITLE_MAX_LENGTH = 80
# A meeting's description rides in every snapshot sent to every phone (docs/security.md).
MEETING_DESCRIPTION_MAX_LENGTH = 2000
IDEA_RATE_LIMIT_PER_MINUTE = env_int("IDEA_RATE_LIMIT_PER_MINUTE", 10, low=1)
# The server process's garbage collector (informaction/asgi.py): what the started app holds is
# frozen, and collections come less often than Python's default (700, 10, 10). With 2,000 phones
# connected, a full collection walked every socket's objects and held the room for a tenth of a
# second and more: the latency tail (docs/scaling.md).
GC_THRESHOLDS = env_ints("GC_THRESHOLDS", (50_000, 20, 100))
# Threads answering page requests in a server process (informaction/handler.py); each keeps its
# database connection (SQLite) or takes one from the pool (PostgreSQL) while it answers.
PAGE_THREADS = env_int("PAGE_THREADS", 4, low=1)
# New phones joining from one network address in 10 minutes: generous (a town hall's Wi-Fi puts
# hundreds of phones behind one address), a bound on a script creating participants by the million.
JOIN_LIMIT_PER_ADDRESS = env_int("JOIN_LIMIT_PER_ADDRESS", 1000, low=1)

# --- Auth, sessions, cookies -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PARTICIPANT_COOKIE_NAME = "ia_device"
PARTICIPANT_COOKIE_AGE = 365 * 24 * 3600

SECURE = PRODUCTION and env_bool("SECURE_COOKIES", True)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
LANGUAGE_COOKIE_SECURE = SECURE
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, low=0)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
X_FRAME_OPTIONS = "DENY"
# e.g. "security.W005,security.W021" when HSTS is set without subdomains/preload on purpose.
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [])

# --- Languages: French by default, English available --------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_time_zone("TIME_ZONE", "Europe/Paris")

# --- Static files: whitenoise serves them under Daphne too ------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# In development whitenoise serves straight from the source folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Email -------------------------------------------------------------------------------------
EMAIL_ENABLED = env_bool("EMAIL_ENABLED", False)
if EMAIL_ENABLED:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", 25, low=1, high=65535)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # implicit TLS, usually port 465
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds; the outbox retries a timeout
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "LOG_LEVEL", "WARNING", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
        ),
    },
}
