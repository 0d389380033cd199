"""Period keys as the state machines compute them (JSONata, offset tables), against the model.

Two doors: `close-period` reports the period containing any `asOf` it is given (asked to close
a period that has not ended, it fails naming the current period, touching nothing), which
probes the arithmetic at any instant up to the stack's clock (moved forward to it first); and
`submit-score`, run on the stack's clock moved next to a boundary, shows where real
submissions land.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from leaderboard.local.stack import LocalStack
from leaderboard.periods import period_bounds, period_of
from tests.periods.conftest import Momento, Workflows, board_name, iso, period_rule

_FAR_FUTURE = {"daily": "9999-12-31", "weekly": "9999-W52", "monthly": "9999-12"}
_CURRENT = re.compile(r"has not ended yet \(the current period is (?P<period>[0-9W-]+)\)")


def _current_period_in_definition(workflows: Workflows, board: str, instant: datetime) -> str:
    kind = period_rule(board).kind
    # A close refuses an asOf in its future: the clock moves to the instant first (or stays,
    # when it is past it already; it never moves back).
    workflows.stack.clock.advance_to(instant)
    result = workflows.close(
        {"leaderboard": board, "period": _FAR_FUTURE[kind], "asOf": iso(instant)}
    )
    assert result["status"] == "FAILED"
    assert result["error"] == "Leaderboard.ValidationError"
    match = _CURRENT.search(result["cause"])
    assert match, result["cause"]
    return match["period"]


@pytest.mark.parametrize(
    ("prefix", "instant", "expected"),
    [
        ("tokyo-", "2026-11-22T23:59:59+09:00", "2026-11-22"),
        ("tokyo-", "2026-11-23T00:00:00+09:00", "2026-11-23"),
        ("tokyo3-", "2026-11-23T02:59:59+09:00", "2026-11-22"),
        ("tokyo3-", "2026-11-23T03:00:00+09:00", "2026-11-23"),
        ("kiritimati-", "2026-11-22T09:59:59+00:00", "2026-11-22"),
        ("kiritimati-", "2026-11-22T10:00:00+00:00", "2026-11-23"),
        ("minus12-", "2026-11-23T11:59:59+00:00", "2026-11-22"),
        ("minus12-", "2026-11-23T12:00:00+00:00", "2026-11-23"),
        # New York, spring forward on Sunday 2026-03-08: Monday starts at 04:00Z after it,
        # at 05:00Z the week before; fall back on 2026-11-01: Monday 11-02 starts at 05:00Z.
        ("nyweekly-", "2026-03-09T03:59:59+00:00", "2026-W10"),
        ("nyweekly-", "2026-03-09T04:00:00+00:00", "2026-W11"),
        ("nyweekly-", "2026-03-02T04:59:59+00:00", "2026-W09"),
        ("nyweekly-", "2026-03-02T05:00:00+00:00", "2026-W10"),
        ("nyweekly-", "2026-11-02T04:59:59+00:00", "2026-W44"),
        ("nyweekly-", "2026-11-02T05:00:00+00:00", "2026-W45"),
        ("nyweekly-", "2027-01-01T12:00:00+00:00", "2026-W53"),
        ("monthly-", "2026-12-01T02:59:59+09:00", "2026-11"),
        ("monthly-", "2026-12-01T03:00:00+09:00", "2026-12"),
        ("monthly-", "2026-12-31T23:00:00+00:00", "2027-01"),
    ],
)
def test_the_definition_puts_each_instant_in_the_models_period(
    workflows: Workflows, prefix: str, instant: str, expected: str
) -> None:
    board = board_name(prefix)
    moment = datetime.fromisoformat(instant)
    assert period_of(period_rule(board), moment) == expected
    assert _current_period_in_definition(workflows, board, moment) == expected


def _next_boundary(stack: LocalStack, board: str, *, lead: timedelta) -> datetime:
    """The first boundary of `board` at least `lead` after the clock's now."""
    rule = period_rule(board)
    _, end = period_bounds(rule, period_of(rule, stack.clock.now() + lead))
    return end


def _submit_across_the_boundary(
    stack: LocalStack, workflows: Workflows, board: str, boundary: datetime
) -> tuple[dict[str, object], dict[str, object]]:
    stack.clock.advance_to(boundary - timedelta(seconds=30))
    before = workflows.submit(
        {
            "leaderboard": board,
            "name": "late-owl",
            "score": 1,
            "occurredAt": iso(boundary - timedelta(seconds=1)),
        }
    )
    after = workflows.submit(
        {"leaderboard": board, "name": "early-bird", "score": 2, "occurredAt": iso(boundary)}
    )
    assert before["status"] == after["status"] == "SUCCEEDED", (before, after)
    return before, after


def test_submissions_either_side_of_tokyo_midnight_land_in_two_days(
    stack: LocalStack, workflows: Workflows, momento: Momento
) -> None:
    board = board_name("tokyo-")
    boundary = _next_boundary(stack, board, lead=timedelta(minutes=1))
    before, after = _submit_across_the_boundary(stack, workflows, board, boundary)
    rule = period_rule(board)
    day, next_day = period_of(rule, boundary - timedelta(seconds=1)), period_of(rule, boundary)
    assert boundary.astimezone(ZoneInfo("Asia/Tokyo")).time() == time(0, 0)
    assert _output(before)["period"] == day
    assert _output(after)["period"] == next_day
    assert momento.members(f"{board}#{day}") == [("late-owl", 1.0)]
    assert momento.members(f"{board}#{next_day}") == [("early-bird", 2.0)]


