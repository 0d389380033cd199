"""The bridge under test: its handler against the local Momento server's gRPC door.

The server is configured with one API key, so the key the bridge forwards is really checked.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from functions.momento_bridge import handler as bridge
from functions.momento_bridge.clients import LOCAL_ADDRESS_VARIABLE, ClientPool, ConnectionSettings
from leaderboard.local.momento_server.server import MomentoServer
from tests.bridge.function_url import FunctionUrlTransport
from tests.momento_server.contract import SortedSetHttp

BRIDGE_CACHE = "bridge-cache"
API_KEY = f"bridge-test-key-{uuid.uuid4().hex}"


@pytest.fixture(scope="session")
def momento_server() -> Iterator[MomentoServer]:
    with MomentoServer(
        grpc_port=0, http_port=0, api_keys=[API_KEY], caches=[BRIDGE_CACHE]
    ) as server:
        yield server


@pytest.fixture(scope="session")
def local_settings(momento_server: MomentoServer) -> ConnectionSettings:
    return ConnectionSettings(("127.0.0.1", momento_server.grpc_port), endpoint=None)


@pytest.fixture(scope="session")
def bridge_handler(momento_server: MomentoServer) -> Iterator[bridge.Handler]:
    """The real Lambda entry point, its module pool pointed at the local gRPC door."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(LOCAL_ADDRESS_VARIABLE, f"127.0.0.1:{momento_server.grpc_port}")
        patch.setenv("POWERTOOLS_METRICS_NAMESPACE", "LeaderboardTest")
        patch.setattr(bridge, "_pool", None)
        yield bridge.handler
        bridge.client_pool().close()


@pytest.fixture(scope="session")
def momento_http(momento_server: MomentoServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=momento_server.http_url, timeout=10) as client:
        yield client


@pytest.fixture(scope="session")
def sorted_set_http(
    bridge_handler: bridge.Handler, momento_http: httpx.Client
) -> Iterator[SortedSetHttp]:
    """What the contract tests call: the bridge for sorted sets, Momento for the rest."""
    transport = FunctionUrlTransport(bridge_handler, momento_http, API_KEY)
    with httpx.Client(base_url="https://bridge.invalid", transport=transport) as client:
        yield SortedSetHttp(client, BRIDGE_CACHE)


@pytest.fixture
def key() -> str:
    return f"k-{uuid.uuid4().hex}"


@pytest.fixture
def pool(local_settings: ConnectionSettings) -> Iterator[ClientPool]:
    created = ClientPool(local_settings, size=2)
    yield created
    created.close()
