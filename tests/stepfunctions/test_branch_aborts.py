"""A failed Parallel branch aborts its siblings, recording the state each one was in.

Written from AWS's history event types: the sibling's Task gets `TaskStateAborted` (no
`TaskStateExited`), on its own event chain, before the Parallel's `ParallelStateFailed`; a
sibling Map records `MapIterationAborted` and `MapStateAborted` too, innermost first, and
nothing is recorded after the execution failed.
The branches are Lambda handlers that meet through events, so the sibling is inside its
Task when the other branch fails, whatever the machine's speed.
"""

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from leaderboard.local.stepfunctions.lambda_task import register_lambda, unregister_lambda
from tests.stepfunctions.conftest import history

Run = Callable[..., dict[str, Any]]
# Only reached when the behaviour under test is broken (a branch that never starts).
BOUND_SECONDS = 60

sibling_started = threading.Event()
release_sibling = threading.Event()


class BranchFailedError(Exception):
    pass


def sibling_handler(event: Any, context: Any) -> str:
    sibling_started.set()
    release_sibling.wait(BOUND_SECONDS)
    return "too late"


def failing_handler(event: Any, context: Any) -> None:
    sibling_started.wait(BOUND_SECONDS)
    raise BranchFailedError("branch failed")


@pytest.fixture
def branches() -> Iterator[None]:
    sibling_started.clear()
    release_sibling.clear()
    register_lambda("sibling", sibling_handler, {})
    register_lambda("fails", failing_handler, {})
    yield
    release_sibling.set()
    unregister_lambda("sibling")
    unregister_lambda("fails")


def branch(state: str, function: str) -> dict[str, Any]:
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": function, "Payload": {}},
        "End": True,
    }
    return {"StartAt": state, "States": {state: task}}


def test_sibling_task_is_aborted_before_the_parallel_fails(
    run: Run, sfn: Any, branches: None
) -> None:
    definition = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "Branches": [branch("Waits", "sibling"), branch("Fails", "fails")],
                "End": True,
            }
        },
    }
    result = run(definition)
    events = history(sfn, result["executionArn"])
    by_id = {e["id"]: e for e in events}
    types = [e["type"] for e in events]

    assert (result["status"], result["error"]) == ("FAILED", "BranchFailedError")
    assert types.count("TaskStateAborted") == 1
    assert "TaskStateExited" not in types
    assert types.index("TaskStateAborted") < types.index("ParallelStateFailed")
    aborted = events[types.index("TaskStateAborted")]
    chain = [by_id[aborted["previousEventId"]]]
    while chain[-1]["type"] != "TaskStateEntered":
        chain.append(by_id[chain[-1]["previousEventId"]])
    assert [e["type"] for e in chain] == ["TaskStarted", "TaskScheduled", "TaskStateEntered"]
    assert chain[-1]["stateEnteredEventDetails"]["name"] == "Waits"


def test_sibling_map_aborts_its_iteration_then_itself(run: Run, sfn: Any, branches: None) -> None:
    mapped = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemProcessor": branch("Waits", "sibling"),
                "End": True,
            }
        },
    }
    definition = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "Branches": [mapped, branch("Fails", "fails")],
                "End": True,
            }
        },
    }
    result = run(definition, {"items": [1]})
    types = [e["type"] for e in history(sfn, result["executionArn"])]
    aborts = [t for t in types if t.endswith("Aborted")]

    assert result["error"] == "BranchFailedError"
    assert aborts == ["TaskStateAborted", "MapIterationAborted", "MapStateAborted"]
    assert types.index("MapStateAborted") < types.index("ParallelStateFailed")
    assert types[-1] == "ExecutionFailed"
