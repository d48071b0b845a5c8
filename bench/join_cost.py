"""Server CPU per phone joining a room: the three pages of a QR scan, then the socket.

    .venv/bin/python bench/join_cost.py                      # SQLite, pages then socket
    .venv/bin/python bench/join_cost.py --backend real       # PostgreSQL + Redis
    .venv/bin/python bench/join_cost.py --part pages         # the pages alone
    .venv/bin/python bench/join_cost.py --part socket        # the socket of phones already joined
    .venv/bin/python bench/join_cost.py --part pages --static  # the pages and their static files
    .venv/bin/python bench/join_cost.py --repo /tmp/before   # the same against another checkout

Issue 14 (a join storm through the join pages). One Daphne process pinned to core 0 serves a
room of ``--ideas`` ideas (300); this script, on core 1, joins ``--phones`` phones (800) from
``--clients`` threads (8) as fast as the server answers: the join page, the join form posted,
the room's page (plain HTTP, the cookies a browser would keep; with ``--static`` the page's
static files too, as a first visit loads them), then the room's socket until its snapshot. It
reads the server's CPU time (``/proc``) before and after and prints the CPU per phone, the
joins a second and the server's share of its core (about 100 %: the server is the limit, so
the CPU per phone is what one core can do). Appends a JSON line to
bench/out/join_cost.jsonl. Loopback only; the server is killed, the temporary directory (and
with ``--backend real`` the bench's database and Redis db) removed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402 - the load benches' environment and server helpers
from machine import proc_cpu_seconds  # noqa: E402 - a process's CPU time from /proc

OUT_FILE = harness.BENCH_DIR / "out" / "join_cost.jsonl"
ROOM_SETUP = str(harness.BENCH_DIR / "load_room.py")  # its --internal-setup: the room
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
ASSET = re.compile(rb'(?:href|src)="(/static/[^"]+)"')  # the room page's stylesheets and script
IMPORT = re.compile(rb'(?:from|import)\s*\(?\s*"(\.{1,2}/[^"]+)"')  # a module's static imports


class Phone:
    """One phone scanning the QR code, over HTTP/1.1 like a browser (one connection)."""

    def __init__(self, port: int, code: str, static: bool = False) -> None:
        self.port, self.code, self.static = port, code, static
        self.device = ""
        self.static_files = 0  # static files loaded (--static)

    def _request(
        self,
        conn: http.client.HTTPConnection,
        method: str,
        path: str,
        body: str = "",
        cookie: str = "",
    ) -> tuple[http.client.HTTPResponse, bytes]:
        headers = {"Host": harness.HOST}
        if cookie:
            headers["Cookie"] = cookie
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        return response, response.read()

    @staticmethod
    def _cookie(response: http.client.HTTPResponse, name: str) -> str:
        for key, value in response.getheaders():
            if key.lower() == "set-cookie" and value.startswith(f"{name}="):
                return value.split(";")[0]
        raise RuntimeError(f"no {name} cookie (HTTP {response.status})")

    def scan(self, name: str) -> None:
        """The join page, the form posted (a new participant), the room's page."""
        conn = http.client.HTTPConnection(harness.HOST, self.port, timeout=60)
        try:
            page, html = self._request(conn, "GET", f"/j/{self.code}")
            token = TOKEN.search(html)
            if page.status != 200 or token is None:
                raise RuntimeError(f"join page: HTTP {page.status}")
            form = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token.group(1).decode(), "name": name}
            )
            csrf = self._cookie(page, "csrftoken")
            joined, _ = self._request(conn, "POST", f"/j/{self.code}", form, csrf)
            if joined.status != 302:
                raise RuntimeError(f"join form: HTTP {joined.status}")
            self.device = self._cookie(joined, "ia_device")
            room, html = self._request(conn, "GET", joined.getheader("Location"), "", self.device)
            if room.status != 200:
                raise RuntimeError(f"room page: HTTP {room.status}")
            if self.static:
                self.load_static(conn, html)
        finally:
            conn.close()

    def load_static(self, conn: http.client.HTTPConnection, html: bytes) -> None:
        """The room page's static files as a browser's first visit loads them: its stylesheets
        and script, then every module those scripts import (the browser cache empty)."""
        todo = [m.decode() for m in ASSET.findall(html)]
        seen = set(todo)
        while todo:
            path = todo.pop()
            response, body = self._request(conn, "GET", path, "", self.device)
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
            self.static_files += 1
            if path.endswith(".js"):
                for module in IMPORT.findall(body):
                    url = posixpath.normpath(
                        posixpath.join(posixpath.dirname(path), module.decode())
                    )
                    if url not in seen:
                        seen.add(url)
                        todo.append(url)

    def open_socket(self) -> None:
        """The room's socket until its snapshot, then closed."""
        from websockets.sync.client import connect

        origin = f"http://{harness.HOST}:{self.port}"
        url = f"ws://{harness.HOST}:{self.port}/ws/room/{self.code}/"
        headers = {"Cookie": self.device, "Origin": origin}
        with connect(url, additional_headers=headers, open_timeout=60) as socket:
            frame = socket.recv(timeout=60)
            if not str(frame).startswith('{"type":"snapshot"'):
                raise RuntimeError(f"first frame not a snapshot: {str(frame)[:80]}")


