"""Validation on both sides: the client's mirror fails fast, the workflow stays the authority.

Client-side rejections must send nothing: a botocore `before-call` observer on the client's
session counts the Step Functions calls. Workflow-side rejections are proven by switching the
client's checks off (monkeypatch) so the same bad input reaches the real workflow, whose
`Leaderboard.ValidationError` must come back as the same exception type, now with the
execution ARN.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from leaderboard.client import LeaderboardClient, LeaderboardValidationError, validation
from leaderboard.local.stack import LocalStack
from tests.client.conftest import client_recording_requests, needs_workflow

Call = Callable[[LeaderboardClient], object]
_UTC_1969 = datetime(1969, 12, 31, 23, 59, tzinfo=UTC)  # before the years the workflows accept

# Page requests of the wrong shape: (field, get_leaderboard keyword arguments).
PAGE_SHAPES: list[tuple[str, dict[str, Any]]] = [
    ("name", {"name": "mario"}),
    ("limit", {"limit": 5}),
    ("endRank", {"start_rank": 5, "end_rank": 5}),
    ("endRank", {"end_rank": 0}),
    ("startRank", {"view": "top", "start_rank": 0}),
    ("endRank", {"view": "around_me", "name": "mario", "end_rank": 3}),
    ("name", {"view": "top", "name": "mario"}),
    ("limit", {"view": "me", "name": "mario", "limit": 3}),
]
PAGE_SHAPE_CASES: list[tuple[str, Call]] = [
    (field, lambda c, shape=shape: c.get_leaderboard("board", **shape))  # type: ignore[misc]
    for field, shape in PAGE_SHAPES
]

# Every (method, bad input) the client checks, and the field its error must name.
CLIENT_SIDE_CASES: list[tuple[str, Call]] = [
    ("leaderboard", lambda c: c.submit_score("", "mario", 1)),
    ("leaderboard", lambda c: c.submit_score("b" * 65, "mario", 1)),
    ("leaderboard", lambda c: c.submit_score("two words", "mario", 1)),
    ("name", lambda c: c.submit_score("board", "", 1)),
    ("name", lambda c: c.submit_score("board", "slash/name", 1)),
    ("name", lambda c: c.submit_score("board", "n" * 129, 1)),
    ("score", lambda c: c.submit_score("board", "mario", float("nan"))),
    ("score", lambda c: c.submit_score("board", "mario", float("inf"))),
    ("score", lambda c: c.submit_score("board", "mario", True)),
    ("score", lambda c: c.submit_score("board", "mario", "42")),  # type: ignore[arg-type]
    ("score", lambda c: c.submit_score("board", "mario", 10**400)),
    ("submissionId", lambda c: c.submit_score("board", "mario", 1, submission_id="")),
    ("submissionId", lambda c: c.submit_score("board", "mario", 1, submission_id="s" * 129)),
    ("occurredAt", lambda c: c.submit_score("board", "mario", 1, occurred_at=datetime(2026, 1, 1))),
    ("occurredAt", lambda c: c.submit_score("board", "mario", 1, occurred_at=_UTC_1969)),
    ("leaderboard", lambda c: c.get_standing("bad board", "mario")),
    ("name", lambda c: c.get_standing("board", "")),
    ("leaderboard", lambda c: c.get_leaderboard("")),
    ("startRank", lambda c: c.get_leaderboard("board", start_rank=-1)),
    ("endRank", lambda c: c.get_leaderboard("board", end_rank=True)),
    ("view", lambda c: c.get_leaderboard("board", view="sideways")),
    ("name", lambda c: c.get_leaderboard("board", view="around_me")),
    ("name", lambda c: c.get_leaderboard("board", view="me", name="not ok")),
    ("startRank", lambda c: c.get_leaderboard("board", start_rank=2**31)),
    ("limit", lambda c: c.get_leaderboard("board", view="top", limit=0)),
    *PAGE_SHAPE_CASES,
    ("names", lambda c: c.group("board", [])),
    ("names", lambda c: c.group("board", "mario")),
    ("names", lambda c: c.group("board", [f"m{i}" for i in range(101)])),
    ("names[1]", lambda c: c.group("board", ["mario", "not ok"])),
    ("names[2]", lambda c: c.group("board", ["mario", "luigi", "mario"])),
    ("leaderboard", lambda c: c.group("", ["mario"])),
    ("leaderboard", lambda c: c.close_period("b/oard", "2026-11-22")),
    ("period", lambda c: c.close_period("board", "yesterday")),
    ("period", lambda c: c.close_period("board", "2026-11-22/x")),
    ("period", lambda c: c.get_standing("board", "mario", period="2026-1-1")),
    ("period", lambda c: c.get_leaderboard("board", period="2026-W1")),
]

# Bad submissions that are valid JSON, so the workflow can judge them too.
SUBMISSIONS_BOTH_SIDES_REJECT: list[tuple[str, dict[str, Any]]] = [
    ("leaderboard", {"leaderboard": ""}),
    ("leaderboard", {"leaderboard": "b" * 65}),
    ("leaderboard", {"leaderboard": "two words"}),
    ("name", {"name": ""}),
    ("name", {"name": "slash/name"}),
    ("name", {"name": "n" * 129}),
    ("score", {"score": True}),
    ("score", {"score": "42"}),
    ("submissionId", {"submission_id": ""}),
    ("submissionId", {"submission_id": "s" * 129}),
    ("occurredAt", {"occurred_at": _UTC_1969}),
    ("occurredAt", {"occurred_at": datetime(3000, 1, 1, tzinfo=UTC)}),
]


def _field(error: LeaderboardValidationError) -> str:
    return error.cause.split(":", 1)[0]


@pytest.fixture
def workflow_judges(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switches every client-side check off, so bad input reaches the workflow."""
    for name in dir(validation):
        if name.startswith("check_"):
            monkeypatch.setattr(validation, name, lambda *_: None)


