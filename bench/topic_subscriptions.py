"""Open topic subscriptions vs cache-call latency on the local Momento server's gRPC door.

    python -m bench.topic_subscriptions [--subscriptions 1000] [--calls 2000]

Figures: the p50/p99 latency of sequential SDK `get` calls with no subscription open, then
with `--subscriptions` streams open (held by the official `TopicClientAsync` in another
process), as a ratio; and that every open stream received one message published to all of
them. Subscriptions are coroutines on the door's event loop, so the ratio should stay near 1.
The server, the stream holder and the prober are three processes, so only the server's own
work shows in the latency.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import time
import uuid
from datetime import timedelta
from multiprocessing.connection import Connection

from momento import (
    CacheClient,
    Configurations,
    CredentialProvider,
    TopicClientAsync,
    TopicConfigurations,
)
from momento.responses import CacheGet, CacheSet, TopicSubscribe, TopicSubscriptionItem

from leaderboard.local.momento_server.server import MomentoServer

CACHE = "bench"
HOST = "127.0.0.1"
TTL = timedelta(seconds=60)
# The SDK's default deadline is 5 s; a starved door shows up as errors, not a hang.
TARGET_RATIO = 2.0
# Fresh interpreters: forking a process whose gRPC threads are running is unsafe.
_SPAWN = multiprocessing.get_context("spawn")


def probe(port: int, calls: int) -> tuple[float, float]:
    """p50 and p99 (ms) of `calls` sequential gets of one key."""
    credentials = CredentialProvider.for_momento_local(HOST, port)
    with CacheClient.create(Configurations.Laptop.v1(), credentials, TTL) as client:
        assert isinstance(client.set(CACHE, "probe", "v"), CacheSet.Success)
        samples = []
        for _ in range(calls):
            started = time.perf_counter()
            response = client.get(CACHE, "probe")
            samples.append(time.perf_counter() - started)
            if not isinstance(response, CacheGet.Hit):
                raise RuntimeError(f"probe: get failed: {response!r}")
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49] * 1000, cuts[98] * 1000


def _probe_in_child(port: int, calls: int, results: Connection) -> None:
    results.send(probe(port, calls))


def probe_elsewhere(port: int, calls: int) -> tuple[float, float]:
    """Run `probe` in a fresh process, so its client does not share the server's GIL."""
    receiver, sender = _SPAWN.Pipe(duplex=False)
    child = _SPAWN.Process(target=_probe_in_child, args=(port, calls, sender))
    child.start()
    result: tuple[float, float] = receiver.recv()
    child.join()
    return result


async def _hold(port: int, count: int, topic: str, control: Connection) -> None:
    credentials = CredentialProvider.for_momento_local(HOST, port)
    config = TopicConfigurations.Default.v1().with_max_subscriptions(count)
    async with TopicClientAsync(config, credentials) as topics:
        subscriptions = []
        for _ in range(count):
            subscription = await topics.subscribe(CACHE, topic)
            if not isinstance(subscription, TopicSubscribe.SubscriptionAsync):
                raise RuntimeError(f"subscribe failed: {subscription!r}")
            subscriptions.append(subscription)
        control.send("open")
        control.recv()  # the prober has measured; now check every stream is alive
        await topics.publish(CACHE, topic, "to all")
        received = await asyncio.gather(*(anext(s) for s in subscriptions))
        delivered = sum(isinstance(item, TopicSubscriptionItem.Text) for item in received)
        control.send(delivered)
        for subscription in subscriptions:
            subscription.unsubscribe()


def _hold_in_child(port: int, count: int, topic: str, control: Connection) -> None:
    asyncio.run(_hold(port, count, topic, control))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=2000)
    settings = parser.parse_args()

    with MomentoServer(grpc_port=0, http_port=0, caches=[CACHE]) as server:
        port = server.grpc_port
        idle_p50, idle_p99 = probe_elsewhere(port, settings.calls)
        print(f"no subscription open:     get p50 {idle_p50:.2f} ms  p99 {idle_p99:.2f} ms")

        control, child_end = _SPAWN.Pipe()
        holder = _SPAWN.Process(
            target=_hold_in_child,
            args=(port, settings.subscriptions, f"bench-{uuid.uuid4().hex[:8]}", child_end),
        )
        started = time.perf_counter()
        holder.start()
        control.recv()
        opened_in = time.perf_counter() - started
        open_p50, open_p99 = probe_elsewhere(port, settings.calls)
        control.send("publish")
        delivered = control.recv()
        holder.join()

    print(f"opened {settings.subscriptions} subscriptions in {opened_in:.1f} s")
    print(f"{settings.subscriptions} open: get p50 {open_p50:.2f} ms  p99 {open_p99:.2f} ms")
    ratio = open_p50 / idle_p50
    print(f"latency ratio (p50 open / none): {ratio:.2f}  (target <= {TARGET_RATIO})")
    print(f"p99 ratio: {open_p99 / idle_p99:.2f}")
    print(f"one publish reached {delivered} of {settings.subscriptions} open streams")


if __name__ == "__main__":
    main()