def in_threads(count: int, work: Callable[[int], None], clients: int) -> None:
    """`work(i)` for i in range(count), from `clients` threads; the first error is raised."""
    errors: list[BaseException] = []

    def run(indexes: range) -> None:
        try:
            for index in indexes:
                work(index)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(range(k, count, clients),)) for k in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def measure(args: argparse.Namespace, pid: int, port: int, code: str) -> dict[str, float]:
    """Join the phones (the part measured: pages, socket or both); CPU and time of the part."""
    phones = [Phone(port, code, args.static and args.part != "socket") for _ in range(args.phones)]
    warm = [Phone(port, code, args.static) for _ in range(20)]
    for n, phone in enumerate(warm):  # the first requests load templates and catalogs
        phone.scan(f"Essai {n}")
        phone.open_socket()
    if args.part == "socket":  # joined beforehand, not measured
        in_threads(args.phones, lambda i: phones[i].scan(f"Tel {i + 1}"), args.clients)

    def join(i: int) -> None:
        if args.part != "socket":
            phones[i].scan(f"Tel {i + 1}")
        if args.part != "pages":
            phones[i].open_socket()

    cpu0, t0 = proc_cpu_seconds(pid), time.monotonic()
    in_threads(args.phones, join, args.clients)
    cpu, seconds = proc_cpu_seconds(pid) - cpu0, time.monotonic() - t0
    return {
        "cpu_ms_per_phone": round(cpu / args.phones * 1000, 2),
        "joins_per_s": round(args.phones / seconds, 1),
        "server_cpu_pct": round(cpu / seconds * 100, 1),
        "seconds": round(seconds, 2),
        "static_files_per_phone": round(sum(p.static_files for p in phones) / args.phones, 1),
    }


def run(args: argparse.Namespace) -> dict[str, object]:
    repo = Path(args.repo).resolve()
    tmp = Path(tempfile.mkdtemp(prefix="ia-join-cost-"))
    backends = harness.Backends("ia_bench_join_cost", 13) if args.backend == "real" else None
    env = harness.bench_env(args, tmp, repo, backends)
    server = None
    try:
        if backends is not None:
            backends.reset()
        harness.run_python(["manage.py", "migrate", "--noinput", "-v", "0"], env, repo, 300)
        if args.static:  # whitenoise serves STATIC_ROOT (DEBUG is off)
            harness.run_python(
                ["manage.py", "collectstatic", "--noinput", "-v", "0"], env, repo, 300
            )
        setup_file = tmp / "setup.json"
        setup_args = ["--phones", "1", "--ideas", str(args.ideas)]
        harness.run_python(
            [ROOM_SETUP, "--internal-setup", str(setup_file), *setup_args], env, repo, 300
        )
        code = json.loads(setup_file.read_text(encoding="utf-8"))["code"]
        port = harness.free_port()
        with (tmp / "server.log").open("wb") as log:
            server = subprocess.Popen(
                harness.server_command(args, port, repo, args.server_core),
                env=env,
                cwd=repo,
                stdout=log,
                stderr=log,
            )
        harness.wait_for_port(port, server, 60)
        os.sched_setaffinity(0, {int(c) for c in str(args.client_core).split(",")})
        result = measure(args, server.pid, port, code)
    finally:
        harness.stop(server)
        if backends is not None:
            backends.drop()
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "bench": "join_cost",
        "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "repo": str(repo),
        "backend": args.backend,
        "part": args.part,
        "phones": args.phones,
        "ideas": args.ideas,
        "label": args.label,
        **result,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["embedded", "real"], default="embedded")
    parser.add_argument("--part", choices=["both", "pages", "socket"], default="both")
    parser.add_argument("--phones", type=int, default=800)
    parser.add_argument("--ideas", type=int, default=300, help="ideas in the room (snapshot)")
    parser.add_argument("--clients", type=int, default=8, help="client threads")
    parser.add_argument(
        "--static",
        action="store_true",
        help="the pages include the room page's static files, as a first visit loads them "
        "straight from the worker (no proxy cache in front)",
    )
    parser.add_argument("--server-core", default="0")
    parser.add_argument("--client-core", default="1")
    parser.add_argument("--repo", default=str(harness.REPO), help="code to serve")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    # What harness.bench_env and harness.server_command read.
    args.server, args.nice, args.env, args.idea_rate_limit = "daphne", 0, [], 1000
    result = run(args)
    print(
        f"{result['phones']} phones ({args.part}), {args.backend}: "
        f"{result['cpu_ms_per_phone']} ms of server CPU per phone, "
        f"{result['joins_per_s']} joins/s, server at {result['server_cpu_pct']} % of its core"
        + (f", {result['static_files_per_phone']} static files each" if args.static else "")
    )
    OUT_FILE.parent.mkdir(exist_ok=True)
    with OUT_FILE.open("a", encoding="utf-8") as out:
        out.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
