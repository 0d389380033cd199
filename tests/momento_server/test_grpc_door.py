"""The gRPC door driven by the official `momento` SDK, sync (`CacheClient`) and async
(`CacheClientAsync`): every operation's hit, miss and error, as the SDK decodes them.

Every test runs twice through the `client` fixture, once per SDK flavour. Calls the SDK of
this version does not expose (sorted-set length, SetIf) and inputs it refuses to send (empty
names) go through the generated stub of the same wire protocol.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from typing import Any

import grpc
import pytest
from momento import CacheClient, CacheClientAsync, Configurations, CredentialProvider
from momento.errors import MomentoErrorCode
from momento.requests import CollectionTtl, SortOrder
from momento.responses import (
    CacheDelete,
    CacheDictionaryFetch,
    CacheDictionaryGetField,
    CacheDictionaryGetFields,
    CacheDictionaryIncrement,
    CacheDictionarySetField,
    CacheDictionarySetFields,
    CacheFlush,
    CacheGet,
    CacheIncrement,
    CacheListFetch,
    CacheListLength,
    CacheListPopBack,
    CacheListPopFront,
    CacheListPushBack,
    CacheListRemoveValue,
    CacheSet,
    CacheSetAddElement,
    CacheSetAddElements,
    CacheSetFetch,
    CacheSetIfNotExists,
    CacheSortedSetFetch,
    CacheSortedSetGetRank,
    CacheSortedSetGetScore,
    CacheSortedSetGetScores,
    CacheSortedSetIncrementScore,
    CacheSortedSetPutElements,
    CacheSortedSetRemoveElement,
    CacheSortedSetRemoveElements,
    CreateCache,
    DeleteCache,
    ListCaches,
)
from momento.responses.mixins import ErrorResponseMixin
from momento_wire_types import cacheclient_pb2 as cache_pb
from momento_wire_types import cacheclient_pb2_grpc as cache_grpc
from momento_wire_types import common_pb2

from leaderboard.local.momento_server.auth import ApiKeys
from leaderboard.local.momento_server.faults import FaultInjector
from leaderboard.local.momento_server.grpc_door import start_grpc_door
from leaderboard.local.momento_server.store import Store

pytestmark = pytest.mark.asyncio(loop_scope="session")

HOST = "127.0.0.1"
DEFAULT_TTL = timedelta(seconds=600)


class ManualClock:
    """The store's clock, moved by the test: TTL expiry without sleeping."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class AnyClient:
    """One awaitable face for both SDK clients: sync results are returned as they are."""

    def __init__(self, client: CacheClient | CacheClientAsync) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._client, name)

        async def call(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        return call


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="module")
def port(clock: ManualClock) -> Iterator[int]:
    server, bound = start_grpc_door(Store(clock), FaultInjector(), ApiKeys(), HOST, 0)
    yield bound
    server.stop(grace=None)


@pytest.fixture(scope="module")
def sync_client(port: int) -> Iterator[CacheClient]:
    credentials = CredentialProvider.for_momento_local(HOST, port)
    with CacheClient.create(Configurations.Laptop.v1(), credentials, DEFAULT_TTL) as client:
        yield client


@pytest.fixture(scope="module")
async def async_client(port: int) -> AsyncIterator[CacheClientAsync]:
    credentials = CredentialProvider.for_momento_local(HOST, port)
    created = await CacheClientAsync.create(Configurations.Laptop.v1(), credentials, DEFAULT_TTL)
    async with created as client:
        yield client


@pytest.fixture(params=["sync", "async"])
def client(
    request: pytest.FixtureRequest, sync_client: CacheClient, async_client: CacheClientAsync
) -> AnyClient:
    return AnyClient(sync_client if request.param == "sync" else async_client)


@pytest.fixture
async def cache(client: AnyClient) -> str:
    """A fresh cache per test, so tests share the server but never each other's data."""
    name = f"cache-{uuid.uuid4().hex[:12]}"
    assert isinstance(await client.create_cache(name), CreateCache.Success)
    return name


@pytest.fixture
def wire_cache(sync_client: CacheClient) -> str:
    """A fresh cache for tests that speak the wire protocol through the raw stub."""
    name = f"wire-{uuid.uuid4().hex[:12]}"
    assert isinstance(sync_client.create_cache(name), CreateCache.Success)
    return name


@pytest.fixture(scope="module")
def stub(port: int) -> Iterator[cache_grpc.ScsStub]:
    with grpc.insecure_channel(f"{HOST}:{port}") as channel:
        yield cache_grpc.ScsStub(channel)  # type: ignore[no-untyped-call]


def raw_call(stub: cache_grpc.ScsStub, method: str, request: Any, cache: str) -> Any:
    return getattr(stub, method)(request, metadata=[("cache", cache)], timeout=5)


