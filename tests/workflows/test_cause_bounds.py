"""A validation cause echoes what the caller sent only up to 1,000 characters.

An unknown field is named in the cause: a 200,000-character field name made a
200,077-character cause (in the history, DescribeExecution and every log that prints it).
"""

from __future__ import annotations

from typing import Any

import pytest

from leaderboard.local.stack import LocalStack
from tests.workflows.conftest import Board
from tests.workflows.workflow_runner import WorkflowRunner, close_period

CAUSE_LIMIT = 1000
ALLOWED = {
    "submit-score": "leaderboard, name, score, submissionId, occurredAt",
    "get-standing": "leaderboard, name, period",
    "get-leaderboard": "leaderboard, startRank, endRank, view, name, names, limit, period",
    "close-period": "leaderboard, period, asOf",
}


def _failure(
    stack: LocalStack, workflows: WorkflowRunner, workflow: str, request: dict[str, Any]
) -> tuple[str | None, str | None]:
    if workflow == "close-period":
        described, _ = close_period(stack, request)
        return described.get("error"), described.get("cause")
    run = workflows(workflow, request)
    return run.error, run.cause


@pytest.mark.parametrize("workflow", sorted(ALLOWED))
def test_a_huge_unknown_field_name_is_cut_in_the_cause(
    stack: LocalStack, workflows: WorkflowRunner, board: Board, workflow: str
) -> None:
    request = {"leaderboard": board.name, "x" * 200_000: 1}
    error, cause = _failure(stack, workflows, workflow, request)
    assert error == "Leaderboard.ValidationError"
    assert cause == "x" * (CAUSE_LIMIT - 1) + "…"

    tail = f": unknown field (allowed: {ALLOWED[workflow]})"
    name = "y" * (CAUSE_LIMIT - len(tail))  # a cause of exactly the limit stays whole
    error, cause = _failure(stack, workflows, workflow, {"leaderboard": board.name, name: 1})
    assert (error, cause) == ("Leaderboard.ValidationError", name + tail)
