"""The bridge under test: its handler against the local Momento server's gRPC door.

The server is configured with two API keys (the stage's, and the next one of a rotation), so
the key the bridge forwards is really checked. The caller secret lives in Secrets Manager on
the local AWS endpoint, where the bridge reads it as it does on AWS.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator

import boto3
import httpx
import pytest

from functions.momento_bridge import handler as bridge
from functions.momento_bridge.caller_secret import CallerSecret
from functions.momento_bridge.clients import ClientPool, ConnectionSettings
from leaderboard.local.momento_server.server import MomentoServer
from leaderboard.local.stepfunctions.endpoint import AwsEndpoint
from leaderboard.momento_contract.bridge_settings import LOCAL_ADDRESS_VARIABLE
from tests.bridge.function_url import FunctionUrlTransport
from tests.momento_server.contract import SortedSetHttp

BRIDGE_CACHE = "bridge-cache"
API_KEY = f"bridge-test-key-{uuid.uuid4().hex}"
NEXT_API_KEY = f"bridge-test-next-key-{uuid.uuid4().hex}"
CALLER_SECRET = secrets.token_urlsafe(32)


@pytest.fixture(scope="session")
def momento_server() -> Iterator[MomentoServer]:
    with MomentoServer(
        grpc_port=0, http_port=0, api_keys=[API_KEY, NEXT_API_KEY], caches=[BRIDGE_CACHE]
    ) as server:
        yield server


@pytest.fixture(scope="session")
def aws_endpoint() -> Iterator[AwsEndpoint]:
    with AwsEndpoint(port=0) as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def caller_secret_arn(aws_endpoint: AwsEndpoint) -> str:
    """The caller secret in Secrets Manager, created as the stack creates it."""
    created = aws_endpoint.client("secretsmanager").create_secret(
        Name=f"bridge-caller-{uuid.uuid4().hex}", SecretString=CALLER_SECRET
    )
    return str(created["ARN"])


@pytest.fixture(scope="session")
def caller_secret(aws_endpoint: AwsEndpoint, caller_secret_arn: str) -> CallerSecret:
    client = boto3.client("secretsmanager", endpoint_url=aws_endpoint.url)
    return CallerSecret.reading(caller_secret_arn, client)


@pytest.fixture(scope="session")
def local_settings(momento_server: MomentoServer) -> ConnectionSettings:
    return ConnectionSettings(("127.0.0.1", momento_server.grpc_port), endpoint=None)


@pytest.fixture(scope="session")
def bridge_handler(
    momento_server: MomentoServer, caller_secret: CallerSecret
) -> Iterator[bridge.Handler]:
    """The real Lambda entry point, its module pool pointed at the local gRPC door, its caller
    secret read from the local Secrets Manager."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(LOCAL_ADDRESS_VARIABLE, f"127.0.0.1:{momento_server.grpc_port}")
        patch.setenv("POWERTOOLS_METRICS_NAMESPACE", "LeaderboardTest")
        patch.setattr(bridge, "_pool", None)
        # Read from the local endpoint through its own client: an AWS_ENDPOINT_URL set for the
        # whole session would redirect every later test's boto3 clients here.
        patch.setattr(bridge, "_caller_secret", caller_secret)
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
    transport = FunctionUrlTransport(bridge_handler, momento_http, API_KEY, CALLER_SECRET)
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
