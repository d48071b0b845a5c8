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
import json
from pathlib import Path
from typing import Any

import harness

OUT_FILE = harness.BENCH_DIR / "out" / "results.jsonl"
REPORT_HEAD = (  # the Markdown table of the runs in results.jsonl (for bench/RESULTS.md)
    "| phones | backend | server | rate s | connected | ack p50/p95/p99 ms "
    "| board p50/p95/p99 ms | acks/s | frames/s | MB/s | server CPU % | other CPU % "
    "| lost | DB check | label |\n|" + "---|" * 15
)


def markdown_row(s: dict[str, Any]) -> str | None:
    """One run's row but its label (None: written by an older version of this script)."""
    if "acked_not_stored" not in s["db_check"]:
        return None
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
    return (
        f"| {s['phones']} | {s['backend']} | {harness.markdown_server(s)} | {s['rate_s']:g} "
        f"| {s['connected']}/{s['attempted']} "
        f"| {harness.markdown_quantiles(ack)} | {harness.markdown_quantiles(board)} "
        f"| {acks:.0f} | {s['frames_per_s']} | {s['bytes_per_s'] / 1e6:.1f} "
        f"| {harness.markdown_machine(s)} | {check} "
    )


# --- Helpers run inside a Django-configured subprocess (same file, hidden sub-commands) ----------


def internal_setup(out: Path, phones: int, ideas: int) -> None:
    """Facilitator, meeting in "collect", N participants (and `ideas` ideas already posted);
    write the load client's cookies."""
    harness.django_setup()
    from rooms.enums import RoomPhase

    _user, meeting, client = harness.create_room("Banc de charge", RoomPhase.COLLECT, phones)
    harness.add_ideas(meeting.pk, ideas)
    out.write_text(json.dumps(client), encoding="utf-8")


def internal_verify(meeting_id: int) -> None:
    """Print what the database holds for the meeting, as JSON."""
    harness.django_setup()
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


# --- The run --------------------------------------------------------------------------------------


class RoomBench(harness.LoadBench):
    """Phones posting ideas and supports (bench/load/client.mjs); ideas and supports counted."""

    backends = harness.Backends("bench_load", redis_db=5)

    def setup_args(self) -> list[str]:
        return [*super().setup_args(), "--ideas", str(self.args.ideas)]

    def client_config(self, setup: dict[str, Any]) -> dict[str, Any]:
        return {"arrival": self.args.arrival, "support_share": self.args.support_share}


def db_check(r: dict[str, Any], db: dict[str, Any], ideas_before: int) -> dict[str, Any]:
    """The ideas and supports stored (beyond the `ideas_before` of the setup) against the acks
    the phones received."""
    db = {**db, "ideas": db["ideas"] - ideas_before}
    acked_ideas = r["acked"]["idea.submit"]
    acked_supports = r["acked"]["idea.support"]
    lost_ideas = r["lost_kinds"].get("idea.submit", 0)
    lost_supports = r["lost_kinds"].get("idea.support", 0)
    check = {
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
    check["ok"] = db["ideas"] == acked_ideas and db["supports"] == acked_supports
    return check


def summarise(args: argparse.Namespace, r: dict[str, Any], db: dict[str, Any]) -> dict[str, Any]:
    """This bench's own result fields (after harness.common_summary's): the database check."""
    return {
        "arrival": args.arrival,
        "connected_pct": round(100 * r["connected"] / max(1, r["attempted"]), 2),
        "lost_kinds": r["lost_kinds"],
        "overlaps": r["overlaps"],
        "commands_per_s": round(sum(r["sent"].values()) / r["window_s"], 1),
        "support_share": args.support_share,
        "ideas_before": args.ideas,
        "db_check": db_check(r, db, args.ideas),
    }


def print_table(s: dict[str, Any]) -> None:
    """The run's result as a two-column table."""
    q = harness.quantiles
    db = s["db_check"]
    rows = [
        (
            "run",
            f"{s['phones']} phones, {s['backend']}, {harness.markdown_server(s)},"
            f" rate {s['rate_s']} s"
            + (f" ({s['sends']} sends each)" if s.get("sends") else "")
            + f", supports {s.get('support_share', 0.5):.0%},"
            f" {s.get('ideas_before', 0)} ideas before",
        ),
        (
            "connected",
            f"{s['connected']}/{s['attempted']} ({s['connected_pct']} %), "
            f"board {'yes' if s['board_connected'] else 'NO'}, failures {s['connect_failed']}",
        ),
        ("connect ms p50/p95/p99", q(s["connect_ms"])),
        *([("of which HTTP join", q(s["scan_ms"]))] if s.get("scan") else []),
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
        *harness.wire_rows(s),
        *harness.machine_rows(s),
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
    harness.print_rows(rows, s["server_log_tail"])


def main() -> None:
    parser = harness.new_parser(
        __doc__, duration=30.0, rate=3.0, rate_help="mean seconds between sends"
    )
    parser.add_argument("--arrival", choices=["uniform", "exp"], default="uniform")
    parser.add_argument(
        "--support-share", type=float, default=0.5, help="share of idea.support among sends"
    )
    parser.add_argument("--ideas", type=int, default=0, help="ideas in the room before the run")
    harness.add_load_arguments(
        parser, report_help="print bench/out/results.jsonl as Markdown, exit"
    )
    harness.main(
        parser,
        (OUT_FILE, REPORT_HEAD, markdown_row, print_table),
        internal_setup=lambda args: internal_setup(
            Path(args.internal_setup), args.phones, args.ideas
        ),
        internal_verify=lambda args: internal_verify(args.internal_verify),
        run=lambda args: RoomBench(args, str(Path(__file__).resolve()), summarise).run(),
    )


if __name__ == "__main__":
    main()
