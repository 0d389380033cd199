"""History events of a Parallel + Retry + Catch machine against the sequence AWS documents.

Expected sequence written from the AWS Step Functions developer guide (history event types
per state type; retries repeat TaskScheduled/TaskStarted; a caught failure is followed by
the state's exit and the catcher's entry). Branches run concurrently, so events inside the
Parallel are compared per branch.
"""

import json
from collections.abc import Callable
from typing import Any

from tests.stepfunctions.conftest import history
from tests.stepfunctions.http_target import HttpTarget

HTTP = "arn:aws:states:::http:invoke"

BRANCH_TASK = [
    "TaskStateEntered",
    "TaskScheduled",
    "TaskStarted",
    "TaskFailed",
    "TaskScheduled",
    "TaskStarted",
    "TaskSucceeded",
    "TaskStateExited",
]
BRANCH_PASS = ["PassStateEntered", "PassStateExited"]
BEFORE_BRANCHES = ["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted"]
AFTER_BRANCHES = [
    "ParallelStateSucceeded",
    "ParallelStateExited",
    "TaskStateEntered",
    "TaskScheduled",
    "TaskStarted",
    "TaskFailed",
    "TaskStateExited",
    "PassStateEntered",
    "PassStateExited",
    "ExecutionSucceeded",
]


def definition(base: str, connection: str) -> dict[str, Any]:
    auth = {"ConnectionArn": connection}
    return {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "Flaky",
                        "States": {
                            "Flaky": {
                                "Type": "Task",
                                "Resource": HTTP,
                                "Parameters": {
                                    "ApiEndpoint": f"{base}/flaky/conformance/1",
                                    "Method": "GET",
                                    "Authentication": auth,
                                },
                                "ResultSelector": {"attempt.$": "$.ResponseBody.attempt"},
                                "Retry": [
                                    {
                                        "ErrorEquals": ["States.Http.StatusCode.503"],
                                        "IntervalSeconds": 1,
                                        "MaxAttempts": 1,
                                    }
                                ],
                                "End": True,
                            }
                        },
                    },
                    {
                        "StartAt": "Constant",
                        "States": {"Constant": {"Type": "Pass", "Result": "b", "End": True}},
                    },
                ],
                "ResultPath": "$.branches",
                "Next": "Risky",
            },
            "Risky": {
                "Type": "Task",
                "Resource": HTTP,
                "Parameters": {
                    "ApiEndpoint": f"{base}/status/500",
                    "Method": "GET",
                    "Authentication": auth,
                },
                "Catch": [
                    {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recover"}
                ],
                "End": True,
            },
            "Recover": {"Type": "Pass", "End": True},
        },
    }


def test_parallel_retry_catch_history_matches_aws(
    run: Callable[..., dict[str, Any]], sfn: Any, http_target: HttpTarget, api_key_connection: str
) -> None:
    result = run(definition(http_target.url, api_key_connection), {"player": "p"})
    events = history(sfn, result["executionArn"])
    types = [e["type"] for e in events]

    inside = types[len(BEFORE_BRANCHES) : len(types) - len(AFTER_BRANCHES)]
    assert types[: len(BEFORE_BRANCHES)] == BEFORE_BRANCHES
    assert types[len(types) - len(AFTER_BRANCHES) :] == AFTER_BRANCHES
    assert [t for t in inside if t.startswith("Task")] == BRANCH_TASK
    assert [t for t in inside if t.startswith("Pass")] == BRANCH_PASS
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))

    failed = [e for e in events if e["type"] == "TaskFailed"]
    assert [e["taskFailedEventDetails"]["error"] for e in failed] == [
        "States.Http.StatusCode.503",
        "States.Http.StatusCode.500",
    ]
    assert {e["taskFailedEventDetails"]["resourceType"] for e in failed} == {"http"}
    entered = [
        e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("StateEntered")
    ]
    assert entered[0] == "Fan" and entered[-2:] == ["Risky", "Recover"]

    output = json.loads(result["output"])
    assert output["player"] == "p"
    assert output["branches"] == [{"attempt": 2}, "b"]
    assert output["error"]["Error"] == "States.Http.StatusCode.500"
    assert json.loads(output["error"]["Cause"])["StatusCode"] == 500
