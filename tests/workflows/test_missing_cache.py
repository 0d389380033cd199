"""A missing cache is an outage, not an empty board: every read fails with
Leaderboard.StoreUnavailable and the cause carries Momento's `Cache Not Found`.

Both doors (the local server and the bridge) answer a missing cache with
404 `{"error": "not_found", "message": "Cache Not Found"}`, the same status as a member or a
board that does not exist; the definitions tell the two apart by the message.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.workflows.board_rules_for_tests import board_name
from tests.workflows.workflow_runner import WorkflowRunner

READS = [
    ("get-standing", {"name": "yan"}, "standing unavailable"),
    ("get-leaderboard", {}, "leaderboard unavailable"),
    ("get-leaderboard", {"view": "top"}, "leaderboard unavailable"),
    ("get-leaderboard", {"view": "me", "name": "yan"}, "leaderboard unavailable"),
    ("get-leaderboard", {"view": "around_me", "name": "yan"}, "leaderboard unavailable"),
    ("get-leaderboard", {"view": "top_and_around_me", "name": "yan"}, "leaderboard unavailable"),
    ("get-leaderboard", {"view": "group", "names": ["yan", "ann"]}, "leaderboard unavailable"),
]


@pytest.mark.parametrize("prefix", ["desc-", "fair-desc-"])  # fair-: competition ranks' states
@pytest.mark.parametrize(("workflow", "request_fields", "outcome"), READS)
def test_a_read_of_a_missing_cache_is_store_unavailable(
    workflows: WorkflowRunner,
    missing_cache: str,
    workflow: str,
    request_fields: dict[str, Any],
    outcome: str,
    prefix: str,
) -> None:
    run = workflows(workflow, {"leaderboard": board_name(prefix), **request_fields})
    assert (run.status, run.error) == ("FAILED", "Leaderboard.StoreUnavailable"), run.output
    assert run.cause is not None
    assert run.cause.startswith(f"{outcome}: States.Http.StatusCode.404: ")
    assert "Cache Not Found" in run.cause


@pytest.mark.parametrize("prefix", ["desc-", "fair-desc-"])
def test_a_missing_board_in_an_existing_cache_is_still_empty(
    workflows: WorkflowRunner, prefix: str
) -> None:
    board = board_name(prefix)
    assert workflows.succeeded("get-standing", {"leaderboard": board, "name": "yan"}) == {
        "score": None,
        "rank": None,
    }
    assert workflows.succeeded("get-leaderboard", {"leaderboard": board}) == {"leaderboard": []}
    for view in ({"view": "me", "name": "yan"}, {"view": "group", "names": ["yan", "ann"]}):
        output = workflows.succeeded("get-leaderboard", {"leaderboard": board, **view})
        assert output == {"leaderboard": []}
