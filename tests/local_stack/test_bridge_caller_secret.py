"""Locally as on AWS: the connection sends the bridge's caller secret, and the bridge checks it.

The local workflows send sorted-set calls to the local server's HTTP door, which ignores the
header; the bridge is registered as the stack's Lambda function and invoked here as Lambda
would invoke it for its function URL.
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest
import urllib3

from functions.momento_bridge import handler as bridge
from leaderboard.local.aws_client import REGION
from leaderboard.local.stack import LocalStack
from leaderboard.local.stepfunctions.http_connection import resolve_connection
from leaderboard.local.stepfunctions.lambda_task import LocalLambdaClient
from leaderboard.momento_contract.bridge_settings import CALLER_SECRET_HEADER
from leaderboard.naming import api_key_secret_name, caller_secret_name, function_name
from tests.bridge.function_url import function_url_event


def _secret(stack: LocalStack, name: str) -> str:
    return str(stack.client("secretsmanager").get_secret_value(SecretId=name)["SecretString"])


def test_the_connection_sends_the_caller_secret_as_a_secret_header(stack: LocalStack) -> None:
    auth = resolve_connection(stack.connection_arn, REGION, urllib3.PoolManager(), 5.0)
    caller_secret = _secret(stack, caller_secret_name(stack.stage))
    assert auth.headers == {
        CALLER_SECRET_HEADER: caller_secret,
        "Authorization": _secret(stack, api_key_secret_name(stack.stage)),
    }
    assert caller_secret in auth.secrets  # scrubbed from failure causes like the key


@pytest.fixture
def fresh_bridge(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The bridge module's clients and secret cache, built from the stack's environment."""
    monkeypatch.setattr(bridge, "_pool", None)
    monkeypatch.setattr(bridge, "_caller_secret", None)
    yield
    if bridge._pool is not None:
        bridge._pool.close()


def _invoke(stack: LocalStack, headers: dict[str, str]) -> dict[str, Any]:
    event = function_url_event(
        "POST", f"/sortedset/{stack.cache_name}/length", query="key=nobody", headers=headers
    )
    response = LocalLambdaClient(REGION).invoke(
        FunctionName=function_name(stack.stage, "momento_bridge"), Payload=json.dumps(event)
    )
    assert "FunctionError" not in response
    return dict(json.loads(response["Payload"].read()))


def test_the_local_bridge_admits_only_the_connection(stack: LocalStack, fresh_bridge: None) -> None:
    key = _secret(stack, api_key_secret_name(stack.stage))
    stranger = _invoke(stack, {"authorization": key})
    connection = _invoke(
        stack,
        {
            "authorization": key,
            CALLER_SECRET_HEADER: _secret(stack, caller_secret_name(stack.stage)),
        },
    )
    assert (stranger["statusCode"], json.loads(stranger["body"])["error"]) == (
        401,
        "unauthenticated",
    )
    assert (connection["statusCode"], json.loads(connection["body"])) == (
        404,
        {"error": "not_found", "message": "Sorted Set Not Found"},
    )
