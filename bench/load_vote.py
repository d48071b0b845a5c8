"""Load benchmark of a live vote in one meeting room: N phones cast and revise dot ballots.

    .venv/bin/python bench/load_vote.py --phones 1000 --duration 60 --backend embedded
    .venv/bin/python bench/load_vote.py --phones 1000 --duration 60 --backend real --rate 5

Sets up a throwaway environment (embedded: temporary SQLite, in-memory layer; real: PostgreSQL
database ``bench_vote`` and Redis db 6), creates a facilitator, a meeting in phase "vote", N
participants and an open dot vote (8 options, 3 dots, at most 2 per option) through
voting.services, starts ONE server process pinned to core 0 and the Node load client
(bench/load/vote-client.mjs) pinned to core 1. Each phone casts a ballot in the first ``--rate``
seconds, then revises it every ``--rate`` seconds on average; the board (the facilitator)
closes the vote at the end. Then three tallies are compared: the result the server stored and
published, a recount of the database's Ballot rows (voting.counting / voting.tally), and the
phones' own record of their last acknowledged ballots counted the same way.

Shares the machinery of bench/load_room.py (server command, CPU sampling, --nice, --wait-quiet).
Prints a table and appends one JSON line to bench/out/vote_results.jsonl.
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import load_room as room

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
OUT_FILE = BENCH_DIR / "out" / "vote_results.jsonl"
PG_DB = "bench_vote"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
REDIS_URL = "redis://127.0.0.1:6379/6"
HOST = room.HOST
MAX_PHONES = 20000

# --- Helpers run inside a Django-configured subprocess (same file, hidden sub-commands) ----------


def internal_setup(
    out: Path, phones: int, options: int, dots: int, per_option: int, reveal: str
) -> None:
    """Facilitator, meeting in "vote", N participants, an open dot vote; the client's cookies."""
    room._django()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core import signing
    from django.test import Client

    from deliberation import services
    from rooms.enums import RoomPhase
    from rooms.models import Meeting, Participant
    from rooms.roles import Actor
    from voting import services as voting

    user = get_user_model().objects.create_user("bench-facilitator", password=None)
    meeting = services.meeting_create(owner=user, title="Banc de charge : vote")
    Meeting.objects.filter(pk=meeting.pk).update(phase=RoomPhase.VOTE)
    devices = [secrets.token_hex(16) for _ in range(phones)]
    Participant.objects.bulk_create(
        [
            Participant(meeting=meeting, device=device, display_name=f"Téléphone {i + 1}")
            for i, device in enumerate(devices)
        ],
        batch_size=500,
    )
    created = voting.vote_create(
        meeting_id=meeting.pk,
        actor=Actor(user_id=user.pk, facilitator=True),
        client_id="bench-create",
        method="dots",
        title="Quelles pistes en priorité ?",
        options=[{"label": f"Piste {i + 1}"} for i in range(options)],
        settings={"max_dots": dots, "max_per_option": per_option},
        reveal=reveal,
        open_now=True,
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
                "vote": created["data"]["vote"],
                "options": created["data"]["options"],
                "state": created["data"]["state"],
                "phones": [f"{settings.PARTICIPANT_COOKIE_NAME}={signer.sign(d)}" for d in devices],
                "board_cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
            }
        ),
        encoding="utf-8",
    )


