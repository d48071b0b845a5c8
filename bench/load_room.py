"""Load benchmark of one live meeting room: N phones and one board over WebSockets.

    .venv/bin/python bench/load_room.py --phones 1000 --duration 30 --backend embedded
    .venv/bin/python bench/load_room.py --phones 1000 --duration 30 --backend real --server uvicorn

Sets up a throwaway environment (embedded: temporary SQLite, in-memory layer; real: PostgreSQL
database ``bench_load`` and Redis db 5), creates a facilitator, a meeting in phase "collect" and
N participants, starts ONE server process pinned to core 0 and the Node load client
(bench/load/client.mjs) pinned to core 1. Each phone sends ``idea.submit`` or ``idea.support``
every ``--rate`` seconds on average; the client measures what docs/protocol.md promises (acks,
deltas on the board, chains, gaps). At the end the database is checked against the acks.

Prints a table and appends one JSON line to bench/out/results.jsonl. Connects only to 127.0.0.1;
stops by itself (overall timeout), kills the server, drops the bench database.
"""

from __future__ import annotations

import argparse
import contextlib
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
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
LOAD_DIR = BENCH_DIR / "load"
OUT_FILE = BENCH_DIR / "out" / "results.jsonl"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "bench_load"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
REDIS_URL = "redis://127.0.0.1:6379/5"
CLK_TCK = os.sysconf("SC_CLK_TCK")
HOST = "127.0.0.1"
MAX_PHONES = 20000

# --- Helpers run inside a Django-configured subprocess (same file, hidden sub-commands) ----------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "informaction.settings")
    import django

    django.setup()


def internal_setup(out: Path, phones: int) -> None:
    """Facilitator, meeting in "collect", N participants; write the load client's cookies."""
    _django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core import signing
    from django.test import Client

    from deliberation import services
    from rooms.enums import RoomPhase
    from rooms.models import Meeting, Participant

    user = get_user_model().objects.create_user("bench-facilitator", password=None)
    meeting = services.meeting_create(owner=user, title="Banc de charge")
    Meeting.objects.filter(pk=meeting.pk).update(phase=RoomPhase.COLLECT)
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
    out.write_text(
        json.dumps(
            {
                "meeting_id": meeting.pk,
                "code": meeting.join_code,
                "phones": [f"{settings.PARTICIPANT_COOKIE_NAME}={signer.sign(d)}" for d in devices],
                "board_cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
            }
        ),
        encoding="utf-8",
    )


def internal_verify(meeting_id: int) -> None:
    """Print what the database holds for the meeting, as JSON."""
    _django()
    from deliberation.models import Idea, Support
    from rooms.models import ClientCommand, Meeting

    print(
        json.dumps(
            {
                "ideas": Idea.objects.filter(meeting_id=meeting_id, author__isnull=False).count(),
                "supports": Support.objects.filter(idea__meeting_id=meeting_id).count(),
                "commands": ClientCommand.objects.filter(meeting_id=meeting_id).count(),
                "seq": Meeting.objects.get(pk=meeting_id).seq,
            }
        )
    )


# --- /proc readings -------------------------------------------------------------------------------


