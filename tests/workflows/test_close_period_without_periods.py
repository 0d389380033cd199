"""close-period refuses a board without periods before it works out any date.

The refusal must not depend on the board's time zone having an offset table: `zones` holds
only the zones periodic boards use, so a board without periods in another zone has none.
Working out the period first used to fail there with `States.Runtime` (an undefined wall
time turned into the string '-01T00:00:00Z') instead of the documented ValidationError.
"""

from __future__ import annotations

import pytest

from leaderboard.local.stack import LocalStack
from tests.workflows.board_rules_for_tests import TEST_BOARD_RULES, board_name
from tests.workflows.workflow_runner import close_period


@pytest.mark.parametrize(
    "extra",
    [{}, {"period": "2026-11-21"}, {"asOf": "2026-11-22T15:00:00Z"}],
    ids=["default period", "given period", "given asOf"],
)
def test_a_board_without_periods_is_refused_before_any_date_work(
    stack: LocalStack, extra: dict[str, str]
) -> None:
    board = board_name("desc-")
    # The case that crashed: no periodic board of the test rules uses this board's zone.
    rules = TEST_BOARD_RULES.for_board(board)
    assert rules.period == "none"
    assert rules.timezone not in TEST_BOARD_RULES.definition_data()["zones"]
    closed, ran = close_period(stack, {"leaderboard": board, **extra})
    assert (closed["status"], closed.get("error"), closed.get("cause")) == (
        "FAILED",
        "Leaderboard.ValidationError",
        f"leaderboard: {board} has no periods (its period is none)",
    )
    assert ran == ["Validate", "CheckInput", "ResolvePeriod", "CheckPeriod", "RejectPeriod"]
