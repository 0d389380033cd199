"""submit-score under each board's updateMode: replace, best (both orders) and increment.

Includes the race `best` is documented to lose (docs/workflows.md): two submissions of one
member whose read and write interleave. The interleaving is forced with the local Momento
server's fault injection (a delayed write), so the test is deterministic.
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest
from momento import CacheClient

from leaderboard.local.momento_server.faults import FaultInjector, FaultRule
from leaderboard.local.stack import LocalStack
from tests.workflows.board_rules_for_tests import board_name, rules
from tests.workflows.conftest import Board, EventLog, MomentoClock
from tests.workflows.read_model import ranked
from tests.workflows.workflow_runner import Run, WorkflowRunner


def _submit(workflows: WorkflowRunner, board: str, name: str, score: float) -> dict[str, Any]:
    return workflows.succeeded(  # type: ignore[no-any-return]
        "submit-score", {"leaderboard": board, "name": name, "score": score}
    )


def _board(stack: LocalStack, momento: CacheClient, name: str) -> dict[str, float]:
    return dict(Board(momento, stack.cache_name, name).members())


def _calls(workflows: WorkflowRunner, run: Run) -> dict[str, int]:
    execution = workflows.history(run)
    return {r.name: r.attempts for r in execution.all_runs() if r.state_type == "Task"}


@pytest.mark.parametrize(("prefix", "order"), [("replace-desc-", "desc"), ("replace-asc-", "asc")])
def test_replace_keeps_the_latest_score_even_when_worse(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient, prefix: str, order: str
) -> None:
    board = board_name(prefix)
    held = {"ann": 10.0, "bob": 20.0}
    for name, score in held.items():
        _submit(workflows, board, name, score)
    worse = 5.0 if order == "desc" else 50.0
    output = _submit(workflows, board, "bob", worse)
    held["bob"] = worse
    assert output["score"] == worse
    assert output["top"] == ranked(held, order)
    assert output["rank"] == [e["name"] for e in ranked(held, order)].index("bob")
    assert _board(stack, momento, board) == held


@pytest.mark.parametrize(("prefix", "order"), [("best-desc-", "desc"), ("best-asc-", "asc")])
def test_best_keeps_the_better_score_in_the_boards_order(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient, prefix: str, order: str
) -> None:
    board = board_name(prefix)
    better, worse = (90.0, 10.0) if order == "desc" else (10.0, 90.0)
    first = _submit(workflows, board, "lap", 50.0)
    assert (first["score"], first["rank"], first["size"]) == (50.0, 0, 1)
    _submit(workflows, board, "rival", 40.0 if order == "desc" else 60.0)
    kept = _submit(workflows, board, "lap", worse)
    assert kept["score"] == 50.0  # the held score, not the worse one submitted
    assert _board(stack, momento, board)["lap"] == 50.0
    improved = _submit(workflows, board, "lap", better)
    assert improved["score"] == better
    assert improved["rank"] == 0
    assert _board(stack, momento, board) == {
        "lap": better,
        "rival": 40.0 if order == "desc" else 60.0,
    }


def test_best_reads_once_and_writes_only_when_better(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient
) -> None:
    """A score that is not better is not written; the board's TTL is refreshed instead (an
    increment by 0): 6 calls either way (with the standing's publish)."""
    board = board_name("best-asc-")
    document = {"leaderboard": board, "name": "lap", "score": 61.5}
    lookups = {
        "FetchRank": 1,
        "FetchTop": 1,
        "FetchSize": 1,
        "PublishStanding": 1,
        "PublishScoreSubmitted": 1,
    }
    created = workflows("submit-score", document)
    assert _calls(workflows, created) == {"FetchCurrentScore": 1, "WriteScore": 1, **lookups}
    equal = workflows("submit-score", document)  # not strictly better: nothing to write
    assert equal.output is not None
    assert equal.output["score"] == 61.5
    assert _calls(workflows, equal) == {"FetchCurrentScore": 1, "RefreshBoard": 1, **lookups}


def test_best_announces_the_held_score(
    workflows: WorkflowRunner, stack: LocalStack, events: EventLog
) -> None:
    board = board_name("best-desc-")
    _submit(workflows, board, "amy", 30.0)
    _submit(workflows, board, "amy", 3.0)
    received = events.for_board(board, count=2)
    assert [event["detail"]["score"] for event in received] == [30.0, 30.0]


@pytest.mark.parametrize(
    ("prefix", "order"), [("increment-desc-", "desc"), ("increment-asc-", "asc")]
)
def test_increment_adds_up_and_reports_the_new_total(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient, prefix: str, order: str
) -> None:
    board = board_name(prefix)
    totals: dict[str, float] = {}
    steps = [("ann", 5.0), ("bob", 3.0), ("ann", 2.5), ("cat", 1.0), ("bob", -4.0), ("dan", 8.0)]
    top_count = rules(board).top_count
    for name, amount in steps:
        totals[name] = totals.get(name, 0.0) + amount
        output = _submit(workflows, board, name, amount)
        assert output["score"] == totals[name]
        assert output["size"] == len(totals)
        assert output["rank"] == [e["name"] for e in ranked(totals, order)].index(name)
        assert output["top"] == ranked(totals, order)[:top_count]
    assert _board(stack, momento, board) == {"ann": 7.5, "bob": -1.0, "cat": 1.0, "dan": 8.0}


def test_increment_adds_amounts_beyond_15_significant_digits_exactly(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient
) -> None:
    """The amount travels as a JSON number: as `$string` text it would lose its 16th digit."""
    board = board_name("increment-desc-")
    amounts = [0.12345678901234568, 0.30000000000000004]
    total = 0.0
    for amount in amounts:
        total += amount
        assert _submit(workflows, board, "exact", amount)["score"] == total
    assert _board(stack, momento, board) == {"exact": total}
    assert total != 0.123456789012346 + 0.3  # what 15 significant digits would have added


def test_increment_costs_one_call_and_announces_the_total(
    workflows: WorkflowRunner, events: EventLog
) -> None:
    board = board_name("increment-desc-")
    _submit(workflows, board, "eve", 4.0)
    run = workflows("submit-score", {"leaderboard": board, "name": "eve", "score": 6.0})
    assert _calls(workflows, run) == {
        "IncrementScore": 1,
        "FetchRank": 1,
        "FetchTop": 1,
        "FetchSize": 1,
        "PublishStanding": 1,
        "PublishScoreSubmitted": 1,
    }
    received = events.for_board(board, count=2)
    assert [event["detail"]["score"] for event in received] == [4.0, 10.0]


def test_increment_retries_a_throttle_once_and_adds_once(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient, faults: FaultInjector
) -> None:
    board = board_name("increment-desc-")
    faults.add(FaultRule(operation="sortedset.increment", status=429, times=1))
    run = workflows("submit-score", {"leaderboard": board, "name": "zoe", "score": 2.0})
    assert run.output is not None
    assert run.output["score"] == 2.0
    assert _calls(workflows, run)["IncrementScore"] == 2
    assert _board(stack, momento, board) == {"zoe": 2.0}


def test_increment_does_not_retry_an_outcome_it_cannot_know(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient, faults: FaultInjector
) -> None:
    board = board_name("increment-desc-")
    _submit(workflows, board, "zoe", 1.0)
    faults.add(FaultRule(operation="sortedset.increment", status=503, times=1))
    run = workflows("submit-score", {"leaderboard": board, "name": "zoe", "score": 2.0})
    assert (run.status, run.error) == ("FAILED", "Leaderboard.StoreUnavailable")
    assert run.cause is not None
    assert run.cause.startswith("score may or may not have been added: States.Http.StatusCode.503")
    assert _calls(workflows, run) == {"IncrementScore": 1}


def test_the_longest_prefix_wins_and_replaces_the_shorter_one_whole(
    workflows: WorkflowRunner,
) -> None:
    board = board_name("asc-increment-")
    assert rules(board).order == "desc"  # "asc-increment-" does not inherit from "asc-"
    _submit(workflows, board, "low", 1.0)
    output = _submit(workflows, board, "high", 2.0)
    assert [entry["name"] for entry in output["top"]] == ["high", "low"]
    assert _submit(workflows, board, "low", 5.0)["score"] == 6.0


def test_an_exact_board_entry_beats_every_prefix(workflows: WorkflowRunner) -> None:
    assert rules("exact-asc-board") == replace(rules("x"), order="asc", update_mode="best")
    _submit(workflows, "exact-asc-board", "a", 9.0)
    assert _submit(workflows, "exact-asc-board", "a", 12.0)["score"] == 9.0
    assert _submit(workflows, "exact-asc-board", "b", 3.0)["rank"] == 0


def test_best_loses_an_update_when_reads_and_writes_interleave(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient, faults: FaultInjector
) -> None:
    """The documented race: both read 10, the better write lands first, the worse one last."""
    board = board_name("best-desc-")
    _submit(workflows, board, "racer", 10.0)
    # The next write is held for 1.5 s: the worse submission's, started first.
    faults.add(FaultRule(operation="sortedset.put", latency_seconds=1.5, times=1))
    results: dict[str, Run] = {}
    slow = threading.Thread(
        target=lambda: results.update(
            worse=workflows("submit-score", {"leaderboard": board, "name": "racer", "score": 30.0})
        )
    )
    slow.start()
    while faults.rules():  # the rule retires when the worse write reaches it
        threading.Event().wait(0.01)
    better = workflows("submit-score", {"leaderboard": board, "name": "racer", "score": 50.0})
    slow.join()
    assert better.output is not None
    assert better.output["score"] == 50.0  # it read 10 and wrote 50 ...
    assert results["worse"].output is not None
    assert results["worse"].output["score"] == 30.0  # ... while this one had also read 10
    # The guarantee that holds: never worse than the score held before the race (10).
    assert _board(stack, momento, board) == {"racer": 30.0}


def test_best_concurrent_submissions_never_end_below_the_start(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient
) -> None:
    """Overlapping submissions of one member: the board ends on one of their scores, never
    below the score held before they started; a later lone submission then keeps the best."""
    board = board_name("best-asc-")
    _submit(workflows, board, "racer", 100.0)
    scores = [random.uniform(0, 200) for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda score: _submit(workflows, board, "racer", score), scores))
    final = _board(stack, momento, board)["racer"]
    assert final in [100.0, *scores]
    assert final <= 100.0
    _submit(workflows, board, "racer", min(scores))
    assert _board(stack, momento, board)["racer"] == min([100.0, *scores])


def test_best_keeps_the_board_alive_when_a_submission_does_not_improve(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient, momento_clock: MomentoClock
) -> None:
    """Every accepted submission refreshes the board's TTL (60 s here), a worse one too: a
    board whose players are active never expires with its records."""
    board = board_name("best-short-ttl-")
    assert rules(board).ttl_seconds == 60
    _submit(workflows, board, "lap", 50.0)
    momento_clock.advance(45)
    worse = workflows("submit-score", {"leaderboard": board, "name": "lap", "score": 40.0})
    assert worse.output is not None
    assert worse.output["score"] == 50.0
    lookups = {
        "FetchRank": 1,
        "FetchTop": 1,
        "FetchSize": 1,
        "PublishStanding": 1,
        "PublishScoreSubmitted": 1,
    }
    assert _calls(workflows, worse) == {"FetchCurrentScore": 1, "RefreshBoard": 1, **lookups}
    momento_clock.advance(45)  # 90 s after the first write, 45 s after the worse submission
    assert _board(stack, momento, board) == {"lap": 50.0}
    momento_clock.advance(61)  # nobody submitted for longer than the TTL: the board is gone
    assert _board(stack, momento, board) == {}