def proc_cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_status_kib(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cores_busy() -> dict[str, tuple[int, int]]:
    """Per-core (busy, total) jiffies from /proc/stat."""
    result = {}
    with open("/proc/stat", encoding="ascii") as f:
        for line in f:
            name, *values = line.split()
            if name.startswith("cpu") and name != "cpu":
                numbers = [int(v) for v in values[:8]]
                idle = numbers[3] + numbers[4]
                result[name] = (sum(numbers) - idle, sum(numbers))
    return result


class Sampler:
    """CPU of the server and the client over the measured window; peak RSS of the server."""

    def __init__(self, server_pid: int, client_pid: int) -> None:
        self.server_pid, self.client_pid = server_pid, client_pid
        self.start: dict[str, Any] = {}
        self.result: dict[str, Any] = {}
        self.rss_peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.wait(0.25):
            with contextlib.suppress(OSError):
                rss = proc_status_kib(self.server_pid, "VmRSS")
                self.rss_peak_kib = max(self.rss_peak_kib, rss)

    def _read(self) -> dict[str, Any]:
        return {
            "t": time.monotonic(),
            "server": proc_cpu_seconds(self.server_pid),
            "client": proc_cpu_seconds(self.client_pid),
            "cores": cores_busy(),
        }

    def mark_start(self) -> None:
        self.start = self._read()

    def mark_end(self) -> None:
        end = self._read()
        span = end["t"] - self.start["t"]
        self.result = {
            "server_cpu_pct": round(100 * (end["server"] - self.start["server"]) / span, 1),
            "client_cpu_pct": round(100 * (end["client"] - self.start["client"]) / span, 1),
            "cores_busy_pct": {
                name: round(
                    100
                    * (busy - self.start["cores"][name][0])
                    / max(1, total - self.start["cores"][name][1]),
                    1,
                )
                for name, (busy, total) in end["cores"].items()
            },
            # CPU used by anything else on the machine (other tests...): noise in the numbers.
            "other_cpu_pct": 0.0,
            "server_rss_mib": round(proc_status_kib(self.server_pid, "VmRSS") / 1024, 1),
        }

        self.result["other_cpu_pct"] = round(
            sum(self.result["cores_busy_pct"].values())
            - self.result["server_cpu_pct"]
            - self.result["client_cpu_pct"],
            1,
        )

    def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self.result["server_rss_peak_mib"] = round(
                max(self.rss_peak_kib, proc_status_kib(self.server_pid, "VmHWM")) / 1024, 1
            )


# --- Environment ----------------------------------------------------------------------------------


def machine_busy(seconds: float = 1.0) -> float:
    """The busiest core's load (%) over `seconds`: other work on the machine skews the run."""
    before = cores_busy()
    time.sleep(seconds)
    after = cores_busy()
    return max(
        100 * (after[c][0] - before[c][0]) / max(1, after[c][1] - before[c][1]) for c in after
    )


def wait_quiet(limit_s: float, threshold: float = 25.0) -> float:
    deadline = time.monotonic() + limit_s
    busy = machine_busy()
    while busy > threshold and time.monotonic() < deadline:
        print(f"machine busy ({busy:.0f} % on a core): waiting for it to calm down")
        busy = machine_busy(5.0)
    if busy > threshold:
        print(f"warning: a core is {busy:.0f} % busy before the run: numbers will be noisy")
    return round(busy, 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def python_cmd(repo: Path) -> list[str]:
    """The venv's Python. For another checkout (``--repo``), without site processing: the
    venv's editable install would otherwise import missing modules from the main checkout."""
    if repo == REPO:
        return [sys.executable]
    return [sys.executable, "-S"]


def bench_env(args: argparse.Namespace, tmp: Path, repo: Path) -> dict[str, str]:
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
        STATIC_ROOT=str(tmp / "static"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if args.backend == "embedded":
        env["DATA_DIR"] = str(tmp / "data")
    else:
        env["DATABASE_URL"] = PG_URL
        env["REDIS_URL"] = REDIS_URL
    for item in args.env:
        key, _sep, value = item.partition("=")
        env[key] = value
    return env


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def reset_real_backends() -> None:
    import redis

    pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    pg_admin(f"CREATE DATABASE {PG_DB}")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    client.flushdb()
    client.close()


def drop_real_backends() -> None:
    import redis

    with contextlib.suppress(Exception):
        pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    with contextlib.suppress(Exception):
        client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
        client.flushdb()
        client.close()


def run_python(args: list[str], env: dict[str, str], cwd: Path, timeout: float) -> str:
    done = subprocess.run(
        [*python_cmd(cwd), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def ensure_node_modules() -> None:
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


def server_command(args: argparse.Namespace, port: int, repo: Path) -> list[str]:
    pin = [*priority(args), "taskset", "-c", str(args.server_core), *python_cmd(repo)]
    if args.server == "uvicorn":
        return [
            *pin,
            "-m",
            "uvicorn",
            "--host",
            HOST,
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--no-access-log",
            "--log-level",
            "warning",
            "informaction.asgi:application",
        ]
    return [
        *pin,
        "-m",
        "daphne",
        "-b",
        HOST,
        "-p",
        str(port),
        "-v",
        "0",
        "informaction.asgi:application",
    ]


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
            return
        time.sleep(0.2)
    raise RuntimeError("server did not listen in time")


def stop(proc: subprocess.Popen[Any] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


# --- The run --------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    repo = Path(args.repo).resolve()
    ensure_node_modules()
    tmp = Path(tempfile.mkdtemp(prefix="ia-load-"))
    env = bench_env(args, tmp, repo)
    server: subprocess.Popen[bytes] | None = None
    client: subprocess.Popen[str] | None = None
    profiler: subprocess.Popen[bytes] | None = None
    try:
        if args.backend == "real":
            reset_real_backends()
        t0 = time.monotonic()
        run_python(["manage.py", "migrate", "--noinput", "-v", "0"], env, repo, 300)
        setup_file = tmp / "setup.json"
        run_python(
            [
                str(Path(__file__).resolve()),
                "--internal-setup",
                str(setup_file),
                "--phones",
                str(args.phones),
            ],
            env,
            repo,
            300,
        )
        setup = json.loads(setup_file.read_text(encoding="utf-8"))
        print(f"setup: migrate + {args.phones} participants in {time.monotonic() - t0:.1f} s")

        busy_before = wait_quiet(args.wait_quiet)
        port = args.port or free_port()
        server_log = (tmp / "server.log").open("wb")
        server = subprocess.Popen(
            server_command(args, port, repo),
            env=env,
            cwd=repo,
            stdout=server_log,
            stderr=server_log,
            start_new_session=bool(args.nice),
        )
        raise_autogroup(server.pid, args.nice)
        wait_for_port(port, server, 60)

        client_cfg = tmp / "client.json"
        client_cfg.write_text(
            json.dumps(
                {
                    "url": f"ws://{HOST}:{port}/ws/room/{setup['code']}/",
                    "origin": f"http://{HOST}:{port}",
                    "phones": setup["phones"],
                    "board_cookie": setup["board_cookie"],
                    "duration": args.duration,
                    "rate": args.rate,
                    "ramp": args.ramp,
                    "grace": args.grace,
                    "arrival": args.arrival,
                    "seed": args.seed,
                    "connect_timeout": args.connect_timeout,
                    "overall_timeout": args.phones / args.ramp
                    + args.connect_timeout
                    + args.duration
                    + args.grace
                    + 30,
                }
            ),
            encoding="utf-8",
        )
        client = subprocess.Popen(
            [
                *priority(args),
                "taskset",
                "-c",
                str(args.client_core),
                "node",
                str(LOAD_DIR / "client.mjs"),
                str(client_cfg),
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=LOAD_DIR,
            start_new_session=bool(args.nice),
        )
        raise_autogroup(client.pid, args.nice)
        overall = args.phones / args.ramp + args.connect_timeout + args.duration + args.grace + 60
        killer = threading.Timer(overall, client.kill)
        killer.start()
        sampler = Sampler(server.pid, client.pid)
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
                if args.profile:
                    profiler = start_profiler(args, server.pid)
            elif event == "measure_end":
                sampler.mark_end()
            elif event == "result":
                result = message
        client.wait(timeout=30)
        killer.cancel()
        sampler.stop()
        if profiler is not None:
            profiler.wait(timeout=60)
        if not result:
            raise RuntimeError("the load client gave no result (timeout or crash)")
        # Kill the server first: commands still queued when the phones left would commit later.
        server_alive = server.poll() is None
        server.kill()
        server.wait(timeout=10)
        db = json.loads(
            run_python(
                [str(Path(__file__).resolve()), "--internal-verify", str(setup["meeting_id"])],
                env,
                repo,
                120,
            )
        )
        server_log.close()
        log_tail = (tmp / "server.log").read_text(encoding="utf-8", errors="replace")[-2000:]
        sampler.result["busy_before_pct"] = busy_before
        return summarise(args, result, sampler.result, db, server_alive, log_tail)
    finally:
        for proc in (client, profiler):
            if proc is not None and proc.poll() is None:
                proc.kill()
        stop(server)
        if args.backend == "real":
            drop_real_backends()
        shutil.rmtree(tmp, ignore_errors=True)


def start_profiler(args: argparse.Namespace, pid: int) -> subprocess.Popen[bytes]:
    """py-spy record of the server over the measured window (``--profile out.svg|out.txt``)."""
    py_spy = Path(sys.executable).with_name("py-spy")
    fmt = "raw" if args.profile.endswith(".txt") else "flamegraph"
    return subprocess.Popen(
        [
            str(py_spy),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(int(args.duration)),
            "--rate",
            "200",
            "--format",
            fmt,
            "--output",
            args.profile,
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def summarise(
    args: argparse.Namespace,
    r: dict[str, Any],
    cpu: dict[str, Any],
    db: dict[str, Any],
    server_alive: bool,
    log_tail: str,
) -> dict[str, Any]:
    acked_ideas = r["acked"]["idea.submit"]
    acked_supports = r["acked"]["idea.support"]
    lost_ideas = r["lost_kinds"].get("idea.submit", 0)
    lost_supports = r["lost_kinds"].get("idea.support", 0)
    db_check = {
        "ideas_db": db["ideas"],
        "ideas_acked": acked_ideas,
        "supports_db": db["supports"],
        "supports_acked": acked_supports,
        # Acknowledged but not in the database: an ack that lied (must be 0).
        "acked_not_stored": max(0, acked_ideas - db["ideas"])
        + max(0, acked_supports - db["supports"]),
        # In the database without an ack the phone received (the server was still working
        # through a queue when the phones left); more than the unanswered ones = duplicates.
        "stored_not_acked": max(0, db["ideas"] - acked_ideas)
        + max(0, db["supports"] - acked_supports),
        "duplicates": max(0, db["ideas"] - acked_ideas - lost_ideas)
        + max(0, db["supports"] - acked_supports - lost_supports),
        "room_seq": db["seq"],
    }
    db_check["ok"] = db["ideas"] == acked_ideas and db["supports"] == acked_supports
    errors_total = sum(r["errors"].values())
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "phones": args.phones,
        "backend": args.backend,
        "server": args.server,
        "rate_s": args.rate,
        "arrival": args.arrival,
        "duration_s": args.duration,
        "extra_env": args.env,
        "nice": args.nice,
        "repo": str(Path(args.repo).resolve()),
        "connected": r["connected"],
        "attempted": r["attempted"],
        "connected_pct": round(100 * r["connected"] / max(1, r["attempted"]), 2),
        "connect_failed": r["connect_failed"],
        "connect_ms": r["connect_ms"],
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
        "lost_kinds": r["lost_kinds"],
        "late_ack": r["late_ack"],
        "unexpected_close": r["unexpected_close"],
        "reconnects": r["reconnects"],
        "chain_breaks": r["chain_breaks"],
        "board_chain_breaks": r["board_chain_breaks"],
        "overlaps": r["overlaps"],
        "gap_frames": r["gap_frames"],
        "resyncs": r["resyncs"],
        "commands_per_s": round(sum(r["sent"].values()) / r["window_s"], 1),
        "frames_per_s": r["frames_per_s"],
        "bytes_per_s": r["bytes_per_s"],
        "board_frames": r["board_frames"],
        "client_loop_lag_ms": r["client_loop_lag_ms"],
        **cpu,
        "db_check": db_check,
        "server_alive_at_end": server_alive,
        "client_end": r["reason"],
        "server_log_tail": log_tail if (errors_total or not server_alive or r["lost"]) else "",
    }


def print_table(s: dict[str, Any]) -> None:
    def q(d: dict[str, Any]) -> str:
        return f"{d['p50']} / {d['p95']} / {d['p99']} (max {d['max']}, n={d['n']})"

    db = s["db_check"]
    rows = [
        ("run", f"{s['phones']} phones, {s['backend']}, {s['server']}, rate {s['rate_s']} s"),
        (
            "connected",
            f"{s['connected']}/{s['attempted']} ({s['connected_pct']} %), "
            f"board {'yes' if s['board_connected'] else 'NO'}, failures {s['connect_failed']}",
        ),
        ("connect ms p50/p95/p99", q(s["connect_ms"])),
        ("sent", f"{s['sent']} = {s['commands_per_s']}/s"),
        ("acked", str(s["acked"])),
        ("ack ms p50/p95/p99", q(s["ack_ms"])),
        ("board ms p50/p95/p99", q(s["board_ms"]) + f", never on board: {s['board_missing']}"),
        ("errors", f"{s['errors']} (normal refusals {s['refusals']})"),
        ("lost (no answer +grace)", f"{s['lost']} {s['lost_kinds'] or ''}"),
        ("closes / reconnects", f"{s['unexpected_close']} / {s['reconnects']}"),
        (
            "chain breaks / gaps",
            f"phones {s['chain_breaks']}, board {s['board_chain_breaks']}"
            f" / {s['gap_frames']} gap frames, {s['resyncs']} resyncs, {s['overlaps']} overlaps",
        ),
        ("frames/s, bytes/s", f"{s['frames_per_s']}, {s['bytes_per_s'] / 1e6:.2f} MB/s"),
        (
            "server CPU",
            f"{s.get('server_cpu_pct')} %, RSS {s.get('server_rss_mib')} MiB "
            f"(peak {s.get('server_rss_peak_mib')})",
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
        (
            "DB check",
            f"{'OK' if db['ok'] else 'MISMATCH'}: ideas {db['ideas_db']} stored / "
            f"{db['ideas_acked']} acked, supports {db['supports_db']} / {db['supports_acked']}"
            + (
                ""
                if db["ok"]
                else f"; acked not stored {db['acked_not_stored']}, stored not "
                f"acked {db['stored_not_acked']}, duplicates {db['duplicates']}"
            ),
        ),
    ]
    width = max(len(k) for k, _v in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    if s["server_log_tail"]:
        print("--- server log (tail) ---\n" + s["server_log_tail"])


def markdown_table(path: Path) -> str:
    """The runs stored in results.jsonl as a Markdown table (for bench/RESULTS.md)."""
    head = (
        "| phones | backend | server | rate s | connected | ack p50/p95/p99 ms "
        "| board p50/p95/p99 ms | acks/s | frames/s | MB/s | server CPU % | other CPU % "
        "| lost | DB check | label |\n|" + "---|" * 15
    )
    lines = [head]
    for raw in path.read_text(encoding="utf-8").splitlines():
        s = json.loads(raw)
        if "acked_not_stored" not in s["db_check"]:
            continue  # written by an older version of this script
        ack, board, db = s["ack_ms"], s["board_ms"], s["db_check"]
        acks = sum(s["acked"].values()) / s["duration_s"]
        check = (
            "OK"
            if db["ok"]
            else (
                f"{db['stored_not_acked']} stored not acked, {db['acked_not_stored']} acked not "
                f"stored, {db['duplicates']} dup"
            )
        )
        lines.append(
            f"| {s['phones']} | {s['backend']} | {s['server']} | {s['rate_s']:g} "
            f"| {s['connected']}/{s['attempted']} "
            f"| {ack['p50']:.0f} / {ack['p95']:.0f} / {ack['p99']:.0f} "
            f"| {board['p50']:.0f} / {board['p95']:.0f} / {board['p99']:.0f} "
            f"| {acks:.0f} | {s['frames_per_s']} | {s['bytes_per_s'] / 1e6:.1f} "
            f"| {s.get('server_cpu_pct')} | {s.get('other_cpu_pct')} | {s['lost']} | {check} "
            f"| {s.get('label', '')} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds")
    parser.add_argument("--backend", choices=["embedded", "real"], default="embedded")
    parser.add_argument("--server", choices=["daphne", "uvicorn"], default="daphne")
    parser.add_argument("--rate", type=float, default=3.0, help="mean seconds between sends")
    parser.add_argument("--arrival", choices=["uniform", "exp"], default="uniform")
    parser.add_argument("--ramp", type=float, default=200.0, help="connections per second")
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
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--client-core", type=int, default=1)
    parser.add_argument("--repo", default=str(REPO), help="code to serve (e.g. a scratch copy)")
    parser.add_argument("--env", action="append", default=[], help="extra server KEY=VALUE")
    parser.add_argument("--profile", help="py-spy the server during the window (.svg or .txt)")
    parser.add_argument("--label", default="", help="free text stored with the result")
    parser.add_argument(
        "--report", action="store_true", help="print bench/out/results.jsonl as Markdown, exit"
    )
    parser.add_argument("--internal-setup", help=argparse.SUPPRESS)
    parser.add_argument("--internal-verify", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.report:
        print(markdown_table(OUT_FILE))
        return
    if args.internal_setup:
        internal_setup(Path(args.internal_setup), args.phones)
        return
    if args.internal_verify is not None:
        internal_verify(args.internal_verify)
        return
    if not 1 <= args.phones <= MAX_PHONES or args.duration <= 0 or args.rate <= 0:
        parser.error(f"--phones 1..{MAX_PHONES}, --duration and --rate > 0")
    summary = run(args)
    summary["label"] = args.label
    print_table(summary)
    OUT_FILE.parent.mkdir(parents=True, exist_ok=True)
    with OUT_FILE.open("a", encoding="utf-8") as f:
        f.write(json.dumps(summary, ensure_ascii=False) + "\n")
    print(f"appended to {OUT_FILE.relative_to(REPO)}")


if __name__ == "__main__":
    main()
