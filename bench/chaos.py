"""Chaos benchmark of one live room: phones keep posting while the backends fail, in turn.

    .venv/bin/python bench/chaos.py                       # 200 phones, every phase
    .venv/bin/python bench/chaos.py --phases redis,hostile --phones 100

Starts its OWN PostgreSQL cluster (initdb in a temporary directory, a free loopback port, trust
auth) and its OWN redis-server (free port, no persistence): the shared services on 5432 and 6379
are never touched. Two Daphne processes on two ports share the room through that Redis; phone i
connects to process i % 2, the board and one hostile phone to process 0. The Node client
(bench/load/chaos.mjs, on bench/load/room.mjs like the load client) follows docs/protocol.md:
resends unacknowledged messages with the same id after a reconnect, chains deltas, resyncs on a
gap. While the phones post, in turn, each phase followed by a calm period:

- ``kill``: kill -9 of Daphne process 0, restarted after ``--down`` seconds;
- ``redis``: redis-server killed and started again, empty, on the same port;
- ``postgres``: ``pg_ctl restart -m fast``;
- ``hostile``: one phone sends poisoned frames (lone surrogates, NUL, 1e30, 10**30) for 10 s.

Each phase: acked, stored, lost (acked, not stored: must be 0), duplicates (0), commands of the
other phones refused with ``server.error``, and the time from the fault until every phone and the
board hold the room version the database had when the fault ended ("latest"), or how many stayed
behind ("frozen"). Prints a table, appends one JSON line to bench/out/chaos.jsonl. Loopback only;
an overall timeout; everything it started is stopped and its directories removed at the end, also
on Ctrl-C or an error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import harness

REPO = harness.REPO
OUT_FILE = harness.BENCH_DIR / "out" / "chaos.jsonl"
HOST = harness.HOST
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_DB = "chaos"
PHASES = ("kill", "redis", "postgres", "hostile")
TAGS = {"warmup": "w", "kill": "k", "redis": "r", "postgres": "g", "hostile": "h", "end": "e"}
PHASE_OF_TAG = {v: k for k, v in TAGS.items()}
IDEA_TAG = re.compile(r"\[(p\d+-([a-z])-\d+)\]$")


# --- Django-side helpers (hidden sub-commands, run in a subprocess) -------------------------------


def internal_verify(meeting_id: int, acks_path: Path, phones: int) -> None:
    """Compare the phones' acks with the database, per phase; print JSON."""
    harness.django_setup()
    from deliberation.models import Idea, Support
    from rooms.models import ClientCommand, Meeting, Participant

    names = dict(
        Participant.objects.filter(meeting_id=meeting_id).values_list("display_name", "id")
    )
    pid_of = [names[f"Téléphone {i + 1}"] for i in range(phones)]
    hostile_pid = names[f"Téléphone {phones + 1}"]
    commands = set(
        ClientCommand.objects.filter(meeting_id=meeting_id).values_list("actor", "client_id")
    )
    ideas = list(
        Idea.objects.filter(meeting_id=meeting_id, author__isnull=False).values_list(
            "id", "author_id", "text"
        )
    )
    author_of = {idea: author for idea, author, _text in ideas}
    supports = set(
        Support.objects.filter(idea__meeting_id=meeting_id).values_list("idea_id", "participant_id")
    )
    per: dict[str, Counter[str]] = defaultdict(Counter)
    acked_keys = set()
    for index, client_id, kind, idea, _seq in json.loads(acks_path.read_text(encoding="utf-8")):
        phase = PHASE_OF_TAG[client_id.split("-")[1]]
        key = (f"p:{pid_of[index]}", client_id)
        acked_keys.add(key)
        if kind == "idea.submit":
            applied = author_of.get(idea) == pid_of[index]
        else:
            applied = (idea, pid_of[index]) in supports
        per[phase]["acked"] += 1
        per[phase]["lost"] += int(key not in commands or not applied)
    for actor, client_id in commands:
        if not client_id.startswith("p"):
            continue
        phase = PHASE_OF_TAG[client_id.split("-")[1]]
        per[phase]["stored"] += 1
        per[phase]["stored_not_acked"] += int((actor, client_id) not in acked_keys)
    tagged: Counter[str] = Counter()
    for _idea, author, text in ideas:
        match = IDEA_TAG.search(text)
        if match:
            tagged[match.group(1)] += 1
        elif author == hostile_pid:
            per["hostile"]["hostile_ideas_stored"] += 1
    pid_key = {pid: f"p:{pid}" for pid in pid_of}
    for message_id, count in tagged.items():
        phase = PHASE_OF_TAG[message_id.split("-")[1]]
        index = int(message_id.split("-")[0][1:])
        per[phase]["duplicates"] += count - 1
        # An idea without the stored reply of its message: a retry would apply it again.
        per[phase]["untracked"] += int((pid_key[pid_of[index]], message_id) not in commands)
    print(
        json.dumps(
            {
                "phases": {phase: dict(counts) for phase, counts in per.items()},
                "seq": Meeting.objects.get(pk=meeting_id).seq,
                "ideas": len(ideas),
                "supports": len(supports),
            }
        )
    )


