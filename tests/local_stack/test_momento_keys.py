"""Momento keys locally: open by default as Momento Local is, one key with `require_key`.

The official SDK, unchanged, against the stack's gRPC door: `for_momento_local()` (no key
of its own) must work out of the box, and be refused once a key is required.
"""

import dataclasses
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta

import pytest
from momento import CacheClient, Configurations, CredentialProvider
from momento.responses import CacheGet, CacheSet

from leaderboard.local import cli
from leaderboard.local.stack import LocalStack
from leaderboard.naming import api_key_secret_name


def _sdk_client(stack: LocalStack, auth_token: str | None = None) -> CacheClient:
    credentials = CredentialProvider.for_momento_local("127.0.0.1", stack.momento.grpc_port)
    if auth_token is not None:
        credentials = dataclasses.replace(credentials, auth_token=auth_token)
    return CacheClient.create(Configurations.Laptop.v1(), credentials, timedelta(seconds=60))


def _http_status(stack: LocalStack, key: str | None) -> int:
    headers = {} if key is None else {"Authorization": key}
    request = urllib.request.Request(
        f"{stack.momento.http_url}/cache/{stack.cache_name}?key=absent", headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def keyed_stack() -> Iterator[LocalStack]:
    with LocalStack(
        stage="keyed", momento_grpc_port=0, momento_http_port=0, aws_port=0, require_key=True
    ) as running:
        yield running


def test_for_momento_local_works_out_of_the_box(stack: LocalStack) -> None:
    with _sdk_client(stack) as client:
        assert isinstance(client.set(stack.cache_name, "open-door", "hello"), CacheSet.Success)
        got = client.get(stack.cache_name, "open-door")
        assert isinstance(got, CacheGet.Hit) and got.value_string == "hello"
    assert _http_status(stack, None) == 404  # no key at all: served (a miss)


def test_a_required_key_refuses_for_momento_local_and_accepts_the_secret(
    keyed_stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    with _sdk_client(keyed_stack) as client:
        refused = client.set(keyed_stack.cache_name, "k", "v")
        assert isinstance(refused, CacheSet.Error), refused
        assert refused.error_code.name == "AUTHENTICATION_ERROR"
    assert _http_status(keyed_stack, None) == 401
    assert _http_status(keyed_stack, "wrong-key") == 401
    status = cli.main(
        ["momento-key", "--endpoint-url", keyed_stack.endpoint_url, "--stage", keyed_stack.stage]
    )
    printed = capsys.readouterr().out.strip()
    secret = keyed_stack.client("secretsmanager").get_secret_value(
        SecretId=api_key_secret_name(keyed_stack.stage)
    )["SecretString"]
    assert len(secret) >= 32
    assert (status, printed) == (0, secret)
    with _sdk_client(keyed_stack, auth_token=printed) as client:
        assert isinstance(client.set(keyed_stack.cache_name, "k", "v"), CacheSet.Success)
    assert _http_status(keyed_stack, printed) == 404
