"""The HTTP route against StartSyncExecution through boto3, in the same run.

    python -m bench.http_api [--requests 200]

The stack (with its HTTP API on a free port) runs in this process; the caller runs in
another process, as a backend or a browser would. Both sides read one member's standing
(`GET /{leaderboard}/{name}` and get-standing through boto3), interleaved request by request
so a busy moment of the shared machine hits both alike. Printed: p50 and p90 of each, and
the HTTP route's overhead (the router's parse, its own boto3 call and the answer mapping).
"""

import argparse
import json
import multiprocessing
import statistics
import time
from typing import Any

import httpx

from leaderboard.local.aws_client import local_client
from leaderboard.local.endpoints import HTTP_API_LOCAL_KEY
from leaderboard.local.stack import LocalStack

BOARD = "bench-http"
NAME = "player-1"
WARM_UP = 10


def measure(http_api_url: str, endpoint_url: str, arn: str, count: int) -> dict[str, Any]:
    """Caller process: `count` reads each way, alternating; latencies in ms."""
    sfn = local_client("stepfunctions", endpoint_url)
    request = json.dumps({"leaderboard": BOARD, "name": NAME})
    http_ms, boto_ms = [], []
    with httpx.Client(base_url=http_api_url) as http:
        for index in range(WARM_UP + count):
            started = time.perf_counter()
            response = http.get(f"/{BOARD}/{NAME}")
            middle = time.perf_counter()
            result = sfn.start_sync_execution(stateMachineArn=arn, input=request)
            ended = time.perf_counter()
            if response.status_code != 200 or result["status"] != "SUCCEEDED":
                raise RuntimeError(f"read failed: {response.text} {result.get('cause')}")
            if response.json() != json.loads(result["output"]):
                raise RuntimeError("the two doors disagree")
            if index >= WARM_UP:
                http_ms.append((middle - started) * 1000)
                boto_ms.append((ended - middle) * 1000)
    return {"http": http_ms, "boto3": boto_ms}


def _percentile(values: list[float], fraction: float) -> float:
    return sorted(values)[int(fraction * (len(values) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with LocalStack(
        stage="benchhttp", momento_grpc_port=0, momento_http_port=0, aws_port=0, http_api_port=0
    ) as stack:
        submitted = httpx.post(
            f"{stack.http_api_url}/{BOARD}/{NAME}",
            json={"score": 42},
            headers={"x-api-key": HTTP_API_LOCAL_KEY},
        )
        submitted.raise_for_status()
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            figures = pool.apply(
                measure,
                (
                    stack.http_api_url,
                    stack.endpoint_url,
                    stack.state_machine_arn("get-standing"),
                    args.requests,
                ),
            )
    http_p50, boto_p50 = statistics.median(figures["http"]), statistics.median(figures["boto3"])
    print(f"get-standing, {args.requests} reads each way, interleaved")
    print(f"{'':<34}{'p50 ms':>8}{'p90 ms':>8}")
    for label, key in (
        ("GET /{leaderboard}/{name}", "http"),
        ("StartSyncExecution (boto3)", "boto3"),
    ):
        values = figures[key]
        print(f"{label:<34}{statistics.median(values):>8.1f}{_percentile(values, 0.9):>8.1f}")
    print(f"{'HTTP route overhead (p50)':<34}{http_p50 - boto_p50:>8.1f}")


if __name__ == "__main__":
    main()