@pytest.mark.parametrize(("field", "call"), CLIENT_SIDE_CASES)
def test_client_rejects_bad_input_before_any_request(
    stack: LocalStack, field: str, call: Call
) -> None:
    client, sent = client_recording_requests(stack)
    with pytest.raises(LeaderboardValidationError) as raised:
        call(client)
    assert raised.value.error == "Leaderboard.ValidationError"
    assert _field(raised.value) == field
    assert raised.value.execution_arn is None
    assert sent == []


def test_the_request_counter_sees_calls_that_are_sent(stack: LocalStack, board: str) -> None:
    """The observer used above does see real calls: its empty list means something."""
    client, sent = client_recording_requests(stack)
    client.submit_score(board, "mario", 1)
    assert sent == ["ListStateMachines", "StartSyncExecution"]


@pytest.mark.parametrize(("field", "bad"), SUBMISSIONS_BOTH_SIDES_REJECT)
def test_workflow_rejects_what_the_client_rejects_and_the_error_carries_the_execution(
    client: LeaderboardClient, board: str, workflow_judges: None, field: str, bad: dict[str, Any]
) -> None:
    arguments: dict[str, Any] = {"leaderboard": board, "name": "mario", "score": 1, **bad}
    with pytest.raises(LeaderboardValidationError) as raised:
        client.submit_score(
            arguments.pop("leaderboard"), arguments.pop("name"), arguments.pop("score"), **arguments
        )
    assert raised.value.error == "Leaderboard.ValidationError"
    assert _field(raised.value) == field
    assert raised.value.execution_arn is not None
    assert ":express:leaderboard-client-submit-score:" in raised.value.execution_arn


def test_rejected_submission_changes_nothing(
    client: LeaderboardClient, board: str, workflow_judges: None
) -> None:
    with pytest.raises(LeaderboardValidationError, match="score: must be a finite number"):
        client.submit_score(board, "daisy", "42")  # type: ignore[arg-type]
    result = client.submit_score(board, "rosalina", 1)
    assert (result.size, [m.name for m in result.top]) == (1, ["rosalina"])


@needs_workflow("get-leaderboard")
@pytest.mark.parametrize(("field", "shape"), PAGE_SHAPES)
def test_workflow_rejects_the_page_shapes_the_client_rejects(
    client: LeaderboardClient, board: str, workflow_judges: None, field: str, shape: dict[str, Any]
) -> None:
    with pytest.raises(LeaderboardValidationError) as raised:
        client.get_leaderboard(board, **shape)
    assert _field(raised.value) == field
    assert ":express:leaderboard-client-get-leaderboard:" in str(raised.value.execution_arn)


@needs_workflow("get-leaderboard")
@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("names", []),
        ("names", [f"m{i}" for i in range(101)]),
        ("names[1]", ["mario", "not ok"]),
        ("names[2]", ["mario", "luigi", "mario"]),
    ],
)
def test_workflow_rejects_the_groups_the_client_rejects(
    client: LeaderboardClient, board: str, workflow_judges: None, field: str, names: list[str]
) -> None:
    with pytest.raises(LeaderboardValidationError) as raised:
        client.group(board, names)
    assert _field(raised.value) == field
    assert ":express:leaderboard-client-get-leaderboard:" in str(raised.value.execution_arn)
