"""Sorted-set calls the public SDK (momento 1.29.1) does not offer, made on the SDK's own stub.

The SDK has no `SortedSetLength` / `SortedSetLengthByScore` call, and its fetch by score
takes inclusive bounds only while the routes also accept `*_exclusive`. Momento's wire
protocol has all three. Rather than a second gRPC client (a second auth path, retry policy
and channel), these go through the client's own data channel, exactly as the SDK's
`list_length` does: same interceptors, deadline, retries and error conversion.

This module is the only place that touches SDK internals (`_data_client`, `_build_stub`);
the SDK is pinned and the bridge tests exercise every call here against the local server's
gRPC door, so an SDK upgrade that moves them fails the tests, not production.
"""

from __future__ import annotations

from dataclasses import dataclass

from momento import CacheClient
from momento.errors import SdkException, convert_error
from momento.internal.services import Service
from momento.internal.synchronous._utilities import make_metadata
from momento.responses import CacheSortedSetFetch, CacheSortedSetFetchResponse
from momento_wire_types import cacheclient_pb2 as cache_pb
from momento_wire_types import common_pb2 as common_pb

from leaderboard.momento_contract.arguments import Order, ScoreBound
from leaderboard.momento_contract.sorted_set_requests import FetchByScore, GetLength

_Fetch = cache_pb._SortedSetFetchRequest


@dataclass(frozen=True, slots=True)
class LengthHit:
    length: int


@dataclass(frozen=True, slots=True)
class LengthMiss:
    """No sorted set under the key."""


@dataclass(frozen=True, slots=True)
class LengthError:
    error: SdkException


LengthResponse = LengthHit | LengthMiss | LengthError


def sorted_set_length(client: CacheClient, key: str, request: GetLength) -> LengthResponse:
    """`SortedSetLength` without bounds, `SortedSetLengthByScore` with either bound."""
    data_client = client._data_client
    set_name, min_score, max_score = key.encode(), request.min_score, request.max_score
    metadata = make_metadata(request.cache_name)
    try:
        stub = data_client._build_stub()
        options = {
            "metadata": metadata,
            "timeout": data_client._default_deadline_seconds,
        }
        if min_score is None and max_score is None:
            whole = stub.SortedSetLength(
                cache_pb._SortedSetLengthRequest(set_name=set_name), **options
            )
            found = whole.WhichOneof("sorted_set") == "found"
            return LengthHit(whole.found.length) if found else LengthMiss()
        request = cache_pb._SortedSetLengthByScoreRequest(set_name=set_name)
        _length_bound(request, "min", min_score)
        _length_bound(request, "max", max_score)
        ranged = stub.SortedSetLengthByScore(request, **options)
        found = ranged.WhichOneof("sorted_set") == "found"
        return LengthHit(ranged.found.length) if found else LengthMiss()
    except Exception as error:  # the SDK's own pattern: every failure becomes an error value
        return LengthError(convert_error(error, Service.CACHE))


def _length_bound(
    request: cache_pb._SortedSetLengthByScoreRequest, end: str, bound: ScoreBound | None
) -> None:
    if bound is None:
        getattr(request, f"unbounded_{end}").CopyFrom(common_pb._Unbounded())
    elif bound.exclusive:
        setattr(request, f"exclusive_{end}", bound.score)
    else:
        setattr(request, f"inclusive_{end}", bound.score)


def sorted_set_fetch_by_score(
    client: CacheClient, key: str, request: FetchByScore
) -> CacheSortedSetFetchResponse:
    """`SortedSetFetch` by score with exclusive bounds; answers the SDK's own response types."""
    data_client = client._data_client
    wire = cache_pb._SortedSetFetchRequest(set_name=key.encode(), with_scores=True)
    by_score = wire.by_score
    for bound, target, unbounded in (
        (request.min_score, by_score.min_score, by_score.unbounded_min),
        (request.max_score, by_score.max_score, by_score.unbounded_max),
    ):
        if bound is None:
            unbounded.CopyFrom(common_pb._Unbounded())
        else:
            target.score, target.exclusive = bound.score, bound.exclusive
    by_score.offset = request.offset
    by_score.count = -1 if request.count is None else request.count  # -1: no limit, as the SDK
    descending = request.order is Order.DESC
    wire.order = _Fetch.DESCENDING if descending else _Fetch.ASCENDING
    try:
        response = data_client._build_stub().SortedSetFetch(
            wire,
            metadata=make_metadata(request.cache_name),
            timeout=data_client._default_deadline_seconds,
        )
    except Exception as error:  # the SDK's own pattern: every failure becomes an error value
        return CacheSortedSetFetch.Error(convert_error(error, Service.CACHE))
    if response.WhichOneof("sorted_set") != "found":
        return CacheSortedSetFetch.Miss()
    elements = response.found.values_with_scores.elements
    return CacheSortedSetFetch.Hit([(element.value, element.score) for element in elements])
