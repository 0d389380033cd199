"""Momento failing under the workflow: retried with backoff, then Leaderboard.StoreUnavailable.

The faults are injected into the local Momento server's HTTP door, so the real HTTP Task,
its Retry policy and its Catch run exactly as in AWS. The definition's backoff (1 s base,
x2, capped at 4 s, full jitter, 3 retries) is not shortened for tests: a persistent fault
costs up to 7 s of waiting.
"""

from __future__ import annotations

from leaderboard.local.momento_server.faults import FaultInjector, FaultRule
from tests.workflows.board_model import expected_output
from tests.workflows.conftest import Board, EventLog, Submission, SubmitScore


def _attempts(submit: SubmitScore, result: Submission, state: str) -> int:
    """How many times `state` called Momento: the first try plus its retries."""
    (run,) = [run for run in submit.history(result).all_runs() if run.name == state]
    return run.attempts


def test_throttled_write_is_retried_then_succeeds(
    submit: SubmitScore, board: Board, faults: FaultInjector
) -> None:
    faults.add(FaultRule(operation="sortedset.put", status=429, times=1))
    result = submit({"leaderboard": board.name, "name": "patient", "score": 8})
    assert result.status == "SUCCEEDED", result.cause
    assert result.output == expected_output(board.name, "patient", 8, {"patient": 8})
    assert _attempts(submit, result, "WriteScore") == 2
    assert board.members() == [("patient", 8)]


def test_failing_read_is_retried_inside_the_parallel_lookups(
    submit: SubmitScore, board: Board, faults: FaultInjector
) -> None:
    faults.add(FaultRule(operation="sortedset.rank", status=503, times=2))
    result = submit({"leaderboard": board.name, "name": "steady", "score": 4})
    assert result.status == "SUCCEEDED", result.cause
    assert _attempts(submit, result, "FetchRank") == 3
    assert _attempts(submit, result, "WriteScore") == 1


def test_persistent_write_failure_reports_store_unavailable_and_stores_nothing(
    submit: SubmitScore, board: Board, events: EventLog, faults: FaultInjector
) -> None:
    faults.add(FaultRule(operation="sortedset.put", status=500))
    result = submit({"leaderboard": board.name, "name": "unlucky", "score": 1})
    assert (result.status, result.error) == ("FAILED", "Leaderboard.StoreUnavailable")
    assert result.cause is not None
    assert result.cause.startswith("score not stored: States.Http.StatusCode.500")
    assert _attempts(submit, result, "WriteScore") == 4
    assert board.members() == []
    assert events.for_board(board.name, count=1, wait_seconds=0.5) == []


def test_persistent_read_failure_says_the_score_was_stored(
    submit: SubmitScore, board: Board, events: EventLog, faults: FaultInjector
) -> None:
    faults.add(FaultRule(operation="sortedset.length", status=503))
    result = submit({"leaderboard": board.name, "name": "half", "score": 2})
    assert (result.status, result.error) == ("FAILED", "Leaderboard.StoreUnavailable")
    assert result.cause is not None
    assert result.cause.startswith("score stored, standing unavailable: States.Http.StatusCode.503")
    assert _attempts(submit, result, "FetchSize") == 4
    assert board.members() == [("half", 2)]
    # Stored, so announced all the same: with what is known, the standing null.
    (event,) = events.for_board(board.name, count=1)
    assert (event["detail"]["score"], event["detail"]["rank"], event["detail"]["size"]) == (
        2,
        None,
        None,
    )
