"""The gRPC door's gate, seen through the official SDK: API keys and injected faults."""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import grpc
import pytest
from momento import CacheClient, Configurations, CredentialProvider
from momento.errors import MomentoErrorCode, SdkException
from momento.responses import (
    CacheGet,
    CacheSet,
    CacheSortedSetFetch,
    CacheSortedSetGetScore,
    CacheSortedSetPutElement,
    CreateCache,
    ListCaches,
)
from momento.responses.mixins import ErrorResponseMixin
from momento_wire_types.generated import cacheclient_pb2

from leaderboard.local.momento_server.auth import ApiKeys
from leaderboard.local.momento_server.faults import OPERATIONS, FaultInjector, FaultRule
from leaderboard.local.momento_server.grpc_door import start_grpc_door
from leaderboard.local.momento_server.grpc_guard import Guard, operation_of
from leaderboard.local.momento_server.store import Store

HOST = "127.0.0.1"
TTL = timedelta(seconds=60)
FAULT_MESSAGES = {
    429: "Request rate limit exceeded (injected fault)",
    500: "Internal server error (injected fault)",
    503: "Service unavailable (injected fault)",
}


def error_of(response: object) -> SdkException:
    """The SDK's error inside an error response; fails the test on any other response."""
    assert isinstance(response, ErrorResponseMixin), f"expected an error, got {response!r}"
    return response.inner_exception


def client_for(port: int, api_key: str) -> CacheClient:
    # `for_momento_local` always sends the empty key; the same endpoints with a real key
    # are what a caller of a keyed local server constructs.
    credentials = CredentialProvider(api_key, HOST, HOST, HOST, port)
    return CacheClient.create(Configurations.Laptop.v1(), credentials, TTL)


@pytest.fixture(scope="module")
def api_key() -> str:
    return secrets.token_urlsafe(24)  # generated per run: no key lives in the code


@pytest.fixture(scope="module")
def keyed_port(api_key: str) -> Iterator[int]:
    server, port = start_grpc_door(Store(), FaultInjector(), ApiKeys([api_key]), HOST, 0)
    yield port
    server.stop(grace=None)


@pytest.fixture(scope="module")
def faults() -> FaultInjector:
    return FaultInjector(seed=7)


@pytest.fixture(scope="module")
def open_port(faults: FaultInjector) -> Iterator[int]:
    store = Store()
    store.create_cache("faulty")
    server, port = start_grpc_door(store, faults, ApiKeys(), HOST, 0)
    yield port
    server.stop(grace=None)


@pytest.fixture
def open_client(open_port: int, faults: FaultInjector) -> Iterator[CacheClient]:
    with client_for(open_port, "") as client:
        yield client
    faults.clear()


def test_configured_key_is_accepted(keyed_port: int, api_key: str) -> None:
    with client_for(keyed_port, api_key) as client:
        assert isinstance(
            client.create_cache("keyed"), CreateCache.Success | CreateCache.CacheAlreadyExists
        )
        assert isinstance(client.set("keyed", "k", "v"), CacheSet.Success)
        assert isinstance(client.get("keyed", "k"), CacheGet.Hit)


@pytest.mark.parametrize("presented", ["", "wrong-key"])
def test_missing_or_wrong_key_is_unauthenticated(keyed_port: int, presented: str) -> None:
    with client_for(keyed_port, presented) as client:
        for response in (client.list_caches(), client.get("keyed", "k")):
            error = error_of(response)
            assert (error.error_code, error.message) == (
                MomentoErrorCode.AUTHENTICATION_ERROR,
                "Invalid API key",
            )


def test_open_server_accepts_for_momento_local(open_port: int) -> None:
    credentials = CredentialProvider.for_momento_local(HOST, open_port)
    with CacheClient.create(Configurations.Laptop.v1(), credentials, TTL) as client:
        assert isinstance(client.list_caches(), ListCaches.Success)


# The SDK retries INTERNAL and UNAVAILABLE on idempotent calls: 1 call + 3 retries.
SDK_ATTEMPTS = {429: 1, 500: 4, 503: 4}


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (429, MomentoErrorCode.LIMIT_EXCEEDED_ERROR),
        (500, MomentoErrorCode.INTERNAL_SERVER_ERROR),
        (503, MomentoErrorCode.SERVER_UNAVAILABLE),
    ],
)
def test_fault_status_reaches_the_sdk_and_then_clears(
    open_client: CacheClient, faults: FaultInjector, status: int, code: MomentoErrorCode
) -> None:
    faults.add(FaultRule(operation="sortedset.put", status=status, times=SDK_ATTEMPTS[status]))
    failed = error_of(open_client.sorted_set_put_element("faulty", "board", "a", 1.0))
    assert failed.error_code is code
    assert failed.message == f"{FAULT_MESSAGES[status]}: sortedset.put"
    assert faults.rules() == []  # every attempt met the fault, and the rule is used up
    recovered = open_client.sorted_set_put_element("faulty", "board", "a", 1.0)
    assert isinstance(recovered, CacheSortedSetPutElement.Success)


