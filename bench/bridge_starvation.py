"""How many anonymous requests per second starve the workflows of the bridge Lambda.

    python -m bench.bridge_starvation

The bridge's function URL is public (auth type NONE): anyone can invoke it. Its reserved
concurrency R caps how many invocations run at once, for strangers and workflows alike, so
reserved concurrency alone protects nothing: a stranger whose requests each hold a slot for
`d` seconds fills every slot at R / d requests per second (Little's law), and from then on
the workflows' HTTP Tasks are throttled. The figure that matters is `d`, the time the bridge
spends on a request that is not the workflows'.

Part 1 drives the real Lambda entry point in-process, configured as on AWS (the stage's
endpoint, no local address, the caller secret in Secrets Manager on the local AWS endpoint),
with what a stranger can send: no caller secret at all, and (as if the secret had leaked) the
keys that used to make the bridge connect anywhere. Forged keys point at a local "black hole"
(a port that accepts TCP and never answers, the worst a stranger can pick) and at a refused
port. It prints the median `d` of each and R / d. On AWS every invocation also pays Lambda's
own overhead, which cannot be measured offline: the R / d of the cheapest refusals is an
upper bound, and the line "with 1 ms Lambda overhead" shows what an assumed 1 ms adds.

Part 2 counts how often a stream of workflow requests had to build a new SDK client (a new
TLS channel to Momento on AWS) while strangers (holding the caller secret, without a valid
key) sent new keys between them: the pool-eviction attack, against the local Momento server,
which refuses the strangers' keys as Momento would.

Before this bench's fix (commit 6799bb7, same machine): the black-hole key held an
invocation 1,103 ms, so 9.1 anonymous requests/s starved R = 10; non-object v1 keys raised
TypeError (502); 4 stranger keys per workflow request made 100% of workflow requests
rebuild their client (pool of 4).
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import secrets
import socket
import statistics
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

STAGE_ENDPOINT: Final = "cell-bench-1.prod.a.momentohq.com"
# Read before the handler module is imported: quiet loggers, so printing costs nothing.
os.environ.update(
    {
        "MOMENTO_ENDPOINT": STAGE_ENDPOINT,
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "LeaderboardBench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
    }
)
os.environ.pop("MOMENTO_LOCAL_ADDRESS", None)

import boto3  # noqa: E402 - after the environment above
import jwt  # noqa: E402
from aws_lambda_powertools.utilities.data_classes import LambdaFunctionUrlEvent  # noqa: E402
from momento import CacheClient, Configurations, CredentialProvider  # noqa: E402

from functions.momento_bridge import handler as bridge  # noqa: E402
from functions.momento_bridge.caller_secret import CallerSecret  # noqa: E402
from functions.momento_bridge.clients import (  # noqa: E402
    DEFAULT_POOL_SIZE,
    ClientPool,
    ConnectionSettings,
)
from leaderboard.local.momento_server.server import MomentoServer  # noqa: E402
from leaderboard.local.stepfunctions.endpoint import AwsEndpoint  # noqa: E402
from leaderboard.momento_contract.bridge_settings import CALLER_SECRET_HEADER  # noqa: E402
from tests.bridge.function_url import LambdaContext, function_url_event  # noqa: E402

RESERVED_CONCURRENCY: Final = 10  # stacks.momento_bridge.DEFAULT_RESERVED_CONCURRENCY
ASSUMED_LAMBDA_OVERHEAD_SECONDS: Final = 0.001
BEFORE_RATE: Final = 9.1  # the black-hole key before the fix (see the docstring)
FAST_RUNS: Final = 2000
WORKFLOW_REQUESTS: Final = 100
CACHE: Final = "leaderboard-bench"
LENGTH_PATH: Final = f"/sortedset/{CACHE}/length"


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

    def starving_rate(self, overhead: float = 0.0) -> float:
        return RESERVED_CONCURRENCY / (self.seconds + overhead)


def invoke(key: str | None, caller_secret: str | None) -> str:
    """One invocation of the real entry point; its status, or the exception that escaped."""
    headers = {"authorization": key} if key is not None else {}
    if caller_secret is not None:
        headers[CALLER_SECRET_HEADER] = caller_secret
    event = function_url_event("POST", LENGTH_PATH, query="key=board", headers=headers)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the metrics flush prints EMF
            return str(bridge.handler(event, LambdaContext())["statusCode"])
    except Exception as error:  # what the Lambda service answers 502 for
        return f"502 ({type(error).__name__})"


def measure(name: str, key: str | None, caller_secret: str | None) -> Measured:
    outcomes: set[str] = set()
    durations = []
    for _ in range(FAST_RUNS):
        started = time.perf_counter()
        outcomes.add(invoke(key, caller_secret))
        durations.append(time.perf_counter() - started)
        if durations[-1] > 0.1 and len(durations) == 3:  # slow: a few runs tell enough
            break
    return Measured(name, "/".join(sorted(outcomes)), statistics.median(durations))


def stranger_costs(caller_secret: str) -> tuple[list[Measured], list[Measured]]:
    with black_hole() as hole:
        keys = {
            "no key": None,
            "garbage key": "not-a-momento-key",
            "v1 key, JSON not an object": _b64("[1]"),
            "v1 key, foreign endpoint": _v1_key("attacker.invalid"),
            "legacy key -> refused port": _legacy_key(f"127.0.0.1:{refused_port()}"),
            "legacy key -> black hole": _legacy_key(f"127.0.0.1:{hole}"),
        }
        without = [measure(f"no secret, {name}", key, None) for name, key in keys.items()]
        leaked = [
            measure(f"leaked secret, {name}", key, caller_secret) for name, key in keys.items()
        ]
    return without, leaked


class CountingFactory:
    def __init__(self) -> None:
        self.created = 0

    def __call__(self, provider: CredentialProvider) -> CacheClient:
        self.created += 1
        return CacheClient(Configurations.Lambda.latest(), provider, timedelta(minutes=1))


def workflow_rebuilds(
    server: MomentoServer,
    secret: CallerSecret,
    caller_secret: str,
    workflow_key: str,
    strangers: int,
) -> tuple[float, float]:
    """Share of workflow requests that needed a new client, strangers' keys in between, and
    the median duration of a stranger's request (a new client, refused by the server)."""
    factory = CountingFactory()
    pool = ClientPool(ConnectionSettings(("127.0.0.1", server.grpc_port), None), factory=factory)

    def request(key: str) -> int:
        event = function_url_event(
            "POST",
            LENGTH_PATH,
            query="key=board",
            headers={"authorization": key, CALLER_SECRET_HEADER: caller_secret},
        )
        return bridge.answer(LambdaFunctionUrlEvent(event), pool, secret).status

    rebuilds = 0
    stranger = 0
    durations = []
    try:
        request(workflow_key)
        for _ in range(WORKFLOW_REQUESTS):
            for _ in range(strangers):
                stranger += 1
                started = time.perf_counter()
                request(f"stranger-key-{stranger}")
                durations.append(time.perf_counter() - started)
            before = factory.created
            request(workflow_key)
            rebuilds += factory.created - before
    finally:
        pool.close()
    return rebuilds / WORKFLOW_REQUESTS, statistics.median(durations)


