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

Shares the machinery of bench/load_room.py (bench/harness.py: environment, server command, CPU
sampling, --nice, --wait-quiet).
Prints a table and appends one JSON line to bench/out/vote_results.jsonl.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import harness

OUT_FILE = harness.BENCH_DIR / "out" / "vote_results.jsonl"
REPORT_HEAD = (  # the Markdown table of the runs in vote_results.jsonl (for bench/RESULTS.md)
    "| phones | backend | rate s | reveal | connected | ballots/s | ack p50/p95/p99 ms "
    "| board p50/p95/p99 ms | frames/s | MB/s | server CPU % | other CPU % | lost | errors "
    "| tallies equal | label |\n|" + "---|" * 16
)


def markdown_row(s: dict[str, Any]) -> str:
    """One run's row but its label."""
    ack, board = s["ack_ms"], s["board_ms"]
    return (
        f"| {s['phones']} | {s['backend']} | {s['rate_s']:g} | {s['reveal']} "
        f"| {s['connected']}/{s['attempted']} | {s['acks_per_s']:.0f} "
        f"| {harness.markdown_quantiles(ack)} | {harness.markdown_quantiles(board)} "
        f"| {s['frames_per_s']} | {s['bytes_per_s'] / 1e6:.1f} | {harness.markdown_machine(s)} "
        f"| {s['errors_total']} | {'yes' if s['tallies_equal'] else 'NO'} "
    )


# --- Helpers run inside a Django-configured subprocess (same file, hidden sub-commands) ----------


def internal_setup(
    out: Path, phones: int, options: int, dots: int, per_option: int, reveal: str
) -> None:
    """Facilitator, meeting in "vote", N participants, an open dot vote; the client's cookies."""
    harness.django_setup()
    from rooms.enums import RoomPhase
    from rooms.roles import Actor
    from voting import services as voting

    user, meeting, client = harness.create_room("Banc de charge : vote", RoomPhase.VOTE, phones)
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
    vote = {key: created["data"][key] for key in ("vote", "options", "state")}
    out.write_text(json.dumps({**client, **vote}), encoding="utf-8")


def internal_verify(meeting_id: int, vote_id: int, client_file: Path) -> None:
    """Print, as JSON, the stored result, a recount of the Ballot rows and a count of the
    phones' last acknowledged ballots (all with voting.counting, i.e. voting.tally)."""
    harness.django_setup()
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


class VoteBench(harness.LoadBench):
    """Phones casting dot ballots (bench/load/vote-client.mjs); three tallies compared."""

    backends = harness.Backends("bench_vote", redis_db=6)

    tmp_prefix = "ia-vote-"
    client_js = "vote-client.mjs"
    client_margin = 45.0

    def setup_args(self) -> list[str]:
        a = self.args
        return [
            *super().setup_args(),
            *("--options", str(a.options), "--dots", str(a.dots)),
            *("--per-option", str(a.per_option), "--reveal", a.reveal),
        ]

    def setup_line(self, setup: dict[str, Any], seconds: float) -> str:
        return (
            f"setup: migrate + {self.args.phones} participants + vote {setup['vote']} "
            f"({setup['state']}) in {seconds:.1f} s"
        )

    def client_config(self, setup: dict[str, Any]) -> dict[str, Any]:
        a = self.args
        return {
            "vote": setup["vote"],
            "options": setup["options"],
            "max_dots": a.dots,
            "max_per_option": a.per_option,
            "invalid": a.invalid,
            "bucket": a.bucket,
        }

    def verify_args(self, setup: dict[str, Any], result: dict[str, Any]) -> list[str]:
        client_file = self.tmp / "client_ballots.json"
        close = result.get("close") or {}
        client_file.write_text(
            json.dumps({"ballots": result["client_ballots"], "published": close.get("result")}),
            encoding="utf-8",
        )
        return [
            *super().verify_args(setup, result),
            *("--vote-id", str(setup["vote"]), "--client-file", str(client_file)),
        ]


