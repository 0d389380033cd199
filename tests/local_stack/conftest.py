"""One local stack for this package's tests, on ephemeral ports, with its own stage."""

from collections.abc import Iterator

import pytest

from leaderboard.local.stack import LocalStack

STAGE = "lstest"


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    with LocalStack(stage=STAGE, momento_grpc_port=0, momento_http_port=0, aws_port=0) as running:
        yield running
