"""How many anonymous requests per second starve the workflows of the bridge Lambda.

The bridge's function URL is public (auth type NONE): anyone can invoke it. Its reserved
concurrency R caps how many invocations run at once, for strangers and workflows alike, so
reserved concurrency alone protects nothing: a stranger whose requests each hold a slot for
`d` seconds fills every slot at R / d requests per second (Little's law), and from then on
the workflows' HTTP Tasks are throttled. The figure that matters is therefore `d`, the time
the bridge spends on a request that is not the workflows'.

This bench drives the real Lambda entry point in-process, configured as on AWS (a stage
endpoint, no local address), with the requests a stranger can send, measures `d` for each,
and prints R / d. It also counts how often a stream of workflow requests has to build a new
SDK client (a new TLS channel to Momento) while strangers send new keys, the pool-eviction
attack. Forged keys point at a local "black hole" (a TCP port that accepts and never
answers), the worst a stranger can pick, and at a port that refuses connections.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import socket
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

STAGE_ENDPOINT: Final = "cell-bench-1.prod.a.momentohq.com"
# Read before the handler module is imported: quiet loggers, so printing costs nothing.
os.environ.update(
    {
        "MOMENTO_ENDPOINT": STAGE_ENDPOINT,
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "LeaderboardBench",
    }
)
os.environ.pop("MOMENTO_LOCAL_ADDRESS", None)

import jwt  # noqa: E402 - after the environment above
from momento import CacheClient, CredentialProvider  # noqa: E402

from functions.momento_bridge import handler as bridge  # noqa: E402
from functions.momento_bridge.clients import (  # noqa: E402
    DEFAULT_POOL_SIZE,
    ClientPool,
    ConnectionSettings,
    lambda_client,
)
from tests.bridge.function_url import LambdaContext, function_url_event  # noqa: E402

RESERVED_CONCURRENCY: Final = 10  # stacks.momento_bridge.DEFAULT_RESERVED_CONCURRENCY
FAST_RUNS: Final = 2000
SLOW_RUNS: Final = 3
WORKFLOW_REQUESTS: Final = 200
LENGTH_PATH: Final = "/sortedset/leaderboard-bench/length"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _legacy_key(cache_endpoint: str) -> str:
    """A legacy (JWT) key whose unsigned claims name any endpoint; no signature is checked."""
    return jwt.encode({"c": cache_endpoint, "cp": cache_endpoint}, "k" * 32, algorithm="HS256")


def _v1_key(endpoint: str, secret: str = "forged") -> str:
    return _b64(json.dumps({"endpoint": endpoint, "api_key": secret}))


@contextlib.contextmanager
def black_hole() -> Iterator[int]:
    """A port that completes TCP handshakes and then says nothing."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1024)
        yield listener.getsockname()[1]


def refused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Measured:
    name: str
    outcome: str
    seconds: float  # median duration of one invocation

    @property
    def starving_rate(self) -> float:
        return RESERVED_CONCURRENCY / self.seconds


def invoke(key: str | None) -> str:
    """One invocation of the real entry point; its status, or the exception that escaped."""
    headers = {"authorization": key} if key is not None else {}
    event = function_url_event("GET", LENGTH_PATH, query="key=board", headers=headers)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the metrics flush prints EMF
            return str(bridge.handler(event, LambdaContext())["statusCode"])
    except Exception as error:  # what the Lambda service answers 502 for
        return f"502 ({type(error).__name__})"


def measure(name: str, keys: Callable[[int], str | None], runs: int) -> Measured:
    outcomes: set[str] = set()
    durations = []
    for run in range(runs):
        key = keys(run)
        started = time.perf_counter()
        outcomes.add(invoke(key))
        durations.append(time.perf_counter() - started)
    return Measured(name, "/".join(sorted(outcomes)), statistics.median(durations))


class CountingFactory:
    def __init__(self) -> None:
        self.created = 0

    def __call__(self, provider: CredentialProvider) -> CacheClient:
        self.created += 1
        return lambda_client(provider)


def workflow_rebuilds(strangers_per_request: int) -> float:
    """Share of workflow requests that needed a new client, strangers' keys in between."""
    factory = CountingFactory()
    pool = ClientPool(ConnectionSettings(None, STAGE_ENDPOINT), DEFAULT_POOL_SIZE, factory)
    workflow_key = _v1_key(STAGE_ENDPOINT, "the-workflows-key")
    rebuilds = 0
    stranger = 0
    try:
        pool.client_for(workflow_key)
        for _ in range(WORKFLOW_REQUESTS):
            for _ in range(strangers_per_request):
                stranger += 1
                with contextlib.suppress(Exception):  # today some keys raise
                    pool.client_for(_v1_key(STAGE_ENDPOINT, f"stranger-{stranger}"))
            before = factory.created
            pool.client_for(workflow_key)
            rebuilds += factory.created - before
    finally:
        pool.close()
    return rebuilds / WORKFLOW_REQUESTS


def main() -> None:
    bridge._pool = None  # the module pool, built from the environment above
    with black_hole() as hole:
        refused = refused_port()
        results = [
            measure("no key", lambda _: None, FAST_RUNS),
            measure("garbage key", lambda _: "not-a-momento-key", FAST_RUNS),
            measure("v1 key, JSON not an object", lambda _: _b64("[1]"), FAST_RUNS),
            measure("v1 key, foreign endpoint", lambda _: _v1_key("attacker.invalid"), SLOW_RUNS),
            measure(
                "legacy key -> refused port",
                lambda _: _legacy_key(f"127.0.0.1:{refused}"),
                SLOW_RUNS,
            ),
            measure(
                "legacy key -> black hole", lambda _: _legacy_key(f"127.0.0.1:{hole}"), SLOW_RUNS
            ),
        ]
    bridge.client_pool().close()
    print(f"reserved concurrency R = {RESERVED_CONCURRENCY}; starving rate = R / duration")
    print(f"{'anonymous request':32} {'answer':>22} {'duration':>12} {'starves at':>14}")
    for each in results:
        print(
            f"{each.name:32} {each.outcome:>22} {each.seconds * 1000:>10.3f}ms "
            f"{each.starving_rate:>10,.0f} r/s"
        )
    worst = max(results, key=lambda each: each.seconds)
    cheapest = min(results, key=lambda each: each.seconds)
    print(
        f"worst case: {worst.name}, {worst.starving_rate:,.1f} r/s starve the workflows "
        f"({worst.seconds / cheapest.seconds:,.0f}x the cost of the cheapest refusal)"
    )
    print(f"client pool: {DEFAULT_POOL_SIZE} clients")
    for strangers in (1, DEFAULT_POOL_SIZE - 1, DEFAULT_POOL_SIZE, 4 * DEFAULT_POOL_SIZE):
        share = workflow_rebuilds(strangers)
        print(
            f"  {strangers:>3} stranger keys per workflow request: "
            f"{share:6.1%} of workflow requests rebuild their client"
        )


if __name__ == "__main__":
    main()
