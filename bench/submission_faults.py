"""Submissions under injected Momento faults: what a careful caller ends up with.

    python -m bench.submission_faults [--submissions 1000] [--fault-rate 0.1] [--callers 16]

The local stack runs every Momento call (both doors, every operation) through fault rules that
answer 500 or 503 to `--fault-rate` of the calls. Each submission adds 1 to a member of its
own on an increment board (`points-...`), with a `submissionId`; the caller retries a
`Leaderboard.StoreUnavailable` with the same input up to 3 times, as a backend would (unless
the cause says a retry would add again). Then, faults off, the board is read with the SDK and
every `ScoreSubmitted` event is drained:
- lost: the member holds nothing although the caller submitted (and how many of those the
  caller was told were stored);
- double: the member holds 2 or more (one submission added twice or more);
- ambiguous: the caller's last answer was "score may or may not have been added";
- stored without an event: the member holds a score but no `ScoreSubmitted` names it.
Also printed: the same figures for the first attempt alone (a caller that never retries).
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from momento.requests import SortOrder
from momento.responses import CacheSortedSetFetch

from leaderboard.local.aws_client import local_client
from leaderboard.local.momento_server.faults import FaultRule
from leaderboard.local.stack import LocalStack

RETRIES = 3
AMBIGUOUS = "score may or may not have been added"
DO_NOT_RETRY = "a retry would add it again"


@dataclass(frozen=True)
class Outcome:
    """The answers one submission got, first attempt first."""

    name: str
    answers: tuple[str, ...]  # "SUCCEEDED" or "error: cause"
    execution_arns: tuple[str, ...]


def _answer(result: dict[str, Any]) -> str:
    if result["status"] == "SUCCEEDED":
        return "SUCCEEDED"
    return f"{result.get('error')}: {result.get('cause')}"


def _submit_all(stack: LocalStack, board: str, submissions: int, callers: int) -> list[Outcome]:
    arn = stack.state_machine_arn("submit-score")
    local = threading.local()

    def one(index: int) -> Outcome:
        if not hasattr(local, "sfn"):
            local.sfn = local_client("stepfunctions", stack.endpoint_url)
        name = f"m{index}"
        document = json.dumps(
            {"leaderboard": board, "name": name, "score": 1, "submissionId": f"s-{index}"}
        )
        answers: list[str] = []
        arns: list[str] = []
        for _ in range(1 + RETRIES):
            result = local.sfn.start_sync_execution(stateMachineArn=arn, input=document)
            answers.append(_answer(result))
            arns.append(result["executionArn"])
            if (
                not answers[-1].startswith("Leaderboard.StoreUnavailable")
                or DO_NOT_RETRY in (answers[-1])
            ):
                break
        return Outcome(name, tuple(answers), tuple(arns))

    with ThreadPoolExecutor(max_workers=callers) as pool:
        return list(pool.map(one, range(submissions)))


def _held(stack: LocalStack, board: str) -> dict[str, float]:
    with stack.momento_client() as client:
        response = client.sorted_set_fetch_by_rank(
            stack.cache_name, board, sort_order=SortOrder.DESCENDING
        )
    if isinstance(response, CacheSortedSetFetch.Miss):
        return {}
    assert isinstance(response, CacheSortedSetFetch.Hit), response
    return {value.decode(): score for value, score in response.value_list_bytes}


def _announced(stack: LocalStack, board: str) -> list[dict[str, Any]]:
    """The details of every ScoreSubmitted event of `board`."""
    details: list[dict[str, Any]] = []
    while events := stack.received_events(wait_seconds=1):
        for event in events:
            detail = event.get("detail", {})
            if event.get("detail-type") == "ScoreSubmitted" and detail.get("leaderboard") == board:
                details.append(detail)
    return details


def _figures(
    outcomes: list[Outcome], held: dict[str, float], details: list[dict[str, Any]]
) -> None:
    events = Counter(detail["name"] for detail in details)
    announcing = {detail["executionArn"] for detail in details}
    lost = sum(1 for o in outcomes if held.get(o.name, 0) == 0)
    # Told stored (SUCCEEDED, or "score stored, ...") yet the board holds nothing.
    silently_lost = sum(
        1
        for o in outcomes
        if held.get(o.name, 0) == 0
        and (o.answers[-1] == "SUCCEEDED" or "score stored" in o.answers[-1])
    )
    double = sum(1 for o in outcomes if held.get(o.name, 0) >= 2)
    ambiguous = sum(1 for o in outcomes if AMBIGUOUS in o.answers[-1])
    failed = sum(1 for o in outcomes if o.answers[-1] != "SUCCEEDED")
    silent = sum(1 for o in outcomes if held.get(o.name, 0) >= 1 and events[o.name] == 0)
    retried = sum(1 for o in outcomes if len(o.answers) > 1)
    print(f"  submissions retried by the caller: {retried}")
    print(f"  final answer not SUCCEEDED:       {failed}")
    print(f"  ambiguous final answers:          {ambiguous}")
    print(f"  lost writes (member holds 0):     {lost}, of them answered stored: {silently_lost}")
    print(f"  double increments (holds >= 2):   {double}")
    print(f"  stored without a ScoreSubmitted:  {silent}")
    first_ambiguous = sum(1 for o in outcomes if AMBIGUOUS in o.answers[0])
    first_failed = sum(1 for o in outcomes if o.answers[0] != "SUCCEEDED")
    # A first attempt that stored its score: it succeeded, or failed saying it was stored.
    first_stored = [
        o for o in outcomes if o.answers[0] == "SUCCEEDED" or "score stored" in o.answers[0]
    ]
    first_silent = sum(1 for o in first_stored if o.execution_arns[0] not in announcing)
    print(f"  first attempt alone: {first_failed} not SUCCEEDED, {first_ambiguous} ambiguous,")
    print(f"    {len(first_stored)} stored the score, {first_silent} of them announced nothing")
    print(f"  members announced more than once: {sum(1 for n in events.values() if n > 1)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--fault-rate", type=float, default=0.1)
    parser.add_argument("--callers", type=int, default=16)
    args = parser.parse_args()
    with LocalStack(
        stage="faultbench", momento_grpc_port=0, momento_http_port=0, aws_port=0
    ) as stack:
        board = f"points-bench-{uuid.uuid4().hex[:8]}"
        # Two rules share the rate: the first that fires decides, so the second gets the
        # rate of what the first let through.
        half = args.fault_rate / 2
        stack.momento.faults.add(FaultRule(operation="*", status=503, rate=half))
        stack.momento.faults.add(FaultRule(operation="*", status=500, rate=half / (1 - half)))
        started = time.monotonic()
        outcomes = _submit_all(stack, board, args.submissions, args.callers)
        elapsed = time.monotonic() - started
        stack.momento.faults.clear()
        held = _held(stack, board)
        events = _announced(stack, board)
        print(
            f"{args.submissions} increment submissions, {args.fault_rate:.0%} of Momento calls "
            f"answered 500/503, {args.callers} callers, {elapsed:.0f} s:"
        )
        _figures(outcomes, held, events)


if __name__ == "__main__":
    main()