def error_of(response: object) -> tuple[MomentoErrorCode, str]:
    """The error code and server message of an error response; fails on any other response."""
    assert isinstance(response, ErrorResponseMixin), f"expected an error, got {response!r}"
    return response.error_code, response.inner_exception.message


# -- control -----------------------------------------------------------------------------


async def test_create_list_flush_delete_cache(client: AnyClient) -> None:
    name = f"ctl-{uuid.uuid4().hex[:8]}"
    assert isinstance(await client.create_cache(name), CreateCache.Success)
    assert isinstance(await client.create_cache(name), CreateCache.CacheAlreadyExists)
    listed = await client.list_caches()
    assert isinstance(listed, ListCaches.Success)
    assert name in [cache.name for cache in listed.caches]

    await client.set(name, "k", "v")
    assert isinstance(await client.flush_cache(name), CacheFlush.Success)
    assert isinstance(await client.get(name, "k"), CacheGet.Miss)

    assert isinstance(await client.delete_cache(name), DeleteCache.Success)
    code, message = error_of(await client.delete_cache(name))
    assert code is MomentoErrorCode.NOT_FOUND_ERROR
    assert name in message
    code, _ = error_of(await client.flush_cache(name))
    assert code is MomentoErrorCode.NOT_FOUND_ERROR


async def test_unknown_cache_is_not_found_on_data_calls(client: AnyClient) -> None:
    missing = f"missing-{uuid.uuid4().hex[:8]}"
    for response in (
        await client.get(missing, "k"),
        await client.set(missing, "k", "v"),
        await client.sorted_set_put_element(missing, "s", "a", 1.0),
        await client.sorted_set_increment_score(missing, "s", "a", 1.0),
        await client.sorted_set_fetch_by_rank(missing, "s"),
    ):
        code, message = error_of(response)
        assert code is MomentoErrorCode.NOT_FOUND_ERROR
        assert missing in message


# -- scalars -----------------------------------------------------------------------------


async def test_set_get_delete(client: AnyClient, cache: str) -> None:
    assert isinstance(await client.get(cache, "k"), CacheGet.Miss)
    assert isinstance(await client.set(cache, "k", "v1"), CacheSet.Success)
    hit = await client.get(cache, "k")
    assert isinstance(hit, CacheGet.Hit)
    assert hit.value_string == "v1"
    await client.set(cache, b"\x00bin", b"\xff\x00")
    binary = await client.get(cache, b"\x00bin")
    assert isinstance(binary, CacheGet.Hit)
    assert binary.value_bytes == b"\xff\x00"
    assert isinstance(await client.delete(cache, "k"), CacheDelete.Success)
    assert isinstance(await client.get(cache, "k"), CacheGet.Miss)
    assert isinstance(await client.delete(cache, "never-there"), CacheDelete.Success)


async def test_set_if_not_exists(client: AnyClient, cache: str) -> None:
    stored = await client.set_if_not_exists(cache, "k", "first")
    assert isinstance(stored, CacheSetIfNotExists.Stored)
    not_stored = await client.set_if_not_exists(cache, "k", "second")
    assert isinstance(not_stored, CacheSetIfNotExists.NotStored)
    hit = await client.get(cache, "k")
    assert isinstance(hit, CacheGet.Hit)
    assert hit.value_string == "first"


async def test_item_ttl_expires(client: AnyClient, cache: str, clock: ManualClock) -> None:
    await client.set(cache, "short", "v", timedelta(seconds=5))
    await client.set(cache, "default", "v")  # the client's default TTL, 600 s
    clock.advance(4.9)
    assert isinstance(await client.get(cache, "short"), CacheGet.Hit)
    clock.advance(0.2)
    assert isinstance(await client.get(cache, "short"), CacheGet.Miss)
    assert isinstance(await client.get(cache, "default"), CacheGet.Hit)


async def test_get_on_a_sorted_set_is_a_type_error(client: AnyClient, cache: str) -> None:
    await client.sorted_set_put_element(cache, "board", "a", 1.0)
    code, message = error_of(await client.get(cache, "board"))
    assert code is MomentoErrorCode.FAILED_PRECONDITION_ERROR
    assert message == "cache_key: holds a sorted set, not a scalar"


async def test_set_if_conditions_over_the_wire(stub: cache_grpc.ScsStub, wire_cache: str) -> None:
    def set_if(value: bytes, **condition: Any) -> str:
        request = cache_pb._SetIfRequest(
            cache_key=b"k", cache_body=value, ttl_milliseconds=60_000, **condition
        )
        return str(raw_call(stub, "SetIf", request, wire_cache).WhichOneof("result"))

    assert set_if(b"v0", present=common_pb2.Present()) == "not_stored"
    assert set_if(b"v1", absent=common_pb2.Absent()) == "stored"
    assert set_if(b"v2", equal=common_pb2.Equal(value_to_check=b"nope")) == "not_stored"
    assert set_if(b"v2", equal=common_pb2.Equal(value_to_check=b"v1")) == "stored"
    not_equal = common_pb2.PresentAndNotEqual(value_to_check=b"v2")
    assert set_if(b"v3", present_and_not_equal=not_equal) == "not_stored"
    got = raw_call(stub, "Get", cache_pb._GetRequest(cache_key=b"k"), wire_cache)
    assert got.cache_body == b"v2"


