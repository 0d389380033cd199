"""get-standing end to end: score and rank in parallel, in the board's order, absent is null."""

from __future__ import annotations

import pytest
from momento import CacheClient

from leaderboard.local.momento_server.faults import FaultInjector, FaultRule
from leaderboard.local.stack import LocalStack
from tests.workflows.board_rules_for_tests import board_name
from tests.workflows.read_model import standing
from tests.workflows.workflow_runner import WorkflowRunner, seed

SCORES = {"ann": 30.0, "bob": 10.5, "cat": 30.0, "dan": -4.0, "eve": 99.0, "fay": 10.5}


@pytest.mark.parametrize(("prefix", "order"), [("desc-", "desc"), ("asc-", "asc")])
def test_every_member_gets_score_and_rank_in_the_boards_order(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient, prefix: str, order: str
) -> None:
    board = board_name(prefix)
    seed(momento, stack.cache_name, board, SCORES)
    for name in SCORES:
        answer = workflows.succeeded("get-standing", {"leaderboard": board, "name": name})
        assert answer == standing(SCORES, order, name)
    # Written out once, by hand: ties (ann/cat at 30, bob/fay at 10.5) go by name, ascending
    # in asc, descending in desc, so the model above cannot share a mistake with the ASL.
    expected_ranks = {
        "asc": {"dan": 0, "bob": 1, "fay": 2, "ann": 3, "cat": 4, "eve": 5},
        "desc": {"eve": 0, "cat": 1, "ann": 2, "fay": 3, "bob": 4, "dan": 5},
    }[order]
    for name, rank in expected_ranks.items():
        answer = workflows.succeeded("get-standing", {"leaderboard": board, "name": name})
        assert answer == {"score": SCORES[name], "rank": rank}


def test_a_member_not_on_the_board_is_null_not_an_error(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient
) -> None:
    board = board_name("desc-")
    seed(momento, stack.cache_name, board, SCORES)
    answer = workflows.succeeded("get-standing", {"leaderboard": board, "name": "zed"})
    assert answer == {"score": None, "rank": None}


def test_a_board_that_does_not_exist_is_null_too(workflows: WorkflowRunner) -> None:
    answer = workflows.succeeded("get-standing", {"leaderboard": board_name("desc-"), "name": "x"})
    assert answer == {"score": None, "rank": None}


def test_score_and_rank_are_two_parallel_calls(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient
) -> None:
    board = board_name("desc-")
    seed(momento, stack.cache_name, board, SCORES)
    run = workflows("get-standing", {"leaderboard": board, "name": "eve"})
    execution = workflows.history(run)
    calls = {r.name: r.attempts for r in execution.all_runs() if r.state_type == "Task"}
    assert calls == {"FetchRank": 1, "FetchScore": 1}
    (parallel,) = [r for r in execution.runs if r.name == "FetchStanding"]
    assert len(parallel.branches) == 2


@pytest.mark.parametrize(
    ("document", "cause"),
    [
        ({"name": "ann"}, "leaderboard: is required"),
        ({"leaderboard": "b"}, "name: is required"),
        ({"leaderboard": "", "name": "ann"}, "leaderboard: must not be empty"),
        ({"leaderboard": "b", "name": 7}, "name: must be a string"),
        (
            {"leaderboard": "b/c", "name": "ann"},
            "leaderboard: may contain only letters, digits and _ . ~ -",
        ),
        ({"leaderboard": "b" * 65, "name": "ann"}, "leaderboard: must be at most 64 characters"),
        ({"leaderboard": "b", "name": "n" * 129}, "name: must be at most 128 characters"),
        (
            {"leaderboard": "b", "name": "ann", "score": 1},
            "score: unknown field (allowed: leaderboard, name, period)",
        ),
        (["b", "ann"], "input: must be a JSON object"),
    ],
)
def test_bad_input_is_a_validation_error_naming_the_field(
    workflows: WorkflowRunner, document: object, cause: str
) -> None:
    run = workflows("get-standing", document)
    assert (run.status, run.error, run.cause) == ("FAILED", "Leaderboard.ValidationError", cause)


def test_a_throttled_read_is_retried(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient, faults: FaultInjector
) -> None:
    board = board_name("desc-")
    seed(momento, stack.cache_name, board, SCORES)
    faults.add(FaultRule(operation="sortedset.rank", status=429, times=1))
    run = workflows("get-standing", {"leaderboard": board, "name": "bob"})
    assert run.output == standing(SCORES, "desc", "bob")
    calls = {
        r.name: r.attempts for r in workflows.history(run).all_runs() if r.state_type == "Task"
    }
    assert calls == {"FetchRank": 2, "FetchScore": 1}


def test_a_store_that_stays_down_is_store_unavailable(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient, faults: FaultInjector
) -> None:
    board = board_name("desc-")
    seed(momento, stack.cache_name, board, SCORES)
    faults.add(FaultRule(operation="sortedset.score", status=500))
    run = workflows("get-standing", {"leaderboard": board, "name": "bob"})
    assert (run.status, run.error) == ("FAILED", "Leaderboard.StoreUnavailable")
    assert run.cause is not None
    assert run.cause.startswith("standing unavailable: States.Http.StatusCode.500")
