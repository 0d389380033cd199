"""The local Momento server with one big sorted set: throughput, latency, memory, vs Redis.

    python -m bench.momento_server [--members 1000000] [--ops 100000] [--concurrency 16]
                                   [--seconds 3] [--no-redis]

Figures, for a sorted set of `--members` members:
- put+rank ops/s in-process (one put of a random member, then its DESC rank; 2 ops): the
  median of `--rounds` rounds, with the slowest and fastest, as a shared VM's speed drifts;
- put+rank requests/s over the HTTP door and the gRPC door with concurrent clients, and the
  CPU each request cost the server and the load; the gRPC door twice: loaded by the official
  SDK (whose client CPU per call exceeds the server's, so on two cores that figure is
  client-bound and has no target) and by wire-level stubs (the door's own capacity);
- top-20 fetch (by rank, DESC) latency p50/p99, in-process and over HTTP;
- resident memory (RSS) of the process holding the set.
Load generators run in a separate process so they do not share the server's GIL. Where
`redis-server` is installed, the same ZADD + ZREVRANK load runs against Redis on loopback
with redis-py's asyncio client, and our door throughput is printed as a ratio of Redis's.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
import redis.asyncio as aioredis

from bench._grpc_door_load import PutRankLoad, put_rank_load, put_rank_wire_load
from bench._throughput import Throughput, for_seconds, member
from leaderboard.local.momento_server.server import MomentoServer
from leaderboard.local.momento_server.store import Store
from leaderboard.momento_contract.arguments import CollectionTtl, Order

CACHE = "bench"
KEY = "leaderboard"
TTL = CollectionTtl(3600)
TARGET_IN_PROCESS_OPS = 100_000
TARGET_DOOR_REQUESTS = 3_000
TARGET_RSS_MB = 300
TOP_N = 20
LATENCY_SAMPLES = 2000


@dataclass(frozen=True)
class Settings:
    members: int
    ops: int
    rounds: int
    concurrency: int
    seconds: float
    redis: bool


def rss_mb() -> float:
    """Current resident set size of this process (not the peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS not found")


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49] * 1000, cuts[98] * 1000


# -- in-process -----------------------------------------------------------------------------


def load(store: Store, members: int) -> None:
    rng = random.Random(1)
    for start in range(0, members, 1000):
        batch = [
            (member(i).encode(), float(rng.randrange(1_000_000)))
            for i in range(start, min(start + 1000, members))
        ]
        store.sorted_set_put(CACHE, KEY.encode(), batch, TTL)