def print_costs(group: str, results: list[Measured]) -> None:
    print(f"{'anonymous request':44} {'answer':>8} {'duration':>11} {'starves at':>13}")
    for each in results:
        print(
            f"{each.name:44} {each.outcome:>8} {each.seconds * 1000:>9.3f}ms "
            f"{each.starving_rate():>9,.0f} r/s"
        )
    worst = max(results, key=lambda each: each.seconds)
    overhead = ASSUMED_LAMBDA_OVERHEAD_SECONDS
    print(
        f"{group}, worst: {worst.starving_rate():,.0f} r/s in-process, "
        f"{worst.starving_rate(overhead):,.0f} r/s with {overhead * 1000:.0f} ms Lambda overhead; "
        f"vs {BEFORE_RATE} r/s before: x{worst.starving_rate() / BEFORE_RATE:,.0f} and "
        f"x{worst.starving_rate(overhead) / BEFORE_RATE:,.0f}"
    )


def main() -> None:
    caller_secret = secrets.token_urlsafe(32)
    workflow_key = f"bench-workflow-key-{uuid.uuid4().hex}"
    with (
        AwsEndpoint(port=0) as endpoint,
        MomentoServer(grpc_port=0, http_port=0, api_keys=[workflow_key], caches=[CACHE]) as server,
    ):
        client = boto3.client("secretsmanager", endpoint_url=endpoint.url)
        arn = client.create_secret(Name="bench-caller-secret", SecretString=caller_secret)["ARN"]
        secret = CallerSecret.reading(arn, client)
        bridge._pool = None  # the module pool, built from the environment above
        bridge._caller_secret = secret
        print(f"reserved concurrency R = {RESERVED_CONCURRENCY}; starving rate = R / duration")
        without, leaked = stranger_costs(caller_secret)
        print_costs("strangers (no caller secret)", without)
        print_costs("strangers holding a leaked caller secret", leaked)
        bridge.client_pool().close()
        print(f"client pool: {DEFAULT_POOL_SIZE} clients, kept only for keys Momento accepted")
        for strangers in (1, DEFAULT_POOL_SIZE, 4, 16):
            share, seconds = workflow_rebuilds(
                server, secret, caller_secret, workflow_key, strangers
            )
            print(
                f"  {strangers:>3} stranger keys per workflow request: "
                f"{share:6.1%} of workflow requests rebuild their client; a stranger's request "
                f"{seconds * 1000:.2f} ms (plaintext here; on AWS add a TLS handshake to Momento)"
            )


if __name__ == "__main__":
    main()
