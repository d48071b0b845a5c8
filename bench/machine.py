"""What the load benches read of the machine: the CPU of the server processes, the client,
PostgreSQL and Redis over the measured window, each core's load, and whether the machine is
quiet enough to measure (/proc, Linux)."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from typing import Any

CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- /proc readings -------------------------------------------------------------------------------


def proc_cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_status_kib(pid: int, key: str) -> int:
    """A kB line of /proc/<pid>/status (VmRSS, VmHWM); 0 when absent."""
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


def backend_cpu_seconds() -> dict[str, float]:
    """CPU seconds of every PostgreSQL and Redis process of the machine (the real backends)."""
    totals = {"postgresql": 0.0, "redis": 0.0}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/comm", encoding="utf-8") as comm:
                name = comm.read().strip()
            if name.startswith("postgres"):
                totals["postgresql"] += proc_cpu_seconds(int(entry.name))
            elif name.startswith("redis-server"):
                totals["redis"] += proc_cpu_seconds(int(entry.name))
        except OSError:
            continue  # a process that ended meanwhile
    return totals


class Sampler:
    """CPU of the server and the client over the measured window; peak RSS of the server."""

    def __init__(self, server_pids: list[int], client_pid: int) -> None:
        self.server_pids, self.client_pid = server_pids, client_pid
        self.start: dict[str, Any] = {}
        self.result: dict[str, Any] = {}
        self.rss_peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.wait(0.25):
            with contextlib.suppress(OSError):
                rss = sum(proc_status_kib(pid, "VmRSS") for pid in self.server_pids)
                self.rss_peak_kib = max(self.rss_peak_kib, rss)

    def _read(self) -> dict[str, Any]:
        return {
            "t": time.monotonic(),
            "servers": [proc_cpu_seconds(pid) for pid in self.server_pids],
            "client": proc_cpu_seconds(self.client_pid),
            "backends": backend_cpu_seconds(),
            "cores": cores_busy(),
        }

    def mark_start(self) -> None:
        """The measured window starts."""
        self.start = self._read()

    def mark_end(self) -> None:
        """The measured window ends: CPU of server, client, each core and everything else."""
        end = self._read()
        span = end["t"] - self.start["t"]
        each = [
            round(100 * (after - before) / span, 1)
            for before, after in zip(self.start["servers"], end["servers"], strict=True)
        ]
        self.result = {
            # Every server process together; `server_cpu_pct_each` one by one (--servers).
            "server_cpu_pct": round(sum(each), 1),
            "server_cpu_pct_each": each,
            "client_cpu_pct": round(100 * (end["client"] - self.start["client"]) / span, 1),
            # PostgreSQL and Redis (every process of theirs on the machine: with
            # --backend embedded, only what other work made them do).
            "backend_cpu_pct": {
                name: round(100 * (end["backends"][name] - seconds) / span, 1)
                for name, seconds in self.start["backends"].items()
            },
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
            "server_rss_mib": round(
                sum(proc_status_kib(pid, "VmRSS") for pid in self.server_pids) / 1024, 1
            ),
        }

        self.result["other_cpu_pct"] = round(
            sum(self.result["cores_busy_pct"].values())
            - self.result["server_cpu_pct"]
            - self.result["client_cpu_pct"],
            1,
        )

    def stop(self) -> None:
        """Stop polling; record the server's peak RSS."""
        self._stop.set()
        with contextlib.suppress(OSError):
            self.result["server_rss_peak_mib"] = round(
                max(
                    self.rss_peak_kib,
                    sum(proc_status_kib(pid, "VmHWM") for pid in self.server_pids),
                )
                / 1024,
                1,
            )


def machine_busy(seconds: float = 1.0) -> float:
    """The busiest core's load (%) over `seconds`: other work on the machine skews the run."""
    before = cores_busy()
    time.sleep(seconds)
    after = cores_busy()
    return max(
        100 * (after[c][0] - before[c][0]) / max(1, after[c][1] - before[c][1]) for c in after
    )


def wait_quiet(limit_s: float, threshold: float = 25.0) -> float:
    """Wait up to `limit_s` for every core under `threshold` %; return the busiest core's %."""
    deadline = time.monotonic() + limit_s
    busy = machine_busy()
    while busy > threshold and time.monotonic() < deadline:
        print(f"machine busy ({busy:.0f} % on a core): waiting for it to calm down")
        busy = machine_busy(5.0)
    if busy > threshold:
        print(f"warning: a core is {busy:.0f} % busy before the run: numbers will be noisy")
    return round(busy, 1)