def internal_verify(meeting_id: int, vote_id: int, client_file: Path) -> None:
    """Print, as JSON, the stored result, a recount of the Ballot rows and a count of the
    phones' last acknowledged ballots (all with voting.counting, i.e. voting.tally)."""
    room._django()
    from rooms.models import ClientCommand, Meeting
    from voting import counting, selectors, tally
    from voting.models import Ballot, Vote

    client = json.loads(client_file.read_text(encoding="utf-8"))
    vote = Vote.objects.get(pk=vote_id, meeting_id=meeting_id)
    options = [{"id": o.pk, "label": o.label} for o in vote.options.all()]
    paper = selectors._paper_entries(vote)  # the recount's own input
    rows = list(Ballot.objects.filter(vote=vote).values_list("content", flat=True))

    def count(ballots: list[Any]) -> dict[str, Any]:
        return counting.count(
            method=vote.method,
            settings=vote.settings,
            options=options,
            ballots=ballots,
            paper=paper,
        )

    recount = count(rows)
    mine = count(client["ballots"])
    # The same totals straight from voting.tally, without counting.py's normalisation.
    raw = tally.tally_dots(
        [counting.tally_input(vote.method, b) for b in rows],
        options=[o["id"] for o in options],
        max_dots=vote.settings["max_dots"],
        max_per_option=vote.settings["max_per_option"],
    )
    stored = vote.cached_results
    published = client.get("published")
    print(
        json.dumps(
            {
                "state": vote.state,
                "ballots_db": len(rows),
                "ballots_client": len(client["ballots"]),
                "cast_commands_db": ClientCommand.objects.filter(
                    meeting_id=meeting_id, actor__startswith="p:"
                ).count(),
                "seq": Meeting.objects.get(pk=meeting_id).seq,
                "stored_totals": stored["tally"]["totals"] if stored else None,
                "published_totals": published["tally"]["totals"] if published else None,
                "recount_totals": recount["tally"]["totals"],
                "raw_tally_totals": {str(k): v for k, v in raw.totals.items()},
                "client_totals": mine["tally"]["totals"],
                "stored_eq_recount": stored == recount,
                "published_eq_stored": published == stored,
                "client_eq_recount": mine == recount,
                "raw_eq_recount": {str(k): v for k, v in raw.totals.items()}
                == recount["tally"]["totals"],
                "ranking": [p["options"] for p in recount["tally"]["ranking"]],
            }
        )
    )


# --- The run --------------------------------------------------------------------------------------


def reset_real_backends() -> None:
    import redis

    room.pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    room.pg_admin(f"CREATE DATABASE {PG_DB}")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    client.flushdb()
    client.close()


def drop_real_backends() -> None:
    import redis

    try:
        room.pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
        client.flushdb()
        client.close()
    except Exception as exc:  # cleanup must not hide the run's error
        print(f"warning: cleanup of the real backends failed: {exc}")


def vote_env(args: argparse.Namespace, tmp: Path, repo: Path) -> dict[str, str]:
    env = room.bench_env(args, tmp, repo)
    if args.backend == "real":
        env["DATABASE_URL"] = PG_URL
        env["REDIS_URL"] = REDIS_URL
    return env