# -- sorted sets -------------------------------------------------------------------------

BOARD = {"ann": 30.0, "bob": 10.0, "cy": 20.0, "dee": 20.0, "eve": 40.0}
ASC = [("bob", 10.0), ("cy", 20.0), ("dee", 20.0), ("ann", 30.0), ("eve", 40.0)]


async def put_board(client: AnyClient, cache: str, key: str = "board") -> None:
    response = await client.sorted_set_put_elements(cache, key, BOARD)
    assert isinstance(response, CacheSortedSetPutElements.Success)


def listed(response: Any) -> list[tuple[str, float]]:
    assert isinstance(response, CacheSortedSetFetch.Hit), response
    return list(response.value_list_string)


async def test_fetch_by_rank_in_both_orders(client: AnyClient, cache: str) -> None:
    assert isinstance(
        await client.sorted_set_fetch_by_rank(cache, "board"), CacheSortedSetFetch.Miss
    )
    await put_board(client, cache)
    assert listed(await client.sorted_set_fetch_by_rank(cache, "board")) == ASC
    top = await client.sorted_set_fetch_by_rank(cache, "board", 0, 3, SortOrder.DESCENDING)
    assert listed(top) == ASC[::-1][:3]
    assert listed(await client.sorted_set_fetch_by_rank(cache, "board", 1, 3)) == ASC[1:3]
    assert listed(await client.sorted_set_fetch_by_rank(cache, "board", -2)) == ASC[-2:]
    assert listed(await client.sorted_set_fetch_by_rank(cache, "board", 10, 20)) == []


async def test_fetch_by_score_with_offset_and_count(client: AnyClient, cache: str) -> None:
    missing = await client.sorted_set_fetch_by_score(cache, "board")
    assert isinstance(missing, CacheSortedSetFetch.Miss)
    await put_board(client, cache)
    assert listed(await client.sorted_set_fetch_by_score(cache, "board")) == ASC
    mid = await client.sorted_set_fetch_by_score(cache, "board", min_score=20.0, max_score=30.0)
    assert listed(mid) == ASC[1:4]
    page = await client.sorted_set_fetch_by_score(
        cache, "board", sort_order=SortOrder.DESCENDING, offset=1, count=2
    )
    assert listed(page) == ASC[::-1][1:3]


async def test_rank_in_either_order_and_misses(client: AnyClient, cache: str) -> None:
    assert isinstance(
        await client.sorted_set_get_rank(cache, "board", "ann"), CacheSortedSetGetRank.Miss
    )
    await put_board(client, cache)
    for expected, (value, _) in enumerate(ASC):
        ascending = await client.sorted_set_get_rank(cache, "board", value)
        descending = await client.sorted_set_get_rank(cache, "board", value, SortOrder.DESCENDING)
        assert isinstance(ascending, CacheSortedSetGetRank.Hit)
        assert isinstance(descending, CacheSortedSetGetRank.Hit)
        assert (ascending.rank, descending.rank) == (expected, len(ASC) - 1 - expected)
    assert isinstance(
        await client.sorted_set_get_rank(cache, "board", "zed"), CacheSortedSetGetRank.Miss
    )


async def test_scores_hit_and_miss_per_value(client: AnyClient, cache: str) -> None:
    missing_set = await client.sorted_set_get_scores(cache, "board", ["ann"])
    assert isinstance(missing_set, CacheSortedSetGetScores.Miss)
    assert isinstance(
        await client.sorted_set_get_score(cache, "board", "ann"), CacheSortedSetGetScore.Miss
    )
    await put_board(client, cache)
    scores = await client.sorted_set_get_scores(cache, "board", ["eve", "zed", "bob"])
    assert isinstance(scores, CacheSortedSetGetScores.Hit)
    assert scores.value_dictionary_string == {"eve": 40.0, "bob": 10.0}
    assert isinstance(scores.responses[1], CacheSortedSetGetScore.Miss)
    one = await client.sorted_set_get_score(cache, "board", "cy")
    assert isinstance(one, CacheSortedSetGetScore.Hit)
    assert one.score == 20.0


async def test_increment_starts_missing_values_at_the_amount(client: AnyClient, cache: str) -> None:
    first = await client.sorted_set_increment_score(cache, "board", "ann", 2.5)
    assert isinstance(first, CacheSortedSetIncrementScore.Success)
    assert first.score == 2.5
    second = await client.sorted_set_increment_score(cache, "board", "ann", -1.0)
    assert isinstance(second, CacheSortedSetIncrementScore.Success)
    assert second.score == 1.5