# --- The isolated backends and the two servers ----------------------------------------------------


class PgCluster:
    """A throwaway PostgreSQL cluster (as the ``postgres`` user when run as root)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="ia-chaos-pg-"))
        self.data = self.dir / "data"
        self.started = False
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{PG_DB}"

    def _run(self, *cmd: str, timeout: float = 120) -> None:
        user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        what = Path(cmd[0]).name
        harness.run_checked([*user, *cmd], what, timeout, cwd=self.dir, start_new_session=True)

    def _ctl(self, action: str, *extra: str) -> None:
        # Lock waits over 1 s and statements over 2 s go to the log (--keep-logs): a stuck
        # group commit shows what it waited for.
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses={HOST} -c log_lock_waits=on"
            " -c log_min_duration_statement=2000"
        )
        self._run(
            str(PG_BIN / "pg_ctl"),
            action,
            "-D",
            str(self.data),
            "-w",
            "-t",
            "60",
            "-l",
            str(self.dir / "server.log"),
            "-o",
            options,
            *extra,
        )

    def start(self) -> None:
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self._ctl("start")
        self.started = True
        import psycopg

        admin = f"postgresql://postgres@{HOST}:{self.port}/postgres"
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"CREATE DATABASE {PG_DB}")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if self.started:
            with contextlib.suppress(Exception):
                self._run(str(PG_BIN / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class Process:
    """One child process (own session) that can be killed with -9 and started again."""

    def __init__(self, name: str, cmd: list[str], port: int, log: Path, **popen: Any) -> None:
        self.name, self.cmd, self.port, self.log, self.popen = name, cmd, port, log, popen
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                self.cmd, stdout=log, stderr=log, start_new_session=True, **self.popen
            )
        harness.wait_for_port(self.port, self.proc, timeout, f"process {self.cmd[0]}", poll=0.1)

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        harness.stop(self.proc)


def daphne(index: int, port: int, env: dict[str, str], repo: Path, tmp: Path) -> Process:
    cmd = [*harness.python_cmd(repo), *harness.asgi_server_args("daphne", port)]
    return Process(
        f"daphne{index}",
        cmd,
        port,
        tmp / f"daphne{index}.log",
        env=env,
        cwd=repo,
    )


def redis_server(port: int, tmp: Path) -> Process:
    cmd = ["redis-server", "--port", str(port), "--bind", HOST, "--save", "", "--appendonly"]
    cmd += ["no", "--daemonize", "no", "--dir", str(tmp)]
    return Process("redis", cmd, port, tmp / "redis.log")


# --- The client ---------------------------------------------------------------------------------


class Client:
    """bench/load/chaos.mjs: commands on stdin, JSON events on stdout (read by a thread)."""

    def __init__(self, config: Path) -> None:
        self.proc = subprocess.Popen(
            ["node", str(harness.LOAD_DIR / "chaos.mjs"), str(config)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=harness.LOAD_DIR,
            start_new_session=True,
        )
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                self.events.put(json.loads(line))
            except ValueError:
                print(line, end="")
        self.events.put({"event": "exit"})

    def send(self, **command: Any) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()

    def wait(self, event: str, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(f"the client sent no {event!r} in {timeout} s") from None
            if message.get("event") == event:
                return message
            if message.get("event") == "exit":
                raise RuntimeError(f"the client exited while waiting for {event!r}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


# --- The run ------------------------------------------------------------------------------------


class Chaos:
    """Everything one run starts; ``close()`` stops it all and removes the directories."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.repo = Path(args.repo).resolve()
        self.tmp = Path(tempfile.mkdtemp(prefix="ia-chaos-"))
        self.pg = PgCluster(harness.free_port())
        self.redis = redis_server(harness.free_port(), self.tmp)
        self.servers: list[Process] = []
        self.client: Client | None = None
        self.meeting_id = 0
        self.log: list[str] = []

    def close(self) -> None:
        for proc in [self.client, *self.servers, self.redis]:
            with contextlib.suppress(Exception):
                if proc is not None:
                    proc.stop()
        if self.args.keep_logs:
            keep = Path(self.args.keep_logs)
            keep.mkdir(parents=True, exist_ok=True)
            for log in [*self.tmp.glob("*.log"), self.pg.dir / "server.log"]:
                with contextlib.suppress(OSError):
                    shutil.copy(log, keep / f"{log.stem if log.parent == self.tmp else 'pg'}.log")
            print(f"logs copied to {keep}")
        self.pg.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def say(self, text: str) -> None:
        line = f"[{time.strftime('%H:%M:%S')}] {text}"
        self.log.append(line)
        print(line, flush=True)

    def env(self) -> dict[str, str]:
        ns = argparse.Namespace(backend="real", idea_rate_limit=1000, env=self.args.env)
        env = harness.bench_env(ns, self.tmp, self.repo)
        env.update(
            DATABASE_URL=self.pg.url,
            REDIS_URL=f"redis://{HOST}:{self.redis.port}/0",
            REDIS_PREFIX="chaos",
        )
        return env

    def setup(self) -> dict[str, Any]:
        t0 = time.monotonic()
        self.pg.start()
        self.redis.start()
        env = self.env()
        harness.run_python(["manage.py", "migrate", "--noinput", "-v", "0"], env, self.repo, 300)
        out = self.tmp / "setup.json"
        script = str(harness.BENCH_DIR / "load_room.py")
        phones = str(self.args.phones + 1)  # the last one is the hostile phone
        harness.run_python(
            [script, "--internal-setup", str(out), "--phones", phones], env, self.repo, 300
        )
        setup = json.loads(out.read_text(encoding="utf-8"))
        self.meeting_id = setup["meeting_id"]
        self.servers = [
            daphne(i, harness.free_port(), env, self.repo, self.tmp)
            for i in range(self.args.servers)
        ]
        for server in self.servers:
            server.start()
        self.say(f"setup: PostgreSQL, Redis, migrate, 2 servers in {time.monotonic() - t0:.1f} s")
        return setup

    def db_seq(self, timeout: float = 60) -> int:
        """The meeting's sequence number in the database (retried while PostgreSQL restarts)."""
        import psycopg

        url = f"postgresql://postgres@{HOST}:{self.pg.port}/{PG_DB}"
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(url, connect_timeout=3) as conn:
                    row = conn.execute(
                        "SELECT seq FROM deliberation_meeting WHERE id = %s", (self.meeting_id,)
                    ).fetchone()
                    return int(row[0])
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def long_transactions(self) -> list[dict[str, Any]]:
        """Transactions open for more than 2 s (a stuck group commit, a lock holder)."""
        import psycopg

        url = f"postgresql://postgres@{HOST}:{self.pg.port}/{PG_DB}"
        sql = (
            "SELECT pid, state, wait_event_type, wait_event,"
            " round(extract(epoch FROM now() - xact_start)::numeric, 1), left(query, 160)"
            " FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
            " AND xact_start < now() - interval '2 seconds'"
        )
        try:
            with psycopg.connect(url, connect_timeout=3) as conn:
                rows = conn.execute(sql, (PG_DB,)).fetchall()
        except psycopg.OperationalError:
            return []
        keys = ("pid", "state", "wait_type", "wait", "age_s", "query")
        return [dict(zip(keys, [*row[:4], float(row[4]), row[5]], strict=True)) for row in rows]

    def start_client(self, setup: dict[str, Any]) -> None:
        a = self.args
        config = self.tmp / "client.json"
        budget = a.overall_timeout
        config.write_text(
            json.dumps(
                {
                    "urls": [
                        f"ws://{HOST}:{s.port}/ws/room/{setup['code']}/" for s in self.servers
                    ],
                    "origins": [f"http://{HOST}:{s.port}" for s in self.servers],
                    "reconnect": a.reconnect,
                    "phones": setup["phones"][: a.phones],
                    "hostile_cookie": setup["phones"][a.phones],
                    "board_cookie": setup["board_cookie"],
                    "rate": a.rate,
                    "support_share": a.support_share,
                    "arrival": "uniform",
                    "ramp": 200,
                    "grace": a.grace,
                    "seed": a.seed,
                    "connect_timeout": 20,
                    "tag_text": True,
                    "acks_file": str(self.tmp / "acks.json"),
                    "overall_timeout": budget,
                }
            ),
            encoding="utf-8",
        )
        self.client = Client(config)
        connected = self.client.wait("connected", 60)
        self.client.wait("sending", 10)
        self.say(f"connected: {connected['connected']}/{connected['attempted']} phones; posting")

    # --- faults -------------------------------------------------------------------------------

    def fault(self, name: str) -> None:
        a = self.args
        if name == "kill":
            self.servers[0].kill9()
            self.say(f"kill -9 {self.servers[0].name}")
            time.sleep(a.down)
            self.servers[0].start()
            self.say(f"{self.servers[0].name} listening again")
        elif name == "redis":
            self.redis.kill9()
            self.say("redis-server killed")
            time.sleep(1.0)
            self.redis.start()
            self.say("redis-server started again (empty)")
        elif name == "postgres":
            self.say("pg_ctl restart -m fast")
            self.pg.restart()
            self.say("PostgreSQL accepting connections again")
        elif name == "hostile":
            assert self.client is not None
            self.client.send(cmd="hostile", seconds=a.hostile_seconds, rate=a.hostile_rate)
            done = self.client.wait("hostile_done", a.hostile_seconds + 30)
            self.say(f"hostile phone sent {done['sent']} poisoned frames")

    def converge(self, t_fault: float) -> dict[str, Any]:
        """Time from the fault until every screen holds the version the DB had after it."""
        assert self.client is not None
        seq = self.db_seq()
        self.client.send(cmd="target", seq=seq, timeout=self.args.converge_timeout)
        result = self.client.wait("converged", self.args.converge_timeout + 30)
        result["latest_s"] = round(time.monotonic() - t_fault, 2)
        return result

    def repair(self) -> dict[str, Any]:
        """Restart every server (clean stop), so the next phase starts from a working room."""
        t0 = time.monotonic()
        for server in self.servers:
            server.kill9()
        for server in self.servers:
            server.start()
        self.say("repair: every server killed and started again")
        result = self.converge(t0)
        return {
            "ok": result["ok"],
            "s": result["latest_s"],
            "behind": result["behind"],
            "behind_disconnected": result["disconnected"],
            "behind_why": result["why"],
        }

    def phase(self, name: str) -> dict[str, Any]:
        assert self.client is not None
        stuck_before = self.long_transactions()
        if stuck_before:
            self.say(f"before {name}: transactions open for over 2 s: {stuck_before}")
        self.client.send(cmd="phase", tag=TAGS[name])
        t_fault = time.monotonic()
        self.fault(name)
        fault_s = round(time.monotonic() - t_fault, 2)
        result = self.converge(t_fault)
        record: dict[str, Any] = {
            "phase": name,
            "fault_s": fault_s,
            "target_seq": result["seq"],
            "converged": result["ok"],
            "latest_s": result["latest_s"] if result["ok"] else None,
            "behind": result["behind"],
            "behind_disconnected": result["disconnected"],
            "behind_why": result["why"],
            "behind_silent_s": result["behind_silent_s"],
            "board_behind": result["board_behind"],
            "repair": None,
            "long_transactions_before": stuck_before,
            "long_transactions_after": self.long_transactions(),
        }
        state = (
            "every screen on it"
            if result["ok"]
            else f"{result['behind']} screens behind {result['why']}, the slowest silent for"
            f" {result['behind_silent_s']} s"
        )
        self.say(f"{name}: version {result['seq']} after {result['latest_s']} s: {state}")
        if not result["ok"] and self.args.repair:
            record["repair"] = self.repair()
        time.sleep(self.args.calm)
        return record

    def run(self) -> dict[str, Any]:
        setup = self.setup()
        self.start_client(setup)
        assert self.client is not None
        self.client.send(cmd="phase", tag=TAGS["warmup"])
        time.sleep(self.args.warmup)
        records = [self.phase(name) for name in self.args.phases]
        self.client.send(cmd="phase", tag=TAGS["end"])
        self.client.send(cmd="stop")
        result = self.client.wait("result", self.args.grace + 30)
        for server in self.servers:
            server.kill9()  # commands still queued would commit after the check
        db = json.loads(
            harness.run_python(
                [
                    str(Path(__file__).resolve()),
                    "--internal-verify",
                    str(self.meeting_id),
                    "--acks",
                    str(self.tmp / "acks.json"),
                    "--phones",
                    str(self.args.phones),
                ],
                self.env(),
                self.repo,
                120,
            )
        )
        return summarise(self.args, records, result, db, self.server_errors())

    def server_errors(self) -> dict[str, int]:
        """Tracebacks per server log (one per incident is the goal, not one per phone)."""
        counts = {}
        for server in self.servers:
            text = server.log.read_text(encoding="utf-8", errors="replace")
            counts[server.name] = text.count("Traceback (most recent call last)")
        return counts


