"""Sorted sets over gRPC (`cache_client.Scs`): put, fetch by rank or score, rank, score(s),
increment, remove, length and length by score.

A mixin of `CacheServicer` (see `grpc_cache.py`); it only reads `self._store`. Each handler
translates protobuf fields into the store's arguments and the store's result values back into
the response shapes the official SDK decodes (hit / miss / error).
"""

# ruff: noqa: N802 - handler names are the gRPC method names the wire protocol fixes

from __future__ import annotations

from typing import Final

import grpc
from momento_wire_types import cacheclient_pb2 as cache_pb

from leaderboard.local.momento_server.grpc_scalars import ttl_seconds_of
from leaderboard.local.momento_server.grpc_status import (
    RpcStatusError,
    cache_name_of,
    failure_of,
    invalid_argument,
)
from leaderboard.local.momento_server.store import (
    Elements,
    Length,
    Miss,
    Ok,
    Rank,
    Score,
    Scores,
    Store,
)
from leaderboard.momento_contract.arguments import CollectionTtl, Order, ScoreBound

_Fetch = cache_pb._SortedSetFetchRequest
_ScorePart = cache_pb._SortedSetGetScoreResponse._SortedSetGetScoreResponsePart

# Store field names -> the protobuf fields a gRPC caller set, per request shape.
_WRITE_FIELDS: Final = {"key": "set_name", "ttl_seconds": "ttl_milliseconds"}
_VALUES_FIELDS: Final = {"key": "set_name", "value": "values"}
_BY_INDEX_FIELDS: Final = {
    "key": "set_name",
    "start_rank": "by_index.inclusive_start_index",
    "end_rank": "by_index.exclusive_end_index",
}
_BY_SCORE_FIELDS: Final = {
    "key": "set_name",
    "min_score": "by_score.min_score",
    "max_score": "by_score.max_score",
    "offset": "by_score.offset",
    "count": "by_score.count",
}
_LENGTH_BY_SCORE_FIELDS: Final = {"key": "set_name", "min_score": "min", "max_score": "max"}
_KEY_FIELDS: Final = {"key": "set_name"}


def _order_of(order: int) -> Order:
    # Both request enums number ASCENDING 0 and DESCENDING 1.
    return Order.DESC if order == _Fetch.DESCENDING else Order.ASC


def _collection_ttl_of(ttl_milliseconds: int, refresh_ttl: bool) -> CollectionTtl:
    return CollectionTtl(ttl_seconds_of(ttl_milliseconds), refresh=refresh_ttl)


def _fetch_bound(bound: _Fetch._ByScore._Score) -> ScoreBound:
    return ScoreBound(bound.score, exclusive=bound.exclusive)


def _length_bound(request: cache_pb._SortedSetLengthByScoreRequest, end: str) -> ScoreBound | None:
    """One end (`min` or `max`) of a LengthByScore range; None when unbounded or unset."""
    which = request.WhichOneof(end)
    if which is None or which.startswith("unbounded"):
        return None
    return ScoreBound(getattr(request, which), exclusive=which.startswith("exclusive"))