async def test_put_overwrites_and_remove_elements(client: AnyClient, cache: str) -> None:
    await put_board(client, cache)
    await client.sorted_set_put_element(cache, "board", "bob", 99.0)
    removed = await client.sorted_set_remove_elements(cache, "board", ["ann", "zed"])
    assert isinstance(removed, CacheSortedSetRemoveElements.Success)
    ranked = listed(await client.sorted_set_fetch_by_rank(cache, "board"))
    assert ranked == [("cy", 20.0), ("dee", 20.0), ("eve", 40.0), ("bob", 99.0)]
    gone = await client.sorted_set_remove_element(cache, "no-such-set", "x")
    assert isinstance(gone, CacheSortedSetRemoveElement.Success)


async def test_delete_removes_a_sorted_set(client: AnyClient, cache: str) -> None:
    await put_board(client, cache)
    assert isinstance(await client.delete(cache, "board"), CacheDelete.Success)
    assert isinstance(
        await client.sorted_set_fetch_by_rank(cache, "board"), CacheSortedSetFetch.Miss
    )


async def test_collection_ttl_refresh_and_expiry(
    client: AnyClient, cache: str, clock: ManualClock
) -> None:
    ten = CollectionTtl(timedelta(seconds=10))
    keep = CollectionTtl(timedelta(seconds=10), refresh_ttl=False)
    await client.sorted_set_put_element(cache, "refreshed", "a", 1.0, ttl=ten)
    await client.sorted_set_put_element(cache, "kept", "a", 1.0, ttl=keep)
    clock.advance(8)
    await client.sorted_set_put_element(cache, "refreshed", "b", 2.0, ttl=ten)
    await client.sorted_set_increment_score(cache, "kept", "b", 2.0, ttl=keep)
    clock.advance(8)  # 16 s after creation, 8 s after the last write
    assert isinstance(
        await client.sorted_set_fetch_by_rank(cache, "kept"), CacheSortedSetFetch.Miss
    )
    assert len(listed(await client.sorted_set_fetch_by_rank(cache, "refreshed"))) == 2


async def test_non_finite_scores_are_refused_and_change_nothing(
    client: AnyClient, cache: str
) -> None:
    await put_board(client, cache)
    for bad in (float("nan"), float("inf")):
        put = await client.sorted_set_put_elements(cache, "board", {"new": 1.0, "bob": bad})
        code, message = error_of(put)
        assert code is MomentoErrorCode.INVALID_ARGUMENT_ERROR
        assert message == "elements[1].score: must be a finite number"
        code, message = error_of(
            await client.sorted_set_increment_score(cache, "board", "bob", bad)
        )
        assert (code, message) == (
            MomentoErrorCode.INVALID_ARGUMENT_ERROR,
            "amount: must be a finite number",
        )
    assert listed(await client.sorted_set_fetch_by_rank(cache, "board")) == ASC


async def test_increment_to_a_non_finite_score_creates_and_refreshes_nothing(
    client: AnyClient, cache: str, clock: ManualClock
) -> None:
    ten = CollectionTtl(timedelta(seconds=10))
    await client.sorted_set_put_element(cache, "board", "big", 1.7e308, ttl=ten)
    clock.advance(8)
    code, message = error_of(
        await client.sorted_set_increment_score(cache, "board", "big", 1.7e308, ttl=ten)
    )
    assert (code, message) == (
        MomentoErrorCode.INVALID_ARGUMENT_ERROR,
        "amount: would make the score non-finite",
    )
    assert listed(await client.sorted_set_fetch_by_rank(cache, "board")) == [("big", 1.7e308)]
    code, _ = error_of(
        await client.sorted_set_increment_score(cache, "absent", "a", float("nan"), ttl=ten)
    )
    assert code is MomentoErrorCode.INVALID_ARGUMENT_ERROR
    clock.advance(2)  # the refused increment did not refresh the TTL: 10 s since the put
    for key in ("board", "absent"):
        fetched = await client.sorted_set_fetch_by_rank(cache, key)
        assert isinstance(fetched, CacheSortedSetFetch.Miss), key


async def test_increment_on_an_expired_set_starts_a_new_one(
    client: AnyClient, cache: str, clock: ManualClock
) -> None:
    ten = CollectionTtl(timedelta(seconds=10))
    await client.sorted_set_put_elements(cache, "board", {"big": 1.7e308, "old": 1.0}, ttl=ten)
    clock.advance(10)
    bumped = await client.sorted_set_increment_score(cache, "board", "big", 1.7e308, ttl=ten)
    assert isinstance(bumped, CacheSortedSetIncrementScore.Success)
    assert bumped.score == 1.7e308  # the expired set's score does not count
    clock.advance(9.9)
    assert listed(await client.sorted_set_fetch_by_rank(cache, "board")) == [("big", 1.7e308)]
    clock.advance(0.1)  # the new set took the increment's TTL
    assert isinstance(
        await client.sorted_set_fetch_by_rank(cache, "board"), CacheSortedSetFetch.Miss
    )


