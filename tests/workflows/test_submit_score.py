"""submit-score end to end: ranks, ties, updates, the completion event and the call count."""

from __future__ import annotations

from tests.workflows.board_model import board_order, expected_output
from tests.workflows.conftest import Board, EventLog, SubmitScore


def _submit_all(
    submit: SubmitScore, board: Board, scores: list[tuple[str, float]]
) -> dict[str, float]:
    """Submits in order, checking every answer against the reference model as it goes."""
    held: dict[str, float] = {}
    for name, score in scores:
        held[name] = score
        result = submit({"leaderboard": board.name, "name": name, "score": score})
        assert result.status == "SUCCEEDED", (result.error, result.cause)
        assert result.output == expected_output(board.name, name, score, held)
    return held


def test_several_players_are_ranked_highest_first(submit: SubmitScore, board: Board) -> None:
    held = _submit_all(submit, board, [("mario", 10), ("luigi", 30), ("peach", 20), ("toad", 5)])
    assert board.members() == board_order(held)
    assert [name for name, _ in board.members()] == ["luigi", "peach", "mario", "toad"]


def test_ties_are_ordered_by_name_descending(submit: SubmitScore, board: Board) -> None:
    held = _submit_all(submit, board, [("bea", 7), ("al", 7), ("cy", 7), ("dan", 9)])
    assert [name for name, _ in board_order(held)] == ["dan", "cy", "bea", "al"]
    assert board.members() == board_order(held)


def test_a_member_improving_then_worsening_moves_both_ways(
    submit: SubmitScore, board: Board
) -> None:
    held = _submit_all(
        submit,
        board,
        [("ann", 10), ("bob", 20), ("cat", 30), ("ann", 40), ("ann", 0), ("cat", 35.5)],
    )
    assert held == {"ann": 0, "bob": 20, "cat": 35.5}
    assert board.members() == [("cat", 35.5), ("bob", 20), ("ann", 0)]


def test_top_holds_the_first_ten_of_a_larger_board(submit: SubmitScore, board: Board) -> None:
    held = _submit_all(submit, board, [(f"p{index:02d}", index * 1.5) for index in range(12)])
    result = submit({"leaderboard": board.name, "name": "p00", "score": -2.5})
    held["p00"] = -2.5
    assert result.output == expected_output(board.name, "p00", -2.5, held)
    assert result.output is not None
    assert len(result.output["top"]) == 10
    assert (result.output["rank"], result.output["size"]) == (11, 12)


def test_extreme_finite_scores_are_accepted(submit: SubmitScore, board: Board) -> None:
    _submit_all(
        submit, board, [("huge", 1.7976931348623157e308), ("tiny", -1.7976931348623157e308)]
    )
    assert board.members() == [("huge", 1.7976931348623157e308), ("tiny", -1.7976931348623157e308)]


def test_score_submitted_event_carries_the_standing(
    submit: SubmitScore, board: Board, events: EventLog
) -> None:
    submit({"leaderboard": board.name, "name": "zed", "score": 3})
    result = submit(
        {"leaderboard": board.name, "name": "amy", "score": 12.25, "submissionId": "sub-42"}
    )
    received = events.for_board(board.name, count=2)
    assert len(received) == 2
    (event,) = [each for each in received if each["detail"]["name"] == "amy"]
    assert event["source"] == "leaderboard"
    assert event["detail-type"] == "ScoreSubmitted"
    assert event["detail"] == {
        "leaderboard": board.name,
        "name": "amy",
        "score": 12.25,
        "rank": 0,
        "size": 2,
        "submissionId": "sub-42",
        "executionArn": result.execution_arn,
    }
    (first,) = [each for each in received if each["detail"]["name"] == "zed"]
    assert first["detail"]["submissionId"] is None


def test_a_submission_costs_one_write_three_parallel_reads_and_a_publish(
    submit: SubmitScore, board: Board
) -> None:
    result = submit({"leaderboard": board.name, "name": "solo", "score": 1})
    execution = submit.history(result)
    http_calls = {
        run.name: run.attempts for run in execution.all_runs() if run.state_type == "Task"
    }
    assert http_calls == {
        "WriteScore": 1,
        "FetchRank": 1,
        "FetchTop": 1,
        "FetchSize": 1,
        "PublishStanding": 1,
        "PublishScoreSubmitted": 1,
    }
    (parallel,) = [run for run in execution.runs if run.name == "LookUpStanding"]
    assert len(parallel.branches) == 3
