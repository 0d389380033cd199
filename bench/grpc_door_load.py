"""Load generator for the gRPC door: put+rank through the official SDK (`CacheClientAsync`).

`bench.momento_server` runs `put_rank_load` in a child process, so the SDK clients do not
share the server's GIL. Workers are spread over several clients, each with its own channel
(one HTTP/2 connection), as separate application instances would be.

The load itself costs about as much CPU per request as the server does (~330 us with momento
1.29.1; under a profiler about 40% of it is the SDK building a whole `ScsStub` per call), so
on a two-core machine the figure measures client and server together, not the server alone.
"""

from __future__ import annotations

import asyncio
import random
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import timedelta

from momento import CacheClientAsync, Configurations, CredentialProvider
from momento.requests import SortOrder
from momento.responses import CacheSortedSetGetRank, CacheSortedSetPutElement

from bench.momento_server import member

CLIENTS = 4
COLLECTION_TTL = timedelta(hours=1)


@dataclass(frozen=True)
class PutRankLoad:
    """What to load: the door's address, the sorted set, and how hard and how long."""

    host: str
    port: int
    cache: str
    key: str
    members: int
    concurrency: int
    seconds: float


async def _put_rank(load: PutRankLoad) -> float:
    credentials = CredentialProvider.for_momento_local(load.host, load.port)
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                await CacheClientAsync.create(
                    Configurations.Laptop.v1(), credentials, COLLECTION_TTL
                )
            )
            for _ in range(CLIENTS)
        ]
        deadline = time.perf_counter() + load.seconds
        rounds = 0

        async def worker(seed: int) -> None:
            nonlocal rounds
            rng = random.Random(seed)
            client = clients[seed % len(clients)]
            while time.perf_counter() < deadline:
                name = member(rng.randrange(load.members))
                score = float(rng.randrange(1_000_000))
                put = await client.sorted_set_put_element(load.cache, load.key, name, score)
                assert isinstance(put, CacheSortedSetPutElement.Success), put
                rank = await client.sorted_set_get_rank(
                    load.cache, load.key, name, SortOrder.DESCENDING
                )
                assert isinstance(rank, CacheSortedSetGetRank.Hit), rank
                rounds += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(seed) for seed in range(load.concurrency)))
        return 2 * rounds / (time.perf_counter() - started)


def put_rank_load(load: PutRankLoad) -> float:
    """Put+rank requests/s over the gRPC door (2 requests per round)."""
    return asyncio.run(_put_rank(load))
