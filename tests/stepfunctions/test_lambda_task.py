"""Lambda tasks run registered Python handlers in-process."""

import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from leaderboard.local.stepfunctions.lambda_task import register_lambda, unregister_lambda

Run = Callable[..., dict[str, Any]]


class ScoreRejectedError(Exception):
    pass


def shape_handler(event: Any, context: Any) -> dict[str, Any]:
    return {
        "echo": event,
        "stage": os.environ.get("STAGE"),
        "function": context.function_name,
        "arn": context.invoked_function_arn,
        "memory": context.memory_limit_in_mb,
        "requestId": context.aws_request_id,
        "remaining": context.get_remaining_time_in_millis(),
    }


def failing_handler(event: Any, context: Any) -> None:
    raise ScoreRejectedError(f"score {event['score']} is negative")


@pytest.fixture(autouse=True)
def functions() -> Iterator[None]:
    register_lambda("shape", shape_handler, {"STAGE": "test"})
    register_lambda("reject", failing_handler, {})
    yield
    unregister_lambda("shape")
    unregister_lambda("reject")


def test_lambda_invoke_returns_payload_and_status(run: Run) -> None:
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "shape", "Payload.$": "$"},
        "End": True,
    }
    output = json.loads(run({"StartAt": "L", "States": {"L": task}}, {"score": 3})["output"])

    assert output["StatusCode"] == 200
    payload = output["Payload"]
    assert payload["echo"] == {"score": 3}
    assert payload["stage"] == "test"
    assert payload["function"] == "shape"
    assert payload["arn"].endswith(":function:shape")
    assert payload["memory"] == 128
    assert 0 < payload["remaining"] <= 30_000
    assert "STAGE" not in os.environ or os.environ["STAGE"] != "test"


def test_bare_function_arn(run: Run) -> None:
    task = {
        "Type": "Task",
        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:shape",
        "End": True,
    }
    output = json.loads(run({"StartAt": "L", "States": {"L": task}}, {"score": 5})["output"])

    assert output["echo"] == {"score": 5}


def test_exception_fails_task_with_its_type_name(run: Run) -> None:
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "reject", "Payload.$": "$"},
        "End": True,
    }
    result = run({"StartAt": "L", "States": {"L": task}}, {"score": -1})

    assert (result["status"], result["error"]) == ("FAILED", "ScoreRejectedError")
    cause = json.loads(result["cause"])
    assert cause["errorType"] == "ScoreRejectedError"
    assert cause["errorMessage"] == "score -1 is negative"
    assert any("failing_handler" in line for line in cause["stackTrace"])


def test_unknown_function_fails(run: Run) -> None:
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "nope"},
        "End": True,
    }
    result = run({"StartAt": "L", "States": {"L": task}})

    assert (result["status"], result["error"]) == ("FAILED", "Lambda.ResourceNotFoundException")
