"""The local scheduler fires the close schedules on the stack's clock, as Scheduler would."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from leaderboard.local import cli
from leaderboard.local.stack import LocalStack
from leaderboard.period_rules import close_schedule
from leaderboard.periods import period_bounds, period_of
from tests.archives import archived_members
from tests.periods.conftest import (
    SCHEDULED_BOARD,
    STAGE,
    Momento,
    Workflows,
    board_name,
    period_rule,
)


def test_only_boards_periodic_by_name_have_a_schedule(stack: LocalStack) -> None:
    assert [s.leaderboard for s in stack.scheduler.schedules] == [SCHEDULED_BOARD]
    assert stack.scheduler.schedules[0] == close_schedule(
        SCHEDULED_BOARD, period_rule(SCHEDULED_BOARD)
    )


def test_passing_the_boundary_fires_one_close_of_the_day_that_ended(
    stack: LocalStack, workflows: Workflows, momento: Momento
) -> None:
    rule = period_rule(SCHEDULED_BOARD)
    stack.scheduler.fire_due()  # whatever earlier tests' clock moves made due
    day = period_of(rule, stack.clock.now())
    _, boundary = period_bounds(rule, day)
    assert stack.scheduler.next_due(SCHEDULED_BOARD) == boundary
    result = workflows.submit({"leaderboard": SCHEDULED_BOARD, "name": "ann", "score": 7})
    assert result["status"] == "SUCCEEDED", result

    stack.clock.advance_to(boundary - timedelta(seconds=1))
    assert stack.scheduler.fire_due() == []
    stack.clock.advance_to(boundary + timedelta(minutes=2))
    fired = stack.scheduler.fire_due()
    assert [(f.leaderboard, f.scheduled_time) for f in fired] == [(SCHEDULED_BOARD, boundary)]
    assert stack.scheduler.fire_due() == []  # fired once per boundary

    closed = workflows.wait(fired[0].execution_arn)
    assert closed["status"] == "SUCCEEDED", closed
    assert json.loads(closed["input"]) == {
        "leaderboard": SCHEDULED_BOARD,
        "asOf": boundary.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    output = json.loads(closed["output"])
    assert (output["period"], output["size"]) == (day, 1)
    assert archived_members(stack, output["archive"]) == [("ann", 7.0)]
    assert momento.members(f"{SCHEDULED_BOARD}#{day}") is None
    assert (
        stack.scheduler.next_due(SCHEDULED_BOARD)
        == period_bounds(rule, period_of(rule, boundary))[1]
    )


def test_a_late_duplicate_firing_returns_the_first_close(
    stack: LocalStack, workflows: Workflows
) -> None:
    """A retried firing (same scheduled time, hours later) hands over to the named run, which
    already succeeded: same answer, nothing run twice."""
    rule = period_rule(SCHEDULED_BOARD)
    stack.scheduler.fire_due()  # whatever earlier tests' clock moves made due
    boundary = stack.scheduler.next_due(SCHEDULED_BOARD)
    stack.clock.advance_to(boundary + timedelta(minutes=2))
    (fired,) = stack.scheduler.fire_due()
    original = workflows.wait(fired.execution_arn)
    assert original["status"] == "SUCCEEDED", original
    stack.clock.advance(timedelta(hours=3))
    retried = workflows.close(
        {"leaderboard": SCHEDULED_BOARD, "asOf": boundary.strftime("%Y-%m-%dT%H:%M:%SZ")}
    )
    assert retried["status"] == "SUCCEEDED", retried
    assert json.loads(retried["output"]) == json.loads(original["output"])
    assert json.loads(original["output"])["period"] == period_of(
        rule, boundary - timedelta(seconds=1)
    )


def test_the_cli_closes_a_period_on_demand(
    stack: LocalStack, momento: Momento, capsys: pytest.CaptureFixture[str]
) -> None:
    board = board_name("tokyo-")
    day = period_of(period_rule(board), stack.clock.now() - timedelta(days=2))
    momento.seed(f"{board}#{day}", {"ann": 3.0, "bob": 4.0})
    argv = ["close-period", board, "--period", day, "--stage", STAGE]
    assert cli.main([*argv, "--endpoint-url", stack.endpoint_url]) == 0
    printed = capsys.readouterr().out
    assert "SUCCEEDED" in printed
    assert f"s3://{stack.archive_bucket}/{board}/{day}.json" in printed
    assert momento.members(f"{board}#{day}") is None
    # Again: the period is closed already; the answer is the first close's.
    assert cli.main([*argv, "--endpoint-url", stack.endpoint_url]) == 0
    assert '"size": 2' in capsys.readouterr().out


def test_a_scheduled_close_recovers_from_a_poisoned_name(
    stack: LocalStack, workflows: Workflows, momento: Momento
) -> None:
    """The period's named close was started before the period ended (as a premature
    `close_period(board, today)` does) and failed: the name stays FAILED. The scheduled close
    at the boundary hands over to the next attempt's name and closes the period."""
    rule = period_rule(SCHEDULED_BOARD)
    stack.scheduler.fire_due()  # whatever earlier tests' clock moves made due
    boundary = stack.scheduler.next_due(SCHEDULED_BOARD)
    day = period_of(rule, boundary - timedelta(seconds=1))
    result = workflows.submit({"leaderboard": SCHEDULED_BOARD, "name": "cat", "score": 3})
    assert result["status"] == "SUCCEEDED", result
    named = f"{SCHEDULED_BOARD}-{day}"
    poisoned = workflows.close({"leaderboard": SCHEDULED_BOARD, "period": day}, name=named)
    assert (poisoned["status"], poisoned["error"]) == ("FAILED", "Leaderboard.ValidationError")

    stack.clock.advance_to(boundary + timedelta(minutes=2))
    (fired,) = stack.scheduler.fire_due()
    closed = workflows.wait(fired.execution_arn)
    assert closed["status"] == "SUCCEEDED", closed
    output = json.loads(closed["output"])
    assert (output["period"], output["size"]) == (day, 1)
    assert archived_members(stack, output["archive"]) == [("cat", 3.0)]
    assert momento.members(f"{SCHEDULED_BOARD}#{day}") is None
    second = poisoned["executionArn"] + "-r2"
    assert workflows.sfn.describe_execution(executionArn=second)["status"] == "SUCCEEDED"
