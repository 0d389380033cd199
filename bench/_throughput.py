"""The load loop the door benchmarks share: workers for a while, requests/s and CPU per request.

Its own module so `bench.momento_server` and `bench._grpc_door_load` (which the former runs in a
child process) both import it rather than each other. The leading underscore keeps
`python -m bench` from running it as a benchmark.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any


def member(index: int) -> str:
    return f"player-{index:07d}"


@dataclass(frozen=True)
class Throughput:
    """A load run's requests/s, and the CPU each request cost the server and the load."""

    requests_per_second: float
    server_cpu_us: float
    load_cpu_us: float


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far, all its threads (from /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = (
            stat.read().rsplit(")", 1)[1].split()
        )  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def for_seconds(
    concurrency: int,
    seconds: float,
    one_round: Callable[[random.Random], Coroutine[Any, Any, None]],
    server_pid: int,
) -> Throughput:
    """Run `one_round` (2 requests) from `concurrency` workers for `seconds`."""
    deadline = time.perf_counter() + seconds
    rounds = 0

    async def worker(seed: int) -> None:
        nonlocal rounds
        rng = random.Random(seed)
        while time.perf_counter() < deadline:
            await one_round(rng)
            rounds += 1

    started = time.perf_counter()
    server_started, load_started = cpu_seconds(server_pid), time.process_time()
    await asyncio.gather(*(worker(seed) for seed in range(concurrency)))
    elapsed = time.perf_counter() - started
    requests = 2 * rounds
    return Throughput(
        requests / elapsed,
        (cpu_seconds(server_pid) - server_started) / requests * 1e6,
        (time.process_time() - load_started) / requests * 1e6,
    )
