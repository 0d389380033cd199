"""close-period checks `asOf` like submit-score checks `occurredAt`: the shape and the calendar.

An impossible date must be a ValidationError from Validate, never reach `$toMillis`: the
JavaScript JSONata of AWS rolls 2026-02-30 over to March 2 while jsonata-python raises.
"""

from __future__ import annotations

import pytest

from leaderboard.local.stack import LocalStack
from tests.workflows.board_rules_for_tests import board_name
from tests.workflows.workflow_runner import close_period


@pytest.mark.parametrize(
    ("as_of", "cause"),
    [
        ("2026-02-30T00:00:00Z", "asOf: is not a calendar date (2026-02-30)"),
        ("2026-06-31T23:00:00+09:00", "asOf: is not a calendar date (2026-06-31)"),
        ("2025-02-29T00:00:00Z", "asOf: is not a calendar date (2025-02-29)"),
        ("2100-02-29T00:00:00Z", "asOf: is not a calendar date (2100-02-29)"),
        ("1969-12-31T23:59:59Z", "asOf: year must be 1970-2999"),
        ("3000-01-01T00:00:00Z", "asOf: year must be 1970-2999"),
        (
            "2026-13-01T00:00:00Z",
            "asOf: must be an ISO-8601 timestamp with a time zone, e.g. 2026-11-22T15:00:00Z",
        ),
        (
            "2026-11-22T24:00:00Z",
            "asOf: must be an ISO-8601 timestamp with a time zone, e.g. 2026-11-22T15:00:00Z",
        ),
    ],
)
def test_an_impossible_as_of_is_a_validation_error(
    stack: LocalStack, as_of: str, cause: str
) -> None:
    closed, ran = close_period(stack, {"leaderboard": board_name("desc-"), "asOf": as_of})
    assert (closed["status"], closed.get("error"), closed.get("cause")) == (
        "FAILED",
        "Leaderboard.ValidationError",
        cause,
    )
    assert ran == ["Validate", "CheckInput", "RejectInput"]


@pytest.mark.parametrize(
    ("as_of", "day"),
    [
        ("2024-02-29T00:00:00Z", "2024-02-29"),
        ("2000-02-29T12:00:00-05:00", "2000-02-29"),
        ("2025-12-31T23:59:59Z", "2025-12-31"),
    ],
)
def test_a_last_day_of_a_month_as_of_is_accepted(stack: LocalStack, as_of: str, day: str) -> None:
    # Asking for a period that has not ended yet stops the close before anything is read, and
    # its cause names the day asOf fell on: asOf passed Validate and became that day.
    closed, ran = close_period(
        stack, {"leaderboard": board_name("daily-utc-"), "period": "9999-01-01", "asOf": as_of}
    )
    assert (closed["status"], closed.get("error"), closed.get("cause")) == (
        "FAILED",
        "Leaderboard.ValidationError",
        f"period: 9999-01-01 has not ended yet (the current period is {day})",
    )
    assert ran == ["Validate", "CheckInput", "ResolvePeriod", "CheckPeriod", "RejectPeriod"]
