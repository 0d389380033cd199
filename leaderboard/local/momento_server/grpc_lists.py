"""Lists over gRPC (`cache_client.Scs`): push and concatenate at either end (with truncation),
pop, fetch, retain, remove a value, and length.

A mixin of `CacheServicer` (see `grpc_cache.py`); it only reads `self._store`, whose list
calls are atomic like every other. `ListErase` (index ranges, which no SDK sends) keeps the
generated UNIMPLEMENTED answer.
"""

# ruff: noqa: N802 - handler names are the gRPC method names the wire protocol fixes

from __future__ import annotations

from typing import Final

import grpc
from momento_wire_types import cacheclient_pb2 as cache_pb

from leaderboard.local.momento_server.grpc_scalars import ttl_seconds_of
from leaderboard.local.momento_server.grpc_status import cache_name_of, failure_of, found_or_missing
from leaderboard.local.momento_server.store import Length, Store
from leaderboard.momento_contract.arguments import CollectionTtl

# Store field names -> the protobuf fields a gRPC caller set.
_FIELDS: Final = {"key": "list_name", "ttl_seconds": "ttl_milliseconds"}
_PUSH_FIELDS: Final = {**_FIELDS, "values": "value"}


def _range_of(
    request: cache_pb._ListFetchRequest | cache_pb._ListRetainRequest,
) -> tuple[int | None, int | None]:
    start = (
        request.inclusive_start if request.WhichOneof("start_index") == "inclusive_start" else None
    )
    end = request.exclusive_end if request.WhichOneof("end_index") == "exclusive_end" else None
    return start, end


class ListRpcs:
    """List handlers."""

    _store: Store

    def ListPushFront(
        self, request: cache_pb._ListPushFrontRequest, context: grpc.ServicerContext
    ) -> cache_pb._ListPushFrontResponse:
        length = self._push(request, context, [request.value], front=True)
        return cache_pb._ListPushFrontResponse(list_length=length)

    def ListPushBack(
        self, request: cache_pb._ListPushBackRequest, context: grpc.ServicerContext
    ) -> cache_pb._ListPushBackResponse:
        length = self._push(request, context, [request.value], front=False)
        return cache_pb._ListPushBackResponse(list_length=length)

    def ListConcatenateFront(
        self, request: cache_pb._ListConcatenateFrontRequest, context: grpc.ServicerContext
    ) -> cache_pb._ListConcatenateFrontResponse:
        length = self._push(request, context, list(request.values), front=True)
        return cache_pb._ListConcatenateFrontResponse(list_length=length)

    def ListConcatenateBack(
        self, request: cache_pb._ListConcatenateBackRequest, context: grpc.ServicerContext
    ) -> cache_pb._ListConcatenateBackResponse:
        length = self._push(request, context, list(request.values), front=False)
        return cache_pb._ListConcatenateBackResponse(list_length=length)

    def ListPopFront(
        self, request: cache_pb._ListPopFrontRequest, context: grpc.ServicerContext
    ) -> cache_pb._ListPopFrontResponse:
        result = self._store.list_pop(cache_name_of(context), request.list_name, front=True)
        return found_or_missing(
            cache_pb._ListPopFrontResponse,
            result,
            lambda hit: {"front": hit.value, "list_length": hit.length},
            _FIELDS,
        )

    def ListPopBack(
        self, request: cache_pb._ListPopBackRequest, context: grpc.ServicerContext
    ) -> cache_pb._ListPopBackResponse:
        result = self._store.list_pop(cache_name_of(context), request.list_name, front=False)
        return found_or_missing(
            cache_pb._ListPopBackResponse,
            result,
            lambda hit: {"back": hit.value, "list_length": hit.length},
            _FIELDS,
        )

    def ListFetch(
        self, request: cache_pb._ListFetchRequest, context: grpc.ServicerContext
    ) -> cache_pb._ListFetchResponse:
        start, end = _range_of(request)
        result = self._store.list_fetch(cache_name_of(context), request.list_name, start, end)
        return found_or_missing(
            cache_pb._ListFetchResponse, result, lambda hit: {"values": hit.elements}, _FIELDS
        )

    def ListRetain(
        self, request: cache_pb._ListRetainRequest, context: grpc.ServicerContext
    ) -> cache_pb._ListRetainResponse:
        start, end = _range_of(request)
        ttl = CollectionTtl(ttl_seconds_of(request.ttl_milliseconds), refresh=request.refresh_ttl)
        result = self._store.list_retain(cache_name_of(context), request.list_name, start, end, ttl)
        return found_or_missing(
            cache_pb._ListRetainResponse, result, lambda hit: {"list_length": hit.length}, _FIELDS
        )

    def ListRemove(
        self, request: cache_pb._ListRemoveRequest, context: grpc.ServicerContext
    ) -> cache_pb._ListRemoveResponse:
        result = self._store.list_remove_value(
            cache_name_of(context), request.list_name, request.all_elements_with_value
        )
        return found_or_missing(
            cache_pb._ListRemoveResponse, result, lambda hit: {"list_length": hit.length}, _FIELDS
        )

    def ListLength(
        self, request: cache_pb._ListLengthRequest, context: grpc.ServicerContext
    ) -> cache_pb._ListLengthResponse:
        result = self._store.list_length(cache_name_of(context), request.list_name)
        return found_or_missing(
            cache_pb._ListLengthResponse, result, lambda hit: {"length": hit.length}, _FIELDS
        )

    def _push(
        self,
        request: cache_pb._ListPushFrontRequest
        | cache_pb._ListPushBackRequest
        | cache_pb._ListConcatenateFrontRequest
        | cache_pb._ListConcatenateBackRequest,
        context: grpc.ServicerContext,
        values: list[bytes],
        *,
        front: bool,
    ) -> int:
        """Push `values`; the list's new length. Front pushes truncate the back, back pushes
        the front."""
        truncate_to = (
            request.truncate_back_to_size
            if isinstance(
                request, cache_pb._ListPushFrontRequest | cache_pb._ListConcatenateFrontRequest
            )
            else request.truncate_front_to_size
        )
        result = self._store.list_push(
            cache_name_of(context),
            request.list_name,
            values,
            front=front,
            ttl=CollectionTtl(
                ttl_seconds_of(request.ttl_milliseconds), refresh=request.refresh_ttl
            ),
            truncate_to=truncate_to,
        )
        if isinstance(result, Length):
            return result.length
        raise failure_of(result, _PUSH_FIELDS)
