"""Lambda tasks run registered Python handlers in-process."""

import concurrent.futures
import json
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from leaderboard.local.stepfunctions.lambda_task import register_lambda, unregister_lambda

Run = Callable[..., dict[str, Any]]
# Only reached when the behaviour under test is broken (a stalled or lost invocation).
BOUND_SECONDS = 60
# A held handler outlasts that bound, so a stall shows as a failure, not a slow pass.
HANDLER_HOLD_SECONDS = 2 * BOUND_SECONDS


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


def invoke(function: str) -> dict[str, Any]:
    return {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": function, "Payload.$": "$"},
        "End": True,
    }


def bytes_handler(event: Any, context: Any) -> bytes:
    return b"raw"


def test_invoke_output_carries_the_sdk_metadata(run: Run) -> None:
    output = json.loads(run({"StartAt": "L", "States": {"L": invoke("shape")}})["output"])
    request_id = output["Payload"]["requestId"]
    http = output["SdkHttpMetadata"]

    assert sorted(output) == [
        "ExecutedVersion",
        "Payload",
        "SdkHttpMetadata",
        "SdkResponseMetadata",
        "StatusCode",
    ]
    assert output["SdkResponseMetadata"] == {"RequestId": request_id}
    assert http["HttpStatusCode"] == 200
    assert http["HttpHeaders"]["x-amzn-RequestId"] == request_id
    assert http["HttpHeaders"]["X-Amz-Executed-Version"] == "$LATEST"
    assert http["AllHttpHeaders"] == {name: [value] for name, value in http["HttpHeaders"].items()}


def test_error_cause_is_the_runtimes_payload_from_the_handler_down(run: Run) -> None:
    result = run({"StartAt": "L", "States": {"L": invoke("reject")}}, {"score": -2})
    cause = json.loads(result["cause"])

    assert list(cause) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert len(cause["requestId"]) == 36
    assert "failing_handler" in cause["stackTrace"][0]
    assert not any("leaderboard/local" in frame for frame in cause["stackTrace"])


def test_a_result_with_no_json_form_is_a_marshal_error(run: Run) -> None:
    register_lambda("raw-bytes", bytes_handler, {})
    try:
        result = run({"StartAt": "L", "States": {"L": invoke("raw-bytes")}})
    finally:
        unregister_lambda("raw-bytes")
    cause = json.loads(result["cause"])

    assert (result["status"], result["error"]) == ("FAILED", "Runtime.MarshalError")
    assert cause["errorMessage"] == (
        "Unable to marshal response: Object of type bytes is not JSON serializable"
    )


def test_unknown_function_names_the_latest_version(run: Run) -> None:
    result = run({"StartAt": "L", "States": {"L": invoke("nope")}})

    assert (
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:$LATEST"
        in (result["cause"])
    )


def test_a_running_handler_does_not_stall_one_whose_environment_agrees(run: Run) -> None:
    started, release = threading.Event(), threading.Event()

    def blocking_handler(event: Any, context: Any) -> str:
        started.set()
        release.wait(HANDLER_HOLD_SECONDS)
        return "released"

    register_lambda("blocker", blocking_handler, {"STAGE": "test"})
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        blocked = pool.submit(run, {"StartAt": "L", "States": {"L": invoke("blocker")}})
        try:
            assert started.wait(BOUND_SECONDS)
            second = pool.submit(run, {"StartAt": "L", "States": {"L": invoke("shape")}})
            output = json.loads(second.result(timeout=BOUND_SECONDS)["output"])
            assert output["Payload"]["stage"] == "test"
            assert not blocked.done()
        finally:
            release.set()
            unregister_lambda("blocker")
        assert json.loads(blocked.result()["output"])["Payload"] == "released"


def test_a_task_that_timed_out_does_not_stall_the_next_one(run: Run) -> None:
    release = threading.Event()

    def hanging_handler(event: Any, context: Any) -> str:
        release.wait(HANDLER_HOLD_SECONDS)
        return "finally"

    register_lambda("hangs", hanging_handler, {"STAGE": "test"})
    timed = {**invoke("hangs"), "TimeoutSeconds": 1}
    try:
        timed_out = run({"StartAt": "L", "States": {"L": timed}})
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            later = pool.submit(run, {"StartAt": "L", "States": {"L": invoke("shape")}})
            output = json.loads(later.result(timeout=BOUND_SECONDS)["output"])
    finally:
        release.set()
        unregister_lambda("hangs")

    assert (timed_out["status"], timed_out["error"]) == ("FAILED", "States.Timeout")
    assert output["Payload"]["stage"] == "test"