def summarise(args: argparse.Namespace, r: dict[str, Any], db: dict[str, Any]) -> dict[str, Any]:
    """This bench's own result fields (after harness.common_summary's): the three tallies."""
    close = r.get("close") or {}
    tallies_equal = bool(
        db["stored_eq_recount"]
        and db["published_eq_stored"]
        and db["client_eq_recount"]
        and db["raw_eq_recount"]
    )
    return {
        "reveal": args.reveal,
        "sent_invalid": r["sent_invalid"],
        "timeline": r["timeline"],
        "ballots_per_s": round(r["sent"] / r["window_s"], 1),
        "acks_per_s": round(r["acked"] / r["window_s"], 1),
        "board_bytes_per_s": r["board_bytes_per_s"],
        "board_results_events": r["board_results_events"],
        "phone_results_events": r["phone_results_events"],
        "voters_acked": r["voters_acked"],
        "own_ballot_mismatch": r["own_ballot_mismatch"],
        "board_turnout_final": (r.get("board_turnout") or {}).get("ballots"),
        "close_ack_ms": close.get("ack_ms"),
        "close_board_ms": close.get("board_ms"),
        "close_state": close.get("state"),
        "close_error": close.get("error"),
        "db": db,
        "tallies_equal": tallies_equal,
        # Each acked ballot.cast is one stored command; an unanswered one may have committed.
        "commands_check": db["cast_commands_db"] - r["acked"],
    }


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def print_table(s: dict[str, Any]) -> None:
    """The run's result as a two-column table."""
    q = harness.quantiles
    db = s["db"]
    rows = [
        (
            "run",
            f"{s['phones']} phones, {s['backend']}, {harness.markdown_server(s)}, "
            f"rate {s['rate_s']} s"
            + (f" ({s['sends']} sends each)" if s.get("sends") else "")
            + ", "
            f"reveal {s['reveal']}, {s['duration_s']} s",
        ),
        (
            "connected",
            f"{s['connected']}/{s['attempted']}, board {'yes' if s['board_connected'] else 'NO'}"
            f", failures {s['connect_failed']}",
        ),
        ("connect ms p50/p95/p99", q(s["connect_ms"])),
        *([("of which HTTP join", q(s["scan_ms"]))] if s.get("scan") else []),
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
        *harness.wire_rows(s),
        *harness.machine_rows(s),
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
    harness.print_rows(rows, s["server_log_tail"])


def main() -> None:
    parser = harness.new_parser(
        __doc__, duration=60.0, rate=20.0, rate_help="mean seconds between a phone's ballots"
    )
    parser.add_argument("--reveal", choices=["at_close", "live"], default="at_close")
    parser.add_argument("--options", type=int, default=8)
    parser.add_argument("--dots", type=int, default=3)
    parser.add_argument("--per-option", type=int, default=2)
    parser.add_argument(
        "--invalid", type=float, default=0.0, help="share of deliberately invalid ballots"
    )
    parser.add_argument("--bucket", type=float, default=10.0, help="timeline bucket, seconds")
    harness.add_load_arguments(parser, report_help="print bench/out/vote_results.jsonl as Markdown")
    parser.add_argument("--vote-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--client-file", help=argparse.SUPPRESS)
    script = str(Path(__file__).resolve())
    harness.main(
        parser,
        (OUT_FILE, REPORT_HEAD, markdown_row, print_table),
        internal_setup=lambda args: internal_setup(
            Path(args.internal_setup),
            args.phones,
            args.options,
            args.dots,
            args.per_option,
            args.reveal,
        ),
        internal_verify=lambda args: internal_verify(
            args.internal_verify, args.vote_id, Path(args.client_file)
        ),
        run=lambda args: VoteBench(args, script, summarise).run(),
        check=lambda args: (
            ""
            if 2 <= args.options <= 60 and 1 <= args.per_option <= args.dots
            else "--options 2..60, --per-option 1..--dots"
        ),
    )


if __name__ == "__main__":
    main()