def test_sdk_retries_through_a_single_unavailable(
    open_client: CacheClient, faults: FaultInjector
) -> None:
    faults.add(FaultRule(operation="cache.get", status=503, times=1))
    assert isinstance(open_client.get("faulty", "k"), CacheGet.Miss)
    assert faults.rules() == []


def test_rate_limit_carries_momentos_err_trailer(
    open_client: CacheClient, faults: FaultInjector
) -> None:
    faults.add(FaultRule(operation="cache.get", status=429, times=1))
    failed = error_of(open_client.get("faulty", "k"))
    assert failed.message_wrapper == "Request rate limit exceeded for this account"


def test_faults_hit_only_their_operation(open_client: CacheClient, faults: FaultInjector) -> None:
    faults.add(FaultRule(operation="sortedset.fetch_by_score", status=429))
    by_rank = open_client.sorted_set_fetch_by_rank("faulty", "never-written")
    assert isinstance(by_rank, CacheSortedSetFetch.Miss)
    failed = error_of(open_client.sorted_set_fetch_by_score("faulty", "never-written"))
    assert failed.error_code is MomentoErrorCode.LIMIT_EXCEEDED_ERROR


def test_latency_fault_delays_the_call(open_client: CacheClient, faults: FaultInjector) -> None:
    faults.add(FaultRule(operation="cache.set", latency_seconds=0.3, times=1))
    started = time.perf_counter()
    assert isinstance(open_client.set("faulty", "slow", "v"), CacheSet.Success)
    assert time.perf_counter() - started >= 0.3


def test_applied_fault_answers_its_error_after_the_write(
    open_client: CacheClient, faults: FaultInjector
) -> None:
    """The SDK does not retry an increment, so it sees the one error, yet the add landed."""
    board = f"applied-{uuid.uuid4().hex[:8]}"
    faults.add(FaultRule(operation="sortedset.increment", status=503, times=1))
    refused = error_of(open_client.sorted_set_increment_score("faulty", board, "a", 2.0))
    faults.add(FaultRule(operation="sortedset.increment", status=503, applied=True, times=1))
    applied = error_of(open_client.sorted_set_increment_score("faulty", board, "a", 2.0))
    assert (applied.error_code, applied.message) == (refused.error_code, refused.message)
    assert applied.error_code is MomentoErrorCode.SERVER_UNAVAILABLE
    assert applied.message == f"{FAULT_MESSAGES[503]}: sortedset.increment"
    score = open_client.sorted_set_get_score("faulty", board, "a")
    assert isinstance(score, CacheSortedSetGetScore.Hit)
    assert score.score == 2.0  # the applied add only: the plain fault added nothing


def test_applied_fault_on_a_refused_call_answers_the_fault(
    open_client: CacheClient, faults: FaultInjector
) -> None:
    """The operation's own answer (here: no such cache) is the one lost, as for any fault."""
    faults.add(FaultRule(operation="cache.set", status=429, applied=True, times=1))
    failed = error_of(open_client.set("no-such-cache", "k", "v"))
    assert failed.error_code is MomentoErrorCode.LIMIT_EXCEEDED_ERROR


def test_dropped_call_is_cancelled_and_changes_nothing(
    open_client: CacheClient, faults: FaultInjector
) -> None:
    key = f"dropped-{uuid.uuid4().hex[:8]}"
    faults.add(FaultRule(operation="cache.set", drop=True, times=1))
    dropped = error_of(open_client.set("faulty", key, "v"))
    assert dropped.error_code is MomentoErrorCode.CANCELLED_ERROR
    assert isinstance(open_client.get("faulty", key), CacheGet.Miss)


@pytest.mark.parametrize(
    ("method", "range_field", "expected"),
    [
        ("SortedSetFetch", "by_index", "sortedset.fetch_by_rank"),
        ("SortedSetFetch", "by_score", "sortedset.fetch_by_score"),
        ("SortedSetPut", None, "sortedset.put"),
    ],
)
def test_grpc_calls_are_named_as_the_http_door_names_them(
    method: str, range_field: str | None, expected: str
) -> None:
    request = cacheclient_pb2._SortedSetFetchRequest()
    if range_field == "by_index":
        request.by_index.SetInParent()
    elif range_field == "by_score":
        request.by_score.SetInParent()
    assert operation_of(f"/cache_client.Scs/{method}", request) == expected
    assert expected in OPERATIONS


def test_each_method_is_wrapped_once_and_its_wrapper_reused() -> None:
    """The guard builds a method's wrapper on its first call only (a per-call cost it saves)."""
    resolved: list[str] = []

    async def continuation(details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler:
        resolved.append(details.method)
        return grpc.unary_unary_rpc_method_handler(lambda request, context: request)

    class Details(grpc.HandlerCallDetails):  # type: ignore[misc]
        def __init__(self, method: str) -> None:
            self.method = method
            self.invocation_metadata = ()

    guard = Guard(ApiKeys(), FaultInjector())
    put, put_again, get = (
        asyncio.run(guard.intercept_service(continuation, Details(f"/cache_client.Scs/{name}")))
        for name in ("SortedSetPut", "SortedSetPut", "Get")
    )
    assert put is put_again and put is not get
    assert resolved == ["/cache_client.Scs/SortedSetPut", "/cache_client.Scs/Get"]
