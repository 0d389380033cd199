"""The gate every gRPC call passes: API-key check, fault injection, and the one place that turns
a handler's `RpcStatusError` into an aborted call.

It is a server interceptor wrapping each method handler, so the servicers stay free of
cross-cutting concerns. The key is read from the `authorization` metadata the SDK sends on
every call (empty with `for_momento_local`). Faults are looked up by the operation names the
HTTP door uses too (`faults.OPERATIONS`), so one rule disturbs both doors alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Final

import grpc

from leaderboard.local.momento_server.auth import ApiKeys
from leaderboard.local.momento_server.faults import Fault, FaultInjector
from leaderboard.local.momento_server.grpc_status import RpcStatusError
from leaderboard.local.momento_server.local_metadata import (
    TRIGGERS,
    Injection,
    LocalMetadataInjector,
)

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


class Guard(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    """Admits or refuses each call before its handler runs."""

    def __init__(self, auth: ApiKeys, faults: FaultInjector) -> None:
        self._auth = auth
        self._faults = faults
        self._injector = LocalMetadataInjector()
        # The guarded handler of each method, built on its first call: the servicers are
        # registered once, so the handler a method resolves to never changes, and building
        # the wrapper on every call cost about 4% of the server's interpreter time.
        self._guarded: dict[str, Any] = {}

    async def intercept_service(
        self, continuation: Callable[[Any], Awaitable[Any]], handler_call_details: Any
    ) -> Any:
        # The key is checked before the method is looked up, so a bad key is refused on
        # every call, including the ones the local server does not implement.
        if not self._auth.open and not self._auth.accepts(_key_of(handler_call_details)):
            return _UNAUTHENTICATED
        method: str = handler_call_details.method
        guarded = self._guarded.get(method)
        if guarded is None:
            guarded = self._guard(method, await continuation(handler_call_details))
            if guarded is not None:
                self._guarded[method] = guarded
        metadata = handler_call_details.invocation_metadata or ()
        if guarded is not None and any(key in TRIGGERS for key, _ in metadata):
            # Momento Local's injection headers: a one-off handler for this call only.
            try:
                injection = self._injector.injection_for(method, dict(metadata))
            except RpcStatusError as failure:
                return _refusal(failure)
            if injection is not None:
                return _inject(injection, guarded)
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
        self, method: str, behavior: Callable[[Any, Any], Any]
    ) -> Callable[[Any, Any], Any]:
        """Unary handlers are plain functions the server runs on its worker threads."""

        def guarded(request: Any, context: Any) -> Any:
            try:
                fault = self._faults.check(operation_of(method, request))
                if fault is not None:
                    if fault.latency_seconds:
                        time.sleep(fault.latency_seconds)
                    if fault.applied:
                        # Whatever the operation answered, even a refusal, is the answer lost.
                        with contextlib.suppress(RpcStatusError):
                            behavior(request, context)
                    _apply(fault, context)
                return behavior(request, context)
            except RpcStatusError as failure:
                context.abort(failure.code, failure.message)

        return guarded

    def _guard_stream(
        self, method: str, behavior: Callable[[Any, Any], AsyncIterator[Any]]
    ) -> Callable[[Any, Any], AsyncIterator[Any]]:
        """Streaming handlers (subscriptions) are coroutines on the server's event loop."""

        async def guarded(request: Any, context: Any) -> AsyncIterator[Any]:
            try:
                fault = self._faults.check(operation_of(method, request))
                if fault is not None:
                    if fault.latency_seconds:
                        await asyncio.sleep(fault.latency_seconds)
                    # `applied` changes nothing here: a subscription commits nothing to lose.
                    _apply(fault, context)
                async for item in behavior(request, context):
                    yield item
            except RpcStatusError as failure:
                await context.abort(failure.code, failure.message)

        return guarded


def _key_of(handler_call_details: Any) -> str | None:
    for key, value in handler_call_details.invocation_metadata or ():
        if key == AUTHORIZATION_METADATA_KEY:
            return str(value)
    return None


def _refusal(failure: RpcStatusError) -> Any:
    """A handler that answers `failure` without reading the request (raw bytes in and out)."""

    def refuse(request: bytes, context: Any) -> None:
        context.abort(failure.code, failure.message)

    return grpc.unary_unary_rpc_method_handler(refuse)


_UNAUTHENTICATED: Final = _refusal(
    RpcStatusError(grpc.StatusCode.UNAUTHENTICATED, "Invalid API key")
)


def _inject(injection: Injection, handler: Any) -> Any:
    """`handler` (a guarded one) preceded by the injection's delay and error, and, for a
    subscription, ended by its stream error after its message limit."""
    if handler.unary_unary is not None:
        serve = handler.unary_unary

        def delayed_or_failed(request: Any, context: Any) -> Any:
            if injection.delay_seconds:
                time.sleep(injection.delay_seconds)
            if injection.error is not None:
                context.abort(injection.error.code, injection.error.message)
            return serve(request, context)

        return grpc.unary_unary_rpc_method_handler(
            delayed_or_failed,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
    stream = handler.unary_stream

    async def interrupted(request: Any, context: Any) -> AsyncIterator[Any]:
        if injection.delay_seconds:
            await asyncio.sleep(injection.delay_seconds)
        if injection.error is not None:
            await context.abort(injection.error.code, injection.error.message)
        items = 0
        async for message in stream(request, context):
            yield message
            items += message.WhichOneof("kind") == "item"
            stream_error = injection.stream_error
            if stream_error is not None and items >= injection.stream_message_limit:
                await context.abort(stream_error.code, stream_error.message)

    return grpc.unary_stream_rpc_method_handler(
        interrupted,
        request_deserializer=handler.request_deserializer,
        response_serializer=handler.response_serializer,
    )


def _apply(fault: Fault, context: Any) -> None:
    """Act out a fault after its latency: fail with its status, or drop the call.

    A dropped call ends CANCELLED, which is what the caller sees when a stream is reset
    (grpc's asyncio server cannot reset a stream itself).
    """
    if fault.status is not None:
        code, message = _FAULT_STATUSES[fault.status]
        if fault.status == 429:
            context.set_trailing_metadata(_RATE_LIMITED_TRAILER)
        raise RpcStatusError(code, f"{message}: {fault.operation}")
    if fault.drop:
        raise RpcStatusError(
            grpc.StatusCode.CANCELLED, f"Call dropped (injected fault): {fault.operation}"
        )
