"""StartSyncExecution through a plain boto3 client, with AWS's response shapes."""

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.stepfunctions.conftest import ROLE_ARN

PASS = {
    "StartAt": "P",
    "States": {"P": {"Type": "Pass", "Result": {"ok": True}, "ResultPath": "$.r", "End": True}},
}
FAIL = {
    "StartAt": "F",
    "States": {"F": {"Type": "Fail", "Error": "Board.Closed", "Cause": "the board is closed"}},
}


def create(sfn: Any, name: str, definition: dict[str, Any], kind: str = "EXPRESS") -> str:
    arn: str = sfn.create_state_machine(
        name=name, definition=json.dumps(definition), roleArn=ROLE_ARN, type=kind
    )["stateMachineArn"]
    return arn


def test_success_shape(sfn: Any) -> None:
    arn = create(sfn, "sync-ok", PASS)
    result = sfn.start_sync_execution(stateMachineArn=arn, name="run-1", input='{"a": 1}')

    assert result["status"] == "SUCCEEDED"
    assert result["stateMachineArn"] == arn
    assert result["name"] == "run-1"
    assert result["executionArn"].startswith(
        "arn:aws:states:us-east-1:123456789012:express:sync-ok:run-1:"
    )
    assert json.loads(result["input"]) == {"a": 1}
    assert json.loads(result["output"]) == {"a": 1, "r": {"ok": True}}
    assert result["stopDate"] >= result["startDate"]
    assert result["billingDetails"]["billedDurationInMilliseconds"] >= 100
    assert "error" not in result


def test_failure_shape(sfn: Any) -> None:
    result = sfn.start_sync_execution(stateMachineArn=create(sfn, "sync-fail", FAIL))

    assert result["status"] == "FAILED"
    assert (result["error"], result["cause"]) == ("Board.Closed", "the board is closed")
    assert "output" not in result


def test_standard_machine_is_refused(sfn: Any) -> None:
    arn = create(sfn, "sync-standard", PASS, kind="STANDARD")
    with pytest.raises(ClientError) as raised:
        sfn.start_sync_execution(stateMachineArn=arn)

    assert raised.value.response["Error"]["Code"] == "StateMachineTypeNotSupported"


def test_express_execution_is_traceable_locally(sfn: Any) -> None:
    result = sfn.start_sync_execution(stateMachineArn=create(sfn, "sync-trace", PASS))
    arn = result["executionArn"]

    described = sfn.describe_execution(executionArn=arn)
    events = sfn.get_execution_history(executionArn=arn)["events"]

    assert described["status"] == "SUCCEEDED"
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
