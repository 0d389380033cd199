"""Scalar items over gRPC (`cache_client.Scs`): Get, Set, the SetIf family and Increment; and
the calls on any key: Delete, UpdateTtl, ItemGetTtl and KeysExist.

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
    Counter,
    Existence,
    Hit,
    Miss,
    NotStored,
    Ok,
    RemainingTtl,
    SetCondition,
    SetConditionKind,
    Store,
    TtlUpdate,
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


# `_UpdateTtlRequest.update_ttl` oneof -> the store's mode.
_TTL_UPDATES: Final = {
    "overwrite_to_milliseconds": TtlUpdate.OVERWRITE,
    "increase_to_milliseconds": TtlUpdate.INCREASE,
    "decrease_to_milliseconds": TtlUpdate.DECREASE,
}
# What ItemGetTtl reports for an item with no expiry (a collection written without a TTL):
# the wire field is a uint64 of milliseconds, so its largest value says "never".
NEVER_EXPIRES_MILLIS: Final = 2**64 - 1


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

    def Increment(
        self, request: cache_pb._IncrementRequest, context: grpc.ServicerContext
    ) -> cache_pb._IncrementResponse:
        result = self._store.increment(
            cache_name_of(context),
            request.cache_key,
            request.amount,
            ttl_seconds_of(request.ttl_milliseconds),
        )
        if isinstance(result, Counter):
            return cache_pb._IncrementResponse(value=result.value)
        raise failure_of(result, SCALAR_FIELDS)

    def UpdateTtl(
        self, request: cache_pb._UpdateTtlRequest, context: grpc.ServicerContext
    ) -> cache_pb._UpdateTtlResponse:
        which = request.WhichOneof("update_ttl")
        if which is None:
            raise invalid_argument(
                "update_ttl", "one of " + ", ".join(_TTL_UPDATES) + " is required"
            )
        result = self._store.update_ttl(
            cache_name_of(context),
            request.cache_key,
            ttl_seconds_of(getattr(request, which)),
            _TTL_UPDATES[which],
        )
        if isinstance(result, Ok):
            return cache_pb._UpdateTtlResponse(set=cache_pb._UpdateTtlResponse._Set())
        if isinstance(result, NotStored):
            return cache_pb._UpdateTtlResponse(not_set=cache_pb._UpdateTtlResponse._NotSet())
        if isinstance(result, Miss):
            return cache_pb._UpdateTtlResponse(missing=cache_pb._UpdateTtlResponse._Missing())
        raise failure_of(result, {**SCALAR_FIELDS, "ttl_seconds": which})

    def ItemGetTtl(
        self, request: cache_pb._ItemGetTtlRequest, context: grpc.ServicerContext
    ) -> cache_pb._ItemGetTtlResponse:
        result = self._store.item_ttl(cache_name_of(context), request.cache_key)
        if isinstance(result, RemainingTtl):
            millis = (
                NEVER_EXPIRES_MILLIS
                if result.seconds is None
                else max(0, round(result.seconds * 1000))
            )
            found = cache_pb._ItemGetTtlResponse._Found(remaining_ttl_millis=millis)
            return cache_pb._ItemGetTtlResponse(found=found)
        if isinstance(result, Miss):
            return cache_pb._ItemGetTtlResponse(missing=cache_pb._ItemGetTtlResponse._Missing())
        raise failure_of(result, SCALAR_FIELDS)

    def KeysExist(
        self, request: cache_pb._KeysExistRequest, context: grpc.ServicerContext
    ) -> cache_pb._KeysExistResponse:
        result = self._store.keys_exist(cache_name_of(context), list(request.cache_keys))
        if isinstance(result, Existence):
            return cache_pb._KeysExistResponse(exists=result.exists)
        raise failure_of(result, {"key": "cache_keys"})

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
