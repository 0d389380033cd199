"""Session-wide test settings (no test may reach a real AWS account) and the fixtures that
every directory starting a local stack shares."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from leaderboard.local.momento_server.faults import FaultInjector

if TYPE_CHECKING:  # importing the stack takes ~2 s; sessions that start none skip it
    from leaderboard.local.stack import LocalStack

# Fake credentials and a fixed region: boto3 clients in tests talk to the local endpoint only.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.pop("AWS_PROFILE", None)
# jsii (CDK) warns on every start that Node 20 is past end-of-life; the warning is not ours.
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")


@pytest.fixture
def faults(stack: LocalStack) -> Iterator[FaultInjector]:
    """The Momento server's fault injector, cleared after the test whatever happens.

    `stack` is the requesting directory's own local stack (its conftest defines one)."""
    yield stack.momento.faults
    stack.momento.faults.clear()


@pytest.fixture
def missing_cache(stack: LocalStack) -> Iterator[str]:
    """The stack's cache deleted for the test (a deleted, misnamed or other stage's cache),
    recreated empty afterwards; yields its name. Everything the cache held is gone."""
    store = stack.momento.store
    store.delete_cache(stack.cache_name)
    yield stack.cache_name
    store.create_cache(stack.cache_name)
