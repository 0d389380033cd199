"""Many submissions at once through StartSyncExecution: none lost, the board exactly as expected."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.workflows.board_model import board_order
from tests.workflows.conftest import Board, EventLog, Submission, SubmitScore

MEMBERS = 200
WORKERS = 16


@pytest.mark.slow
def test_two_hundred_concurrent_submissions_all_land(
    submit: SubmitScore, board: Board, events: EventLog
) -> None:
    # Distinct and tied scores alike, so ranks under concurrency exercise the tie order too.
    scores = {f"player-{index:03d}": float((index * 37) % 150) for index in range(MEMBERS)}

    def one(name: str) -> Submission:
        return submit({"leaderboard": board.name, "name": name, "score": scores[name]})

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(one, scores))

    failures = [(r.error, r.cause) for r in results if r.status != "SUCCEEDED"]
    assert failures == []
    assert board.members() == board_order(scores)
    sizes = [r.output["size"] for r in results if r.output is not None]
    assert len(sizes) == MEMBERS
    assert all(1 <= size <= MEMBERS for size in sizes)
    assert max(sizes) == MEMBERS
    received = events.for_board(board.name, count=MEMBERS, wait_seconds=10)
    assert sorted(e["detail"]["name"] for e in received) == sorted(scores)
    assert {e["detail"]["executionArn"] for e in received} == {r.execution_arn for r in results}
