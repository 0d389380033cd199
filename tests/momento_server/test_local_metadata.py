"""Momento Local's error-injection headers, sent as Momento's own SDK tests send them: through
an SDK middleware, so the SDK's retry strategy meets the errors exactly as against Momento
Local. Attempts are counted by the same middleware (each retry passes through it)."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import grpc
import pytest
from momento import CacheClient, Configurations, CredentialProvider
from momento.config.middleware import (
    MiddlewareMessage,
    MiddlewareRequestHandlerContext,
    MiddlewareStatus,
)
from momento.config.middleware.synchronous import (
    Middleware,
    MiddlewareMetadata,
    MiddlewareRequestHandler,
)
from momento.errors import MomentoErrorCode
from momento.responses import CacheGet, CacheIncrement, CacheSet, CreateCache
from momento.responses.mixins import ErrorResponseMixin
from momento_wire_types import cachepubsub_pb2 as pubsub_pb
from momento_wire_types import cachepubsub_pb2_grpc as pubsub_grpc

from leaderboard.local.momento_server.auth import ApiKeys
from leaderboard.local.momento_server.faults import FaultInjector
from leaderboard.local.momento_server.grpc_door import start_grpc_door
from leaderboard.local.momento_server.store import Store

HOST = "127.0.0.1"
TTL = timedelta(seconds=60)
CACHE = "injected"


class LocalHeaders(Middleware):
    """Adds Momento Local headers to every request and counts attempts per request type."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = {"request-id": uuid.uuid4().hex, **headers}
        self.attempts: Counter[str] = Counter()

    def on_new_request(self, context: MiddlewareRequestHandlerContext) -> MiddlewareRequestHandler:
        return _HeaderHandler(self)


class _HeaderHandler(MiddlewareRequestHandler):
    def __init__(self, owner: LocalHeaders) -> None:
        self._owner = owner

    def on_request_metadata(self, metadata: MiddlewareMetadata) -> MiddlewareMetadata:
        if metadata.grpc_metadata is not None:
            metadata.grpc_metadata.extend(self._owner.headers.items())
        return metadata

    def on_request_body(self, request: MiddlewareMessage) -> MiddlewareMessage:
        self._owner.attempts[request.constructor_name] += 1
        return request

    def on_response_metadata(self, metadata: MiddlewareMetadata) -> MiddlewareMetadata:
        return metadata

    def on_response_body(self, response: MiddlewareMessage) -> MiddlewareMessage:
        return response

    def on_response_status(self, status: MiddlewareStatus) -> MiddlewareStatus:
        return status


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    store = Store()
    store.create_cache(CACHE)
    door, bound = start_grpc_door(store, FaultInjector(), ApiKeys(), HOST, 0)
    yield bound
    door.stop(grace=None)


def client_with(
    port: int, middleware: LocalHeaders, timeout: timedelta | None = None
) -> CacheClient:
    config = Configurations.Laptop.v1().add_middleware(middleware)
    if timeout is not None:
        config = config.with_client_timeout(timeout)
    credentials = CredentialProvider.for_momento_local(HOST, port)
    return CacheClient.create(config, credentials, TTL)


def error_code_of(response: object) -> MomentoErrorCode:
    assert isinstance(response, ErrorResponseMixin), f"expected an error, got {response!r}"
    return response.error_code


def test_full_outage_of_a_retryable_call_is_retried_to_the_limit(port: int) -> None:
    headers = LocalHeaders({"return-error": "unavailable", "error-rpcs": "get"})
    with client_with(port, headers) as client:
        assert error_code_of(client.get(CACHE, "k")) is MomentoErrorCode.SERVER_UNAVAILABLE
        assert isinstance(client.set(CACHE, "k", "v"), CacheSet.Success)  # not named: served
    assert headers.attempts["_GetRequest"] == 4  # the call and the SDK's 3 retries


def test_a_non_idempotent_call_is_not_retried(port: int) -> None:
    headers = LocalHeaders({"return-error": "unavailable", "error-rpcs": "increment"})
    with client_with(port, headers) as client:
        failed = client.increment(CACHE, "n", 1)
    assert error_code_of(failed) is MomentoErrorCode.SERVER_UNAVAILABLE
    assert headers.attempts["_IncrementRequest"] == 1


def test_error_count_limits_the_errors_per_request_id(port: int) -> None:
    headers = LocalHeaders({"return-error": "unavailable", "error-rpcs": "get", "error-count": "2"})
    with client_with(port, headers) as client:
        assert isinstance(client.get(CACHE, f"absent-{uuid.uuid4().hex}"), CacheGet.Miss)
    assert headers.attempts["_GetRequest"] == 3  # two injected errors, then served


def test_every_rpc_is_hit_when_none_is_named(port: int) -> None:
    headers = LocalHeaders({"return-error": "internal"})
    with client_with(port, headers) as client:
        assert error_code_of(client.increment(CACHE, "n", 1)) is (
            MomentoErrorCode.INTERNAL_SERVER_ERROR
        )
        assert error_code_of(client.create_cache("other")) is (
            MomentoErrorCode.INTERNAL_SERVER_ERROR
        )


def test_delay_beyond_the_client_timeout_times_out(port: int) -> None:
    # The delay is five times the timeout: no load can make the answer arrive in time.
    headers = LocalHeaders({"delay-ms": "5000", "delay-rpcs": "get", "delay-count": "1"})
    with client_with(port, headers, timeout=timedelta(seconds=1)) as client:
        assert error_code_of(client.get(CACHE, "k")) is MomentoErrorCode.TIMEOUT_ERROR


def test_a_bad_header_value_is_refused_by_name(port: int) -> None:
    headers = LocalHeaders({"return-error": "exploded"})
    with client_with(port, headers) as client:
        refused = client.get(CACHE, "k")
    assert error_code_of(refused) is MomentoErrorCode.INVALID_ARGUMENT_ERROR
    assert isinstance(refused, ErrorResponseMixin)
    assert refused.inner_exception.message.startswith("return-error: unknown error 'exploded'")


def test_stream_error_ends_a_subscription_after_its_message_limit(port: int) -> None:
    topic = f"t-{uuid.uuid4().hex[:8]}"
    metadata = (
        ("stream-error", "internal"),
        ("stream-error-rpcs", "topic-subscribe"),
        ("stream-error-message-limit", "1"),
    )
    with grpc.insecure_channel(f"{HOST}:{port}") as channel:
        stub = pubsub_grpc.PubsubStub(channel)  # type: ignore[no-untyped-call]
        request = pubsub_pb._SubscriptionRequest(cache_name=CACHE, topic=topic)
        stream = stub.Subscribe(request, metadata=metadata, timeout=60)
        assert next(stream).WhichOneof("kind") == "heartbeat"
        value = pubsub_pb._TopicValue(text="one")
        stub.Publish(pubsub_pb._PublishRequest(cache_name=CACHE, topic=topic, value=value))
        assert next(stream).item.value.text == "one"
        with pytest.raises(grpc.RpcError) as ended:
            next(stream)
    assert ended.value.code() is grpc.StatusCode.INTERNAL


def test_calls_without_the_headers_are_untouched(port: int) -> None:
    headers = LocalHeaders({})
    with client_with(port, headers) as client:
        assert isinstance(client.create_cache(f"c-{uuid.uuid4().hex[:8]}"), CreateCache.Success)
        assert isinstance(
            client.increment(CACHE, f"n-{uuid.uuid4().hex}", 2), CacheIncrement.Success
        )