async def test_bad_ranges_are_invalid_arguments(client: AnyClient, cache: str) -> None:
    await put_board(client, cache)
    code, message = error_of(await client.sorted_set_fetch_by_rank(cache, "board", 3, 1))
    assert code is MomentoErrorCode.INVALID_ARGUMENT_ERROR
    assert message == "by_index.inclusive_start_index: must be less than end_rank"
    inverted = await client.sorted_set_fetch_by_score(cache, "board", min_score=5.0, max_score=1.0)
    code, message = error_of(inverted)
    assert code is MomentoErrorCode.INVALID_ARGUMENT_ERROR
    assert message.startswith("by_score.min_score:")
    code, message = error_of(await client.sorted_set_fetch_by_score(cache, "board", count=0))
    assert code is MomentoErrorCode.INVALID_ARGUMENT_ERROR
    assert message == "by_score.count: must be an integer from 1 to 2147483647"


# -- sorted sets over the raw wire (calls this SDK version does not expose) ----------------


def length_of(stub: cache_grpc.ScsStub, cache: str, request: Any, method: str) -> int | None:
    answer = raw_call(stub, method, request, cache)
    return None if answer.WhichOneof("sorted_set") == "missing" else int(answer.found.length)


async def test_length_and_length_by_score(
    stub: cache_grpc.ScsStub, wire_cache: str, sync_client: CacheClient
) -> None:
    length = cache_pb._SortedSetLengthRequest(set_name=b"board")
    assert length_of(stub, wire_cache, length, "SortedSetLength") is None
    sync_client.sorted_set_put_elements(wire_cache, "board", BOARD)
    assert length_of(stub, wire_cache, length, "SortedSetLength") == 5

    def by_score(**bounds: Any) -> int | None:
        request = cache_pb._SortedSetLengthByScoreRequest(set_name=b"board", **bounds)
        return length_of(stub, wire_cache, request, "SortedSetLengthByScore")

    assert by_score() == 5
    assert by_score(inclusive_min=20.0, inclusive_max=30.0) == 3
    assert by_score(exclusive_min=20.0, exclusive_max=40.0) == 1
    assert by_score(unbounded_min=common_pb2._Unbounded(), exclusive_max=20.0) == 1


async def test_server_names_the_field_of_empty_input(
    stub: cache_grpc.ScsStub, wire_cache: str
) -> None:
    cases = [
        ("Get", cache_pb._GetRequest(cache_key=b""), "cache_key: must not be empty"),
        (
            "Set",
            cache_pb._SetRequest(cache_key=b"k", cache_body=b"v"),
            "ttl_milliseconds: must be a positive number",
        ),
        (
            "SortedSetPut",
            cache_pb._SortedSetPutRequest(set_name=b"", ttl_milliseconds=1000),
            "set_name: must not be empty",
        ),
        (
            "SortedSetPut",
            cache_pb._SortedSetPutRequest(set_name=b"s", ttl_milliseconds=1000),
            "elements: must hold at least one element",
        ),
        (
            "SortedSetGetRank",
            cache_pb._SortedSetGetRankRequest(set_name=b"s", value=b""),
            "value: must not be empty",
        ),
        (
            "SortedSetFetch",
            cache_pb._SortedSetFetchRequest(set_name=b"s"),
            "range: one of by_index, by_score is required",
        ),
    ]
    for method, request, message in cases:
        with pytest.raises(grpc.RpcError) as raised:
            raw_call(stub, method, request, wire_cache)
        assert (raised.value.code(), raised.value.details()) == (
            grpc.StatusCode.INVALID_ARGUMENT,
            message,
        )
    with pytest.raises(grpc.RpcError) as raised:
        stub.Get(cache_pb._GetRequest(cache_key=b"k"), timeout=5)  # no `cache` metadata
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.details() == "cache: metadata must name the cache"


# -- Increment, UpdateTtl, ItemGetTtl, KeysExist ------------------------------------------------


async def test_increment_counts_from_zero_and_refuses_a_non_integer(
    client: AnyClient, cache: str
) -> None:
    first = await client.increment(cache, "n", 5)
    assert isinstance(first, CacheIncrement.Success) and first.value == 5
    second = await client.increment(cache, "n", -7)
    assert isinstance(second, CacheIncrement.Success) and second.value == -2
    got = await client.get(cache, "n")
    assert isinstance(got, CacheGet.Hit) and got.value_string == "-2"  # stored as its text
    await client.set(cache, "word", "ten")
    assert error_of(await client.increment(cache, "word", 1)) == (
        MomentoErrorCode.FAILED_PRECONDITION_ERROR,
        "cache_key: the value is not a base-10 64-bit integer",
    )
    await client.set(cache, "big", str(2**63 - 1))
    assert error_of(await client.increment(cache, "big", 1)) == (
        MomentoErrorCode.FAILED_PRECONDITION_ERROR,
        "cache_key: the result would overflow a 64-bit integer",
    )
    still = await client.get(cache, "big")
    assert isinstance(still, CacheGet.Hit) and still.value_string == str(2**63 - 1)


