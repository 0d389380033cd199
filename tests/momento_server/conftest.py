"""Servers for the Momento server tests: one shared open server per session, on free ports."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

from leaderboard.local.momento_server.server import MomentoServer
from tests.momento_server.contract import SortedSetHttp

SHARED_CACHE = "test-cache"


@pytest.fixture(scope="session")
def momento_server() -> Iterator[MomentoServer]:
    """The local server with no API keys (any key accepted) and the cache `test-cache`."""
    with MomentoServer(grpc_port=0, http_port=0, caches=[SHARED_CACHE]) as server:
        yield server


@pytest.fixture(scope="session")
def http(momento_server: MomentoServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=momento_server.http_url, timeout=10) as client:
        yield client


@pytest.fixture(scope="session")
def sorted_set_http(http: httpx.Client) -> SortedSetHttp:
    return SortedSetHttp(http, SHARED_CACHE)


@pytest.fixture
def key() -> str:
    """A key no other test uses, so tests can share the session's server."""
    return f"k-{uuid.uuid4().hex}"
