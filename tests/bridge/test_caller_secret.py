"""Only the stage's EventBridge connection gets past the bridge's first check.

The caller secret is read from Secrets Manager on the local AWS endpoint, as on AWS. A request
without it is a 401 before the route, the key or anything else is looked at, and builds
no client.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.data_classes import LambdaFunctionUrlEvent
from momento import CacheClient, CredentialProvider

from functions.momento_bridge import handler as bridge
from functions.momento_bridge.caller_secret import CallerSecret
from functions.momento_bridge.clients import ClientPool, ConnectionSettings
from leaderboard.local.stepfunctions.endpoint import AwsEndpoint
from leaderboard.momento_contract.bridge_settings import CALLER_SECRET_HEADER
from tests.bridge.conftest import API_KEY, BRIDGE_CACHE, CALLER_SECRET
from tests.bridge.function_url import LambdaContext, function_url_event

REFUSAL = f"{CALLER_SECRET_HEADER}: missing or wrong "


class NoClients:
    """A client factory that must not be called."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, provider: CredentialProvider) -> CacheClient:
        self.calls += 1
        raise AssertionError("a client was built for a request that should have been refused")


def event(path: str, headers: dict[str, str], method: str = "POST") -> dict[str, Any]:
    return function_url_event(method, path, query="key=board", headers=headers)


@pytest.mark.parametrize(
    "sent",
    [
        None,
        "",
        CALLER_SECRET[:-1],
        CALLER_SECRET[:-1] + ("A" if CALLER_SECRET[-1] != "A" else "B"),
        CALLER_SECRET + "x",
        "é" * len(CALLER_SECRET),  # not ASCII: compared as bytes, no exception
    ],
    ids=["absent", "empty", "short", "last-char", "long", "non-ascii"],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", f"/sortedset/{BRIDGE_CACHE}/length"), ("GET", "/nowhere"), ("PATCH", "/sortedset/c")],
    ids=["route", "unknown-route", "wrong-method"],
)
def test_without_the_secret_every_request_is_401_before_anything_else(
    sent: str | None,
    method: str,
    path: str,
    local_settings: ConnectionSettings,
    caller_secret: CallerSecret,
) -> None:
    factory = NoClients()
    headers = {"authorization": API_KEY}
    if sent is not None:
        headers[CALLER_SECRET_HEADER] = sent
    pool = ClientPool(local_settings, factory=factory)
    result = bridge.answer(
        LambdaFunctionUrlEvent(event(path, headers, method)), pool, caller_secret
    )
    assert result.status == 401
    assert result.body is not None
    assert result.body["error"] == "unauthenticated"
    assert str(result.body["message"]).startswith(REFUSAL)
    assert CALLER_SECRET not in str(result.body)
    assert factory.calls == 0


def test_the_lambda_entry_point_reads_the_secret_from_secrets_manager(
    bridge_handler: bridge.Handler,
) -> None:
    path = f"/sortedset/{BRIDGE_CACHE}/length"
    refused = bridge_handler(event(path, {"authorization": API_KEY}), LambdaContext())
    admitted = bridge_handler(
        event(path, {"authorization": API_KEY, CALLER_SECRET_HEADER: CALLER_SECRET}),
        LambdaContext(),
    )
    assert (refused["statusCode"], admitted["statusCode"]) == (401, 404)  # 404: a miss


def test_an_unreadable_secret_is_503_and_admits_nobody(
    aws_endpoint: AwsEndpoint, local_settings: ConnectionSettings
) -> None:
    client = boto3.client("secretsmanager", endpoint_url=aws_endpoint.url)
    missing = CallerSecret.reading(
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:no-such-secret-AbCdEf", client
    )
    factory = NoClients()
    result = bridge.answer(
        LambdaFunctionUrlEvent(
            event(
                f"/sortedset/{BRIDGE_CACHE}/length",
                {"authorization": API_KEY, CALLER_SECRET_HEADER: ""},
            )
        ),
        ClientPool(local_settings, factory=factory),
        missing,
    )
    assert (result.status, result.body) == (
        503,
        {"error": "unavailable", "message": "The bridge cannot read its caller secret"},
    )
    assert factory.calls == 0


def test_a_rotation_admits_the_previous_value_until_the_connection_has_the_new_one(
    aws_endpoint: AwsEndpoint,
) -> None:
    client = boto3.client("secretsmanager", endpoint_url=aws_endpoint.url)
    old, new = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    arn = client.create_secret(Name=f"rotated-{uuid.uuid4().hex}", SecretString=old)["ARN"]
    never_rotated = CallerSecret.reading(arn, client)
    assert never_rotated.admits({CALLER_SECRET_HEADER: old})
    assert not never_rotated.admits({CALLER_SECRET_HEADER: new})
    client.put_secret_value(SecretId=arn, SecretString=new)  # old becomes AWSPREVIOUS
    rotated = CallerSecret.reading(arn, client)  # a bridge that read the secret since
    assert rotated.admits({CALLER_SECRET_HEADER: old})  # the connection still sends the old value
    assert rotated.admits({CALLER_SECRET_HEADER: new})
    assert not rotated.admits({CALLER_SECRET_HEADER: secrets.token_urlsafe(32)})