async def test_increment_applies_its_ttl(
    stub: cache_grpc.ScsStub, wire_cache: str, clock: ManualClock
) -> None:
    request = cache_pb._IncrementRequest(cache_key=b"c", amount=1, ttl_milliseconds=5_000)
    assert raw_call(stub, "Increment", request, wire_cache).value == 1
    clock.advance(5.1)
    got = raw_call(stub, "Get", cache_pb._GetRequest(cache_key=b"c"), wire_cache)
    assert got.result == cache_pb.Miss


def _remaining_ttl(stub: cache_grpc.ScsStub, cache: str, key: bytes) -> int | None:
    request = cache_pb._ItemGetTtlRequest(cache_key=key)
    answer = raw_call(stub, "ItemGetTtl", request, cache)
    if answer.WhichOneof("result") == "missing":
        return None
    return int(answer.found.remaining_ttl_millis)


def _update_ttl(stub: cache_grpc.ScsStub, cache: str, key: bytes, **millis: int) -> str:
    request = cache_pb._UpdateTtlRequest(cache_key=key, **millis)
    return str(raw_call(stub, "UpdateTtl", request, cache).WhichOneof("result"))


async def test_update_ttl_and_item_get_ttl(
    stub: cache_grpc.ScsStub, wire_cache: str, clock: ManualClock
) -> None:
    """The Python SDK has no update_ttl / item_get_ttl; the other SDKs send these messages."""
    set_request = cache_pb._SetRequest(cache_key=b"k", cache_body=b"v", ttl_milliseconds=10_000)
    raw_call(stub, "Set", set_request, wire_cache)
    assert _remaining_ttl(stub, wire_cache, b"k") == 10_000
    assert _remaining_ttl(stub, wire_cache, b"absent") is None
    assert _update_ttl(stub, wire_cache, b"k", increase_to_milliseconds=5_000) == "not_set"
    assert _update_ttl(stub, wire_cache, b"k", increase_to_milliseconds=20_000) == "set"
    assert _remaining_ttl(stub, wire_cache, b"k") == 20_000
    assert _update_ttl(stub, wire_cache, b"k", decrease_to_milliseconds=30_000) == "not_set"
    assert _update_ttl(stub, wire_cache, b"k", decrease_to_milliseconds=3_000) == "set"
    assert _update_ttl(stub, wire_cache, b"k", overwrite_to_milliseconds=4_000) == "set"
    assert _update_ttl(stub, wire_cache, b"absent", overwrite_to_milliseconds=4_000) == "missing"
    clock.advance(3.5)
    assert _remaining_ttl(stub, wire_cache, b"k") == 500
    clock.advance(0.6)
    assert _remaining_ttl(stub, wire_cache, b"k") is None  # expired as the new TTL said


async def test_update_ttl_refuses_a_zero_ttl(stub: cache_grpc.ScsStub, wire_cache: str) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        _update_ttl(stub, wire_cache, b"k", overwrite_to_milliseconds=0)
    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert refused.value.details() == ("overwrite_to_milliseconds: must be a positive number")


async def test_keys_exist_covers_every_item_type(
    client: AnyClient, cache: str, stub: cache_grpc.ScsStub
) -> None:
    await client.set(cache, "scalar", "v")
    await client.sorted_set_put_element(cache, "board", "a", 1.0)
    request = cache_pb._KeysExistRequest(cache_keys=[b"scalar", b"nothing", b"board"])
    assert list(raw_call(stub, "KeysExist", request, cache).exists) == [True, False, True]


# -- dictionaries -----------------------------------------------------------------------------


async def test_dictionary_set_get_fetch_and_remove(client: AnyClient, cache: str) -> None:
    assert isinstance(
        await client.dictionary_set_fields(cache, "d", {"a": "1", "b": "2"}),
        CacheDictionarySetFields.Success,
    )
    assert isinstance(
        await client.dictionary_set_field(cache, "d", "c", "3"), CacheDictionarySetField.Success
    )
    one = await client.dictionary_get_field(cache, "d", "b")
    assert isinstance(one, CacheDictionaryGetField.Hit) and one.value_string == "2"
    assert isinstance(
        await client.dictionary_get_field(cache, "d", "zz"), CacheDictionaryGetField.Miss
    )
    some = await client.dictionary_get_fields(cache, "d", ["a", "zz", "c"])
    assert isinstance(some, CacheDictionaryGetFields.Hit)
    assert some.value_dictionary_string_string == {"a": "1", "c": "3"}
    fetched = await client.dictionary_fetch(cache, "d")
    assert isinstance(fetched, CacheDictionaryFetch.Hit)
    assert fetched.value_dictionary_string_string == {"a": "1", "b": "2", "c": "3"}
    await client.dictionary_remove_fields(cache, "d", ["a", "b"])
    left = await client.dictionary_fetch(cache, "d")
    assert isinstance(left, CacheDictionaryFetch.Hit)
    assert left.value_dictionary_string_string == {"c": "3"}
    await client.dictionary_remove_field(cache, "d", "c")  # the last field: the dictionary goes
    assert isinstance(await client.dictionary_fetch(cache, "d"), CacheDictionaryFetch.Miss)
    assert isinstance(
        await client.dictionary_get_field(cache, "d", "c"), CacheDictionaryGetField.Miss
    )


