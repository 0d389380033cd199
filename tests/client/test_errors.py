"""Every failure reaches the backend as its own exception type, with error, cause and ARN."""

from __future__ import annotations

import json

import pytest
from botocore.stub import Stubber

from leaderboard.client import (
    ExecutionTimedOutError,
    LeaderboardClient,
    StoreUnavailableError,
    ThrottledError,
    WorkflowFailedError,
)
from leaderboard.local.momento_server.faults import FaultInjector, FaultRule
from leaderboard.local.stack import LocalStack
from tests.client.conftest import STAND_IN_STAGE, StandIns, fake_session

# A machine that waits longer than it is allowed to run.
OVERRUNNING = {
    "StartAt": "Wait",
    "TimeoutSeconds": 1,
    "States": {"Wait": {"Type": "Wait", "Seconds": 5, "End": True}},
}
# A machine that runs well past any client's patience in these tests.
LONG_RUNNING = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 30, "End": True}}}
# A failure no exception class is named after.
UNEXPECTED_FAILURE = {
    "StartAt": "Break",
    "States": {"Break": {"Type": "Fail", "Error": "Custom.Unexpected", "Cause": "a bug"}},
}


def test_momento_failing_after_the_retries_is_store_unavailable(
    client: LeaderboardClient, board: str, faults: FaultInjector
) -> None:
    # Persistent: the workflow's retries (about 7 s of backoff) all meet a 500.
    faults.add(FaultRule(operation="sortedset.put", status=500))
    with pytest.raises(StoreUnavailableError) as raised:
        client.submit_score(board, "unlucky", 1)
    assert raised.value.error == "Leaderboard.StoreUnavailable"
    assert raised.value.cause.startswith("score not stored: States.Http.StatusCode.500")
    assert raised.value.execution_arn is not None
    assert ":leaderboard-client-submit-score:" in raised.value.execution_arn


def test_express_execution_over_its_time_limit_is_timed_out(
    stand_ins: StandIns, stand_in_client: LeaderboardClient
) -> None:
    stand_ins.deploy("submit-score", OVERRUNNING, "EXPRESS")
    with pytest.raises(ExecutionTimedOutError) as raised:
        stand_in_client.submit_score("board", "slow", 1)
    assert raised.value.error == "States.Timeout"
    assert raised.value.execution_arn is not None
    assert ":express:leaderboard-clientstandin-submit-score:" in raised.value.execution_arn


def test_standard_execution_over_its_time_limit_is_timed_out(
    stand_ins: StandIns, stand_in_client: LeaderboardClient
) -> None:
    stand_ins.deploy("close-period", OVERRUNNING, "STANDARD")
    with pytest.raises(ExecutionTimedOutError) as raised:
        stand_in_client.close_period("board", "2026-11-20")
    assert raised.value.error == "States.Timeout"
    assert raised.value.execution_arn is not None
    assert raised.value.execution_arn.endswith(
        ":execution:leaderboard-clientstandin-close-period:board-2026-11-20"
    )


def test_standard_execution_still_running_when_the_client_stops_waiting(
    stack: LocalStack, stand_ins: StandIns
) -> None:
    stand_ins.deploy("close-period", LONG_RUNNING, "STANDARD")
    impatient = LeaderboardClient(
        STAND_IN_STAGE,
        session=fake_session(),
        endpoint_url=stack.endpoint_url,
        standard_wait_seconds=0.2,
    )
    with pytest.raises(ExecutionTimedOutError) as raised:
        impatient.close_period("board", "2026-11-21")
    assert raised.value.error == "Client.WaitTimeout"
    assert raised.value.execution_arn is not None
    assert raised.value.execution_arn.endswith(
        ":execution:leaderboard-clientstandin-close-period:board-2026-11-21"
    )
    sfn = stack.client("stepfunctions")
    # The run goes on; only the client gave up.
    assert sfn.describe_execution(executionArn=raised.value.execution_arn)["status"] == "RUNNING"
    sfn.stop_execution(executionArn=raised.value.execution_arn)


def test_an_error_no_class_is_named_after_is_workflow_failed(
    stand_ins: StandIns, stand_in_client: LeaderboardClient
) -> None:
    stand_ins.deploy("submit-score", UNEXPECTED_FAILURE, "EXPRESS")
    with pytest.raises(WorkflowFailedError) as raised:
        stand_in_client.submit_score("board", "unlucky", 1)
    assert (raised.value.error, raised.value.cause) == ("Custom.Unexpected", "a bug")
    assert raised.value.execution_arn is not None
    assert str(raised.value) == "Custom.Unexpected: a bug"


def test_step_functions_throttling_is_throttled(client: LeaderboardClient, board: str) -> None:
    """The local endpoint never throttles, so this one case stubs the AWS answer (botocore
    Stubber): a ThrottlingException to StartSyncExecution, as AWS sends it."""
    arn = client.state_machine_arn("submit-score")  # resolved for real, before stubbing
    with Stubber(client._sfn) as stubber:
        stubber.add_client_error(
            "start_sync_execution",
            service_error_code="ThrottlingException",
            service_message="Rate exceeded",
            http_status_code=400,
            expected_params={
                "stateMachineArn": arn,
                "input": json.dumps({"leaderboard": board, "name": "mario", "score": 1}),
            },
        )
        with pytest.raises(ThrottledError) as raised:
            client.submit_score(board, "mario", 1)
        stubber.assert_no_pending_responses()
    assert (raised.value.error, raised.value.cause) == ("ThrottlingException", "Rate exceeded")
    assert raised.value.execution_arn is None


def test_a_missing_cache_is_store_unavailable_not_an_empty_board(
    client: LeaderboardClient, board: str, missing_cache: str
) -> None:
    with pytest.raises(StoreUnavailableError) as standing:
        client.get_standing(board, "ann")
    assert standing.value.cause.startswith("standing unavailable: States.Http.StatusCode.404")
    assert "Cache Not Found" in standing.value.cause
    with pytest.raises(StoreUnavailableError) as page:
        client.get_leaderboard(board)
    assert page.value.cause.startswith("leaderboard unavailable: States.Http.StatusCode.404")
    assert "Cache Not Found" in page.value.cause
