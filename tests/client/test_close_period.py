"""close_period and periods through the real workflows, on the stack's movable clock.

Boards named `daily-...` are Tokyo days (see conftest). Each test moves the stack's clock
forward to a fresh day of its own board, so the days it closes never overlap another test's.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest

from leaderboard.client import (
    ClosedPeriod,
    LeaderboardClient,
    LeaderboardValidationError,
    PeriodClosedError,
    RankedMember,
)
from leaderboard.local.stack import LocalStack
from leaderboard.periods import period_bounds, period_of
from tests.archives import archived_members
from tests.client.conftest import daily_rule, needs_workflow

pytestmark = needs_workflow("close-period")


def _fresh_day(stack: LocalStack) -> tuple[str, datetime, datetime]:
    """Moves the clock one minute into the next Tokyo day; returns its key, start and end."""
    _, next_start = period_bounds(daily_rule(), period_of(daily_rule(), stack.clock.now()))
    stack.clock.advance_to(next_start + timedelta(minutes=1))
    day = period_of(daily_rule(), stack.clock.now())
    start, end = period_bounds(daily_rule(), day)
    return day, start, end


def test_a_day_is_submitted_read_closed_and_closed_again(
    client: LeaderboardClient, stack: LocalStack, daily_board: str
) -> None:
    day, _, end = _fresh_day(stack)
    for name, score in [("ann", 10), ("bob", 30), ("cat", 20), ("dan", 5)]:
        assert client.submit_score(daily_board, name, score).period == day
    assert client.get_standing(daily_board, "cat", period=day).rank == 1

    stack.clock.advance_to(end + timedelta(minutes=1))
    closed = client.close_period(daily_board, day)

    assert isinstance(closed, ClosedPeriod)
    assert (closed.leaderboard, closed.period, closed.size) == (daily_board, day, 4)
    assert closed.top == (
        RankedMember("bob", 30.0, 0),
        RankedMember("cat", 20.0, 1),
        RankedMember("ann", 10.0, 2),
    )
    assert closed.archive == f"s3://{stack.archive_bucket}/{daily_board}/{day}.json"
    assert archived_members(stack, closed.archive) == [
        ("bob", 30.0),
        ("cat", 20.0),
        ("ann", 10.0),
        ("dan", 5.0),
    ]
    assert closed.execution_arn.endswith(
        f":execution:leaderboard-client-close-period:{daily_board}-{day}"
    )
    # Idempotent: the same period again is the same run and the same result.
    assert client.close_period(daily_board, day) == closed


def test_without_a_period_the_day_that_just_ended_is_closed(
    client: LeaderboardClient, stack: LocalStack, daily_board: str
) -> None:
    day, _, end = _fresh_day(stack)
    client.submit_score(daily_board, "eve", 7)
    stack.clock.advance_to(end + timedelta(minutes=1))
    closed = client.close_period(daily_board)
    assert (closed.period, closed.size) == (day, 1)
    # The client's run handed over to the run named after the day; that one holds the result.
    named = client.close_period(daily_board, day)
    assert named.execution_arn.endswith(f"-close-period:{daily_board}-{day}")
    assert dataclasses.replace(named, execution_arn=closed.execution_arn) == closed
    assert not closed.execution_arn.endswith(f"-{day}")  # a run of its own, freshly named


def test_a_late_submission_for_a_closed_day_is_period_closed(
    client: LeaderboardClient, stack: LocalStack, daily_board: str
) -> None:
    day, start, end = _fresh_day(stack)
    stack.clock.advance_to(end + timedelta(minutes=1))
    with pytest.raises(PeriodClosedError) as raised:
        client.submit_score(daily_board, "zed", 99, occurred_at=start + timedelta(hours=1))
    assert raised.value.error == "Leaderboard.PeriodClosed"
    assert day in raised.value.cause
    assert ":express:leaderboard-client-submit-score:" in str(raised.value.execution_arn)


def test_a_day_that_has_not_ended_cannot_be_closed(
    client: LeaderboardClient, stack: LocalStack, daily_board: str
) -> None:
    day, _, _ = _fresh_day(stack)
    with pytest.raises(LeaderboardValidationError) as raised:
        client.close_period(daily_board, day)
    assert raised.value.cause.startswith(f"period: {day} has not ended yet")
    assert raised.value.execution_arn is not None


def test_a_board_without_periods_cannot_be_closed(client: LeaderboardClient, board: str) -> None:
    with pytest.raises(LeaderboardValidationError) as raised:
        client.close_period(board, "2020-01-01")
    assert raised.value.cause.startswith(f"leaderboard: {board} has no periods")


def test_a_premature_close_does_not_stop_the_day_from_closing(
    client: LeaderboardClient, stack: LocalStack, daily_board: str
) -> None:
    """The premature close above leaves the day's named run FAILED; closing the day once it
    ended still works: the client starts a run that hands over to the next attempt's name."""
    day, _, end = _fresh_day(stack)
    client.submit_score(daily_board, "ann", 4)
    for _ in range(2):  # the named run refuses; then a hand-over run refuses, burning no name
        with pytest.raises(LeaderboardValidationError):
            client.close_period(daily_board, day)
    stack.clock.advance_to(end + timedelta(minutes=1))
    closed = client.close_period(daily_board, day)
    assert (closed.period, closed.size) == (day, 1)
    assert archived_members(stack, closed.archive) == [("ann", 4.0)]
    again = client.close_period(daily_board, day)
    assert dataclasses.replace(again, execution_arn=closed.execution_arn) == closed
    sfn = stack.client("stepfunctions")
    named = client.state_machine_arn("close-period").replace(":stateMachine:", ":execution:")
    assert sfn.describe_execution(executionArn=f"{named}:{daily_board}-{day}-r2")["status"] == (
        "SUCCEEDED"
    )