async def test_dictionary_increment_and_wrong_types(client: AnyClient, cache: str) -> None:
    counted = await client.dictionary_increment(cache, "d", "n", 4)
    assert isinstance(counted, CacheDictionaryIncrement.Success) and counted.value == 4
    counted = await client.dictionary_increment(cache, "d", "n", -1)
    assert isinstance(counted, CacheDictionaryIncrement.Success) and counted.value == 3
    await client.dictionary_set_field(cache, "d", "word", "x")
    code, _ = error_of(await client.dictionary_increment(cache, "d", "word", 1))
    assert code is MomentoErrorCode.FAILED_PRECONDITION_ERROR
    await client.set(cache, "scalar", "v")
    assert error_of(await client.dictionary_fetch(cache, "scalar")) == (
        MomentoErrorCode.FAILED_PRECONDITION_ERROR,
        "dictionary_name: holds a scalar, not a dictionary",
    )
    assert error_of(await client.get(cache, "d")) == (
        MomentoErrorCode.FAILED_PRECONDITION_ERROR,
        "cache_key: holds a dictionary, not a scalar",
    )
    assert error_of(await client.sorted_set_fetch_by_rank(cache, "d")) == (
        MomentoErrorCode.FAILED_PRECONDITION_ERROR,
        "set_name: holds a dictionary, not a sorted set",
    )


async def test_dictionary_ttl_and_length(
    stub: cache_grpc.ScsStub, wire_cache: str, clock: ManualClock
) -> None:
    pair = cache_pb._DictionaryFieldValuePair(field=b"f", value=b"v")
    request = cache_pb._DictionarySetRequest(
        dictionary_name=b"d", items=[pair], ttl_milliseconds=5_000, refresh_ttl=True
    )
    raw_call(stub, "DictionarySet", request, wire_cache)
    length = raw_call(
        stub,
        "DictionaryLength",
        cache_pb._DictionaryLengthRequest(dictionary_name=b"d"),
        wire_cache,
    )
    assert length.found.length == 1
    assert _remaining_ttl(stub, wire_cache, b"d") == 5_000
    clock.advance(5.1)
    gone = raw_call(
        stub,
        "DictionaryLength",
        cache_pb._DictionaryLengthRequest(dictionary_name=b"d"),
        wire_cache,
    )
    assert gone.WhichOneof("dictionary") == "missing"


# -- sets ---------------------------------------------------------------------------------------


async def test_set_add_fetch_and_remove(client: AnyClient, cache: str) -> None:
    assert isinstance(
        await client.set_add_elements(cache, "s", ["a", "b", "c"]), CacheSetAddElements.Success
    )
    assert isinstance(await client.set_add_element(cache, "s", "a"), CacheSetAddElement.Success)
    fetched = await client.set_fetch(cache, "s")
    assert isinstance(fetched, CacheSetFetch.Hit) and fetched.value_set_string == {"a", "b", "c"}
    await client.set_remove_elements(cache, "s", ["a", "zz"])
    left = await client.set_fetch(cache, "s")
    assert isinstance(left, CacheSetFetch.Hit) and left.value_set_string == {"b", "c"}
    await client.set_remove_elements(cache, "s", ["b", "c"])  # the last ones: the set goes
    assert isinstance(await client.set_fetch(cache, "s"), CacheSetFetch.Miss)
    await client.set(cache, "scalar", "v")
    assert error_of(await client.set_add_element(cache, "scalar", "x")) == (
        MomentoErrorCode.FAILED_PRECONDITION_ERROR,
        "set_name: holds a scalar, not a set",
    )


