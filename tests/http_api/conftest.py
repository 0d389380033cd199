"""One local stack serving the HTTP API on an ephemeral port, and an httpx client for it."""

import re
from collections.abc import Iterator

import httpx
import pytest

from leaderboard.local.stack import LocalStack

STAGE = "httptest"


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    with LocalStack(
        stage=STAGE, momento_grpc_port=0, momento_http_port=0, aws_port=0, http_api_port=0
    ) as running:
        yield running


@pytest.fixture(scope="session")
def http(stack: LocalStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.http_api_url, timeout=60) as client:
        yield client


@pytest.fixture
def board(request: pytest.FixtureRequest) -> str:
    """A board of the test's own: tests never see each other's members."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", str(request.node.name).removeprefix("test_"))
    return f"http-{name}"[:64].rstrip("-")
