"""Both doors share one store: what HTTP writes the SDK reads at once, and the reverse.

Uses the session's `MomentoServer` (both doors up, cache `test-cache`), a real HTTP client
and the official SDK over gRPC.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from momento import CacheClient, Configurations, CredentialProvider
from momento.errors import MomentoErrorCode
from momento.requests import SortOrder
from momento.responses import (
    CacheGet,
    CacheSortedSetFetch,
    CacheSortedSetGetRank,
    CacheSortedSetGetScore,
    CacheSortedSetIncrementScore,
)

from leaderboard.local.momento_server.faults import FaultRule
from leaderboard.local.momento_server.server import MomentoServer
from tests.momento_server.conftest import SHARED_CACHE

JSON_ELEMENTS = {"elements": [{"value": "ann", "score": 3.0}, {"value": "bob", "score": 1.0}]}


@pytest.fixture(scope="module")
def sdk(momento_server: MomentoServer) -> Iterator[CacheClient]:
    credentials = CredentialProvider.for_momento_local(
        momento_server.host, momento_server.grpc_port
    )
    config = Configurations.Laptop.v1()
    with CacheClient.create(config, credentials, timedelta(seconds=60)) as client:
        yield client


def test_http_scalar_write_is_read_by_the_sdk(
    http: httpx.Client, sdk: CacheClient, key: str
) -> None:
    put = http.put(f"/cache/{SHARED_CACHE}", params={"key": key, "ttl_seconds": 60}, content=b"v")
    assert put.status_code == 204
    got = sdk.get(SHARED_CACHE, key)
    assert isinstance(got, CacheGet.Hit)
    assert got.value_bytes == b"v"


def test_sdk_scalar_write_and_delete_are_seen_over_http(
    http: httpx.Client, sdk: CacheClient, key: str
) -> None:
    sdk.set(SHARED_CACHE, key, b"\x00from-sdk")
    got = http.get(f"/cache/{SHARED_CACHE}", params={"key": key})
    assert (got.status_code, got.content) == (200, b"\x00from-sdk")
    sdk.delete(SHARED_CACHE, key)
    gone = http.get(f"/cache/{SHARED_CACHE}", params={"key": key})
    assert (gone.status_code, gone.text) == (404, "Key Not Found")


def test_http_sorted_set_is_ranked_by_the_sdk(
    http: httpx.Client, sdk: CacheClient, key: str
) -> None:
    params: dict[str, str | int] = {"key": key, "ttl_seconds": 60}
    put = http.put(f"/sortedset/{SHARED_CACHE}", params=params, json=JSON_ELEMENTS)
    assert put.status_code == 204
    fetched = sdk.sorted_set_fetch_by_rank(SHARED_CACHE, key, sort_order=SortOrder.DESCENDING)
    assert isinstance(fetched, CacheSortedSetFetch.Hit)
    assert fetched.value_list_string == [("ann", 3.0), ("bob", 1.0)]
    rank = sdk.sorted_set_get_rank(SHARED_CACHE, key, "bob")
    assert isinstance(rank, CacheSortedSetGetRank.Hit)
    assert rank.rank == 0


def test_sdk_sorted_set_writes_are_seen_over_http(
    http: httpx.Client, sdk: CacheClient, key: str
) -> None:
    sdk.sorted_set_put_elements(SHARED_CACHE, key, {"ann": 3.0, "bob": 1.0})
    bumped = sdk.sorted_set_increment_score(SHARED_CACHE, key, "bob", 5.0)
    assert isinstance(bumped, CacheSortedSetIncrementScore.Success)
    by_rank = http.get(f"/sortedset/{SHARED_CACHE}/by-rank", params={"key": key, "order": "DESC"})
    assert by_rank.status_code == 200
    assert by_rank.json() == {
        "elements": [{"value": "bob", "score": 6.0}, {"value": "ann", "score": 3.0}]
    }
    rank = http.get(f"/sortedset/{SHARED_CACHE}/rank", params={"key": key, "value": "ann"})
    assert rank.json() == {"value": "ann", "rank": 0}
    deleted = http.delete(f"/cache/{SHARED_CACHE}", params={"key": key})
    assert deleted.status_code == 204
    missing = sdk.sorted_set_fetch_by_rank(SHARED_CACHE, key)
    assert isinstance(missing, CacheSortedSetFetch.Miss)


def test_a_fault_set_over_http_disturbs_the_grpc_door(
    http: httpx.Client, sdk: CacheClient, key: str
) -> None:
    rule = {"operation": "sortedset.rank", "status": 429, "times": 1}
    assert http.post("/_admin/faults", json=rule).status_code in (200, 201)
    try:
        limited = sdk.sorted_set_get_rank(SHARED_CACHE, key, "x")
        assert isinstance(limited, CacheSortedSetGetRank.Error)
        assert limited.error_code is MomentoErrorCode.LIMIT_EXCEEDED_ERROR
        assert isinstance(
            sdk.sorted_set_get_rank(SHARED_CACHE, key, "x"), CacheSortedSetGetRank.Miss
        )
    finally:
        http.delete("/_admin/faults")


def test_an_applied_fault_over_http_answers_its_error_after_the_write(
    momento_server: MomentoServer, http: httpx.Client, sdk: CacheClient, key: str
) -> None:
    """The write commits, then the caller gets the same answer a plain fault gives."""
    faults = momento_server.faults
    increment = f"/sortedset/{SHARED_CACHE}/increment"
    params: dict[str, str | int] = {"key": key, "value": "ann", "ttl_seconds": 60}
    try:
        faults.add(FaultRule(operation="sortedset.increment", status=503, times=1))
        refused = http.post(increment, params=params, json={"amount": 2})
        faults.add(FaultRule(operation="sortedset.increment", status=503, applied=True, times=1))
        applied = http.post(increment, params=params, json={"amount": 2})
        faults.add(FaultRule(operation="cache.set", status=500, applied=True, times=1))
        put = http.put(
            f"/cache/{SHARED_CACHE}", params={"key": f"{key}-v", "ttl_seconds": 60}, content=b"v"
        )
    finally:
        faults.clear()
    assert (applied.status_code, applied.json()) == (503, refused.json())
    assert applied.json() == {"error": "unavailable", "message": "Service unavailable"}
    score = sdk.sorted_set_get_score(SHARED_CACHE, key, "ann")
    assert isinstance(score, CacheSortedSetGetScore.Hit)
    assert score.score == 2.0  # the applied add only: the plain fault added nothing
    assert (put.status_code, put.text) == (500, "Internal server error")
    got = sdk.get(SHARED_CACHE, f"{key}-v")
    assert isinstance(got, CacheGet.Hit)
    assert got.value_bytes == b"v"
