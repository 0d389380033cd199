"""How the gRPC door turns the store's failure values into gRPC statuses the SDK understands.

The servicers never call `context.abort` themselves: they raise `RpcStatusError`, and the guard
(`grpc_guard.py`) aborts the call with its code and message. That keeps every handler a plain
function from request to response, and every status decision in this one module.

The store names fields after the HTTP door's parameters (`key`, `ttl_seconds`, ...); a gRPC
caller sent protobuf fields (`set_name`, `ttl_milliseconds`, ...), so each handler passes the
renames that make the message name the field the caller actually set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

import grpc

from leaderboard.local.momento_server.store import (
    CacheAlreadyExists,
    CacheNotFound,
    Failure,
    Miss,
    NotAnInteger,
    WrongType,
)
from leaderboard.local.momento_server.topics import TopicCacheNotFound, TopicInvalidArgument
from leaderboard.momento_contract.arguments import InvalidArgument

CACHE_METADATA_KEY: Final = "cache"  # the SDK names the cache of every data call here

_Hit = TypeVar("_Hit")
_Response = TypeVar("_Response")


class RpcStatusError(Exception):
    """A call that ends with a non-OK status; raised by handlers, turned into an abort."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def invalid_argument(field: str, problem: str) -> RpcStatusError:
    return RpcStatusError(grpc.StatusCode.INVALID_ARGUMENT, f"{field}: {problem}")


def failure_of(
    failure: CacheNotFound
    | CacheAlreadyExists
    | WrongType
    | NotAnInteger
    | InvalidArgument
    | TopicCacheNotFound
    | TopicInvalidArgument,
    field_names: Mapping[str, str] | None = None,
) -> RpcStatusError:
    """The status for a store failure; `field_names` maps store field names to wire names."""
    if isinstance(failure, CacheNotFound | TopicCacheNotFound):
        return RpcStatusError(grpc.StatusCode.NOT_FOUND, f"{failure.message}: {failure.cache_name}")
    if isinstance(failure, CacheAlreadyExists):
        return RpcStatusError(
            grpc.StatusCode.ALREADY_EXISTS, f"{failure.message}: {failure.cache_name}"
        )
    names = field_names or {}
    if isinstance(failure, WrongType):
        # Not bad input but the item's state, so not INVALID_ARGUMENT.
        key_field = names.get("key", "key")
        message = f"{key_field}: holds a {failure.actual}, not a {failure.expected}"
        return RpcStatusError(grpc.StatusCode.FAILED_PRECONDITION, message)
    if isinstance(failure, NotAnInteger):
        key_field = names.get("key", "key")
        return RpcStatusError(
            grpc.StatusCode.FAILED_PRECONDITION, f"{key_field}: {failure.problem}"
        )
    return invalid_argument(names.get(failure.field, failure.field), failure.problem)


def cache_name_of(context: grpc.ServicerContext) -> str:
    """The cache a data call targets, from the `cache` metadata the SDK sends."""
    for key, value in context.invocation_metadata():
        if key == CACHE_METADATA_KEY and value:
            return str(value)
    raise invalid_argument(CACHE_METADATA_KEY, "metadata must name the cache")


def found_or_missing(
    response: Callable[..., _Response],
    result: _Hit | Miss | Failure,
    found: Callable[[_Hit], Mapping[str, object]],
    field_names: Mapping[str, str],
) -> _Response:
    """The answer Momento's collection reads share: a miss is `missing`; a failure raises its
    status; a hit is `found`, with the fields `found` takes from it."""
    nested: Any = response  # each such response message nests its `_Found` and `_Missing`
    if isinstance(result, Miss):
        return response(missing=nested._Missing())
    if isinstance(result, Failure):
        raise failure_of(result, field_names)
    return response(found=nested._Found(**found(result)))
