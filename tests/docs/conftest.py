"""One local stack for the docs' examples, on ephemeral ports, with the stage the docs use."""

from collections.abc import Iterator

import pytest

from leaderboard.local.stack import LocalStack

# The stage `make up` deploys: the examples name its machines, cache and secrets as written.
DOCUMENTED_STAGE = "local"


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with LocalStack(
        stage=DOCUMENTED_STAGE,
        momento_grpc_port=0,
        momento_http_port=0,
        aws_port=0,
        http_api_port=0,
    ) as running:
        yield running
