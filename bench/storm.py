"""Snapshot storm: does one phone still get quick acks while 100 sockets ask for snapshots?

    .venv/bin/python bench/storm.py
    .venv/bin/python bench/storm.py --repo /tmp/before   # the same against another checkout

Issue 10, item 5. One Daphne process (embedded backend: temporary SQLite, in-memory layer)
pinned to core 0; this script's client (Python ``websockets``) on core 1. The room holds
``--ideas`` ideas (150); a victim phone supports one and withdraws the support, in turn, every
``--every`` seconds (so the room keeps its size) and measures send → ack. First quiet (the other
sockets connected and idle), then during a storm: ``--attackers`` sockets, each its own
participant, each sending ``snapshot.get`` ``--storm-rate`` times a second (``--same-device``:
every attacker socket with one phone's cookie, as measured in the issue). Prints ack p50/p99 of
both windows and their ratio, the snapshots the attackers received, and appends a JSON line to
bench/out/storm.jsonl. Loopback only; the server is killed and the temporary directory removed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402 - the load benches' environment and server helpers

OUT_FILE = harness.BENCH_DIR / "out" / "storm.jsonl"
ROOM_SETUP = str(harness.BENCH_DIR / "load_room.py")  # its --internal-setup: the room


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def _connect(url: str, origin: str, cookie: str) -> Any:
    import websockets

    ws = await websockets.connect(
        url, origin=origin, additional_headers={"Cookie": cookie}, compression=None
    )
    while json.loads(await ws.recv())["type"] != "snapshot":
        pass
    return ws


def internal_ideas(setup_file: Path, count: int) -> None:
    """Give the room `count` visible ideas by its other phones (a room of realistic size: the
    cost of a snapshot grows with it); write the first idea's id into the setup file."""
    harness.django_setup()
    setup = json.loads(setup_file.read_text(encoding="utf-8"))
    setup["idea"] = harness.add_ideas(setup["meeting_id"], count)
    setup_file.write_text(json.dumps(setup), encoding="utf-8")


async def _victim(ws: Any, seconds: float, every: float, idea: int) -> list[float]:
    """Support and withdraw the support of one idea, in turn, for `seconds` (the room keeps its
    size); return the ack latencies in ms."""
    latencies: list[float] = []
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
        message_id = f"v{time.monotonic_ns()}"
        sent = time.monotonic()
        kind = "idea.support" if n % 2 else "idea.unsupport"
        frame = {"type": kind, "id": message_id, "data": {"idea": idea}}
        await ws.send(json.dumps(frame))
        while True:
            reply = json.loads(await ws.recv())
            if reply.get("id") == message_id and reply["type"] in {"ack", "error"}:
                break
        if reply["type"] == "ack":
            latencies.append((time.monotonic() - sent) * 1000)
        await asyncio.sleep(max(0.0, every - (time.monotonic() - sent)))
    return latencies


async def _attacker(ws: Any, seconds: float, rate: float, counts: dict[str, int]) -> None:
    import websockets

    async def read() -> None:
        async for text in ws:
            if text.startswith('{"type":"snapshot"'):
                counts["snapshots"] += 1

    reader = asyncio.create_task(read())
    end = time.monotonic() + seconds
    n = 0
    try:
        while time.monotonic() < end:
            n += 1
            await ws.send(json.dumps({"type": "snapshot.get", "id": f"s{n}"}))
            counts["asked"] += 1
            await asyncio.sleep(1 / rate)
    except websockets.ConnectionClosed:
        counts["closed_by_server"] += 1
    reader.cancel()


async def _measure(url: str, origin: str, setup: dict[str, Any], args: argparse.Namespace):
    phones = setup["phones"]
    victim = await _connect(url, origin, phones[0])
    cookies = [phones[1]] * args.attackers if args.same_device else phones[1:]
    attackers = [await _connect(url, origin, cookie) for cookie in cookies]
    quiet = await _victim(victim, args.seconds, args.every, setup["idea"])
    counts = {"asked": 0, "snapshots": 0, "closed_by_server": 0}
    storm = asyncio.gather(
        *(_attacker(ws, args.seconds, args.storm_rate, counts) for ws in attackers)
    )
    stormy = await _victim(victim, args.seconds, args.every, setup["idea"])
    await storm
    for ws in (victim, *attackers):
        await ws.close()
    return quiet, stormy, counts


