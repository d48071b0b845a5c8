"""What the live load benches share: load_room.py, load_vote.py (and parts of storm.py, chaos.py).

The throwaway environment (temporary SQLite or a bench database on the shared PostgreSQL and a
Redis db), the room setup run in a Django subprocess, the server pinned to one core and the Node
client to the other, the CPU accounting from /proc, the run itself (``LoadBench``: setup, server,
client, the database check after the server is killed, cleanup), the common command-line options,
result fields and table rows, and appending a result line.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from machine import Sampler, wait_quiet

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
LOAD_DIR = BENCH_DIR / "load"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
HOST = "127.0.0.1"
MAX_PHONES = 20000

# --- Inside a Django-configured subprocess (the benches' hidden sub-commands) ---------------------


def django_setup() -> None:
    """Configure Django in a bench's subprocess."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "informaction.settings")
    import django

    django.setup()


def create_room(title: str, phase: str, phones: int) -> tuple[Any, Any, dict[str, Any]]:
    """A facilitator, a meeting in `phase` and N participants; returns the user, the meeting and
    what the load client needs (meeting id, join code, the phones' and the board's cookies)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core import signing
    from django.test import Client

    from deliberation import services
    from rooms.models import Meeting, Participant

    user = get_user_model().objects.create_user("bench-facilitator", password=None)
    meeting = services.meeting_create(owner=user, title=title)
    Meeting.objects.filter(pk=meeting.pk).update(phase=phase)
    devices = [secrets.token_hex(16) for _ in range(phones)]
    Participant.objects.bulk_create(
        [
            Participant(meeting=meeting, device=device, display_name=f"Téléphone {i + 1}")
            for i, device in enumerate(devices)
        ],
        batch_size=500,
    )
    signer = signing.Signer(salt="informaction.device")
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return (
        user,
        meeting,
        {
            "meeting_id": meeting.pk,
            "code": meeting.join_code,
            "phones": [f"{settings.PARTICIPANT_COOKIE_NAME}={signer.sign(d)}" for d in devices],
            "board_cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
        },
    )


def add_ideas(meeting_id: int, count: int) -> int | None:
    """The room already holds `count` visible ideas, by its participants in turn (a room of
    realistic size: a snapshot's cost grows with it); returns the first one's id."""
    from deliberation.models import Idea
    from rooms.models import Participant

    authors = list(Participant.objects.filter(meeting_id=meeting_id).order_by("pk"))
    Idea.objects.bulk_create(
        (
            Idea(
                meeting_id=meeting_id,
                author=authors[n % len(authors)],
                text=f"Proposition {n + 1} : des bancs, de l'ombre et des fontaines au marché",
            )
            for n in range(count)
        ),
        batch_size=500,
    )
    first = Idea.objects.filter(meeting_id=meeting_id).order_by("pk").first()
    return first.pk if first else None


# --- Environment ----------------------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def python_cmd(repo: Path) -> list[str]:
    """The venv's Python. For another checkout (``--repo``), without site processing: the
    venv's editable install would otherwise import missing modules from the main checkout."""
    if repo == REPO:
        return [sys.executable]
    return [sys.executable, "-S"]


class Backends:
    """The real backends of one bench: a database on the shared PostgreSQL, a Redis db."""

    def __init__(self, pg_db: str, redis_db: int) -> None:
        self.pg_db = pg_db
        self.pg_url = f"postgres://postgres@127.0.0.1:5432/{pg_db}"
        self.redis_url = f"redis://127.0.0.1:6379/{redis_db}"
        self._lock: TextIO | None = None

    def _take(self) -> None:
        """Hold this bench's backends, or stop: a second run of the same bench would drop the
        database and flush the Redis db under the first one (and count its acks as lost)."""
        if self._lock is not None:
            return
        lock = open(Path(tempfile.gettempdir()) / f"informaction-{self.pg_db}.lock", "w")  # noqa: SIM115
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise SystemExit(
                f"another run uses the database {self.pg_db} and {self.redis_url}: wait for it"
            ) from None
        self._lock = lock

    def _flush_redis(self) -> None:
        import redis

        client = redis.Redis.from_url(self.redis_url, socket_timeout=5)
        client.flushdb()
        client.close()

    def _drop_database(self) -> None:
        pg_admin(f"DROP DATABASE IF EXISTS {self.pg_db} WITH (FORCE)")

    def reset(self) -> None:
        """An empty bench database and Redis db, held until `drop`."""
        self._take()
        self._drop_database()
        pg_admin(f"CREATE DATABASE {self.pg_db}")
        self._flush_redis()

    def drop(self) -> None:
        """Drop the bench database, flush the Redis db; a failure is only a warning (cleanup
        must not hide the run's error). Nothing if this run does not hold them."""
        if self._lock is None:
            return
        for action in (self._drop_database, self._flush_redis):
            try:
                action()
            except Exception as exc:
                print(f"warning: cleanup of the real backends failed: {exc}")
        self._lock.close()
        self._lock = None


def bench_env(
    args: argparse.Namespace, tmp: Path, repo: Path, backends: Backends | None = None
) -> dict[str, str]:
    """The server's environment: `args.backend` embedded (SQLite in `tmp`) or real
    (`backends`), `args.idea_rate_limit`, and `args.env`'s KEY=VALUE last."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DATA_DIR", "SECRET_KEY"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="informaction.settings",
        PYTHONPATH=str(repo)
        if repo == REPO
        else f"{repo}{os.pathsep}{sysconfig.get_paths()['purelib']}",
        INFORMACTION_ENV="dev",
        DEBUG="False",
        ALLOWED_HOSTS=HOST,
        IDEA_RATE_LIMIT_PER_MINUTE=str(args.idea_rate_limit),
        # Every phone of a bench comes from 127.0.0.1: the per-address join limit would stop
        # a --scan join storm at 1,000 (a venue's Wi-Fi looks the same: docs/scaling.md).
        JOIN_LIMIT_PER_ADDRESS="1000000",
        STATIC_ROOT=str(tmp / "static"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if args.backend == "embedded":
        env["DATA_DIR"] = str(tmp / "data")
    elif backends is not None:
        env["DATABASE_URL"] = backends.pg_url
        env["REDIS_URL"] = backends.redis_url
    for item in args.env:
        key, _sep, value = item.partition("=")
        env[key] = value
    return env


def pg_admin(sql: str) -> None:
    """One statement on the shared PostgreSQL's ``postgres`` database."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def run_checked(cmd: list[str], what: str, timeout: float, **popen: Any) -> str:
    """Run `cmd` to the end; its stdout, or RuntimeError with the tail of its stderr."""
    done = subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, check=False, **popen
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def run_python(args: list[str], env: dict[str, str], cwd: Path, timeout: float) -> str:
    """The venv's Python on `args` in the checkout `cwd`; its stdout."""
    return run_checked([*python_cmd(cwd), *args], " ".join(args[:3]), timeout, env=env, cwd=cwd)


def ensure_node_modules() -> None:
    """``npm ci`` in bench/load when ``ws`` is missing."""
    if (LOAD_DIR / "node_modules" / "ws").is_dir():
        return
    subprocess.run(["npm", "ci", "--silent"], cwd=LOAD_DIR, check=True, timeout=300)


def priority(args: argparse.Namespace) -> list[str]:
    """``nice -n N`` (N < 0 needs root): keeps other work on a shared machine from skewing runs."""
    return ["nice", "-n", str(args.nice)] if args.nice else []


def raise_autogroup(pid: int, nice: int) -> None:
    """With the kernel's autogroups, ``nice`` only ranks tasks of one session: the server and the
    client run in their own sessions, whose group priority is set here too (needs root)."""
    if not nice:
        return
    try:
        Path(f"/proc/{pid}/autogroup").write_text(str(nice), encoding="ascii")
    except OSError as exc:
        print(f"warning: autogroup priority not set for {pid}: {exc}")


def asgi_server_args(server: str, port: int) -> list[str]:
    """Python's arguments to serve the project on 127.0.0.1:port with Daphne (or uvicorn)."""
    if server == "uvicorn":
        args = ["-m", "uvicorn", "--host", HOST, "--port", str(port), "--lifespan", "off"]
        args += ["--no-access-log", "--log-level", "warning"]
    else:
        args = ["-m", "daphne", "-b", HOST, "-p", str(port), "-v", "0"]
    return [*args, "informaction.asgi:application"]


def server_command(
    args: argparse.Namespace, port: int, repo: Path, core: int | str | None = None
) -> list[str]:
    """ONE server process (Daphne, or uvicorn), pinned to `core` (``args.server_core``)."""
    core = args.server_core if core is None else core
    pin = [*priority(args), "taskset", "-c", str(core), *python_cmd(repo)]
    return [*pin, *asgi_server_args(args.server, port)]


def wait_for_port(
    port: int,
    proc: subprocess.Popen[Any] | None,
    timeout: float,
    name: str = "server",
    poll: float = 0.2,
) -> None:
    """Wait until 127.0.0.1:port accepts connections (RuntimeError if `proc` exits first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{name} exited with code {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
            return
        time.sleep(poll)
    raise RuntimeError(f"{name} did not listen on {HOST}:{port} after {timeout} s")


def stop(proc: subprocess.Popen[Any] | None) -> None:
    """SIGTERM, then SIGKILL after 5 s."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def start_profiler(args: argparse.Namespace, pid: int) -> subprocess.Popen[bytes]:
    """py-spy record of the server over the measured window (``--profile out.svg|out.txt``)."""
    py_spy = Path(sys.executable).with_name("py-spy")
    fmt = "raw" if args.profile.endswith(".txt") else "flamegraph"
    window = ["--pid", str(pid), "--duration", str(int(args.duration)), "--rate", "200"]
    return subprocess.Popen(
        [
            str(py_spy),
            "record",
            *window,
            "--format",
            fmt,
            "--output",
            args.profile,
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# --- Command line ---------------------------------------------------------------------------------


def new_parser(doc: str, duration: float, rate: float, rate_help: str) -> argparse.ArgumentParser:
    """A bench's parser (described by its docstring's first paragraph) with --phones,
    --duration, --backend, --server, --rate; each bench adds its own options after them."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=duration, help="measured seconds")
    parser.add_argument("--backend", choices=["embedded", "real"], default="embedded")
    parser.add_argument("--server", choices=["daphne", "uvicorn"], default="daphne")
    parser.add_argument("--rate", type=float, default=rate, help=rate_help)
    return parser


def add_load_arguments(parser: argparse.ArgumentParser, report_help: str) -> None:
    """The connect ramp, the machine (cores, --nice, --wait-quiet), --repo/--env/--profile,
    --label, --report and the hidden sub-commands --internal-setup / --internal-verify."""
    parser.add_argument("--ramp", type=float, default=200.0, help="connections per second")
    parser.add_argument(
        "--sends", type=int, default=0, help="at most N sends per phone (0: until the end)"
    )
    parser.add_argument(
        "--scan",
        action="store_true",
        help="phones join as after a QR scan: join page, form, room page (HTTP), then the socket",
    )
    parser.add_argument(
        "--deflate",
        action="store_true",
        help="phones offer permessage-deflate as browsers do (wire bytes then printed apart)",
    )
    parser.add_argument("--grace", type=float, default=5.0)
    parser.add_argument("--connect-timeout", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--wait-quiet", type=float, default=0.0, help="wait up to N s for an idle machine"
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--idea-rate-limit", type=int, default=1000)
    parser.add_argument(
        "--nice", type=int, default=0, help="scheduling priority of server and client (-10: root)"
    )
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="server processes sharing the room through Redis (--backend real); phone i on i %% N",
    )
    parser.add_argument(
        "--server-core", default="0", help="core of each server process: 0, or 0,1 (i %% n)"
    )
    parser.add_argument("--client-core", default="1", help="core(s) of the client: 1, or 0,1")
    parser.add_argument("--repo", default=str(REPO), help="code to serve (e.g. a scratch copy)")
    parser.add_argument("--env", action="append", default=[], help="extra server KEY=VALUE")
    parser.add_argument("--profile", help="py-spy the server during the window (.svg or .txt)")
    parser.add_argument("--label", default="", help="free text stored with the result")
    parser.add_argument("--report", action="store_true", help=report_help)
    parser.add_argument("--internal-setup", help=argparse.SUPPRESS)
    parser.add_argument("--internal-verify", type=int, help=argparse.SUPPRESS)


def main(
    parser: argparse.ArgumentParser,
    output: tuple[
        Path, str, Callable[[dict[str, Any]], str | None], Callable[[dict[str, Any]], None]
    ],
    internal_setup: Callable[[argparse.Namespace], None],
    internal_verify: Callable[[argparse.Namespace], None],
    run: Callable[[argparse.Namespace], dict[str, Any]],
    check: Callable[[argparse.Namespace], str] = lambda _args: "",
) -> None:
    """A load bench's command line: ``--report``, the hidden sub-commands, or a run (after
    checking the arguments; `check` returns the bench's own usage error). `output`: the results
    file, the report's Markdown head and row function, the table printer."""
    out_file, report_head, report_row, print_table = output
    args = parser.parse_args()
    if args.report:
        print(markdown_report(out_file, report_head, report_row))
    elif args.internal_setup:
        internal_setup(args)
    elif args.internal_verify is not None:
        internal_verify(args)
    else:
        if not 1 <= args.phones <= MAX_PHONES or args.duration <= 0 or args.rate <= 0:
            parser.error(f"--phones 1..{MAX_PHONES}, --duration and --rate > 0")
        if args.servers < 1 or (args.servers > 1 and args.backend != "real"):
            parser.error("--servers N > 1 shares the room through Redis: with --backend real")
        if error := check(args):
            parser.error(error)
        save(run(args), args.label, out_file, print_table)


# --- The run --------------------------------------------------------------------------------------


# summarise(args, the client's result, the database check): the bench's own result fields
Summarise = Callable[[argparse.Namespace, dict[str, Any], dict[str, Any]], dict[str, Any]]


class LoadBench:
    """One run of a load bench; a bench subclasses it with its setup, client and check.

    Throwaway environment, ``migrate``, the bench's ``--internal-setup``, ONE server pinned to
    ``--server-core`` (``--servers N``: N processes sharing the room through Redis), the Node
    client (``client_js``) pinned to ``--client-core`` and followed on stdout (connected,
    measure_start/_end for the CPU window, result), the servers killed, then the bench's
    ``--internal-verify``; the result line is ``common_summary``'s fields and the bench's own
    (`summarise`). Everything it started is stopped and removed at the end.
    """

    backends: Backends  # its database and Redis db with --backend real
    tmp_prefix = "ia-load-"
    client_js = "client.mjs"
    client_margin = 30.0  # the client's own overall timeout, beyond connect + duration + grace

    def __init__(self, args: argparse.Namespace, script: str, summarise: Summarise) -> None:
        self.args = args
        self.script = script
        self.summarise = summarise
        self.repo = Path(args.repo).resolve()
        self.tmp = Path(tempfile.mkdtemp(prefix=self.tmp_prefix))
        self.env = bench_env(args, self.tmp, self.repo, self.backends)

    # What a bench says ------------------------------------------------------------------------

    def setup_args(self) -> list[str]:
        """The arguments of the bench's ``--internal-setup`` after the file name."""
        return ["--phones", str(self.args.phones)]

    def setup_line(self, setup: dict[str, Any], seconds: float) -> str:
        """What is printed once the setup is done."""
        return f"setup: migrate + {self.args.phones} participants in {seconds:.1f} s"

    def client_config(self, setup: dict[str, Any]) -> dict[str, Any]:
        """The bench's own keys of the client's configuration."""
        return {}

    def verify_args(self, setup: dict[str, Any], result: dict[str, Any]) -> list[str]:
        """The arguments of the bench's ``--internal-verify`` (the server is already killed)."""
        return ["--internal-verify", str(setup["meeting_id"])]

    # The run ----------------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        """Set up, measure, check; always clean up."""
        ensure_node_modules()
        self.servers: list[subprocess.Popen[bytes]] = []
        self.client: subprocess.Popen[str] | None = None
        self.profiler: subprocess.Popen[bytes] | None = None
        try:
            if self.args.backend == "real":
                self.backends.reset()
            setup = self._setup()
            busy_before = wait_quiet(self.args.wait_quiet)
            ports = self._start_servers()
            result, sampler = self._follow_client(setup, ports)
            # Kill the servers first: commands still queued when the phones left would commit later.
            server_alive = all(server.poll() is None for server in self.servers)
            for server in self.servers:
                server.kill()
                server.wait(timeout=10)
            verify = [self.script, *self.verify_args(setup, result)]
            db = json.loads(run_python(verify, self.env, self.repo, 120))
            for server_log in self.server_logs:
                server_log.close()
            log = "".join(
                path.read_text(encoding="utf-8", errors="replace")
                for path in sorted(self.tmp.glob("server*.log"))
            )
            sampler.result["busy_before_pct"] = busy_before
            common = common_summary(self.args, result, sampler.result, server_alive, log[-2000:])
            return {**common, **self.summarise(self.args, result, db)}
        finally:
            for proc in (self.client, self.profiler):
                if proc is not None and proc.poll() is None:
                    proc.kill()
            for server in self.servers:
                stop(server)
            if self.args.backend == "real":
                self.backends.drop()
            shutil.rmtree(self.tmp, ignore_errors=True)

    def _setup(self) -> dict[str, Any]:
        t0 = time.monotonic()
        run_python(["manage.py", "migrate", "--noinput", "-v", "0"], self.env, self.repo, 300)
        setup_file = self.tmp / "setup.json"
        run_python(
            [self.script, "--internal-setup", str(setup_file), *self.setup_args()],
            self.env,
            self.repo,
            300,
        )
        setup = json.loads(setup_file.read_text(encoding="utf-8"))
        print(self.setup_line(setup, time.monotonic() - t0))
        return setup

    def _start_servers(self) -> list[int]:
        """Start ``--servers`` processes, server i pinned to the i-th core of ``--server-core``
        (in turn); return their ports."""
        cores = str(self.args.server_core).split(",")
        ports, self.server_logs = [], []
        for index in range(self.args.servers):
            port = (self.args.port + index) if self.args.port else free_port()
            log = (self.tmp / f"server{index}.log").open("wb")
            server = subprocess.Popen(
                server_command(self.args, port, self.repo, cores[index % len(cores)]),
                env=self.env,
                cwd=self.repo,
                stdout=log,
                stderr=log,
                start_new_session=bool(self.args.nice),
            )
            self.servers.append(server)
            self.server_logs.append(log)
            ports.append(port)
            raise_autogroup(server.pid, self.args.nice)
        for server, port in zip(self.servers, ports, strict=True):
            wait_for_port(port, server, 60)
        return ports

    def _start_client(
        self, setup: dict[str, Any], ports: list[int], budget: float
    ) -> subprocess.Popen[str]:
        a = self.args
        config = {
            # Phone i (and the board, 0) on server i % N.
            "urls": [f"ws://{HOST}:{port}/ws/room/{setup['code']}/" for port in ports],
            "origins": [f"http://{HOST}:{port}" for port in ports],
            # With --scan each phone gets its cookie by joining (a new participant).
            "phones": [""] * len(setup["phones"]) if a.scan else setup["phones"],
            "board_cookie": setup["board_cookie"],
            "duration": a.duration,
            "rate": a.rate,
            "ramp": a.ramp,
            "sends": a.sends,
            "scan": a.scan,
            "deflate": a.deflate,
            "join_urls": [f"http://{HOST}:{port}/j/{setup['code']}" for port in ports],
            "grace": a.grace,
            "seed": a.seed,
            "connect_timeout": a.connect_timeout,
            "overall_timeout": budget + self.client_margin,
            **self.client_config(setup),
        }
        client_cfg = self.tmp / "client.json"
        client_cfg.write_text(json.dumps(config), encoding="utf-8")
        pin = [*priority(a), "taskset", "-c", str(a.client_core)]
        self.client = client = subprocess.Popen(
            [*pin, "node", str(LOAD_DIR / self.client_js), str(client_cfg)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=LOAD_DIR,
            start_new_session=bool(a.nice),
        )
        raise_autogroup(client.pid, a.nice)
        return client

    def _follow_client(
        self, setup: dict[str, Any], ports: list[int]
    ) -> tuple[dict[str, Any], Sampler]:
        """Run the client to its end; its result and the CPU of the measured window."""
        a = self.args
        budget = a.phones / a.ramp + a.connect_timeout + a.duration + a.grace
        client = self._start_client(setup, ports, budget)
        killer = threading.Timer(budget + 60, client.kill)
        killer.start()
        sampler = Sampler([server.pid for server in self.servers], client.pid)
        result: dict[str, Any] = {}
        assert client.stdout is not None
        for line in client.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                print(line, end="")
                continue
            event = message.get("event")
            if event == "connected":
                print(f"connected: {message['connected']}/{message['attempted']}")
            elif event == "measure_start":
                sampler.mark_start()
                if a.profile:
                    self.profiler = start_profiler(a, self.servers[0].pid)
            elif event == "measure_end":
                sampler.mark_end()
            elif event == "result":
                result = message
        client.wait(timeout=30)
        killer.cancel()
        sampler.stop()
        if self.profiler is not None:
            self.profiler.wait(timeout=60)
        if not result:
            raise RuntimeError("the load client gave no result (timeout or crash)")
        return result, sampler


# --- Results --------------------------------------------------------------------------------------


def common_summary(
    args: argparse.Namespace,
    r: dict[str, Any],
    cpu: dict[str, Any],
    server_alive: bool,
    log_tail: str,
) -> dict[str, Any]:
    """The result fields both load benches write, from the client's result `r`."""
    errors_total = sum(r["errors"].values())
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "phones": args.phones,
        "backend": args.backend,
        "server": args.server,
        "servers": args.servers,
        "rate_s": args.rate,
        "sends": args.sends,
        "duration_s": args.duration,
        "extra_env": args.env,
        "nice": args.nice,
        "repo": str(Path(args.repo).resolve()),
        "connected": r["connected"],
        "attempted": r["attempted"],
        "connect_failed": r["connect_failed"],
        "connect_ms": r["connect_ms"],
        "scan": args.scan,
        "scan_ms": r.get("scan_ms"),
        "deflate": args.deflate,
        "wire_bytes_per_s": r.get("wire_bytes_per_s"),
        "board_connected": r["board_connected"],
        "sent": r["sent"],
        "acked": r["acked"],
        "ack_ms": r["ack_ms"],
        "board_ms": r["board_ms"],
        "board_missing": r["board_missing"],
        "errors": r["errors"],
        "errors_total": errors_total,
        "refusals": r["refusals"],
        "lost": r["lost"],
        "late_ack": r["late_ack"],
        "unexpected_close": r["unexpected_close"],
        "reconnects": r["reconnects"],
        "chain_breaks": r["chain_breaks"],
        "board_chain_breaks": r["board_chain_breaks"],
        "gap_frames": r["gap_frames"],
        "resyncs": r["resyncs"],
        "frames_per_s": r["frames_per_s"],
        "bytes_per_s": r["bytes_per_s"],
        "board_frames": r["board_frames"],
        "client_loop_lag_ms": r["client_loop_lag_ms"],
        **cpu,
        "server_alive_at_end": server_alive,
        "client_end": r["reason"],
        "server_log_tail": log_tail if (errors_total or not server_alive or r["lost"]) else "",
    }


def markdown_quantiles(d: dict[str, Any]) -> str:
    """p50 / p95 / p99 in whole milliseconds, for the Markdown reports."""
    return f"{d['p50']:.0f} / {d['p95']:.0f} / {d['p99']:.0f}"


def markdown_server(s: dict[str, Any]) -> str:
    """The reports' server cell: ``daphne``, or ``2 × daphne`` (--servers)."""
    servers = s.get("servers", 1)
    return s["server"] if servers == 1 else f"{servers} × {s['server']}"


def markdown_machine(s: dict[str, Any]) -> str:
    """The reports' cells server CPU %, other CPU % and lost."""
    return f"{s.get('server_cpu_pct')} | {s.get('other_cpu_pct')} | {s['lost']}"


def quantiles(d: dict[str, Any]) -> str:
    """A latency summary as the tables show it."""
    return f"{d['p50']} / {d['p95']} / {d['p99']} (max {d['max']}, n={d['n']})"


def wire_rows(s: dict[str, Any]) -> list[tuple[str, str]]:
    """What the phones read off the network in the window (frames compressed with --deflate)."""
    wire = s.get("wire_bytes_per_s")
    if not wire:
        return []
    how = "compressed (--deflate)" if s.get("deflate") else "not compressed"
    return [("phones' sockets read", f"{wire / 1e6:.2f} MB/s, {how}")]


def machine_rows(s: dict[str, Any]) -> list[tuple[str, str]]:
    """The table's rows on the server's and the client's CPU and the machine's other load."""
    return [
        (
            "server CPU",
            f"{s.get('server_cpu_pct')} %"
            + (
                f" ({' + '.join(map(str, each))})"
                if len(each := s.get("server_cpu_pct_each") or []) > 1
                else ""
            )
            + f", RSS {s.get('server_rss_mib')} MiB (peak {s.get('server_rss_peak_mib')})",
        ),
        (
            "PostgreSQL / Redis CPU",
            " / ".join(f"{v} %" for v in (s.get("backend_cpu_pct") or {}).values()) or "-",
        ),
        (
            "client CPU / loop lag",
            f"{s.get('client_cpu_pct')} % / p99 {s['client_loop_lag_ms']['p99']} ms",
        ),
        (
            "cores busy / other",
            f"{s.get('cores_busy_pct')} / {s.get('other_cpu_pct')} % used by "
            f"other processes (busiest core before the run: {s.get('busy_before_pct')} %)",
        ),
    ]


def print_rows(rows: list[tuple[str, str]], server_log_tail: str) -> None:
    """A two-column table, then the server log's tail if any."""
    width = max(len(k) for k, _v in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    if server_log_tail:
        print("--- server log (tail) ---\n" + server_log_tail)


def save(
    summary: dict[str, Any],
    label: str,
    out_file: Path,
    print_table: Callable[[dict[str, Any]], None],
) -> None:
    """Label the result, print its table, append it as one JSON line to `out_file`."""
    summary["label"] = label
    print_table(summary)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with out_file.open("a", encoding="utf-8") as f:
        f.write(json.dumps(summary, ensure_ascii=False) + "\n")
    print(f"appended to {out_file.relative_to(REPO)}")


def markdown_report(path: Path, head: str, row: Callable[[dict[str, Any]], str | None]) -> str:
    """The results appended to `path` as a Markdown table: `head`, then each result's `row`
    (None: left out) and its label, the last column."""
    lines = [head]
    for raw in path.read_text(encoding="utf-8").splitlines():
        result = json.loads(raw)
        line = row(result)
        if line is not None:
            lines.append(f"{line}| {result.get('label', '')} |")
    return "\n".join(lines)