class SortedSetRpcs:
    """Sorted-set handlers."""

    _store: Store

    def SortedSetPut(
        self, request: cache_pb._SortedSetPutRequest, context: grpc.ServicerContext
    ) -> cache_pb._SortedSetPutResponse:
        result = self._store.sorted_set_put(
            cache_name_of(context),
            request.set_name,
            [(element.value, element.score) for element in request.elements],
            _collection_ttl_of(request.ttl_milliseconds, request.refresh_ttl),
        )
        if not isinstance(result, Ok):
            raise failure_of(result, _WRITE_FIELDS)
        return cache_pb._SortedSetPutResponse()

    def SortedSetFetch(
        self, request: cache_pb._SortedSetFetchRequest, context: grpc.ServicerContext
    ) -> cache_pb._SortedSetFetchResponse:
        cache_name = cache_name_of(context)
        order = _order_of(request.order)
        which = request.WhichOneof("range")
        if which == "by_index":
            by_index = request.by_index
            result = self._store.sorted_set_fetch_by_rank(
                cache_name,
                request.set_name,
                by_index.inclusive_start_index
                if by_index.WhichOneof("start") == "inclusive_start_index"
                else None,
                by_index.exclusive_end_index
                if by_index.WhichOneof("end") == "exclusive_end_index"
                else None,
                order,
            )
            fields = _BY_INDEX_FIELDS
        elif which == "by_score":
            by_score = request.by_score
            result = self._store.sorted_set_fetch_by_score(
                cache_name,
                request.set_name,
                min_score=_fetch_bound(by_score.min_score)
                if by_score.WhichOneof("min") == "min_score"
                else None,
                max_score=_fetch_bound(by_score.max_score)
                if by_score.WhichOneof("max") == "max_score"
                else None,
                order=order,
                offset=by_score.offset,
                # The SDK sends -1 for "no limit"; 0 reaches the store and is refused there.
                count=None if by_score.count < 0 else by_score.count,
            )
            fields = _BY_SCORE_FIELDS
        else:
            raise invalid_argument("range", "one of by_index, by_score is required")
        if isinstance(result, Miss):
            return cache_pb._SortedSetFetchResponse(
                missing=cache_pb._SortedSetFetchResponse._Missing()
            )
        if not isinstance(result, Elements):
            raise failure_of(result, fields)
        return cache_pb._SortedSetFetchResponse(
            found=_found(result, with_scores=request.with_scores)
        )

    def SortedSetGetRank(
        self, request: cache_pb._SortedSetGetRankRequest, context: grpc.ServicerContext
    ) -> cache_pb._SortedSetGetRankResponse:
        result = self._store.sorted_set_get_rank(
            cache_name_of(context), request.set_name, request.value, _order_of(request.order)
        )
        if isinstance(result, Rank):
            part = cache_pb._SortedSetGetRankResponse._RankResponsePart(
                result=cache_pb.Hit, rank=result.rank
            )
            return cache_pb._SortedSetGetRankResponse(element_rank=part)
        if isinstance(result, Miss):
            # A missing set also answers `element_rank: Miss`: the SDK reads only that field
            # and would turn the `missing` variant into an "unknown response" error.
            part = cache_pb._SortedSetGetRankResponse._RankResponsePart(result=cache_pb.Miss)
            return cache_pb._SortedSetGetRankResponse(element_rank=part)
        raise failure_of(result, _KEY_FIELDS)

    def SortedSetGetScore(
        self, request: cache_pb._SortedSetGetScoreRequest, context: grpc.ServicerContext
    ) -> cache_pb._SortedSetGetScoreResponse:
        result = self._store.sorted_set_get_scores(
            cache_name_of(context), request.set_name, list(request.values)
        )
        if isinstance(result, Miss):
            return cache_pb._SortedSetGetScoreResponse(
                missing=cache_pb._SortedSetGetScoreResponse._SortedSetMissing()
            )
        if not isinstance(result, Scores):
            raise failure_of(result, _VALUES_FIELDS)
        parts = [
            _ScorePart(result=cache_pb.Miss)
            if score is None
            else _ScorePart(result=cache_pb.Hit, score=score)
            for _, score in result.elements
        ]
        return cache_pb._SortedSetGetScoreResponse(
            found=cache_pb._SortedSetGetScoreResponse._SortedSetFound(elements=parts)
        )

    def SortedSetIncrement(
        self, request: cache_pb._SortedSetIncrementRequest, context: grpc.ServicerContext
    ) -> cache_pb._SortedSetIncrementResponse:
        result = self._store.sorted_set_increment(
            cache_name_of(context),
            request.set_name,
            request.value,
            request.amount,
            _collection_ttl_of(request.ttl_milliseconds, request.refresh_ttl),
        )
        if not isinstance(result, Score):
            # An increment always answers a score, so it has no miss.
            assert not isinstance(result, Miss)
            raise failure_of(result, _WRITE_FIELDS)
        return cache_pb._SortedSetIncrementResponse(score=result.score)

    def SortedSetRemove(
        self, request: cache_pb._SortedSetRemoveRequest, context: grpc.ServicerContext
    ) -> cache_pb._SortedSetRemoveResponse:
        if request.WhichOneof("remove_elements") != "some":
            # The SDK only sends `some`; removing everything is what Delete does.
            raise RpcStatusError(
                grpc.StatusCode.UNIMPLEMENTED,
                "remove_elements: only `some` is supported; use Delete",
            )
        result = self._store.sorted_set_remove(
            cache_name_of(context), request.set_name, list(request.some.values)
        )
        if not isinstance(result, Ok):
            raise failure_of(result, {"key": "set_name", "value": "some.values"})
        return cache_pb._SortedSetRemoveResponse()

    def SortedSetLength(
        self, request: cache_pb._SortedSetLengthRequest, context: grpc.ServicerContext
    ) -> cache_pb._SortedSetLengthResponse:
        result = self._store.sorted_set_length(cache_name_of(context), request.set_name)
        if isinstance(result, Length):
            return cache_pb._SortedSetLengthResponse(
                found=cache_pb._SortedSetLengthResponse._Found(length=result.length)
            )
        if isinstance(result, Miss):
            return cache_pb._SortedSetLengthResponse(
                missing=cache_pb._SortedSetLengthResponse._Missing()
            )
        raise failure_of(result, _KEY_FIELDS)

    def SortedSetLengthByScore(
        self, request: cache_pb._SortedSetLengthByScoreRequest, context: grpc.ServicerContext
    ) -> cache_pb._SortedSetLengthByScoreResponse:
        result = self._store.sorted_set_length_by_score(
            cache_name_of(context),
            request.set_name,
            _length_bound(request, "min"),
            _length_bound(request, "max"),
        )
        response = cache_pb._SortedSetLengthByScoreResponse
        if isinstance(result, Length):
            return response(found=response._Found(length=result.length))
        if isinstance(result, Miss):
            return response(missing=response._Missing())
        raise failure_of(result, _LENGTH_BY_SCORE_FIELDS)


def _found(result: Elements, *, with_scores: bool) -> cache_pb._SortedSetFetchResponse._Found:
    found = cache_pb._SortedSetFetchResponse._Found
    if with_scores:
        elements = [cache_pb._SortedSetElement(value=v, score=s) for v, s in result.elements]
        return found(values_with_scores=found._ValuesWithScores(elements=elements))
    return found(values=found._Values(values=[value for value, _ in result.elements]))