def summarise(
    args: argparse.Namespace,
    records: list[dict[str, Any]],
    client: dict[str, Any],
    db: dict[str, Any],
    tracebacks: dict[str, int],
) -> dict[str, Any]:
    rows = []
    for record in [{"phase": "warmup"}, *records, {"phase": "end"}]:
        name = record["phase"]
        c = client["phases"].get(TAGS[name], {})
        d = db["phases"].get(name, {})
        errors = c.get("errors", {})
        rows.append(
            {
                **record,
                "sent": c.get("sent", 0),
                "acked": c.get("acked", 0),
                "stored": d.get("stored", 0),
                "lost": d.get("lost", 0),
                "duplicates": d.get("duplicates", 0),
                "untracked": d.get("untracked", 0),
                "stored_not_acked": d.get("stored_not_acked", 0),
                "unanswered": client["unanswered"].get(TAGS[name], 0),
                "server_error": errors.get("server.error", 0),
                "errors": errors,
                "errors_when": c.get("errors_when", {}),
                "other_errors": c.get("other_errors", {}),
                "error_age_max_ms": c.get("error_age_max_ms", 0),
                "ack_ms": c.get("ack_ms"),
                "gap_frames": c.get("gap_frames", 0),
                "resyncs": c.get("resyncs", 0),
                "reconnects": c.get("reconnects", 0),
                "closes": c.get("closes", {}),
                "hostile_replies": c.get("hostile", {}),
                "hostile_sent": c.get("hostile_sent", 0),
                "hostile_acked": c.get("hostile_acked", 0),
                "hostile_closes": c.get("hostile_closes", {}),
                "hostile_ideas_stored": d.get("hostile_ideas_stored", 0),
            }
        )
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "label": args.label,
        "commit": git_head(Path(args.repo)),
        "phones": args.phones,
        "servers": args.servers,
        "rate_s": args.rate,
        "support_share": args.support_share,
        "reconnect": args.reconnect,
        "converge_timeout": args.converge_timeout,
        "connected": client["connected"],
        "phases": rows,
        "reconnects": client["reconnects"],
        "resent": client["resent"],
        "gap_frames": client["gap_frames"],
        "resyncs": client["resyncs"],
        "chain_breaks": client["chain_breaks"],
        "tracebacks": tracebacks,
        "db_seq": db["seq"],
        "client_end": client["reason"],
    }


