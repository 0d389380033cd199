"""The submit-score definition running in the local stack against the local Momento server.

One stack per session on ephemeral ports. Each test works on its own leaderboard, so tests
share the stack without seeing each other's members or events. The board is read back with
the official `momento` SDK over the server's gRPC door, with the key the stack keeps in its
local Secrets Manager, exactly as the state machine's connection uses it.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from momento import CacheClient
from momento.requests import SortOrder
from momento.responses import CacheSortedSetFetch

from leaderboard.local.history import Execution
from leaderboard.local.stack import LocalStack
from tests.workflows.board_rules_for_tests import RulesLocalStack
from tests.workflows.workflow_runner import Run, WorkflowRunner

STAGE = "wftest"


Submission = Run  # what StartSyncExecution answered for one submission


class SubmitScore:
    """Starts submit-score executions and reads their history."""

    def __init__(self, stack: LocalStack) -> None:
        self._runner = WorkflowRunner(stack)

    def __call__(self, submission: Any) -> Submission:
        return self._runner("submit-score", submission)

    def history(self, submission: Submission) -> Execution:
        return self._runner.history(submission)


class Board:
    """A sorted set as Momento holds it, read with the official SDK."""

    def __init__(self, client: CacheClient, cache_name: str, key: str) -> None:
        self._client = client
        self._cache_name = cache_name
        self.name = key

    def members(self) -> list[tuple[str, float]]:
        """(name, score) in board order: highest first, ties by name descending."""
        response = self._client.sorted_set_fetch_by_rank(
            self._cache_name, self.name, sort_order=SortOrder.DESCENDING
        )
        if isinstance(response, CacheSortedSetFetch.Miss):
            return []
        assert isinstance(response, CacheSortedSetFetch.Hit), response
        return [(value.decode(), score) for value, score in response.value_list_bytes]


class EventLog:
    """Every event the stack's bus delivered, kept so tests can each look for their board's."""

    def __init__(self, stack: LocalStack) -> None:
        self._stack = stack
        self._events: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def for_board(
        self, board: str, *, count: int, wait_seconds: float = 5.0
    ) -> list[dict[str, Any]]:
        """The board's ScoreSubmitted events once `count` arrived (or the wait ran out)."""
        deadline = time.monotonic() + wait_seconds
        while True:
            with self._lock:
                self._events.extend(self._stack.received_events())
                found = [
                    event
                    for event in self._events
                    if event.get("detail", {}).get("leaderboard") == board
                ]
            if len(found) >= count or time.monotonic() >= deadline:
                return found
            time.sleep(0.05)


class MomentoClock:
    """What the stack's Momento server expires items on: monotonic time plus an offset that
    tests move forward, so a TTL runs out without sleeping."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds


@pytest.fixture(scope="session")
def momento_clock() -> MomentoClock:
    return MomentoClock()


@pytest.fixture(scope="session")
def stack(momento_clock: MomentoClock) -> Iterator[LocalStack]:
    """Every workflow, deployed with the board rules of tests/workflows/board_rules_for_tests.py."""
    with RulesLocalStack(
        stage=STAGE,
        momento_grpc_port=0,
        momento_http_port=0,
        aws_port=0,
        momento_clock=momento_clock,
    ) as running:
        yield running


@pytest.fixture(scope="session")
def workflows(stack: LocalStack) -> WorkflowRunner:
    """Runs any deployed workflow synchronously: `workflows("get-standing", {...})`."""
    return WorkflowRunner(stack)


@pytest.fixture(scope="session")
def submit(stack: LocalStack) -> SubmitScore:
    return SubmitScore(stack)


@pytest.fixture(scope="session")
def momento(stack: LocalStack) -> Iterator[CacheClient]:
    with stack.momento_client() as client:
        yield client


@pytest.fixture(scope="session")
def events(stack: LocalStack) -> EventLog:
    return EventLog(stack)


@pytest.fixture
def board(stack: LocalStack, momento: CacheClient) -> Board:
    """A leaderboard no other test uses."""
    return Board(momento, stack.cache_name, f"board-{uuid.uuid4().hex[:16]}")
