"""Load generators for the gRPC door: put+rank through the official SDK, and on the wire.

`bench.momento_server` runs `put_rank_load` in a child process, so the SDK clients do not
share the server's GIL. Workers are spread over several clients, each with its own channel
(one HTTP/2 connection), as separate application instances would be.

The SDK load costs more CPU per request than the server does (~330 us with momento 1.29.1;
under a profiler about 40% of it is the SDK building a whole `ScsStub` per call), so on a
two-core machine its figure measures client and server together, not the server alone.
`put_rank_wire_load` sends the same two requests, with the same metadata, through the generated
`momento-wire-types` stubs on `grpc.aio` channels: a cheap client, so its figure is the door's
own capacity, comparable with the HTTP door's (loaded by plain aiohttp).
"""

from __future__ import annotations

import asyncio
import random
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import timedelta

import grpc
from momento import CacheClientAsync, Configurations, CredentialProvider
from momento.requests import SortOrder
from momento.responses import CacheSortedSetGetRank, CacheSortedSetPutElement
from momento_wire_types import cacheclient_pb2 as wire
from momento_wire_types import cacheclient_pb2_grpc as wire_grpc

from bench._throughput import Throughput, for_seconds, member

CLIENTS = 4
COLLECTION_TTL = timedelta(hours=1)
# The key `CredentialProvider.for_momento_local` sends: none (the local default needs none).
LOCAL_API_KEY = ""


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
    server_pid: int  # whose CPU per request to report


async def _put_rank(load: PutRankLoad) -> Throughput:
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

        async def put_rank(rng: random.Random) -> None:
            client = rng.choice(clients)
            name = member(rng.randrange(load.members))
            score = float(rng.randrange(1_000_000))
            put = await client.sorted_set_put_element(load.cache, load.key, name, score)
            assert isinstance(put, CacheSortedSetPutElement.Success), put
            rank = await client.sorted_set_get_rank(
                load.cache, load.key, name, SortOrder.DESCENDING
            )
            assert isinstance(rank, CacheSortedSetGetRank.Hit), rank

        return await for_seconds(load.concurrency, load.seconds, put_rank, load.server_pid)


def put_rank_load(load: PutRankLoad) -> Throughput:
    """Put+rank requests/s over the gRPC door (2 requests per round)."""
    return asyncio.run(_put_rank(load))


async def _put_rank_wire(load: PutRankLoad) -> Throughput:
    metadata = (("cache", load.cache), ("authorization", LOCAL_API_KEY))
    set_name = load.key.encode()
    ttl_ms = int(COLLECTION_TTL.total_seconds() * 1000)
    channels = [grpc.aio.insecure_channel(f"{load.host}:{load.port}") for _ in range(CLIENTS)]
    try:
        stubs = [wire_grpc.ScsStub(channel) for channel in channels]  # type: ignore[no-untyped-call]

        async def put_rank(rng: random.Random) -> None:
            stub = rng.choice(stubs)
            name = member(rng.randrange(load.members)).encode()
            element = wire._SortedSetElement(value=name, score=float(rng.randrange(1_000_000)))
            put = wire._SortedSetPutRequest(
                set_name=set_name, elements=[element], ttl_milliseconds=ttl_ms, refresh_ttl=True
            )
            await stub.SortedSetPut(put, metadata=metadata)
            rank = wire._SortedSetGetRankRequest(
                set_name=set_name, value=name, order=wire._SortedSetGetRankRequest.DESCENDING
            )
            found = await stub.SortedSetGetRank(rank, metadata=metadata)
            assert found.HasField("element_rank"), found

        return await for_seconds(load.concurrency, load.seconds, put_rank, load.server_pid)
    finally:
        for channel in channels:
            await channel.close()


def put_rank_wire_load(load: PutRankLoad) -> Throughput:
    """Put+rank requests/s over the gRPC door from wire-level stubs (2 requests per round)."""
    return asyncio.run(_put_rank_wire(load))