def test_a_weekly_board_across_a_dst_change_keys_by_the_local_monday(
    stack: LocalStack, workflows: Workflows, momento: Momento
) -> None:
    board = board_name("nyweekly-")
    rule = period_rule(board)
    # The first week boundary after a DST change: its start is an hour off the week before's.
    boundary = _next_boundary(stack, board, lead=timedelta(minutes=1))
    while True:
        start, end = period_bounds(rule, period_of(rule, boundary))
        if end - start != timedelta(days=7):
            break
        boundary = end
    before, after = _submit_across_the_boundary(stack, workflows, board, start)
    week_before, week = period_of(rule, start - timedelta(seconds=1)), period_of(rule, start)
    assert re.fullmatch(r"\d{4}-W\d{2}", week)
    assert (_output(before)["period"], _output(after)["period"]) == (week_before, week)
    assert momento.members(f"{board}#{week}") == [("early-bird", 2.0)]


def test_a_board_without_periods_keeps_its_plain_key(
    workflows: Workflows, momento: Momento
) -> None:
    board = board_name("alltime-")
    result = workflows.submit({"leaderboard": board, "name": "ann", "score": 5})
    assert result["status"] == "SUCCEEDED", result
    assert "period" not in _output(result)
    assert momento.members(board) == [("ann", 5.0)]


def test_occurred_at_defaults_to_the_execution_start(
    stack: LocalStack, workflows: Workflows
) -> None:
    board = board_name("tokyo-")
    result = workflows.submit({"leaderboard": board, "name": "ann", "score": 5})
    assert result["status"] == "SUCCEEDED", result
    assert _output(result)["period"] == period_of(period_rule(board), stack.clock.now())


def _output(result: dict[str, object]) -> dict[str, object]:
    return dict(json.loads(str(result["output"])))


def test_reads_default_to_the_current_period_and_accept_another(
    stack: LocalStack, workflows: Workflows, momento: Momento
) -> None:
    board = board_name("tokyo-")
    rule = period_rule(board)
    today = period_of(rule, stack.clock.now())
    earlier = period_of(rule, stack.clock.now() - timedelta(days=2))
    momento.seed(f"{board}#{earlier}", {"ann": 3.0, "bob": 9.0})
    assert workflows.submit({"leaderboard": board, "name": "ann", "score": 5})["status"] == (
        "SUCCEEDED"
    )

    def standing(**extra: str) -> dict[str, object]:
        result = workflows.read("get-standing", {"leaderboard": board, "name": "ann", **extra})
        assert result["status"] == "SUCCEEDED", result
        return _output(result)

    assert standing() == {"score": 5.0, "rank": 0}
    assert standing(period=today) == {"score": 5.0, "rank": 0}
    assert standing(period=earlier) == {"score": 3.0, "rank": 1}
    page = workflows.read("get-leaderboard", {"leaderboard": board, "period": earlier})
    assert page["status"] == "SUCCEEDED", page
    rows = json.loads(page["output"])["leaderboard"]
    assert [row["name"] for row in rows] == ["bob", "ann"]


@pytest.mark.parametrize(
    ("workflow", "request_", "cause"),
    [
        ("get-standing", {"name": "ann", "period": "today"}, "period: must be a period key"),
        ("get-leaderboard", {"period": 20261122}, "period: must be a period key"),
    ],
)
def test_reads_reject_a_bad_period(
    workflows: Workflows, workflow: str, request_: dict[str, object], cause: str
) -> None:
    result = workflows.read(workflow, {"leaderboard": board_name("tokyo-"), **request_})
    assert (result["status"], result["error"]) == ("FAILED", "Leaderboard.ValidationError")
    assert cause in result["cause"]


def test_a_period_for_a_board_without_periods_is_rejected(workflows: Workflows) -> None:
    board = board_name("alltime-")
    result = workflows.read(
        "get-standing", {"leaderboard": board, "name": "a", "period": "2026-11"}
    )
    assert (result["status"], result["error"]) == ("FAILED", "Leaderboard.ValidationError")
    assert result["cause"] == f"period: {board} has no periods (its period is none)"


@pytest.mark.parametrize(
    "occurred_at",
    ["2026-11-22", "2026-11-22T10:00:00", "2026-13-01T00:00:00Z", 1795359599000],
)
def test_a_malformed_occurred_at_is_rejected_naming_the_field(
    workflows: Workflows, occurred_at: object
) -> None:
    result = workflows.submit(
        {"leaderboard": board_name("tokyo-"), "name": "a", "score": 1, "occurredAt": occurred_at}
    )
    assert (result["status"], result["error"]) == ("FAILED", "Leaderboard.ValidationError")
    assert result["cause"].startswith("occurredAt: must be an ISO-8601 timestamp with a time zone")
