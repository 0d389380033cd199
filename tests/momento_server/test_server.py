"""The composed server: both doors on one store (cross-door with the official SDK), and the
command-line entry point."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from momento import CacheClient, Configurations, CredentialProvider
from momento.responses import CacheGet, CacheSortedSetFetch, CacheSortedSetGetRank

from leaderboard.local.momento_server.server import MomentoServer
from tests.momento_server.conftest import SHARED_CACHE


@pytest.fixture(scope="module")
def sdk(momento_server: MomentoServer) -> Iterator[CacheClient]:
    credentials = CredentialProvider.for_momento_local(
        momento_server.host, momento_server.grpc_port
    )
    with CacheClient.create(
        Configurations.Laptop.v1(), credentials, timedelta(seconds=60)
    ) as client:
        yield client


def test_binds_ephemeral_ports(momento_server: MomentoServer) -> None:
    assert momento_server.grpc_port > 0
    assert momento_server.http_port > 0
    assert momento_server.http_url == f"http://127.0.0.1:{momento_server.http_port}"


def test_http_write_is_read_by_the_sdk(sdk: CacheClient, http: httpx.Client, key: str) -> None:
    body = {"elements": [{"value": "ann", "score": 10}, {"value": "bob", "score": 20}]}
    http.put(f"/sortedset/{SHARED_CACHE}", params={"key": key, "ttl_seconds": "60"}, json=body)
    fetched = sdk.sorted_set_fetch_by_rank(SHARED_CACHE, key)
    assert isinstance(fetched, CacheSortedSetFetch.Hit)
    assert fetched.value_list_string == [("ann", 10.0), ("bob", 20.0)]
    http.put(
        f"/cache/{SHARED_CACHE}", params={"key": f"{key}-s", "ttl_seconds": "60"}, content=b"v"
    )
    got = sdk.get(SHARED_CACHE, f"{key}-s")
    assert isinstance(got, CacheGet.Hit)
    assert got.value_bytes == b"v"


def test_sdk_write_is_read_over_http(sdk: CacheClient, http: httpx.Client, key: str) -> None:
    sdk.sorted_set_put_elements(SHARED_CACHE, key, {"ann": 10.0, "bob": 20.0})
    sdk.sorted_set_increment_score(SHARED_CACHE, key, "ann", 15.0)
    response = http.get(
        f"/sortedset/{SHARED_CACHE}/rank", params={"key": key, "value": "ann", "order": "DESC"}
    )
    assert response.json() == {"value": "ann", "rank": 0}
    rank = sdk.sorted_set_get_rank(SHARED_CACHE, key, "ann")
    assert isinstance(rank, CacheSortedSetGetRank.Hit)
    assert rank.rank == 1


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "leaderboard.local.momento_server", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_cli_serves_until_terminated_and_never_prints_the_key() -> None:
    secret = "cli-test-key-not-real"
    process = run_cli(
        "--grpc-port", "0", "--http-port", "0", "--cache", "cli",
        "--api-key-env", "CLI_TEST_KEY", env={"CLI_TEST_KEY": secret},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        assert lines[0].startswith("Momento gRPC  127.0.0.1:")
        http_url = lines[1].split()[-1]
        refused = httpx.get(f"{http_url}/cache/cli", params={"key": "k"})
        allowed = httpx.get(
            f"{http_url}/cache/cli", params={"key": "k"}, headers={"Authorization": secret}
        )
        assert (refused.status_code, allowed.status_code) == (401, 404)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert secret not in "".join(lines) + out + err


def test_cli_refuses_an_unset_key_variable() -> None:
    process = run_cli("--api-key-env", "NO_SUCH_VARIABLE_FOR_SURE", env={})
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "--api-key-env: variable NO_SUCH_VARIABLE_FOR_SURE is unset or empty" in err
