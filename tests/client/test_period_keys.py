"""The client refuses exactly the period keys the workflows refuse, in the same words.

The workflows check a key with arithmetic in JSONata; the client asks Python's `datetime`.
Two independent checks of one rule: the first test compares them over the edges of every
kind (leap days, month and day ranges, ISO week 53 across a few decades) by evaluating the
deployed definitions' Validate expressions with the local runtime's JSONata; the others
show the refusal on each side of the real stack for each method that takes a period.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from leaderboard.client import LeaderboardClient, LeaderboardValidationError, validation
from leaderboard.definitions import render_definition, substitutions
from leaderboard.definitions import workflow as workflow_named
from leaderboard.local.stack import LocalStack
from leaderboard.local.stepfunctions.jsonata_eval import evaluate
from tests.client.conftest import client_recording_requests
from tests.workflows.test_definitions import SETTINGS

# Each workflow that takes a period, with a request that is valid but for the period.
REQUESTS: dict[str, dict[str, str]] = {
    "get-standing": {"leaderboard": "board", "name": "mario"},
    "get-leaderboard": {"leaderboard": "board"},
    "close-period": {"leaderboard": "board"},
}
REFUSED: list[tuple[str, str]] = [
    ("2026-02-30", "period: is not a calendar date (2026-02-30)"),
    ("2025-02-29", "period: is not a calendar date (2025-02-29)"),
    ("2026-13-01", "period: is not a calendar date (2026-13-01)"),
    ("2026-13", "period: month must be 01-12"),
    ("2026-W99", "period: week must be 01-53"),
    ("2025-W53", "period: 2025 has no week 53 (it has 52 ISO weeks)"),
    ("0000-11", "period: year must be 0001-9999"),
]
ACCEPTED = ["2024-02-29", "2026-12-31", "2026-W53", "2020-W53", "2025-W52", "2026-12", "0001-01"]
Call = Callable[[LeaderboardClient, str], object]
CALLS: list[tuple[str, Call]] = [
    ("get-standing", lambda c, period: c.get_standing("board", "mario", period=period)),
    ("get-leaderboard", lambda c, period: c.get_leaderboard("board", period=period)),
    ("close-period", lambda c, period: c.close_period("board", period)),
]


def _edge_keys() -> Iterator[str]:
    for year in [0, 1, 1900, 2000, 2024, 2026, 9999]:
        for month in [0, 1, 2, 4, 12, 13]:
            yield f"{year:04d}-{month:02d}"
            yield from (f"{year:04d}-{month:02d}-{day:02d}" for day in [0, 1, 28, 29, 30, 31, 32])
    for year in range(1990, 2041):
        yield from (f"{year}-W{week:02d}" for week in (0, 1, 52, 53, 54))
        yield f"{year}-02-29"
    yield from ["2026-1-1", "2026-W1", "2026-w47", "2026-11-22/x", "yesterday"]


def _client_cause(period: str) -> str | None:
    try:
        validation.check_period(period)
    except LeaderboardValidationError as error:
        return error.cause
    return None


@pytest.mark.parametrize("workflow", REQUESTS)
def test_client_and_definition_refuse_the_same_keys_with_the_same_message(workflow: str) -> None:
    # Rendered: the check's helpers are shared fragments (statemachines/lib/) inlined there.
    definition = json.loads(render_definition(workflow_named(workflow), substitutions(SETTINGS)))
    problem = definition["States"]["Validate"]["Assign"]["problem"].removeprefix("{%")
    problem = problem.removesuffix("%}").strip()
    disagreements = {}
    for period in _edge_keys():
        request: dict[str, Any] = {**REQUESTS[workflow], "period": period}
        in_definition = evaluate(problem, {"states": {"input": request}})
        if in_definition != _client_cause(period):
            disagreements[period] = (in_definition, _client_cause(period))
    assert disagreements == {}


@pytest.mark.parametrize("period", ACCEPTED)
def test_client_accepts_every_real_period(period: str) -> None:
    validation.check_period(period)


@pytest.mark.parametrize(("period", "cause"), REFUSED, ids=[key for key, _ in REFUSED])
@pytest.mark.parametrize(("workflow", "call"), CALLS, ids=[name for name, _ in CALLS])
def test_client_refuses_a_key_that_names_no_period_before_any_request(
    stack: LocalStack, workflow: str, call: Call, period: str, cause: str
) -> None:
    client, sent = client_recording_requests(stack)
    with pytest.raises(LeaderboardValidationError) as raised:
        call(client, period)
    assert (raised.value.error, raised.value.cause) == ("Leaderboard.ValidationError", cause)
    assert (raised.value.execution_arn, sent) == (None, [])


@pytest.mark.parametrize(("period", "cause"), REFUSED, ids=[key for key, _ in REFUSED])
@pytest.mark.parametrize(("workflow", "call"), CALLS, ids=[name for name, _ in CALLS])
def test_the_workflow_refuses_it_in_the_same_words(
    client: LeaderboardClient,
    monkeypatch: pytest.MonkeyPatch,
    workflow: str,
    call: Call,
    period: str,
    cause: str,
) -> None:
    monkeypatch.setattr(validation, "check_period", lambda _: None)  # let the key through
    with pytest.raises(LeaderboardValidationError) as raised:
        call(client, period)
    assert (raised.value.error, raised.value.cause) == ("Leaderboard.ValidationError", cause)
    assert f":leaderboard-client-{workflow}:" in str(raised.value.execution_arn)
