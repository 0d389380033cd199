"""Sets over gRPC (`cache_client.Scs`): union (add), difference (remove), fetch, sample, pop,
contains and length.

A mixin of `CacheServicer` (see `grpc_cache.py`); it only reads `self._store`, whose set
calls are atomic like every other. `SetDifference` with a `minuend` (which no SDK sends)
answers UNIMPLEMENTED.
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
    found_or_missing,
)
from leaderboard.local.momento_server.store import (
    Miss,
    Ok,
    Store,
)
from leaderboard.momento_contract.arguments import CollectionTtl

# Store field names -> the protobuf fields a gRPC caller set.
_FIELDS: Final = {"key": "set_name", "ttl_seconds": "ttl_milliseconds"}


class SetRpcs:
    """Set handlers."""

    _store: Store

    def SetUnion(
        self, request: cache_pb._SetUnionRequest, context: grpc.ServicerContext
    ) -> cache_pb._SetUnionResponse:
        result = self._store.set_add(
            cache_name_of(context),
            request.set_name,
            list(request.elements),
            CollectionTtl(ttl_seconds_of(request.ttl_milliseconds), refresh=request.refresh_ttl),
        )
        if not isinstance(result, Ok):
            raise failure_of(result, _FIELDS)
        return cache_pb._SetUnionResponse()

    def SetDifference(
        self, request: cache_pb._SetDifferenceRequest, context: grpc.ServicerContext
    ) -> cache_pb._SetDifferenceResponse:
        if request.WhichOneof("difference") != "subtrahend":
            raise RpcStatusError(
                grpc.StatusCode.UNIMPLEMENTED, "difference: only subtrahend is served locally"
            )
        subtrahend = request.subtrahend
        elements = (
            list(subtrahend.set.elements)
            if subtrahend.WhichOneof("subtrahend_set") == "set"
            else None
        )
        result = self._store.set_remove(cache_name_of(context), request.set_name, elements)
        if isinstance(result, Ok):
            return cache_pb._SetDifferenceResponse(found=cache_pb._SetDifferenceResponse._Found())
        if isinstance(result, Miss):
            return cache_pb._SetDifferenceResponse(
                missing=cache_pb._SetDifferenceResponse._Missing()
            )
        raise failure_of(result, {**_FIELDS, "elements": "subtrahend.set.elements"})

    def SetFetch(
        self, request: cache_pb._SetFetchRequest, context: grpc.ServicerContext
    ) -> cache_pb._SetFetchResponse:
        result = self._store.set_fetch(cache_name_of(context), request.set_name)
        return found_or_missing(
            cache_pb._SetFetchResponse, result, lambda hit: {"elements": hit.elements}, _FIELDS
        )

    def SetSample(
        self, request: cache_pb._SetSampleRequest, context: grpc.ServicerContext
    ) -> cache_pb._SetSampleResponse:
        result = self._store.set_sample(cache_name_of(context), request.set_name, request.limit)
        return found_or_missing(
            cache_pb._SetSampleResponse, result, lambda hit: {"elements": hit.elements}, _FIELDS
        )

    def SetPop(
        self, request: cache_pb._SetPopRequest, context: grpc.ServicerContext
    ) -> cache_pb._SetPopResponse:
        result = self._store.set_pop(cache_name_of(context), request.set_name, request.count)
        return found_or_missing(
            cache_pb._SetPopResponse, result, lambda hit: {"elements": hit.elements}, _FIELDS
        )

    def SetContains(
        self, request: cache_pb._SetContainsRequest, context: grpc.ServicerContext
    ) -> cache_pb._SetContainsResponse:
        result = self._store.set_contains(
            cache_name_of(context), request.set_name, list(request.elements)
        )
        return found_or_missing(
            cache_pb._SetContainsResponse, result, lambda hit: {"contains": hit.contains}, _FIELDS
        )

    def SetLength(
        self, request: cache_pb._SetLengthRequest, context: grpc.ServicerContext
    ) -> cache_pb._SetLengthResponse:
        result = self._store.set_length(cache_name_of(context), request.set_name)
        return found_or_missing(
            cache_pb._SetLengthResponse, result, lambda hit: {"length": hit.length}, _FIELDS
        )