def git_head(repo: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "log", "-1", "--format=%h %s"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip()[:100]


def print_table(s: dict[str, Any]) -> None:
    print(markdown_rows([s]))
    print(
        f"reconnects {s['reconnects']}, resent {s['resent']}, gap frames {s['gap_frames']}, "
        f"resyncs {s['resyncs']}, chain breaks {s['chain_breaks']}, tracebacks {s['tracebacks']}"
    )
    for row in s["phases"]:
        if row["errors"] or row["other_errors"] or row["hostile_replies"]:
            print(
                f"{row['phase']}: commands refused {row['errors']}, other refusals (snapshot.get)"
                f" {row['other_errors']}, hostile phone's replies {row['hostile_replies']}"
            )


def markdown_rows(runs: list[dict[str, Any]]) -> str:
    """The phases of the given runs as one Markdown table (for bench/RESULTS.md)."""
    lines = [
        "| run | phase | sent | acked | stored | lost | dup | commands failed (server.error) "
        "| ack p50 / p99 / max ms | gap frames | every screen on the latest version | frozen |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in runs:
        for row in s["phases"]:
            if row["phase"] in ("warmup", "end"):
                latest, frozen = "–", "–"
            elif row["converged"]:
                latest, frozen = f"{row['latest_s']} s after the fault", "0"
            else:
                latest = f"not within {s.get('converge_timeout', '?')} s" + repair_text(row)
                frozen = f"{row['behind']} of {s['phones'] + 1}"
                if row["behind_disconnected"]:
                    frozen += f" ({row['behind_disconnected']} still reconnecting)"
            lines.append(
                f"| {s['label'] or s['when']} | {row['phase']} | {row['sent']} | {row['acked']} "
                f"| {row['stored']} | {row['lost']} | {row['duplicates']} | {row['server_error']} "
                f"| {ack_text(row.get('ack_ms'))} | {row.get('gap_frames', '–')} "
                f"| {latest} | {frozen} |"
            )
    return "\n".join(lines)


def ack_text(ack: dict[str, Any] | None) -> str:
    if not ack or not ack.get("n"):
        return "–"
    return f"{ack['p50']:.0f} / {ack['p99']:.0f} / {ack['max']:.0f}"


def repair_text(row: dict[str, Any]) -> str:
    repair = row.get("repair")
    if not repair:
        return ""
    if repair["ok"]:
        return f"; after restarting every server: {repair['s']} s"
    return f"; still {repair['behind']} behind after restarting every server"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--servers", type=int, default=2, help="Daphne processes (2 or more)")
    parser.add_argument("--phases", default=",".join(PHASES), help="comma-separated, in order")
    parser.add_argument("--rate", type=float, default=5.0, help="mean seconds between sends")
    parser.add_argument(
        "--support-share",
        type=float,
        default=0.9,
        help="share of idea.support among the messages (the rest: idea.submit)",
    )
    parser.add_argument("--reconnect", choices=["home", "other"], default="home")
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument("--calm", type=float, default=5.0, help="seconds after each phase")
    parser.add_argument(
        "--down", type=float, default=2.0, help="seconds a killed server stays down"
    )
    parser.add_argument("--converge-timeout", type=float, default=25.0)
    parser.add_argument("--hostile-seconds", type=float, default=10.0)
    parser.add_argument("--hostile-rate", type=float, default=10.0, help="poisoned frames a second")
    parser.add_argument("--no-repair", dest="repair", action="store_false")
    parser.add_argument("--grace", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--overall-timeout", type=float, default=420.0)
    parser.add_argument("--repo", default=str(REPO), help="code to serve (e.g. a scratch copy)")
    parser.add_argument("--env", action="append", default=[], help="extra server KEY=VALUE")
    parser.add_argument("--label", default="")
    parser.add_argument("--keep-logs", help="copy the server, Redis and PostgreSQL logs there")
    parser.add_argument("--report", action="store_true", help="bench/out/chaos.jsonl as Markdown")
    parser.add_argument("--internal-verify", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--acks", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.internal_verify is not None:
        internal_verify(args.internal_verify, Path(args.acks), args.phones)
        return
    if args.report:
        runs = [json.loads(line) for line in OUT_FILE.read_text(encoding="utf-8").splitlines()]
        print(markdown_rows(runs))
        return
    args.phases = [p for p in args.phases.split(",") if p]
    if not set(args.phases) <= set(PHASES) or not 1 <= args.phones <= 1000 or args.servers < 2:
        parser.error(f"--phases among {','.join(PHASES)}; --phones 1..1000; --servers >= 2")
    try:
        summary = run_bounded(args)
    except KeyboardInterrupt as exc:
        print(f"interrupted ({exc or 'Ctrl-C'}): everything it started is stopped and removed")
        raise SystemExit(130) from None
    print_table(summary)
    OUT_FILE.parent.mkdir(parents=True, exist_ok=True)
    with OUT_FILE.open("a", encoding="utf-8") as f:
        f.write(json.dumps(summary, ensure_ascii=False) + "\n")
    print(f"appended to {OUT_FILE.relative_to(REPO)}")


def run_bounded(args: argparse.Namespace) -> dict[str, Any]:
    """One run under an overall timeout; SIGINT/SIGTERM/timeout all end in ``close()``."""
    harness.ensure_node_modules()

    def interrupt(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, interrupt)  # also when started in the background (SIG_IGN)
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(int(args.overall_timeout) + 60)
    chaos = Chaos(args)
    try:
        return chaos.run()
    finally:
        signal.alarm(0)
        chaos.close()


if __name__ == "__main__":
    main()
