"""A period key must name a real day, ISO week or month, in every workflow that takes one.

get-standing, get-leaderboard and close-period used to check the key's shape only, so
`2026-02-30`, `2026-13` or `2026-W99` read an empty board or closed an empty past "period".
Validate now refuses them with a `period: ...` ValidationError before anything is read;
ISO week 53 is accepted only in the years that have one (2020, 2026), because a close of
`2025-W53` would archive a week that never existed. The client refuses the same keys with
the same messages (tests/client/test_period_keys.py). A real key of another kind than the
board's (a week on a daily board) names a sorted set that never exists: the reads refuse it
once they know the board, as close-period does.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from momento import CacheClient

from leaderboard.local.stack import LocalStack
from tests.workflows.board_rules_for_tests import board_name
from tests.workflows.workflow_runner import WorkflowRunner, close_period, seed

SHAPE = "period: must be a period key such as 2026-11-22, 2026-W47 or 2026-11"
# (prefix of a board of the key's kind, key, the refusal's cause)
REFUSED: list[tuple[str, str, str]] = [
    ("days-", "2026-02-30", "period: is not a calendar date (2026-02-30)"),
    ("days-", "2025-02-29", "period: is not a calendar date (2025-02-29)"),
    ("days-", "1900-02-29", "period: is not a calendar date (1900-02-29)"),
    ("days-", "2026-04-31", "period: is not a calendar date (2026-04-31)"),
    ("days-", "2026-11-00", "period: is not a calendar date (2026-11-00)"),
    ("days-", "2026-13-01", "period: is not a calendar date (2026-13-01)"),
    ("weeks-", "2026-W99", "period: week must be 01-53"),
    ("weeks-", "2026-W00", "period: week must be 01-53"),
    ("weeks-", "2025-W53", "period: 2025 has no week 53 (it has 52 ISO weeks)"),
    ("weeks-", "2100-W53", "period: 2100 has no week 53 (it has 52 ISO weeks)"),
    ("months-", "2026-13", "period: month must be 01-12"),
    ("months-", "2026-00", "period: month must be 01-12"),
    ("months-", "0000-01", "period: year must be 0001-9999"),
    ("days-", "2026-1-1", SHAPE),
]
# Valid keys at each edge: leap days, the last day and month of a year, ISO week 53
# (a year starting on Thursday, or a leap year starting on Wednesday) and week 52.
ACCEPTED: list[tuple[str, str]] = [
    ("days-", "2024-02-29"),
    ("days-", "2000-02-29"),
    ("days-", "2026-12-31"),
    ("weeks-", "2026-W53"),
    ("weeks-", "2020-W53"),
    ("weeks-", "2032-W53"),
    ("weeks-", "2025-W52"),
    ("weeks-", "2026-W01"),
    ("months-", "2026-12"),
    ("months-", "2026-01"),
]


def _read_requests(board: str, period: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("get-standing", {"leaderboard": board, "name": "ann", "period": period}),
        ("get-leaderboard", {"leaderboard": board, "period": period}),
    ]


@pytest.mark.parametrize(("prefix", "period", "cause"), REFUSED, ids=[key for _, key, _ in REFUSED])
def test_reads_refuse_a_key_that_names_no_period(
    workflows: WorkflowRunner, prefix: str, period: str, cause: str
) -> None:
    for workflow, request in _read_requests(board_name(prefix), period):
        run = workflows(workflow, request)
        assert (run.status, run.error, run.cause) == (
            "FAILED",
            "Leaderboard.ValidationError",
            cause,
        ), workflow
        ran = [state.name for state in workflows.history(run).all_runs()]
        assert ran == ["Validate", "CheckRequest", "RejectRequest"], workflow


@pytest.mark.parametrize(("prefix", "period", "cause"), REFUSED, ids=[key for _, key, _ in REFUSED])
def test_close_period_refuses_a_key_that_names_no_period(
    stack: LocalStack, prefix: str, period: str, cause: str
) -> None:
    closed, ran = close_period(stack, {"leaderboard": board_name(prefix), "period": period})
    assert (closed["status"], closed.get("error"), closed.get("cause")) == (
        "FAILED",
        "Leaderboard.ValidationError",
        cause,
    )
    assert ran == ["Validate", "CheckInput", "RejectInput"]


@pytest.mark.parametrize(("prefix", "period"), ACCEPTED)
def test_reads_accept_every_real_period_and_read_its_sorted_set(
    workflows: WorkflowRunner,
    stack: LocalStack,
    momento: CacheClient,
    prefix: str,
    period: str,
) -> None:
    board = board_name(prefix)
    seed(momento, stack.cache_name, f"{board}#{period}", {"ann": 7.0})
    standing, page = [workflows.succeeded(*call) for call in _read_requests(board, period)]
    assert standing == {"score": 7.0, "rank": 0}
    assert [row["name"] for row in page["leaderboard"]] == ["ann"]


@pytest.mark.parametrize(
    ("prefix", "period", "current"),
    [
        ("days-", "2028-02-29", "2026-11-22"),
        ("weeks-", "2026-W53", "2026-W47"),
        ("weeks-", "2032-W53", "2026-W47"),
        ("months-", "2026-12", "2026-11"),
    ],
)
def test_close_period_accepts_a_real_future_period_and_refuses_it_only_as_not_ended(
    stack: LocalStack, prefix: str, period: str, current: str
) -> None:
    closed, ran = close_period(
        stack,
        {"leaderboard": board_name(prefix), "period": period, "asOf": "2026-11-22T00:00:00Z"},
    )
    assert closed.get("cause") == (
        f"period: {period} has not ended yet (the current period is {current})"
    )
    assert ran == ["Validate", "CheckInput", "ResolvePeriod", "CheckPeriod", "RejectPeriod"]


@pytest.mark.parametrize(
    ("prefix", "period"), [("days-", "2024-02-29"), ("weeks-", "2020-W53"), ("months-", "2025-12")]
)
def test_close_period_closes_a_real_past_period_of_each_kind(
    stack: LocalStack, momento: CacheClient, prefix: str, period: str
) -> None:
    board = board_name(prefix)
    seed(momento, stack.cache_name, f"{board}#{period}", {"ann": 7.0, "bob": 3.0})
    closed, _ = close_period(stack, {"leaderboard": board, "period": period})
    assert closed["status"] == "SUCCEEDED", closed.get("cause")
    output = json.loads(closed["output"])
    assert (output["period"], output["size"], output["archive"]) == (
        period,
        2,
        f"s3://{stack.archive_bucket}/{board}/{period}.json",
    )


@pytest.mark.parametrize(
    ("prefix", "period", "cause"),
    [
        ("days-", "2026-W47", "period: 2026-W47 is not a daily period key"),
        ("days-", "2026-11", "period: 2026-11 is not a daily period key"),
        ("weeks-", "2026-11-22", "period: 2026-11-22 is not a weekly period key"),
        ("months-", "2026-W47", "period: 2026-W47 is not a monthly period key"),
        ("desc-", "2026-11-22", "period: {board} has no periods (its period is none)"),
    ],
)
def test_reads_refuse_a_real_period_the_board_does_not_have(
    workflows: WorkflowRunner, prefix: str, period: str, cause: str
) -> None:
    board = board_name(prefix)
    for workflow, request in _read_requests(board, period):
        run = workflows(workflow, request)
        assert (run.status, run.error, run.cause) == (
            "FAILED",
            "Leaderboard.ValidationError",
            cause.format(board=board),
        ), workflow
        ran = [state.name for state in workflows.history(run).all_runs()]
        assert ran[-3:] == ["KeyByPeriod", "CheckPeriod", "RejectRequest"], workflow
