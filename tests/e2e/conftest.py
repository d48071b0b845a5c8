"""Browser end-to-end fixtures: a real Daphne server in a subprocess and Debian's Chromium.

The server is another process, so these tests never use pytest-django's database fixtures. It gets
its own DATA_DIR (SQLite file); when DATABASE_URL is set (the PostgreSQL run), a database of its own
on that server, dropped afterwards, and its own Redis key prefix. The database is migrated and
seeded once per run (`seeded`), then copied for each server: SQLite's backup API, or PostgreSQL's
`CREATE DATABASE … TEMPLATE`. The servers run tests/e2e/settings_e2e.py (a fast password hasher).
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
SETTINGS = "tests.e2e.settings_e2e"
SQLITE_NAME = "informaction.sqlite3"  # in DATA_DIR, as informaction/settings.py names it
# Migrate and seed in one process: each Django start-up costs more than a second of CPU.
PREPARE = (
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('migrate', interactive=False, verbosity=0); call_command('seed_demo')"
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the test server exited ({proc.returncode}):\n{log.read_text()[-4000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    pytest.fail(
        f"the test server did not listen on {port} in {timeout} s:\n{log.read_text()[-4000:]}"
    )


def _prepare(env: dict[str, str]) -> None:
    """Migrate the database of `env` and seed the demo."""
    result = subprocess.run(  # noqa: S603 - our own code with fixed arguments
        [sys.executable, "-c", PREPARE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"migrate + seed_demo failed:\n{result.stdout}\n{result.stderr}")


def server_env(data_dir: Path, label: str, settings: str = SETTINGS) -> dict[str, str]:
    """The environment of a test server (or of the seeding process) with its own data."""
    return {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": settings,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONUNBUFFERED": "1",
        "REDIS_PREFIX": f"informaction-e2e-{label}{os.getpid()}",
    }


@contextmanager
def own_database(database_url: str, label: str = "", template: str = "") -> Iterator[str]:
    """A new PostgreSQL database on the server of `database_url` (a copy of the database
    `template` when given), dropped afterwards."""
    import psycopg

    parts = urlsplit(database_url)
    name = f"informaction_e2e_{label}{os.getpid()}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"{copy}')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(database_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class Seeded:
    """A migrated database with the demo seeded, to copy for each server."""

    sqlite_file: Path | None = None
    postgres_name: str = ""

    @contextmanager
    def copy_for(self, env: dict[str, str], label: str) -> Iterator[None]:
        """Give the server of `env` its own copy, dropped (PostgreSQL) afterwards."""
        if self.sqlite_file is not None:
            target = Path(env["DATA_DIR"]) / SQLITE_NAME
            with (
                closing(sqlite3.connect(self.sqlite_file)) as source,
                closing(sqlite3.connect(target)) as copy,
            ):
                source.backup(copy)
            yield
            return
        copy = own_database(os.environ["DATABASE_URL"], label, template=self.postgres_name)
        with copy as url:
            env["DATABASE_URL"] = url
            yield


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    data_dir = tmp_path_factory.mktemp("e2e-seed")
    env = server_env(data_dir, "seed_")
    with ExitStack() as stack:
        if os.environ.get("DATABASE_URL"):
            database = own_database(os.environ["DATABASE_URL"], "seed_")
            env["DATABASE_URL"] = stack.enter_context(database)
            _prepare(env)
            yield Seeded(postgres_name=urlsplit(env["DATABASE_URL"]).path.lstrip("/"))
        else:
            _prepare(env)
            yield Seeded(sqlite_file=data_dir / SQLITE_NAME)


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory, seeded: Seeded) -> Iterator[str]:
    """Base URL of a Daphne server running the project, with the demo meeting seeded."""
    data_dir = tmp_path_factory.mktemp("e2e-data")
    env = server_env(data_dir, "")
    with seeded.copy_for(env, ""):
        yield from serve(env, data_dir)


def serve(env: dict[str, str], data_dir: Path) -> Iterator[str]:
    """Start Daphne on a free port with `env` (its database ready) and yield its base URL."""
    port = _free_port()
    log = data_dir / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(  # noqa: S603 - fixed command line
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "informaction.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(port, proc, log, timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    if not CHROMIUM.exists():
        reason = (
            "Debian Chromium is missing at /usr/bin/chromium: "
            "apt-get install -y --no-install-recommends chromium"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