def run(args: argparse.Namespace) -> dict[str, Any]:
    repo = Path(args.repo).resolve()
    tmp = Path(tempfile.mkdtemp(prefix="ia-storm-"))
    env = harness.bench_env(
        argparse.Namespace(backend="embedded", idea_rate_limit=1000, env=[]), tmp, repo
    )
    server = None
    try:
        harness.run_python(["manage.py", "migrate", "--noinput", "-v", "0"], env, repo, 300)
        setup_file = tmp / "setup.json"
        harness.run_python(
            [ROOM_SETUP, "--internal-setup", str(setup_file)]
            + ["--phones", str(args.attackers + 1)],
            env,
            repo,
            300,
        )
        harness.run_python(
            [__file__, "--internal-ideas", str(setup_file), "--ideas", str(args.ideas)],
            env,
            repo,
            300,
        )
        setup = json.loads(setup_file.read_text(encoding="utf-8"))
        port = harness.free_port()
        server_cmd = harness.server_command(
            argparse.Namespace(nice=0, server_core=0, server="daphne"), port, repo
        )
        server = subprocess.Popen(
            server_cmd, env=env, cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        harness.wait_for_port(port, server, 60)
        url = f"ws://{harness.HOST}:{port}/ws/room/{setup['code']}/"
        origin = f"http://{harness.HOST}:{port}"
        os.sched_setaffinity(0, {1})  # the client on core 1, the server on core 0
        quiet, stormy, counts = asyncio.run(_measure(url, origin, setup, args))
    finally:
        harness.stop(server)
        shutil.rmtree(tmp, ignore_errors=True)
    result = {
        "repo": str(repo),
        "attackers": args.attackers,
        "ideas": args.ideas,
        "same_device": args.same_device,
        "storm_rate": args.storm_rate,
        "quiet_p50_ms": round(statistics.median(quiet), 1),
        "quiet_p99_ms": round(percentile(quiet, 0.99), 1),
        "storm_p50_ms": round(statistics.median(stormy), 1),
        "storm_p99_ms": round(percentile(stormy, 0.99), 1),
        "acks": [len(quiet), len(stormy)],
        "snapshots_asked": counts["asked"],
        "snapshots_sent": counts["snapshots"],
        "attackers_closed_by_server": counts["closed_by_server"],
    }
    result["p99_ratio"] = round(result["storm_p99_ms"] / result["quiet_p99_ms"], 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attackers", type=int, default=100)
    parser.add_argument("--storm-rate", type=float, default=10.0, help="snapshot.get per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="each window")
    parser.add_argument("--every", type=float, default=0.1, help="victim's seconds between sends")
    parser.add_argument("--ideas", type=int, default=150, help="ideas in the room")
    parser.add_argument("--internal-ideas", help=argparse.SUPPRESS)
    parser.add_argument(
        "--same-device", action="store_true", help="every attacker socket with one phone's cookie"
    )
    parser.add_argument("--repo", default=str(harness.REPO), help="code to serve")
    args = parser.parse_args()
    if args.internal_ideas:
        internal_ideas(Path(args.internal_ideas), args.ideas)
        return
    result = run(args)
    OUT_FILE.parent.mkdir(exist_ok=True)
    with OUT_FILE.open("a", encoding="utf-8") as f:
        f.write(json.dumps({"at": time.strftime("%Y-%m-%d %H:%M"), **result}) + "\n")
    print(
        f"victim ack quiet p50/p99 {result['quiet_p50_ms']}/{result['quiet_p99_ms']} ms, "
        f"storm p50/p99 {result['storm_p50_ms']}/{result['storm_p99_ms']} ms "
        f"(p99 ratio {result['p99_ratio']}); snapshots {result['snapshots_sent']} sent of "
        f"{result['snapshots_asked']} asked; acks {result['acks']}; "
        f"attacker sockets closed by the server {result['attackers_closed_by_server']}"
    )


if __name__ == "__main__":
    main()
