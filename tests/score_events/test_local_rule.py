"""`ScoreReported` on the local bus starts submit-score: put-events through boto3 on the
local endpoint, then the score is read back with the official Momento SDK."""

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from momento.responses import CacheSortedSetGetScore

from leaderboard.local.stack import LocalStack
from leaderboard.score_events import DETAIL_TYPE

STAGE = "evtest"
POLL_SECONDS = 0.1
MAX_WAIT_SECONDS = 60  # a ceiling for a stuck run, not a timing margin: polls end at success


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with LocalStack(stage=STAGE, momento_grpc_port=0, momento_http_port=0, aws_port=0) as running:
        yield running


def _report(stack: LocalStack, detail: dict[str, Any], detail_type: str = DETAIL_TYPE) -> None:
    answer = stack.client("events").put_events(
        Entries=[
            {
                "EventBusName": stack.event_bus_name,
                "Source": "steps.tracker",
                "DetailType": detail_type,
                "Detail": json.dumps(detail),
            }
        ]
    )
    assert answer["FailedEntryCount"] == 0


def _stored_score(stack: LocalStack, board: str, name: str) -> float | None:
    """The score Momento holds, polled until it is there (the rule starts the run async)."""
    deadline = time.monotonic() + MAX_WAIT_SECONDS
    with stack.momento_client() as momento:
        while time.monotonic() < deadline:
            response = momento.sorted_set_get_score(stack.cache_name, board, name)
            if isinstance(response, CacheSortedSetGetScore.Hit):
                return response.score
            time.sleep(POLL_SECONDS)
    return None


def _executions(stack: LocalStack, status: str) -> list[dict[str, Any]]:
    sfn = stack.client("stepfunctions")
    arn = stack.state_machine_arn("submit-score")
    return list(sfn.list_executions(stateMachineArn=arn, statusFilter=status)["executions"])


def test_reported_score_is_stored_by_submit_score(stack: LocalStack) -> None:
    _report(stack, {"leaderboard": "steps-daily", "name": "walker", "score": 12345})
    assert _stored_score(stack, "steps-daily", "walker") == 12345
    events = stack.received_events(wait_seconds=5)
    submitted = [e for e in events if e["detail-type"] == "ScoreSubmitted"]
    assert [e["detail"]["name"] for e in submitted] == ["walker"]


def test_other_detail_types_start_nothing(stack: LocalStack) -> None:
    _report(stack, {"leaderboard": "steps-daily", "name": "ghost", "score": 1}, "StepsCounted")
    # Reported after the other: had the first matched, its run would have started first.
    _report(stack, {"leaderboard": "steps-daily", "name": "marker", "score": 2})
    assert _stored_score(stack, "steps-daily", "marker") == 2
    deadline = time.monotonic() + MAX_WAIT_SECONDS
    while _executions(stack, "RUNNING") and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    sfn = stack.client("stepfunctions")
    inputs = [
        json.loads(sfn.describe_execution(executionArn=run["executionArn"])["input"])["name"]
        for run in _executions(stack, "SUCCEEDED") + _executions(stack, "FAILED")
    ]
    assert "marker" in inputs
    assert "ghost" not in inputs


def test_start_that_keeps_failing_lands_in_the_dead_letter_queue(stack: LocalStack) -> None:
    events = stack.client("events")
    rule = f"leaderboard-{STAGE}-score-reported"
    (target,) = events.list_targets_by_rule(Rule=rule, EventBusName=stack.event_bus_name)["Targets"]
    broken = {**target, "Arn": target["Arn"] + "-missing"}
    events.put_targets(Rule=rule, EventBusName=stack.event_bus_name, Targets=[broken])
    try:
        _report(stack, {"leaderboard": "steps-daily", "name": "lost", "score": 3})
        messages = stack.client("sqs").receive_message(
            QueueUrl=stack.score_reports_dead_letter_queue_url,
            WaitTimeSeconds=20,
            MessageAttributeNames=["All"],
        )["Messages"]
    finally:
        events.put_targets(Rule=rule, EventBusName=stack.event_bus_name, Targets=[target])
    (message,) = messages
    assert json.loads(message["Body"])["detail"]["name"] == "lost"
    assert message["MessageAttributes"]["TARGET_ARN"]["StringValue"] == broken["Arn"]
