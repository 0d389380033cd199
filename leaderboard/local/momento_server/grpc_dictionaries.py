"""Dictionaries over gRPC (`cache_client.Scs`): set, get, fetch, increment, delete and length.

A mixin of `CacheServicer` (see `grpc_cache.py`); it only reads `self._store`, whose
dictionary calls are atomic like every other.
"""

# ruff: noqa: N802 - handler names are the gRPC method names the wire protocol fixes

from __future__ import annotations

from typing import Final

import grpc
from momento_wire_types import cacheclient_pb2 as cache_pb

from leaderboard.local.momento_server.grpc_scalars import ttl_seconds_of
from leaderboard.local.momento_server.grpc_status import cache_name_of, failure_of, found_or_missing
from leaderboard.local.momento_server.store import (
    Counter,
    Ok,
    Store,
)
from leaderboard.momento_contract.arguments import CollectionTtl

# Store field names -> the protobuf fields a gRPC caller set.
_FIELDS: Final = {
    "key": "dictionary_name",
    "field": "items.field",
    "value": "items.value",
    "ttl_seconds": "ttl_milliseconds",
}
_READ_FIELDS: Final = {"key": "dictionary_name", "field": "fields"}
_INCREMENT_FIELDS: Final = {**_FIELDS, "field": "field"}
_GetPart = cache_pb._DictionaryGetResponse._DictionaryGetResponsePart


class DictionaryRpcs:
    """Dictionary handlers."""

    _store: Store

    def DictionarySet(
        self, request: cache_pb._DictionarySetRequest, context: grpc.ServicerContext
    ) -> cache_pb._DictionarySetResponse:
        result = self._store.dictionary_set(
            cache_name_of(context),
            request.dictionary_name,
            [(item.field, item.value) for item in request.items],
            CollectionTtl(ttl_seconds_of(request.ttl_milliseconds), refresh=request.refresh_ttl),
        )
        if not isinstance(result, Ok):
            raise failure_of(result, _FIELDS)
        return cache_pb._DictionarySetResponse()

    def DictionaryIncrement(
        self, request: cache_pb._DictionaryIncrementRequest, context: grpc.ServicerContext
    ) -> cache_pb._DictionaryIncrementResponse:
        result = self._store.dictionary_increment(
            cache_name_of(context),
            request.dictionary_name,
            request.field,
            request.amount,
            CollectionTtl(ttl_seconds_of(request.ttl_milliseconds), refresh=request.refresh_ttl),
        )
        if isinstance(result, Counter):
            return cache_pb._DictionaryIncrementResponse(value=result.value)
        raise failure_of(result, _INCREMENT_FIELDS)

    def DictionaryGet(
        self, request: cache_pb._DictionaryGetRequest, context: grpc.ServicerContext
    ) -> cache_pb._DictionaryGetResponse:
        result = self._store.dictionary_get(
            cache_name_of(context), request.dictionary_name, list(request.fields)
        )
        return found_or_missing(
            cache_pb._DictionaryGetResponse,
            result,
            lambda hit: {
                "items": [
                    _GetPart(result=cache_pb.Miss)
                    if value is None
                    else _GetPart(result=cache_pb.Hit, cache_body=value)
                    for value in hit.values
                ]
            },
            _READ_FIELDS,
        )

    def DictionaryFetch(
        self, request: cache_pb._DictionaryFetchRequest, context: grpc.ServicerContext
    ) -> cache_pb._DictionaryFetchResponse:
        result = self._store.dictionary_fetch(cache_name_of(context), request.dictionary_name)
        return found_or_missing(
            cache_pb._DictionaryFetchResponse,
            result,
            lambda hit: {
                "items": [
                    cache_pb._DictionaryFieldValuePair(field=name, value=value)
                    for name, value in hit.items.items()
                ]
            },
            _READ_FIELDS,
        )

    def DictionaryDelete(
        self, request: cache_pb._DictionaryDeleteRequest, context: grpc.ServicerContext
    ) -> cache_pb._DictionaryDeleteResponse:
        # `all` (or no choice) removes the dictionary; `some` the listed fields.
        some = request.WhichOneof("delete") == "some"
        fields = list(request.some.fields) if some else None
        result = self._store.dictionary_remove(
            cache_name_of(context), request.dictionary_name, fields
        )
        if not isinstance(result, Ok):
            raise failure_of(result, _READ_FIELDS)
        return cache_pb._DictionaryDeleteResponse()

    def DictionaryLength(
        self, request: cache_pb._DictionaryLengthRequest, context: grpc.ServicerContext
    ) -> cache_pb._DictionaryLengthResponse:
        result = self._store.dictionary_length(cache_name_of(context), request.dictionary_name)
        return found_or_missing(
            cache_pb._DictionaryLengthResponse,
            result,
            lambda hit: {"length": hit.length},
            _READ_FIELDS,
        )
