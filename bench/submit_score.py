"""The real product, per submission: submit-score through the local stack with StartSyncExecution.

    python -m bench.submit_score [--submissions 200] [--callers 8] [--concurrent-seconds 5]

The stack (local Momento server + AWS endpoint, `statemachines/submit-score.asl.json`
deployed exactly as `make up` does) runs in this process; the callers run in another
process with their own boto3 clients, as a backend would, so they do not share the stack's
GIL. Printed per submission:
- states entered and HTTP calls made (HTTP Task attempts, from the execution history);
- latency p50/p99 of sequential submissions, and the stack's CPU time per submission
  (steadier than latency on a shared machine);
- submissions/s with `--callers` concurrent callers.
"""

import argparse
import json
import multiprocessing
import resource
import statistics
import threading
import time
from collections import Counter
from typing import Any

from leaderboard.local.aws_client import local_client
from leaderboard.local.stack import LocalStack

BOARD = "bench-board"
MEMBERS = 50  # submissions cycle through this many players, so ranks and the top list move


def submission(index: int) -> str:
    return json.dumps({"leaderboard": BOARD, "name": f"player-{index % MEMBERS}", "score": index})


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def sequential(endpoint_url: str, arn: str, count: int) -> dict[str, Any]:
    """Caller process: `count` submissions one after another; latencies and execution ARNs."""
    sfn = local_client("stepfunctions", endpoint_url)
    for index in range(5):  # warm-up: connections, first parses
        sfn.start_sync_execution(stateMachineArn=arn, input=submission(index))
    latencies, arns = [], []
    for index in range(count):
        started = time.perf_counter()
        result = sfn.start_sync_execution(stateMachineArn=arn, input=submission(index))
        latencies.append((time.perf_counter() - started) * 1000)
        if result["status"] != "SUCCEEDED":
            raise RuntimeError(f"submission failed: {result.get('error')} {result.get('cause')}")
        arns.append(result["executionArn"])
    return {"latencies": latencies, "arns": arns}


def concurrent(endpoint_url: str, arn: str, callers: int, seconds: float) -> dict[str, Any]:
    """Caller process: `callers` threads submitting for `seconds`; completed and failed counts."""
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def caller(slot: int) -> None:
        sfn = local_client("stepfunctions", endpoint_url)
        index = slot
        while time.perf_counter() < stop:
            status = sfn.start_sync_execution(stateMachineArn=arn, input=submission(index))
            with lock:
                outcomes[status["status"]] += 1
            index += callers

    threads = [threading.Thread(target=caller, args=(slot,)) for slot in range(callers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"outcomes": dict(outcomes), "elapsed": time.perf_counter() - started}


def per_submission_calls(stack: LocalStack, arns: list[str]) -> tuple[float, float]:
    """Mean states entered and HTTP Task attempts per execution, read from the histories."""
    sfn = stack.client("stepfunctions")
    states = http_calls = 0
    for arn in arns:
        events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        states += sum(event["type"].endswith("StateEntered") for event in events)
        http_calls += sum(
            event["type"] == "TaskScheduled"
            and event["taskScheduledEventDetails"]["resourceType"] == "http"
            for event in events
        )
    return states / len(arns), http_calls / len(arns)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--callers", type=int, default=8)
    parser.add_argument("--concurrent-seconds", type=float, default=5.0)
    args = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    with (
        LocalStack(stage="bench", momento_grpc_port=0, momento_http_port=0, aws_port=0) as stack,
        context.Pool(1) as callers,
    ):
        arn = stack.state_machine_arn("submit-score")
        cpu_before = cpu_seconds()
        run = callers.apply(sequential, (stack.endpoint_url, arn, args.submissions))
        stack_cpu_ms = (cpu_seconds() - cpu_before) * 1000 / (args.submissions + 5)
        stack.received_events()  # a consumer drains the bus's queue, as the CLI's tail does
        load = callers.apply(
            concurrent, (stack.endpoint_url, arn, args.callers, args.concurrent_seconds)
        )
        stack.received_events()
        states, http_calls = per_submission_calls(stack, run["arns"][:20])

    latencies = sorted(run["latencies"])
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    succeeded = load["outcomes"].get("SUCCEEDED", 0)
    print(f"submit-score via StartSyncExecution, {args.submissions} sequential submissions")
    print(f"{'states entered per submission':<52}{states:>8.1f}")
    print(f"{'HTTP calls per submission (Task attempts)':<52}{http_calls:>8.1f}")
    print(f"{'latency p50 ms (target <= 20)':<52}{statistics.median(latencies):>8.1f}")
    print(f"{'latency p99 ms':<52}{p99:>8.1f}")
    print(f"{'stack CPU ms per submission':<52}{stack_cpu_ms:>8.1f}")
    print(
        f"{f'submissions/s, {args.callers} concurrent callers (target >= 100)':<52}"
        f"{succeeded / load['elapsed']:>8.1f}"
    )
    failed = {status: n for status, n in load["outcomes"].items() if status != "SUCCEEDED"}
    if failed:
        print(f"not succeeded under load: {failed}")


if __name__ == "__main__":
    main()
