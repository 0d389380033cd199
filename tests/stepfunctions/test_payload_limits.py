"""Execution input and task output over 256 KiB are refused at the API, as AWS refuses them."""

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from leaderboard.local.stepfunctions.payload_limits import MAX_PAYLOAD_BYTES
from tests.stepfunctions.conftest import ROLE_ARN

# AWS's message (recorded), the member named and the value not echoed.
REFUSED = (
    "1 validation error detected: Value at '{member}' failed to satisfy constraint: "
    "Member must have size less than or equal to 262144 bytes in UTF-8 encoding"
)
PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})


def _json_string(size_in_bytes: int, character: str = "a") -> str:
    """A JSON string document of exactly `size_in_bytes` UTF-8 bytes (quotes included)."""
    width = len(character.encode())
    assert (size_in_bytes - 2) % width == 0
    return json.dumps(character * ((size_in_bytes - 2) // width), ensure_ascii=False)


@pytest.fixture(scope="module")
def machines(sfn: Any) -> dict[str, str]:
    return {
        kind: sfn.create_state_machine(
            name=f"payload-limit-{kind.lower()}", definition=PASS, roleArn=ROLE_ARN, type=kind
        )["stateMachineArn"]
        for kind in ("STANDARD", "EXPRESS")
    }


def _refusal(call: Any, **request: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as raised:
        call(**request)
    error: dict[str, str] = raised.value.response["Error"]
    return error


def test_an_input_at_the_limit_starts(sfn: Any, machines: dict[str, str]) -> None:
    at_limit = _json_string(MAX_PAYLOAD_BYTES)
    result = sfn.start_sync_execution(stateMachineArn=machines["EXPRESS"], input=at_limit)
    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"]) == json.loads(at_limit)


@pytest.mark.parametrize(
    "oversized",
    [_json_string(MAX_PAYLOAD_BYTES + 1), _json_string(MAX_PAYLOAD_BYTES + 2, "é")],
    ids=["one-byte-over", "multibyte-under-in-characters"],
)
def test_start_execution_refuses_an_input_over_the_limit_and_starts_nothing(
    sfn: Any, machines: dict[str, str], oversized: str
) -> None:
    before = sfn.list_executions(stateMachineArn=machines["STANDARD"])["executions"]
    error = _refusal(sfn.start_execution, stateMachineArn=machines["STANDARD"], input=oversized)
    assert error == {"Code": "ValidationException", "Message": REFUSED.format(member="input")}
    assert sfn.list_executions(stateMachineArn=machines["STANDARD"])["executions"] == before


def test_start_sync_execution_refuses_an_input_over_the_limit(
    sfn: Any, machines: dict[str, str]
) -> None:
    oversized = _json_string(MAX_PAYLOAD_BYTES + 1)
    error = _refusal(sfn.start_sync_execution, stateMachineArn=machines["EXPRESS"], input=oversized)
    assert error == {"Code": "ValidationException", "Message": REFUSED.format(member="input")}


def test_the_size_is_checked_before_the_state_machine_is_looked_up(sfn: Any) -> None:
    missing = "arn:aws:states:us-east-1:123456789012:stateMachine:no-such-machine"
    oversized = _json_string(MAX_PAYLOAD_BYTES + 1)
    error = _refusal(sfn.start_execution, stateMachineArn=missing, input=oversized)
    assert error["Code"] == "ValidationException"


def test_send_task_success_refuses_an_output_over_the_limit(sfn: Any) -> None:
    oversized = _json_string(MAX_PAYLOAD_BYTES + 1)
    error = _refusal(sfn.send_task_success, taskToken="any-token", output=oversized)
    assert error == {"Code": "ValidationException", "Message": REFUSED.format(member="output")}
