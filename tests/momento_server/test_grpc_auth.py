"""With keys configured, a call with a wrong key is refused on every RPC before anything else
is looked at: not NOT_FOUND for a missing cache, not UNIMPLEMENTED for a call the local
server does not serve. Checked at the wire for every method of Momento's three services, and
through the official SDK for each client family."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import grpc
import pytest
from momento import (
    CacheClient,
    Configurations,
    CredentialProvider,
    TopicClient,
    TopicConfigurations,
)
from momento.errors import MomentoErrorCode
from momento.responses.mixins import ErrorResponseMixin
from momento_wire_types import cacheclient_pb2, cachepubsub_pb2, controlclient_pb2

from leaderboard.local.momento_server.auth import ApiKeys
from leaderboard.local.momento_server.faults import FaultInjector
from leaderboard.local.momento_server.grpc_door import start_grpc_door
from leaderboard.local.momento_server.store import Store

HOST = "127.0.0.1"
TTL = timedelta(seconds=60)
MISSING_CACHE = "never-created"  # a missing cache must not leak NOT_FOUND to a wrong key

_METHODS = [
    (service.full_name, method.name, method.server_streaming)
    for module in (cacheclient_pb2, controlclient_pb2, cachepubsub_pb2)
    for service in module.DESCRIPTOR.services_by_name.values()
    for method in service.methods
]


@pytest.fixture(scope="module")
def keyed_port() -> Iterator[int]:
    door, port = start_grpc_door(
        Store(), FaultInjector(), ApiKeys([secrets.token_urlsafe(24)]), HOST, 0
    )
    yield port
    door.stop(grace=None)


@pytest.fixture(scope="module")
def wrong_key_credentials(keyed_port: int) -> CredentialProvider:
    return CredentialProvider("wrong-key", HOST, HOST, HOST, keyed_port)


@pytest.mark.parametrize(("service", "method", "streaming"), _METHODS)
def test_every_rpc_refuses_a_wrong_key(
    keyed_port: int, service: str, method: str, streaming: bool
) -> None:
    metadata = (("authorization", "wrong-key"), ("cache", MISSING_CACHE))
    with grpc.insecure_channel(f"{HOST}:{keyed_port}") as channel:
        path = f"/{service}/{method}"
        with pytest.raises(grpc.RpcError) as refused:
            if streaming:
                list(channel.unary_stream(path)(b"", metadata=metadata, timeout=30))
            else:
                channel.unary_unary(path)(b"", metadata=metadata, timeout=30)
    assert refused.value.code() is grpc.StatusCode.UNAUTHENTICATED
    assert refused.value.details() == "Invalid API key"


_CACHE_CALLS: dict[str, Callable[[CacheClient], Any]] = {
    "create_cache": lambda c: c.create_cache(MISSING_CACHE),
    "delete_cache": lambda c: c.delete_cache(MISSING_CACHE),
    "flush_cache": lambda c: c.flush_cache(MISSING_CACHE),
    "list_caches": lambda c: c.list_caches(),
    "get": lambda c: c.get(MISSING_CACHE, "k"),
    "set": lambda c: c.set(MISSING_CACHE, "k", "v"),
    "delete": lambda c: c.delete(MISSING_CACHE, "k"),
    "set_if_not_exists": lambda c: c.set_if_not_exists(MISSING_CACHE, "k", "v"),
    "increment": lambda c: c.increment(MISSING_CACHE, "k"),
    "sorted_set_put_element": lambda c: c.sorted_set_put_element(MISSING_CACHE, "z", "a", 1.0),
    "sorted_set_fetch_by_rank": lambda c: c.sorted_set_fetch_by_rank(MISSING_CACHE, "z"),
    "dictionary_set_field": lambda c: c.dictionary_set_field(MISSING_CACHE, "d", "f", "v"),
    "list_signing_keys": lambda c: c.list_signing_keys(),
    "list_push_back": lambda c: c.list_push_back(MISSING_CACHE, "l", "v"),
    "set_add_element": lambda c: c.set_add_element(MISSING_CACHE, "s", "e"),
}


@pytest.mark.parametrize("call", sorted(_CACHE_CALLS))
def test_sdk_cache_calls_report_authentication_error(
    wrong_key_credentials: CredentialProvider, call: str
) -> None:
    with CacheClient.create(Configurations.Laptop.v1(), wrong_key_credentials, TTL) as client:
        response = _CACHE_CALLS[call](client)
    assert isinstance(response, ErrorResponseMixin), response
    assert response.error_code is MomentoErrorCode.AUTHENTICATION_ERROR


def test_sdk_topic_calls_report_authentication_error(
    wrong_key_credentials: CredentialProvider,
) -> None:
    with TopicClient(TopicConfigurations.Default.v1(), wrong_key_credentials) as topics:
        for response in (
            topics.publish(MISSING_CACHE, "t", "x"),
            topics.subscribe(MISSING_CACHE, "t"),
        ):
            assert isinstance(response, ErrorResponseMixin), response
            assert response.error_code is MomentoErrorCode.AUTHENTICATION_ERROR
