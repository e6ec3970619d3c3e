"""wrk, the HTTP load generator the peers are measured with: one run, its figures,
and the CPU that chosen processes spent under it (Linux /proc).

    figures = wrk.run("http://127.0.0.1:8000/", 5, pids=(server_pid,))
    figures.rps, figures.p50, figures.p99, figures.cpu_us(server_pid)

1 thread x 16 keep-alive connections unless told otherwise, as WireMock and
Prism are usually measured. A run with errors (non-2xx answers, socket
errors) raises: its figures would flatter the server.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

INSTALL = "sudo apt-get install -y wrk"
CONNECTIONS = 16
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def available() -> bool:
    return shutil.which("wrk") is not None


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (Linux /proc; 0 where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Figures:
    requests: int
    seconds: float
    p50: float  # ms
    p99: float  # ms
    cpu: dict[int, float] = field(default_factory=dict)  # pid -> CPU seconds spent during the run

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def cpu_us(self, pid: int) -> float:
        """CPU µs that process spent per request."""
        return self.cpu[pid] / max(self.requests, 1) * 1e6


def run(
    url: str,
    seconds: float,
    *,
    connections: int = CONNECTIONS,
    script: str | None = None,
    pids: Iterable[int] = (),
) -> Figures:
    pids = tuple(pids)
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    if script is not None:
        command += ["-s", script]
    before = {pid: cpu_seconds(pid) for pid in pids}
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    cpu = {pid: cpu_seconds(pid) - before[pid] for pid in pids}
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"{url} answered errors under wrk:\n{out}")
    done = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    if done is None:
        raise RuntimeError(f"wrk printed no figures:\n{out}")
    latency = {int(m[1]): float(m[2]) * _UNITS[m[3]] for m in re.finditer(r"^\s+(\d+)%\s+([\d.]+)(\w+)$", out, re.M)}
    return Figures(
        requests=int(done[1]),
        seconds=float(done[2]) * _UNITS[done[3]] / 1000,
        p50=latency[50],
        p99=latency[99],
        cpu=cpu,
    )


def combined(rounds: list[Figures]) -> Figures:
    """Rounds of the same load as one: requests and seconds summed, percentiles and CPU weighted by requests."""
    requests = sum(r.requests for r in rounds)

    def weighted(value: list[float]) -> float:
        return sum(v * r.requests for v, r in zip(value, rounds, strict=True)) / max(requests, 1)

    pids = set().union(*(r.cpu for r in rounds))
    return Figures(
        requests=requests,
        seconds=sum(r.seconds for r in rounds),
        p50=weighted([r.p50 for r in rounds]),
        p99=weighted([r.p99 for r in rounds]),
        cpu={pid: sum(r.cpu.get(pid, 0.0) for r in rounds) for pid in pids},
    )
