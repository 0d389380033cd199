"""Momento failures reach the caller as the local door answers them; the local address wins.

Faults are injected into the local server (both doors share the rules), so the same failure
is seen once through the HTTP door and once through the bridge's SDK and the gRPC door.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from functions.momento_bridge.api_keys import InvalidKey
from functions.momento_bridge.clients import ConnectionSettings, credential_provider
from leaderboard.local.momento_server.faults import FaultRule
from leaderboard.local.momento_server.server import MomentoServer
from tests.bridge.conftest import API_KEY, BRIDGE_CACHE
from tests.momento_server.contract import SortedSetHttp


@pytest.fixture
def faults(momento_server: MomentoServer) -> Iterator[MomentoServer]:
    yield momento_server
    momento_server.faults.clear()


@pytest.mark.parametrize(
    ("status", "error"), [(429, "limit_exceeded"), (500, "internal"), (503, "unavailable")]
)
@pytest.mark.parametrize(
    ("method", "suffix"), [("GET", "/by-rank"), ("POST", "/length"), ("POST", "/by-score")]
)
def test_momento_failures_match_the_local_door(
    faults: MomentoServer,
    momento_http: httpx.Client,
    sorted_set_http: SortedSetHttp,
    key: str,
    status: int,
    error: str,
    method: str,
    suffix: str,
) -> None:
    faults.faults.add(FaultRule(operation="sortedset.*", status=status))
    direct = momento_http.request(
        method,
        f"/sortedset/{BRIDGE_CACHE}{suffix}",
        params={"key": key},
        headers={"Authorization": API_KEY},
    )
    bridged = sorted_set_http(method, suffix, params={"key": key})
    assert (direct.status_code, direct.json()["error"]) == (status, error)
    assert (bridged.status_code, bridged.json()["error"]) == (status, error)


def test_local_address_sends_the_request_key_in_plaintext() -> None:
    provider = credential_provider("any-key", ConnectionSettings(("127.0.0.1", 9999), None))
    assert not isinstance(provider, InvalidKey)
    assert (provider.auth_token, provider.cache_endpoint, provider.port) == (
        "any-key",
        "127.0.0.1",
        9999,
    )
