"""Every invalid submission fails with Leaderboard.ValidationError naming the field; no change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.workflows.conftest import Board, SubmitScore

Build = Callable[[str], Any]


def _valid(board: str, **changes: Any) -> dict[str, Any]:
    return {"leaderboard": board, "name": "intruder", "score": 1, **changes}


def _without(field: str) -> Build:
    return lambda board: {k: v for k, v in _valid(board).items() if k != field}


CASES: list[tuple[str, Build, str]] = [
    ("array input", lambda board: [board], "input: must be a JSON object"),
    ("string input", lambda board: board, "input: must be a JSON object"),
    ("number input", lambda board: 42, "input: must be a JSON object"),
    ("null input", lambda board: None, "input: must be a JSON object"),
    (
        "unknown field",
        lambda board: _valid(board, rank=1),
        "rank: unknown field (allowed: leaderboard, name, score, submissionId, occurredAt)",
    ),
    ("no leaderboard", _without("leaderboard"), "leaderboard: is required"),
    (
        "leaderboard null",
        lambda board: _valid(board, leaderboard=None),
        "leaderboard: must be a string",
    ),
    (
        "leaderboard number",
        lambda board: _valid(board, leaderboard=7),
        "leaderboard: must be a string",
    ),
    (
        "leaderboard empty",
        lambda board: _valid(board, leaderboard=""),
        "leaderboard: must not be empty",
    ),
    (
        "leaderboard too long",
        lambda board: _valid(board, leaderboard="b" * 65),
        "leaderboard: must be at most 64 characters",
    ),
    (
        "leaderboard with a slash",
        lambda board: _valid(board, leaderboard=f"{board}/x"),
        "leaderboard: may contain only letters, digits and _ . ~ -",
    ),
    (
        "leaderboard with a period separator",
        lambda board: _valid(board, leaderboard=f"{board}#2026-11-22"),
        "leaderboard: may contain only letters, digits and _ . ~ -",
    ),
    (
        "leaderboard with a trailing newline",
        lambda board: _valid(board, leaderboard=f"{board}\n"),
        "leaderboard: may contain only letters, digits and _ . ~ -",
    ),
    ("no name", _without("name"), "name: is required"),
    ("name list", lambda board: _valid(board, name=["a"]), "name: must be a string"),
    ("name empty", lambda board: _valid(board, name=""), "name: must not be empty"),
    (
        "name too long",
        lambda board: _valid(board, name="n" * 129),
        "name: must be at most 128 characters",
    ),
    (
        "name with a space",
        lambda board: _valid(board, name="the burning monk"),
        "name: may contain only letters, digits and _ . ~ -",
    ),
    (
        "name with non-ASCII",
        lambda board: _valid(board, name="mönk"),
        "name: may contain only letters, digits and _ . ~ -",
    ),
    ("no score", _without("score"), "score: is required"),
    ("score string", lambda board: _valid(board, score="42"), "score: must be a finite number"),
    ("score boolean", lambda board: _valid(board, score=True), "score: must be a finite number"),
    ("score null", lambda board: _valid(board, score=None), "score: must be a finite number"),
    (
        "score object",
        lambda board: _valid(board, score={"value": 1}),
        "score: must be a finite number",
    ),
    (
        "submissionId number",
        lambda board: _valid(board, submissionId=12),
        "submissionId: must be a string",
    ),
    (
        "submissionId null",
        lambda board: _valid(board, submissionId=None),
        "submissionId: must be a string",
    ),
    (
        "submissionId empty",
        lambda board: _valid(board, submissionId=""),
        "submissionId: must not be empty",
    ),
    (
        "submissionId too long",
        lambda board: _valid(board, submissionId="s" * 129),
        "submissionId: must be at most 128 characters",
    ),
    (
        "occurredAt February 30",
        lambda board: _valid(board, occurredAt="2026-02-30T12:00:00Z"),
        "occurredAt: is not a calendar date (2026-02-30)",
    ),
    (
        "occurredAt April 31",
        lambda board: _valid(board, occurredAt="2026-04-31T08:15:00.5+09:00"),
        "occurredAt: is not a calendar date (2026-04-31)",
    ),
    (
        "occurredAt February 29 of a common year",
        lambda board: _valid(board, occurredAt="2025-02-29T00:00:00Z"),
        "occurredAt: is not a calendar date (2025-02-29)",
    ),
    (
        "occurredAt February 29 of a century not divisible by 400",
        lambda board: _valid(board, occurredAt="2100-02-29T00:00:00Z"),
        "occurredAt: is not a calendar date (2100-02-29)",
    ),
    (
        "occurredAt with a trailing newline (JavaScript's $ is the end of the text)",
        lambda board: _valid(board, occurredAt="2026-11-22T15:00:00Z\n"),
        "occurredAt: must be an ISO-8601 timestamp with a time zone, e.g. 2026-11-22T15:00:00Z",
    ),
    (
        "occurredAt in year 0000 (outside the years both engines' date arithmetic handles)",
        lambda board: _valid(board, occurredAt="0000-01-01T00:00:00Z"),
        "occurredAt: year must be 1970-2999",
    ),
    (
        "occurredAt before 1970",
        lambda board: _valid(board, occurredAt="1969-12-31T23:59:59Z"),
        "occurredAt: year must be 1970-2999",
    ),
    (
        "occurredAt in year 9999",
        lambda board: _valid(board, occurredAt="9999-12-31T23:59:59-23:59"),
        "occurredAt: year must be 1970-2999",
    ),
    (
        "first problem wins",
        lambda board: {"leaderboard": "", "name": "", "score": "x"},
        "leaderboard: must not be empty",
    ),
]


@pytest.mark.parametrize(
    ("build", "cause"), [(build, cause) for _, build, cause in CASES], ids=[c[0] for c in CASES]
)
def test_invalid_submission_is_rejected_and_changes_nothing(
    submit: SubmitScore, board: Board, build: Build, cause: str
) -> None:
    seeded = submit({"leaderboard": board.name, "name": "keeper", "score": 5})
    assert seeded.status == "SUCCEEDED"
    before = board.members()

    result = submit(build(board.name))

    assert (result.status, result.error, result.cause) == (
        "FAILED",
        "Leaderboard.ValidationError",
        cause,
    )
    assert result.output is None
    assert board.members() == before == [("keeper", 5)]
    # Rejected before any Momento call or event: only the validation states ran.
    ran = [run.name for run in submit.history(result).all_runs()]
    assert ran == ["Validate", "CheckSubmission", "RejectSubmission"]


def test_limits_themselves_are_accepted(submit: SubmitScore, board: Board) -> None:
    longest = "A-z_0.9~" * 16  # 128 characters of every allowed kind
    result = submit(
        {"leaderboard": board.name, "name": longest, "score": 0, "submissionId": "s" * 128}
    )
    assert result.status == "SUCCEEDED", result.cause
    assert board.members() == [(longest, 0)]


@pytest.mark.parametrize(
    "occurred_at",
    [
        "2024-02-29T12:00:00Z",  # divisible by 4
        "2000-02-29T23:59:59-05:00",  # divisible by 400
        "2025-04-30T00:00:00Z",  # last day of a 30-day month
        "2025-12-31T23:59:59.999999999+14:00",  # last day of a 31-day month
    ],
)
def test_last_days_of_months_are_accepted(
    submit: SubmitScore, board: Board, occurred_at: str
) -> None:
    result = submit(_valid(board.name, occurredAt=occurred_at))
    assert result.status == "SUCCEEDED", result.cause
    assert board.members() == [("intruder", 1)]
