"""submissionId as an idempotency key for increments, and ScoreSubmitted for every stored score.

Faults are injected into the local Momento server (both doors), so the real HTTP Tasks,
their Retry policies and Catches run as in AWS. A retried submission is the same input
started again, as a backend retries after Leaderboard.StoreUnavailable.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from momento import CacheClient

from leaderboard.local.momento_server.faults import FaultInjector, FaultRule
from leaderboard.local.stack import LocalStack
from tests.workflows.board_rules_for_tests import board_name
from tests.workflows.conftest import Board, EventLog
from tests.workflows.workflow_runner import Run, WorkflowRunner


def _board(stack: LocalStack, momento: CacheClient, name: str) -> dict[str, float]:
    return dict(Board(momento, stack.cache_name, name).members())


def _calls(workflows: WorkflowRunner, run: Run) -> dict[str, int]:
    execution = workflows.history(run)
    return {r.name: r.attempts for r in execution.all_runs() if r.state_type == "Task"}


def _runs(workflows: WorkflowRunner, run: Run) -> Counter[str]:
    """How many times each state was entered."""
    return Counter(r.name for r in workflows.history(run).all_runs())


def _submission(board: str, name: str, score: float, submission_id: str) -> dict[str, Any]:
    return {"leaderboard": board, "name": name, "score": score, "submissionId": submission_id}


def test_a_retry_after_the_standing_failed_adds_once(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient, faults: FaultInjector
) -> None:
    """The add landed, the standing did not: the caller cannot tell and retries."""
    board = board_name("increment-desc-")
    workflows.succeeded("submit-score", _submission(board, "ann", 10, "match-1"))
    faults.add(FaultRule(operation="sortedset.length", status=503, times=4))
    first = workflows("submit-score", _submission(board, "ann", 5, "match-2"))
    assert (first.status, first.error) == ("FAILED", "Leaderboard.StoreUnavailable")
    assert first.cause is not None
    assert first.cause.startswith("score stored, standing unavailable")
    retried = workflows.succeeded("submit-score", _submission(board, "ann", 5, "match-2"))
    assert retried["score"] == 15.0
    assert _board(stack, momento, board) == {"ann": 15.0}


def test_an_add_answered_with_a_5xx_is_checked_and_done_again_once(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient, faults: FaultInjector
) -> None:
    """The add failed with a 503: the total did not change, so the run adds again itself."""
    board = board_name("increment-desc-")
    workflows.succeeded("submit-score", _submission(board, "bob", 3, "m-0"))
    faults.add(FaultRule(operation="sortedset.increment", status=503, times=1))
    added = workflows("submit-score", _submission(board, "bob", 7, "m-1"))
    assert added.output is not None
    assert added.output["score"] == 10.0
    assert _runs(workflows, added)["IncrementScore"] == 2
    assert _runs(workflows, added)["VerifyAdd"] == 1
    for _ in range(2):  # retried with the same id: answered from the receipt, nothing added
        again = workflows("submit-score", _submission(board, "bob", 7, "m-1"))
        assert again.output == added.output
        assert "IncrementScore" not in _calls(workflows, again)
    assert _board(stack, momento, board) == {"bob": 10.0}


def test_an_add_that_landed_but_was_answered_with_a_5xx_is_not_added_again(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient, faults: FaultInjector
) -> None:
    """Momento applied the add, then the answer was lost: the total is checked against every
    digit of the amount (17 significant here; 15 would miss it), so the run knows it landed."""
    board = board_name("increment-desc-")
    amount = 0.12345678901234568
    workflows.succeeded("submit-score", _submission(board, "gus", 1, "g-0"))
    faults.add(FaultRule(operation="sortedset.increment", status=503, applied=True, times=1))
    landed = workflows("submit-score", _submission(board, "gus", amount, "g-1"))
    assert landed.output is not None, (landed.error, landed.cause)
    assert landed.output["score"] == 1.0 + amount
    runs = _runs(workflows, landed)
    assert (runs["IncrementScore"], runs["VerifyAdd"], runs["AddLanded"]) == (1, 1, 1)
    assert _board(stack, momento, board) == {"gus": 1.0 + amount}
    replay = workflows("submit-score", _submission(board, "gus", amount, "g-1"))
    assert "IncrementScore" not in _calls(workflows, replay)
    assert replay.output == landed.output
    assert _board(stack, momento, board) == {"gus": 1.0 + amount}


def test_a_replay_answers_the_exact_total_and_its_competition_rank(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient
) -> None:
    """The receipt keeps every digit: a 15-digit total would rank the replay against a score
    the board does not hold (0.30000000000000004 is not 0.3)."""
    board = board_name("fair-increment-desc-")
    workflows.succeeded("submit-score", _submission(board, "ann", 0.3, "a-1"))
    workflows.succeeded("submit-score", _submission(board, "bob", 0.1, "b-1"))
    first = workflows.succeeded("submit-score", _submission(board, "bob", 0.2, "b-2"))
    assert (first["score"], first["rank"]) == (0.1 + 0.2, 0)  # 0.30000000000000004 leads
    replay = workflows("submit-score", _submission(board, "bob", 0.2, "b-2"))
    assert "IncrementScore" not in _calls(workflows, replay)
    assert replay.output is not None
    assert (replay.output["score"], replay.output["rank"]) == (0.1 + 0.2, 0)
    assert _board(stack, momento, board) == {"ann": 0.3, "bob": 0.1 + 0.2}


def test_a_receipt_in_the_earlier_bare_number_form_is_still_read(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient
) -> None:
    """Receipts live up to 24 hours, so one written before receipts were JSON may be replayed."""
    board = board_name("increment-desc-")
    workflows.succeeded("submit-score", _submission(board, "eve", 4, "e-0"))
    momento.set(stack.cache_name, f"{board}#submission#eve#e-1", "4.5")
    replay = workflows("submit-score", _submission(board, "eve", 0.5, "e-1"))
    assert "IncrementScore" not in _calls(workflows, replay)
    assert replay.output is not None
    assert replay.output["score"] == 4.5
    assert _board(stack, momento, board) == {"eve": 4.0}


def test_an_add_that_keeps_failing_is_reported_not_added_and_a_retry_adds_once(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient, faults: FaultInjector
) -> None:
    board = board_name("increment-desc-")
    faults.add(FaultRule(operation="sortedset.increment", status=500))
    first = workflows("submit-score", _submission(board, "cy", 2, "c-1"))
    assert (first.status, first.error) == ("FAILED", "Leaderboard.StoreUnavailable")
    assert first.cause is not None
    assert first.cause.startswith("score not added: States.Http.StatusCode.500")
    assert _runs(workflows, first)["VerifyAdd"] == 3  # checked after each of the 3 tries
    assert _board(stack, momento, board) == {}
    faults.clear()
    assert workflows.succeeded("submit-score", _submission(board, "cy", 2, "c-1"))["score"] == 2
    assert workflows.succeeded("submit-score", _submission(board, "cy", 2, "c-1"))["score"] == 2
    assert _board(stack, momento, board) == {"cy": 2.0}


def test_ids_are_per_member_and_distinct_ids_add_each_time(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient
) -> None:
    board = board_name("increment-desc-")
    for name, submission_id in [("ann", "x"), ("bob", "x"), ("ann", "y"), ("ann", "x")]:
        workflows.succeeded("submit-score", _submission(board, name, 2, submission_id))
    assert _board(stack, momento, board) == {"ann": 4.0, "bob": 2.0}


def test_an_increment_with_an_id_costs_three_calls_more(workflows: WorkflowRunner) -> None:
    board = board_name("increment-desc-")
    run = workflows("submit-score", _submission(board, "cat", 1, "only"))
    lookups = {
        "FetchRank": 1,
        "FetchTop": 1,
        "FetchSize": 1,
        "PublishStanding": 1,
        "PublishScoreSubmitted": 1,
    }
    expected = {
        "FetchReceipt": 1,
        "FetchScoreBefore": 1,
        "IncrementScore": 1,
        "WriteReceipt": 1,
        **lookups,
    }
    assert _calls(workflows, run) == expected
    without_id = workflows("submit-score", {"leaderboard": board, "name": "cat", "score": 1})
    assert _calls(workflows, without_id) == {"IncrementScore": 1, **lookups}


def test_a_receipt_that_cannot_be_written_does_not_fail_the_stored_score(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient, faults: FaultInjector
) -> None:
    board = board_name("increment-desc-")
    faults.add(FaultRule(operation="cache.set", status=503, times=4))
    output = workflows.succeeded("submit-score", _submission(board, "dan", 3, "lost-receipt"))
    assert output["score"] == 3.0
    assert _board(stack, momento, board) == {"dan": 3.0}


def test_a_lost_receipt_is_named_when_the_run_fails_after_it(
    workflows: WorkflowRunner, faults: FaultInjector
) -> None:
    """The one failure after which a retry would add again says so."""
    board = board_name("increment-desc-")
    faults.add(FaultRule(operation="cache.set", status=503, times=4))
    faults.add(FaultRule(operation="sortedset.length", status=503, times=4))
    run = workflows("submit-score", _submission(board, "fay", 1, "no-receipt"))
    assert (run.status, run.error) == ("FAILED", "Leaderboard.StoreUnavailable")
    assert run.cause is not None
    assert run.cause.startswith(
        "score stored, standing unavailable; its receipt could not be written: "
        "a retry would add it again: States.Http.StatusCode.503"
    )


def test_a_stored_score_whose_standing_is_unavailable_is_still_announced(
    workflows: WorkflowRunner, events: EventLog, faults: FaultInjector
) -> None:
    board = board_name("replace-desc-")
    faults.add(FaultRule(operation="sortedset.rank", status=503, times=4))
    run = workflows("submit-score", _submission(board, "eve", 42, "e-1"))
    assert (run.status, run.error) == ("FAILED", "Leaderboard.StoreUnavailable")
    (event,) = events.for_board(board, count=1)
    assert event["detail-type"] == "ScoreSubmitted"
    detail = event["detail"]
    assert (detail["name"], detail["score"], detail["rank"], detail["size"]) == (
        "eve",
        42,
        None,
        None,
    )
    assert detail["submissionId"] == "e-1"
    assert detail["executionArn"] == run.execution_arn
