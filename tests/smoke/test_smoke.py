"""The deploy smoke test's logic, run against the local stack (it cannot reach AWS here)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest

from leaderboard.local.aws_client import FAKE_CREDENTIALS, REGION
from leaderboard.local.momento_server.faults import FaultRule
from leaderboard.local.stack import LocalStack
from leaderboard.smoke.__main__ import main
from leaderboard.smoke.errors import SmokeCheckError
from leaderboard.smoke.run import run_smoke

STAGE = "smoketest"


# Session-wide like the other stacks: stopping deletes the archive bucket, and moto's
# dashboard (read by tests/stepfunctions) then fails on the deleted archive objects it still
# tracks, whose bucket is gone.
@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    with LocalStack(stage=STAGE, momento_grpc_port=0, momento_http_port=0, aws_port=0) as running:
        yield running


def _session() -> boto3.Session:
    return boto3.Session(region_name=REGION, **FAKE_CREDENTIALS)


def _leftovers(stack: LocalStack, board: str) -> list[str]:
    """Whatever the run created that is still there: rules, queues, archive objects."""
    rules = stack.client("events").list_rules(EventBusName=stack.event_bus_name)["Rules"]
    queues = stack.client("sqs").list_queues().get("QueueUrls", [])
    objects = stack.client("s3").list_objects_v2(Bucket=stack.archive_bucket, Prefix=f"{board}/")
    return (
        [rule["Name"] for rule in rules if board in rule["Name"]]
        + [url for url in queues if board in url]
        + [item["Key"] for item in objects.get("Contents", [])]
    )


def test_every_workflow_passes_and_nothing_is_left_behind(stack: LocalStack) -> None:
    report = run_smoke(STAGE, session=_session(), endpoint_url=stack.endpoint_url)

    assert report.board.startswith("smoke-")
    assert [line.split(":")[0] for line in report.passed] == [
        "events",
        "submit-score",
        "get-standing",
        "get-leaderboard",
        "close-period",
        "events",
    ]
    assert _leftovers(stack, report.board) == []
    # The close really ran on the deployed workflow: its named execution succeeded.
    executions = stack.client("stepfunctions").list_executions(
        stateMachineArn=stack.state_machine_arn("close-period")
    )["executions"]
    assert any(
        e["name"].startswith(report.board) and e["status"] == "SUCCEEDED" for e in executions
    )


@pytest.fixture
def wrong_standing(stack: LocalStack) -> Iterator[None]:
    """get-standing deployed with a definition that answers a wrong rank."""
    sfn = stack.client("stepfunctions")
    arn = stack.state_machine_arn("get-standing")
    original = sfn.describe_state_machine(stateMachineArn=arn)["definition"]
    wrong = {
        "StartAt": "Answer",
        "States": {"Answer": {"Type": "Pass", "Result": {"score": 10.0, "rank": 5}, "End": True}},
    }
    sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(wrong))
    yield
    sfn.update_state_machine(stateMachineArn=arn, definition=original)


@pytest.mark.usefixtures("wrong_standing")
def test_a_wrong_answer_fails_the_run_naming_the_check_and_still_cleans_up(
    stack: LocalStack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    with pytest.raises(
        SmokeCheckError, match=r"get-standing: expected \(10\.0, 1\), got \(10\.0, 5\)"
    ):
        run_smoke(STAGE, session=_session(), endpoint_url=stack.endpoint_url, progress=seen.append)
    board = seen[0].split("delivers ")[1].split("'")[0]
    assert _leftovers(stack, board) == []

    # The command reads credentials as boto3 does: here, the local stack's fake ones.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_CREDENTIALS["aws_access_key_id"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_CREDENTIALS["aws_secret_access_key"])
    arguments = ["--stage", STAGE, "--endpoint-url", stack.endpoint_url, "--region", REGION]
    assert main(arguments) == 1
    assert "FAILED  SmokeCheckError: get-standing" in capsys.readouterr().err


def test_a_standing_that_never_reaches_its_topic_fails_the_run(stack: LocalStack) -> None:
    """The publish is best effort for players, but a deployment that cannot publish (a grant
    or a route missing) must not pass its smoke run."""
    stack.momento.faults.add(FaultRule(operation="topics.publish", status=500))
    try:
        with pytest.raises(SmokeCheckError, match=r"submit-score live standings .*500"):
            run_smoke(STAGE, session=_session(), endpoint_url=stack.endpoint_url)
    finally:
        stack.momento.faults.clear()