async def test_set_contains_length_sample_pop_and_delete(
    stub: cache_grpc.ScsStub, wire_cache: str
) -> None:
    union = cache_pb._SetUnionRequest(
        set_name=b"s", elements=[b"a", b"b", b"c"], ttl_milliseconds=60_000, refresh_ttl=True
    )
    raw_call(stub, "SetUnion", union, wire_cache)
    contains = raw_call(
        stub,
        "SetContains",
        cache_pb._SetContainsRequest(set_name=b"s", elements=[b"b", b"z"]),
        wire_cache,
    )
    assert list(contains.found.contains) == [True, False]
    length = raw_call(stub, "SetLength", cache_pb._SetLengthRequest(set_name=b"s"), wire_cache)
    assert length.found.length == 3
    sample = raw_call(
        stub, "SetSample", cache_pb._SetSampleRequest(set_name=b"s", limit=2), wire_cache
    )
    assert len(sample.found.elements) == 2 and set(sample.found.elements) <= {b"a", b"b", b"c"}
    popped = raw_call(stub, "SetPop", cache_pb._SetPopRequest(set_name=b"s", count=2), wire_cache)
    rest = raw_call(stub, "SetFetch", cache_pb._SetFetchRequest(set_name=b"s"), wire_cache)
    assert sorted([*popped.found.elements, *rest.found.elements]) == [b"a", b"b", b"c"]
    everything = cache_pb._SetDifferenceRequest._Subtrahend(
        identity=cache_pb._SetDifferenceRequest._Subtrahend._Identity()
    )
    delete = cache_pb._SetDifferenceRequest(set_name=b"s", subtrahend=everything)
    assert raw_call(stub, "SetDifference", delete, wire_cache).WhichOneof("set") == "found"
    assert raw_call(stub, "SetDifference", delete, wire_cache).WhichOneof("set") == "missing"
    gone = raw_call(stub, "SetLength", cache_pb._SetLengthRequest(set_name=b"s"), wire_cache)
    assert gone.WhichOneof("set") == "missing"


# -- lists --------------------------------------------------------------------------------------


async def test_list_push_concatenate_truncate_fetch_and_pop(client: AnyClient, cache: str) -> None:
    assert isinstance(await client.list_push_back(cache, "l", "b"), CacheListPushBack.Success)
    await client.list_push_front(cache, "l", "a")
    await client.list_concatenate_back(cache, "l", ["c", "d"])
    await client.list_concatenate_front(cache, "l", ["y", "z"])
    fetched = await client.list_fetch(cache, "l")
    assert isinstance(fetched, CacheListFetch.Hit)
    assert fetched.value_list_string == ["y", "z", "a", "b", "c", "d"]
    await client.list_push_back(cache, "l", "e", truncate_front_to_size=3)
    kept = await client.list_fetch(cache, "l")
    assert isinstance(kept, CacheListFetch.Hit) and kept.value_list_string == ["c", "d", "e"]
    front = await client.list_pop_front(cache, "l")
    assert isinstance(front, CacheListPopFront.Hit) and front.value_string == "c"
    back = await client.list_pop_back(cache, "l")
    assert isinstance(back, CacheListPopBack.Hit) and back.value_string == "e"
    length = await client.list_length(cache, "l")
    assert isinstance(length, CacheListLength.Hit) and length.length == 1
    await client.list_pop_back(cache, "l")  # the last value: the list goes
    assert isinstance(await client.list_fetch(cache, "l"), CacheListFetch.Miss)
    assert isinstance(await client.list_pop_front(cache, "l"), CacheListPopFront.Miss)


async def test_list_remove_value_and_wrong_type(client: AnyClient, cache: str) -> None:
    await client.list_concatenate_back(cache, "l", ["a", "x", "b", "x"])
    assert isinstance(await client.list_remove_value(cache, "l", "x"), CacheListRemoveValue.Success)
    fetched = await client.list_fetch(cache, "l")
    assert isinstance(fetched, CacheListFetch.Hit) and fetched.value_list_string == ["a", "b"]
    await client.dictionary_set_field(cache, "d", "f", "v")
    assert error_of(await client.list_push_back(cache, "d", "v")) == (
        MomentoErrorCode.FAILED_PRECONDITION_ERROR,
        "list_name: holds a dictionary, not a list",
    )


async def test_list_fetch_and_retain_ranges(stub: cache_grpc.ScsStub, wire_cache: str) -> None:
    values = [b"0", b"1", b"2", b"3", b"4"]
    concat = cache_pb._ListConcatenateBackRequest(
        list_name=b"l", values=values, ttl_milliseconds=60_000, refresh_ttl=True
    )
    raw_call(stub, "ListConcatenateBack", concat, wire_cache)
    window = cache_pb._ListFetchRequest(list_name=b"l", inclusive_start=1, exclusive_end=-1)
    assert list(raw_call(stub, "ListFetch", window, wire_cache).found.values) == [b"1", b"2", b"3"]
    retain = cache_pb._ListRetainRequest(
        list_name=b"l", inclusive_start=2, ttl_milliseconds=60_000, refresh_ttl=True
    )
    assert raw_call(stub, "ListRetain", retain, wire_cache).found.list_length == 3
    everything = cache_pb._ListFetchRequest(list_name=b"l")
    assert list(raw_call(stub, "ListFetch", everything, wire_cache).found.values) == [
        b"2",
        b"3",
        b"4",
    ]