def in_process_put_rank(store: Store, settings: Settings) -> list[float]:
    """Put+rank ops/s of each round; every round puts fresh random scores."""
    rng = random.Random(2)
    key = KEY.encode()
    rounds = []
    for _ in range(settings.rounds):
        pairs = [
            (member(rng.randrange(settings.members)).encode(), float(rng.randrange(1_000_000)))
            for _ in range(settings.ops // settings.rounds // 2)
        ]
        started = time.perf_counter()
        for value, score in pairs:
            store.sorted_set_put(CACHE, key, [(value, score)], TTL)
            store.sorted_set_get_rank(CACHE, key, value, Order.DESC)
        rounds.append(2 * len(pairs) / (time.perf_counter() - started))
    return rounds


def in_process_top(store: Store) -> tuple[float, float]:
    samples = []
    for _ in range(LATENCY_SAMPLES):
        started = time.perf_counter()
        store.sorted_set_fetch_by_rank(CACHE, KEY.encode(), 0, TOP_N, Order.DESC)
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


# -- load generators (run in a child process) ---------------------------------------------


async def _http_load(url: str, settings: Settings) -> tuple[Throughput, float, float]:
    connector = aiohttp.TCPConnector(limit=settings.concurrency)
    async with aiohttp.ClientSession(url, connector=connector) as session:

        async def put_rank(rng: random.Random) -> None:
            name = member(rng.randrange(settings.members))
            body = {"elements": [{"value": name, "score": rng.randrange(1_000_000)}]}
            params = {"key": KEY, "ttl_seconds": "3600"}
            async with session.put(f"/sortedset/{CACHE}", params=params, json=body) as response:
                assert response.status == 204, await response.text()
            params = {"key": KEY, "value": name, "order": "DESC"}
            async with session.get(f"/sortedset/{CACHE}/rank", params=params) as response:
                assert response.status == 200, await response.text()
                await response.read()

        throughput = await for_seconds(
            settings.concurrency, settings.seconds, put_rank, os.getppid()
        )
        samples = []
        top = {"key": KEY, "start_rank": "0", "end_rank": str(TOP_N), "order": "DESC"}
        for _ in range(LATENCY_SAMPLES // 4):
            started = time.perf_counter()
            async with session.get(f"/sortedset/{CACHE}/by-rank", params=top) as response:
                await response.read()
            samples.append(time.perf_counter() - started)
        p50, p99 = percentiles(samples)
        return throughput, p50, p99


def http_load(url: str, settings: Settings) -> tuple[Throughput, float, float]:
    return asyncio.run(_http_load(url, settings))


async def _redis_load(port: int, server_pid: int, settings: Settings) -> Throughput:
    client = aioredis.Redis(port=port, max_connections=settings.concurrency)
    try:
        rng = random.Random(1)
        for start in range(0, settings.members, 1000):
            stop = min(start + 1000, settings.members)
            await client.zadd(
                KEY, {member(i): rng.randrange(1_000_000) for i in range(start, stop)}
            )

        async def zadd_zrevrank(rng: random.Random) -> None:
            name = member(rng.randrange(settings.members))
            await client.zadd(KEY, {name: rng.randrange(1_000_000)})
            await client.zrevrank(KEY, name)

        return await for_seconds(settings.concurrency, settings.seconds, zadd_zrevrank, server_pid)
    finally:
        await client.aclose()


def redis_load(port: int, server_pid: int, settings: Settings) -> Throughput:
    return asyncio.run(_redis_load(port, server_pid, settings))


Result = TypeVar("Result")


def in_child(function: Callable[..., Result], *args: Any) -> Result:
    """Run `function(*args)` in a fresh process, so load and server do not share a GIL."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


# -- doors ----------------------------------------------------------------------------------


def grpc_door_put_rank(server: MomentoServer, settings: Settings) -> tuple[Throughput, Throughput]:
    """Put+rank requests/s over the gRPC door: from the official SDK, then from wire stubs."""
    load = PutRankLoad(
        server.host,
        server.grpc_port,
        CACHE,
        KEY,
        settings.members,
        settings.concurrency,
        settings.seconds,
        os.getpid(),
    )
    return in_child(put_rank_load, load), in_child(put_rank_wire_load, load)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def redis_put_rank(settings: Settings) -> Throughput | None:
    """ZADD+ZREVRANK requests/s against a throwaway redis-server; None when not installed."""
    binary = shutil.which("redis-server")
    if binary is None or not settings.redis:
        return None
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        return in_child(redis_load, port, process.pid, settings)
    finally:
        process.terminate()
        process.wait(timeout=10)


# -- report ---------------------------------------------------------------------------------


def row(figure: str, ours: str, target: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    print(f"{figure:<44} {ours:>14} {target:>14} {verdict}", flush=True)


def door_rows(figure: str, throughput: Throughput, *, target: bool) -> None:
    """A load's requests/s (against the door target, if it has one), then its CPU split."""
    rps = throughput.requests_per_second
    if target:
        row(figure, f"{rps:,.0f}", f">= {TARGET_DOOR_REQUESTS:,}", rps >= TARGET_DOOR_REQUESTS)
    else:
        row(figure, f"{rps:,.0f}")
    row(
        "  CPU per request, server / load (us)",
        f"{throughput.server_cpu_us:.0f} / {throughput.load_cpu_us:.0f}",
    )


def ratio(ours: Throughput, redis: Throughput) -> str:
    return f"{ours.requests_per_second / redis.requests_per_second:.2f}x"


def run(settings: Settings) -> None:
    print(f"sorted set of {settings.members:,} members; {settings.concurrency} concurrent clients")
    row("figure", "ours", "target")
    with MomentoServer(grpc_port=0, http_port=0, caches=[CACHE]) as server:
        gc.collect()
        baseline = rss_mb()
        started = time.perf_counter()
        load(server.store, settings.members)
        gc.collect()
        loaded = rss_mb()
        row("load (s)", f"{time.perf_counter() - started:.1f}")
        row(
            "RSS of the process (MB)",
            f"{loaded:.0f}",
            f"<= {TARGET_RSS_MB}",
            loaded <= TARGET_RSS_MB,
        )
        row("  of which the sorted set (MB)", f"{loaded - baseline:.0f}")
        rounds = in_process_put_rank(server.store, settings)
        ops = statistics.median(rounds)
        row(
            "in-process put+rank (ops/s), median",
            f"{ops:,.0f}",
            f">= {TARGET_IN_PROCESS_OPS:,}",
            ops >= TARGET_IN_PROCESS_OPS,
        )
        row(
            f"  slowest / fastest of {len(rounds)} rounds",
            f"{min(rounds):,.0f} / {max(rounds):,.0f}",
        )
        p50, p99 = in_process_top(server.store)
        row(f"in-process top-{TOP_N} p50 / p99 (ms)", f"{p50:.3f} / {p99:.3f}")
        http, http_p50, http_p99 = in_child(http_load, server.http_url, settings)
        door_rows("HTTP door put+rank (req/s)", http, target=True)
        row(f"HTTP door top-{TOP_N} p50 / p99 (ms)", f"{http_p50:.2f} / {http_p99:.2f}")
        sdk, wire = grpc_door_put_rank(server, settings)
        door_rows("gRPC door put+rank, official SDK (req/s)", sdk, target=False)
        door_rows("gRPC door put+rank, wire stubs (req/s)", wire, target=True)
    redis = redis_put_rank(settings)
    if redis is None:
        row("redis ZADD+ZREVRANK (req/s)", "skipped", "(no redis-server)" if settings.redis else "")
        return
    door_rows("redis ZADD+ZREVRANK (req/s)", redis, target=False)
    row("HTTP door / redis", ratio(http, redis))
    row("gRPC door (wire stubs) / redis", ratio(wire, redis))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.momento_server")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--ops", type=int, default=100_000, help="in-process operations")
    parser.add_argument("--rounds", type=int, default=5, help="in-process rounds")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=3.0, help="per door load run")
    parser.add_argument("--no-redis", dest="redis", action="store_false")
    args = parser.parse_args(argv)
    run(Settings(args.members, args.ops, args.rounds, args.concurrency, args.seconds, args.redis))


if __name__ == "__main__":
    main()
