"""One local stack for the period tests, deployed with period board rules and its own clock.

Boards are named `{prefix}{unique suffix}` so each test has its own boards; the prefix picks
the period rules (`PERIOD_TEST_RULES`). One exact board, `scheduled-steps`, is periodic by
name, so the local scheduler has a schedule to fire. Momento is read and seeded with the
official `momento` SDK over the server's gRPC door, with the key the stack keeps.
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Final

import pytest
from momento import CacheClient
from momento.requests import SortOrder
from momento.responses import CacheSortedSetFetch

from leaderboard.board_rules import parse_board_rules
from leaderboard.definitions import DefinitionSettings
from leaderboard.local.stack import LocalStack
from leaderboard.periods import PeriodRule

STAGE: Final = "periodtest"
SCHEDULED_BOARD: Final = "scheduled-steps"

PERIOD_TEST_RULES: Final = parse_board_rules(
    {
        "prefixes": {
            "tokyo-": {"period": "daily", "timezone": "Asia/Tokyo"},
            "tokyo3-": {"period": "daily", "timezone": "Asia/Tokyo", "cutoverHour": 3},
            "kiritimati-": {"period": "daily", "timezone": "Pacific/Kiritimati"},
            "minus12-": {"period": "daily", "timezone": "Etc/GMT+12"},
            "nyweekly-": {"period": "weekly", "timezone": "America/New_York"},
            "monthly-": {"period": "monthly", "timezone": "Asia/Tokyo", "cutoverHour": 3},
            "asc-tokyo-": {"period": "daily", "order": "asc"},
            "alltime-": {"period": "none"},
        },
        "boards": {SCHEDULED_BOARD: {"period": "daily", "timezone": "Asia/Tokyo"}},
    },
    source="tests",
)


def board_name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


def period_rule(board: str) -> PeriodRule:
    return PERIOD_TEST_RULES.for_board(board).period_rule


class PeriodsLocalStack(LocalStack):
    """The local stack with PERIOD_TEST_RULES substituted into every definition."""

    def definition_settings(self) -> DefinitionSettings:
        return dataclasses.replace(super().definition_settings(), board_rules=PERIOD_TEST_RULES)


class Workflows:
    """Runs the deployed workflows and waits for STANDARD ones."""

    def __init__(self, stack: LocalStack) -> None:
        self.stack = stack
        self.sfn = stack.client("stepfunctions")

    def submit(self, request: dict[str, Any]) -> dict[str, Any]:
        return dict(
            self.sfn.start_sync_execution(
                stateMachineArn=self.stack.state_machine_arn("submit-score"),
                input=json.dumps(request),
            )
        )

    def close(
        self, request: dict[str, Any], *, name: str | None = None, timeout: float = 60
    ) -> dict[str, Any]:
        started = self.sfn.start_execution(
            stateMachineArn=self.stack.state_machine_arn("close-period"),
            name=name or str(uuid.uuid4()),
            input=json.dumps(request),
        )
        return self.wait(started["executionArn"], timeout=timeout)

    def wait(self, execution_arn: str, *, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            described: dict[str, Any] = self.sfn.describe_execution(executionArn=execution_arn)
            if described["status"] != "RUNNING":
                return described
            assert time.monotonic() < deadline, f"{execution_arn} still running"
            time.sleep(0.05)

    def read(self, workflow_name: str, request: dict[str, Any]) -> dict[str, Any]:
        return dict(
            self.sfn.start_sync_execution(
                stateMachineArn=self.stack.state_machine_arn(workflow_name),
                input=json.dumps(request),
            )
        )


class Momento:
    """The sorted sets as Momento holds them, through the official SDK."""

    def __init__(self, client: CacheClient, cache_name: str) -> None:
        self.client = client
        self.cache_name = cache_name

    def members(self, key: str, *, descending: bool = True) -> list[tuple[str, float]] | None:
        """(name, score) in board order, or None when the sorted set does not exist."""
        order = SortOrder.DESCENDING if descending else SortOrder.ASCENDING
        response = self.client.sorted_set_fetch_by_rank(self.cache_name, key, sort_order=order)
        if isinstance(response, CacheSortedSetFetch.Miss):
            return None
        assert isinstance(response, CacheSortedSetFetch.Hit), response
        return [(value.decode(), score) for value, score in response.value_list_bytes]

    def seed(self, key: str, elements: dict[str, float]) -> None:
        """Puts the elements, 1,000 a call, so a big board stays within one request's limit."""
        items = list(elements.items())
        for first in range(0, len(items), 1000):
            batch = dict(items[first : first + 1000])
            response = self.client.sorted_set_put_elements(self.cache_name, key, batch)
            assert not hasattr(response, "inner_exception"), response


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    with PeriodsLocalStack(
        stage=STAGE, momento_grpc_port=0, momento_http_port=0, aws_port=0
    ) as running:
        yield running


@pytest.fixture(scope="session")
def workflows(stack: LocalStack) -> Workflows:
    return Workflows(stack)


@pytest.fixture(scope="session")
def momento(stack: LocalStack) -> Iterator[Momento]:
    with stack.momento_client() as client:
        yield Momento(client, stack.cache_name)


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat()


def now(stack: LocalStack) -> datetime:
    return stack.clock.now()