def run(args: argparse.Namespace) -> dict[str, Any]:
    repo = Path(args.repo).resolve()
    room.ensure_node_modules()
    tmp = Path(tempfile.mkdtemp(prefix="ia-vote-"))
    env = vote_env(args, tmp, repo)
    script = str(Path(__file__).resolve())
    server: subprocess.Popen[bytes] | None = None
    client: subprocess.Popen[str] | None = None
    profiler: subprocess.Popen[bytes] | None = None
    try:
        if args.backend == "real":
            reset_real_backends()
        t0 = time.monotonic()
        room.run_python(["manage.py", "migrate", "--noinput", "-v", "0"], env, repo, 300)
        setup_file = tmp / "setup.json"
        room.run_python(
            [
                script,
                "--internal-setup",
                str(setup_file),
                "--phones",
                str(args.phones),
                "--options",
                str(args.options),
                "--dots",
                str(args.dots),
                "--per-option",
                str(args.per_option),
                "--reveal",
                args.reveal,
            ],
            env,
            repo,
            300,
        )
        setup = json.loads(setup_file.read_text(encoding="utf-8"))
        print(
            f"setup: migrate + {args.phones} participants + vote {setup['vote']} "
            f"({setup['state']}) in {time.monotonic() - t0:.1f} s"
        )

        busy_before = room.wait_quiet(args.wait_quiet)
        port = args.port or room.free_port()
        server_log = (tmp / "server.log").open("wb")
        server = subprocess.Popen(
            room.server_command(args, port, repo),
            env=env,
            cwd=repo,
            stdout=server_log,
            stderr=server_log,
            start_new_session=bool(args.nice),
        )
        room.raise_autogroup(server.pid, args.nice)
        room.wait_for_port(port, server, 60)

        overall = args.phones / args.ramp + args.connect_timeout + args.duration + args.grace + 45
        client_cfg = tmp / "client.json"
        client_cfg.write_text(
            json.dumps(
                {
                    "url": f"ws://{HOST}:{port}/ws/room/{setup['code']}/",
                    "origin": f"http://{HOST}:{port}",
                    "phones": setup["phones"],
                    "board_cookie": setup["board_cookie"],
                    "vote": setup["vote"],
                    "options": setup["options"],
                    "max_dots": args.dots,
                    "max_per_option": args.per_option,
                    "invalid": args.invalid,
                    "duration": args.duration,
                    "rate": args.rate,
                    "ramp": args.ramp,
                    "grace": args.grace,
                    "seed": args.seed,
                    "bucket": args.bucket,
                    "connect_timeout": args.connect_timeout,
                    "overall_timeout": overall,
                }
            ),
            encoding="utf-8",
        )
        client = subprocess.Popen(
            [
                *room.priority(args),
                "taskset",
                "-c",
                str(args.client_core),
                "node",
                str(room.LOAD_DIR / "vote-client.mjs"),
                str(client_cfg),
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=room.LOAD_DIR,
            start_new_session=bool(args.nice),
        )
        room.raise_autogroup(client.pid, args.nice)
        killer = threading.Timer(overall + 15, client.kill)
        killer.start()
        sampler = room.Sampler(server.pid, client.pid)
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
                    profiler = room.start_profiler(args, server.pid)
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
        server_alive = server.poll() is None
        server.kill()
        server.wait(timeout=10)
        client_file = tmp / "client_ballots.json"
        close = result.get("close") or {}
        client_file.write_text(
            json.dumps({"ballots": result["client_ballots"], "published": close.get("result")}),
            encoding="utf-8",
        )
        db = json.loads(
            room.run_python(
                [
                    script,
                    "--internal-verify",
                    str(setup["meeting_id"]),
                    "--vote-id",
                    str(setup["vote"]),
                    "--client-file",
                    str(client_file),
                ],
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
        room.stop(server)
        if args.backend == "real":
            drop_real_backends()
        shutil.rmtree(tmp, ignore_errors=True)


def summarise(
    args: argparse.Namespace,
    r: dict[str, Any],
    cpu: dict[str, Any],
    db: dict[str, Any],
    server_alive: bool,
    log_tail: str,
) -> dict[str, Any]:
    close = r.get("close") or {}
    tallies_equal = bool(
        db["stored_eq_recount"]
        and db["published_eq_stored"]
        and db["client_eq_recount"]
        and db["raw_eq_recount"]
    )
    board_turnout = (r.get("board_turnout") or {}).get("ballots")
    errors_total = sum(r["errors"].values())
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "phones": args.phones,
        "backend": args.backend,
        "server": args.server,
        "rate_s": args.rate,
        "reveal": args.reveal,
        "duration_s": args.duration,
        "extra_env": args.env,
        "nice": args.nice,
        "repo": str(Path(args.repo).resolve()),
        "connected": r["connected"],
        "attempted": r["attempted"],
        "connect_failed": r["connect_failed"],
        "connect_ms": r["connect_ms"],
        "board_connected": r["board_connected"],
        "sent": r["sent"],
        "sent_invalid": r["sent_invalid"],
        "acked": r["acked"],
        "ack_ms": r["ack_ms"],
        "board_ms": r["board_ms"],
        "board_missing": r["board_missing"],
        "timeline": r["timeline"],
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
        "ballots_per_s": round(r["sent"] / r["window_s"], 1),
        "acks_per_s": round(r["acked"] / r["window_s"], 1),
        "frames_per_s": r["frames_per_s"],
        "bytes_per_s": r["bytes_per_s"],
        "board_frames": r["board_frames"],
        "board_bytes_per_s": r["board_bytes_per_s"],
        "board_results_events": r["board_results_events"],
        "phone_results_events": r["phone_results_events"],
        "client_loop_lag_ms": r["client_loop_lag_ms"],
        "voters_acked": r["voters_acked"],
        "own_ballot_mismatch": r["own_ballot_mismatch"],
        "board_turnout_final": board_turnout,
        "close_ack_ms": close.get("ack_ms"),
        "close_board_ms": close.get("board_ms"),
        "close_state": close.get("state"),
        "close_error": close.get("error"),
        **cpu,
        "db": db,
        "tallies_equal": tallies_equal,
        # Each acked ballot.cast is one stored command; an unanswered one may have committed.
        "commands_check": db["cast_commands_db"] - r["acked"],
        "server_alive_at_end": server_alive,
        "client_end": r["reason"],
        "server_log_tail": log_tail if (errors_total or not server_alive or r["lost"]) else "",
    }


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def print_table(s: dict[str, Any]) -> None:
    def q(d: dict[str, Any]) -> str:
        return f"{d['p50']} / {d['p95']} / {d['p99']} (max {d['max']}, n={d['n']})"

    db = s["db"]
    rows = [
        (
            "run",
            f"{s['phones']} phones, {s['backend']}, {s['server']}, rate {s['rate_s']} s, "
            f"reveal {s['reveal']}, {s['duration_s']} s",
        ),
        (
            "connected",
            f"{s['connected']}/{s['attempted']}, board {'yes' if s['board_connected'] else 'NO'}"
            f", failures {s['connect_failed']}",
        ),
        ("connect ms p50/p95/p99", q(s["connect_ms"])),
        ("ballots sent", f"{s['sent']} = {s['ballots_per_s']}/s ({s['sent_invalid']} invalid)"),
        ("acked", f"{s['acked']} = {s['acks_per_s']}/s"),
        ("ack ms p50/p95/p99", q(s["ack_ms"])),
        ("turnout on board ms", q(s["board_ms"]) + f", never on board: {s['board_missing']}"),
        (
            "by send time (s)",
            "; ".join(
                f"{b['from_s']:g}: {b['acks']} acks, ack p99 {b['ack_p99']}, board p99 "
                f"{b['board_p99']}"
                for b in s["timeline"]
            ),
        ),
        ("errors", f"{s['errors']} (expected refusals {s['refusals']})"),
        ("lost (no answer +grace)", str(s["lost"])),
        ("closes / reconnects", f"{s['unexpected_close']} / {s['reconnects']}"),
        (
            "chain breaks / gaps",
            f"phones {s['chain_breaks']}, board {s['board_chain_breaks']} / "
            f"{s['gap_frames']} gap frames, {s['resyncs']} resyncs",
        ),
        (
            "frames/s, bytes/s",
            f"{s['frames_per_s']}, {s['bytes_per_s'] / 1e6:.2f} MB/s (board "
            f"{s['board_bytes_per_s'] / 1e3:.0f} kB/s; events with results: board "
            f"{s['board_results_events']}, phones {s['phone_results_events']})",
        ),
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
            f"{s.get('cores_busy_pct')} / {s.get('other_cpu_pct')} % used by other processes "
            f"(busiest core before the run: {s.get('busy_before_pct')} %)",
        ),
        (
            "vote.close",
            f"ack {_ms(s['close_ack_ms'])} ms, published on board {_ms(s['close_board_ms'])} ms, "
            f"state {s['close_state']} {s['close_error'] or ''}",
        ),
        (
            "turnout",
            f"DB {db['ballots_db']} ballots, phones with an acked ballot {db['ballots_client']}, "
            f"board's last turnout {s['board_turnout_final']}; own-ballot view mismatches "
            f"{s['own_ballot_mismatch']}",
        ),
        (
            "stored commands",
            f"{db['cast_commands_db']} ballot.cast in DB vs {s['acked']} acked "
            f"(difference {s['commands_check']})",
        ),
        ("(1) stored result", json.dumps(db["stored_totals"])),
        ("(1b) published on board", json.dumps(db["published_totals"])),
        ("(2) DB recount", json.dumps(db["recount_totals"])),
        ("(2b) raw tally_dots", json.dumps(db["raw_tally_totals"])),
        ("(3) phones' last acks", json.dumps(db["client_totals"])),
        (
            "tallies equal",
            f"{'YES' if s['tallies_equal'] else 'NO'} (stored=recount {db['stored_eq_recount']}, "
            f"published=stored {db['published_eq_stored']}, phones=recount "
            f"{db['client_eq_recount']}, raw=recount {db['raw_eq_recount']}; whole result "
            "objects compared)",
        ),
    ]
    width = max(len(k) for k, _v in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    if s["server_log_tail"]:
        print("--- server log (tail) ---\n" + s["server_log_tail"])


def markdown_table(path: Path) -> str:
    """The runs stored in vote_results.jsonl as a Markdown table (for bench/RESULTS.md)."""
    head = (
        "| phones | backend | rate s | reveal | connected | ballots/s | ack p50/p95/p99 ms "
        "| board p50/p95/p99 ms | frames/s | MB/s | server CPU % | other CPU % | lost | errors "
        "| tallies equal | label |\n|" + "---|" * 16
    )
    lines = [head]
    for raw in path.read_text(encoding="utf-8").splitlines():
        s = json.loads(raw)
        ack, board = s["ack_ms"], s["board_ms"]
        lines.append(
            f"| {s['phones']} | {s['backend']} | {s['rate_s']:g} | {s['reveal']} "
            f"| {s['connected']}/{s['attempted']} | {s['acks_per_s']:.0f} "
            f"| {ack['p50']:.0f} / {ack['p95']:.0f} / {ack['p99']:.0f} "
            f"| {board['p50']:.0f} / {board['p95']:.0f} / {board['p99']:.0f} "
            f"| {s['frames_per_s']} | {s['bytes_per_s'] / 1e6:.1f} "
            f"| {s.get('server_cpu_pct')} | {s.get('other_cpu_pct')} | {s['lost']} "
            f"| {s['errors_total']} | {'yes' if s['tallies_equal'] else 'NO'} "
            f"| {s.get('label', '')} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds")
    parser.add_argument("--backend", choices=["embedded", "real"], default="embedded")
    parser.add_argument("--server", choices=["daphne", "uvicorn"], default="daphne")
    parser.add_argument(
        "--rate", type=float, default=20.0, help="mean seconds between a phone's ballots"
    )
    parser.add_argument("--reveal", choices=["at_close", "live"], default="at_close")
    parser.add_argument("--options", type=int, default=8)
    parser.add_argument("--dots", type=int, default=3)
    parser.add_argument("--per-option", type=int, default=2)
    parser.add_argument(
        "--invalid", type=float, default=0.0, help="share of deliberately invalid ballots"
    )
    parser.add_argument("--ramp", type=float, default=200.0, help="connections per second")
    parser.add_argument("--grace", type=float, default=5.0)
    parser.add_argument("--connect-timeout", type=float, default=20.0)
    parser.add_argument("--bucket", type=float, default=10.0, help="timeline bucket, seconds")
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
        "--report", action="store_true", help="print bench/out/vote_results.jsonl as Markdown"
    )
    parser.add_argument("--internal-setup", help=argparse.SUPPRESS)
    parser.add_argument("--internal-verify", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--vote-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--client-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.report:
        print(markdown_table(OUT_FILE))
        return
    if args.internal_setup:
        internal_setup(
            Path(args.internal_setup),
            args.phones,
            args.options,
            args.dots,
            args.per_option,
            args.reveal,
        )
        return
    if args.internal_verify is not None:
        internal_verify(args.internal_verify, args.vote_id, Path(args.client_file))
        return
    if not 1 <= args.phones <= MAX_PHONES or args.duration <= 0 or args.rate <= 0:
        parser.error(f"--phones 1..{MAX_PHONES}, --duration and --rate > 0")
    if not 2 <= args.options <= 60 or not 1 <= args.per_option <= args.dots:
        parser.error("--options 2..60, --per-option 1..--dots")
    summary = run(args)
    summary["label"] = args.label
    print_table(summary)
    OUT_FILE.parent.mkdir(parents=True, exist_ok=True)
    with OUT_FILE.open("a", encoding="utf-8") as f:
        f.write(json.dumps(summary, ensure_ascii=False) + "\n")
    print(f"appended to {OUT_FILE.relative_to(REPO)}")


if __name__ == "__main__":
    main()
