"""The gate every gRPC call passes: API-key check, fault injection, and the one place that turns
a handler's `RpcStatusError` into an aborted call.

It is a server interceptor wrapping each method handler, so the servicers stay free of
cross-cutting concerns. The key is read from the `authorization` metadata the SDK sends on
every call (empty with `for_momento_local`). Faults are looked up by the operation names the
HTTP door uses too (`faults.OPERATIONS`), so one rule disturbs both doors alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, Final

import grpc

from leaderboard.local.momento_server.auth import ApiKeys
from leaderboard.local.momento_server.faults import Fault, FaultInjector
from leaderboard.local.momento_server.grpc_status import RpcStatusError

AUTHORIZATION_METADATA_KEY: Final = "authorization"

# The err trailer is how Momento tells the SDK which limit was hit.
_RATE_LIMITED_TRAILER: Final = (("err", "operations_rate_limit_exceeded"),)
_FAULT_STATUSES: Final = {
    429: (grpc.StatusCode.RESOURCE_EXHAUSTED, "Request rate limit exceeded (injected fault)"),
    500: (grpc.StatusCode.INTERNAL, "Internal server error (injected fault)"),
    503: (grpc.StatusCode.UNAVAILABLE, "Service unavailable (injected fault)"),
}

# gRPC method name -> fault operation name; Fetch and GetScore depend on the request.
_OPERATIONS: Final = {
    "CreateCache": "control.create_cache",
    "DeleteCache": "control.delete_cache",
    "FlushCache": "control.flush_cache",
    "ListCaches": "control.list_caches",
    "Get": "cache.get",
    "Set": "cache.set",
    "SetIf": "cache.set",
    "SetIfNotExists": "cache.set",
    "Delete": "cache.delete",
    "SortedSetPut": "sortedset.put",
    "SortedSetIncrement": "sortedset.increment",
    "SortedSetRemove": "sortedset.remove",
    "SortedSetGetRank": "sortedset.rank",
    "SortedSetLength": "sortedset.length",
    "SortedSetLengthByScore": "sortedset.length_by_score",
    "Publish": "topics.publish",
    "Subscribe": "topics.subscribe",
}


def operation_of(method: str, request: Any) -> str:
    """The fault-injection name of a call: `/cache_client.Scs/SortedSetPut` -> `sortedset.put`."""
    name = method.rsplit("/", 1)[-1]
    if name == "SortedSetFetch":
        # The protobuf calls a rank range `by_index`; both doors call it `fetch_by_rank`.
        by_score = request.WhichOneof("range") == "by_score"
        return "sortedset.fetch_by_score" if by_score else "sortedset.fetch_by_rank"
    if name == "SortedSetGetScore":
        return "sortedset.score" if len(request.values) == 1 else "sortedset.scores"
    # Unlisted methods (signing keys, lists, ...) answer UNIMPLEMENTED; name them for rules.
    return _OPERATIONS.get(name, name)


class Guard(grpc.ServerInterceptor):  # type: ignore[misc]
    """Admits or refuses each call before its handler runs."""

    def __init__(self, auth: ApiKeys, faults: FaultInjector) -> None:
        self._auth = auth
        self._faults = faults
        # The guarded handler of each method, built on its first call: the servicers are
        # registered once, so the handler a method resolves to never changes, and building
        # the wrapper on every call cost about 4% of the server's interpreter time.
        self._guarded: dict[str, Any] = {}

    def intercept_service(
        self, continuation: Callable[[Any], Any], handler_call_details: Any
    ) -> Any:
        method: str = handler_call_details.method
        guarded = self._guarded.get(method)
        if guarded is None:
            guarded = self._guard(method, continuation(handler_call_details))
            if guarded is not None:
                self._guarded[method] = guarded
        return guarded

    def _guard(self, method: str, handler: Any) -> Any:
        if handler is None:
            return None
        if handler.unary_unary is not None:
            return grpc.unary_unary_rpc_method_handler(
                self._guard_unary(method, handler.unary_unary),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream is not None:
            return grpc.unary_stream_rpc_method_handler(
                self._guard_stream(method, handler.unary_stream),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        return handler  # Momento has no client- or bidi-streaming calls

    def _guard_unary(
        self, method: str, behavior: Callable[[Any, grpc.ServicerContext], Any]
    ) -> Callable[[Any, grpc.ServicerContext], Any]:
        def guarded(request: Any, context: grpc.ServicerContext) -> Any:
            try:
                if not self._admit(method, request, context):
                    return None  # the call was dropped; nothing reaches the caller
                return behavior(request, context)
            except RpcStatusError as failure:
                context.abort(failure.code, failure.message)

        return guarded

    def _guard_stream(
        self, method: str, behavior: Callable[[Any, grpc.ServicerContext], Iterator[Any]]
    ) -> Callable[[Any, grpc.ServicerContext], Iterator[Any]]:
        def guarded(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
            try:
                if self._admit(method, request, context):
                    yield from behavior(request, context)
            except RpcStatusError as failure:
                context.abort(failure.code, failure.message)

        return guarded

    def _admit(self, method: str, request: Any, context: grpc.ServicerContext) -> bool:
        """Check the key, then apply any fault; False when the call was dropped."""
        if not self._auth.open:  # an open server skips reading metadata on the hot path
            metadata = dict(context.invocation_metadata())
            if not self._auth.accepts(metadata.get(AUTHORIZATION_METADATA_KEY)):
                raise RpcStatusError(grpc.StatusCode.UNAUTHENTICATED, "Invalid API key")
        fault = self._faults.check(operation_of(method, request))
        if fault is None:
            return True
        return _apply(fault, context)


def _apply(fault: Fault, context: grpc.ServicerContext) -> bool:
    """Act out a fault: sleep, then fail with its status or drop the call (reset the stream)."""
    if fault.latency_seconds:
        time.sleep(fault.latency_seconds)
    if fault.status is not None:
        code, message = _FAULT_STATUSES[fault.status]
        if fault.status == 429:
            context.set_trailing_metadata(_RATE_LIMITED_TRAILER)
        raise RpcStatusError(code, f"{message}: {fault.operation}")
    if fault.drop:
        context.cancel()
        return False
    return True
