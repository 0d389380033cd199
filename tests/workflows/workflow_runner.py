"""Runs any deployed workflow (express through StartSyncExecution, close-period started and
polled), and seeds boards with the SDK."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from momento import CacheClient
from momento.responses import CacheSortedSetPutElements

from leaderboard.local.history import Execution, parse_history
from leaderboard.local.stack import LocalStack


@dataclass(frozen=True)
class Run:
    """What StartSyncExecution answered."""

    execution_arn: str
    status: str
    output: Any
    error: str | None
    cause: str | None


class WorkflowRunner:
    """`runner("get-standing", {...})` starts one synchronous execution of that workflow."""

    def __init__(self, stack: LocalStack) -> None:
        self._stack = stack
        self._sfn = stack.client("stepfunctions")

    def __call__(self, workflow_name: str, document: Any) -> Run:
        response = self._sfn.start_sync_execution(
            stateMachineArn=self._stack.state_machine_arn(workflow_name),
            input=json.dumps(document),
        )
        output = response.get("output")
        return Run(
            execution_arn=response["executionArn"],
            status=response["status"],
            output=json.loads(output) if output is not None else None,
            error=response.get("error"),
            cause=response.get("cause"),
        )

    def succeeded(self, workflow_name: str, document: Any) -> Any:
        """The output of a run that must succeed."""
        run = self(workflow_name, document)
        assert run.status == "SUCCEEDED", (workflow_name, document, run.error, run.cause)
        return run.output

    def history(self, run: Run) -> Execution:
        events = self._sfn.get_execution_history(executionArn=run.execution_arn, maxResults=1000)[
            "events"
        ]
        return parse_history(events)


def seed(client: CacheClient, cache_name: str, board: str, scores: Mapping[str, float]) -> None:
    """Puts `scores` on `board` directly with the official SDK (no workflow involved)."""
    response = client.sorted_set_put_elements(cache_name, board, dict(scores))
    assert isinstance(response, CacheSortedSetPutElements.Success), response


def close_period(stack: LocalStack, request: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The finished close-period execution (STANDARD: started, then polled) and its states."""
    sfn = stack.client("stepfunctions")
    arn = sfn.start_execution(
        stateMachineArn=stack.state_machine_arn("close-period"),
        name=str(uuid.uuid4()),
        input=json.dumps(request),
    )["executionArn"]
    deadline = time.monotonic() + 30
    while (described := sfn.describe_execution(executionArn=arn))["status"] == "RUNNING":
        assert time.monotonic() < deadline, f"{arn} still running"
        time.sleep(0.05)
    events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    return dict(described), [run.name for run in parse_history(events).all_runs()]
