"""Scalar items over gRPC (`cache_client.Scs`): Get, Set, the SetIf family, and Delete of any key.

A mixin of `CacheServicer` (see `grpc_cache.py`); it only reads `self._store`.
"""

# ruff: noqa: N802 - handler names are the gRPC method names the wire protocol fixes

from __future__ import annotations

from typing import Final

import grpc
from momento_wire_types import cacheclient_pb2 as cache_pb

from leaderboard.local.momento_server.grpc_status import cache_name_of, failure_of, invalid_argument
from leaderboard.local.momento_server.store import (
    ALWAYS,
    Hit,
    Miss,
    NotStored,
    Ok,
    SetCondition,
    SetConditionKind,
    Store,
)

# Store field names -> the protobuf fields a gRPC caller set.
SCALAR_FIELDS: Final = {
    "key": "cache_key",
    "value": "cache_body",
    "ttl_seconds": "ttl_milliseconds",
}

# `_SetIfRequest.condition` oneof -> the store's condition; value-comparing ones carry a value.
_CONDITIONS: Final = {
    "present": SetConditionKind.PRESENT,
    "absent": SetConditionKind.ABSENT,
    "equal": SetConditionKind.EQUAL,
    "not_equal": SetConditionKind.NOT_EQUAL,
    "present_and_not_equal": SetConditionKind.PRESENT_AND_NOT_EQUAL,
    "absent_or_equal": SetConditionKind.ABSENT_OR_EQUAL,
}


def ttl_seconds_of(ttl_milliseconds: int) -> float:
    """The wire carries milliseconds, the store seconds; 0 stays 0 so the store rejects it."""
    return ttl_milliseconds / 1000


class ScalarRpcs:
    """Scalar get/set/delete handlers."""

    _store: Store

    def Get(
        self, request: cache_pb._GetRequest, context: grpc.ServicerContext
    ) -> cache_pb._GetResponse:
        result = self._store.get(cache_name_of(context), request.cache_key)
        if isinstance(result, Hit):
            return cache_pb._GetResponse(result=cache_pb.Hit, cache_body=result.value)
        if isinstance(result, Miss):
            return cache_pb._GetResponse(result=cache_pb.Miss)
        raise failure_of(result, SCALAR_FIELDS)

    def Set(
        self, request: cache_pb._SetRequest, context: grpc.ServicerContext
    ) -> cache_pb._SetResponse:
        self._set(request, context, ALWAYS)
        return cache_pb._SetResponse(result=cache_pb.Ok)

    def SetIfNotExists(
        self, request: cache_pb._SetIfNotExistsRequest, context: grpc.ServicerContext
    ) -> cache_pb._SetIfNotExistsResponse:
        if self._set(request, context, SetCondition(SetConditionKind.ABSENT)):
            return cache_pb._SetIfNotExistsResponse(
                stored=cache_pb._SetIfNotExistsResponse._Stored()
            )
        return cache_pb._SetIfNotExistsResponse(
            not_stored=cache_pb._SetIfNotExistsResponse._NotStored()
        )

    def SetIf(
        self, request: cache_pb._SetIfRequest, context: grpc.ServicerContext
    ) -> cache_pb._SetIfResponse:
        which = request.WhichOneof("condition")
        if which is None:
            raise invalid_argument("condition", "one of " + ", ".join(_CONDITIONS) + " is required")
        # Present and Absent have no `value_to_check`; the others compare against it.
        compare = getattr(getattr(request, which), "value_to_check", b"")
        if self._set(request, context, SetCondition(_CONDITIONS[which], compare)):
            return cache_pb._SetIfResponse(stored=cache_pb._SetIfResponse._Stored())
        return cache_pb._SetIfResponse(not_stored=cache_pb._SetIfResponse._NotStored())

    def Delete(
        self, request: cache_pb._DeleteRequest, context: grpc.ServicerContext
    ) -> cache_pb._DeleteResponse:
        result = self._store.delete(cache_name_of(context), request.cache_key)
        if not isinstance(result, Ok):
            raise failure_of(result, SCALAR_FIELDS)
        return cache_pb._DeleteResponse()

    def _set(
        self,
        request: cache_pb._SetRequest | cache_pb._SetIfNotExistsRequest | cache_pb._SetIfRequest,
        context: grpc.ServicerContext,
        condition: SetCondition,
    ) -> bool:
        """Store the request's item under `condition`; True when stored, False when not."""
        result = self._store.set(
            cache_name_of(context),
            request.cache_key,
            request.cache_body,
            ttl_seconds_of(request.ttl_milliseconds),
            condition,
        )
        if isinstance(result, Ok):
            return True
        if isinstance(result, NotStored):
            return False
        raise failure_of(result, SCALAR_FIELDS)
