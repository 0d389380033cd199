"""Stock moto vs our Step Functions runtime, with and without its speed patches, in one run.

    python -m bench.stepfunctions_runtime [--iterations 200] [--concurrent-seconds 5]

Three sides: stock moto; ours with the feature patches only (``install(speed=False)``); ours
(``install()``, feature and speed patches, as the local runtime runs). The last two run the
same workload, so their ratio is what the speed patches buy. Each side runs in its own
process with its own server on a free loopback port (stock: moto's ``ThreadedMotoServer``;
ours: the local runtime's ``AwsEndpoint``), and every execution goes through boto3
``StartSyncExecution`` over HTTP, as a backend would. The product's own workflow through the
whole local stack is ``python -m bench.submit_score``.

Machines:
- A: 7 states, JSONata, a 4-branch Parallel of Pass states. Stock moto cannot evaluate
  JSONata (its JVM bridge is stubbed) and has no StartSyncExecution or HTTP Task, so the
  stock side is stock moto 5.2.5 with the least needed to run A at all: jsonata-python
  plugged into moto's stubbed evaluator exactly where the JVM would be (moto still composes
  and parses the full expression text every time) and our StartSyncExecution action, which
  runs moto's own synchronous execution class. No definition cache, no compiled-expression
  cache, no in-process service clients.
- B: the same shape with an HTTP Task in each branch (local keep-alive HTTP server): ours only
  (both variants).
- C: submit-score-like: JSONata, 5 HTTP calls (one, then 3 in a Parallel, then one) and an
  ``events:putEvents``: ours only (both variants), sequential p50/p99 and 8 concurrent callers.
"""

import argparse
import importlib
import json
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import jsonata
from moto.core.config import default_user_config
from moto.server import ThreadedMotoServer
from moto.stepfunctions.parser.asl.component.common.string import string_expression
from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata
from moto.stepfunctions.parser.asl.jsonata import validations

from leaderboard.local import moto_extensions
from leaderboard.local.patching import Kind, patch_group, replace_attribute, set_item
from leaderboard.local.stepfunctions import sync_execution
from leaderboard.local.stepfunctions.endpoint import AwsEndpoint

ROLE = "arn:aws:iam::123456789012:role/bench"
HTTP = "arn:aws:states:::http:invoke"
SIDES = ("stock", "features-only", "ours")


def _pass_branch(index: int) -> dict[str, Any]:
    return {
        "StartAt": f"B{index}",
        "States": {
            f"B{index}": {
                "Type": "Pass",
                "Output": {"branch": index, "n": "{% $states.input.n %}"},
                "End": True,
            }
        },
    }


def _http_branch(index: int, base: str, connection: str) -> dict[str, Any]:
    return {
        "StartAt": f"B{index}",
        "States": {
            f"B{index}": {
                "Type": "Task",
                "Resource": HTTP,
                "Arguments": {
                    "ApiEndpoint": f"{base}/b{index}",
                    "Method": "GET",
                    "QueryParameters": {"n": "{% $string($states.input.n) %}"},
                    "Authentication": {"ConnectionArn": connection},
                },
                "Output": "{% $states.result.ResponseBody %}",
                "End": True,
            }
        },
    }


def seven_state_machine(branches: list[dict[str, Any]]) -> dict[str, Any]:
    """Validate, Normalise, Fan (Parallel), Pick, Big|Small, Done: 7 top-level states."""
    return {
        "QueryLanguage": "JSONata",
        "StartAt": "Validate",
        "States": {
            "Validate": {
                "Type": "Pass",
                "Assign": {"n": "{% $states.input.score %}"},
                "Next": "Normalise",
            },
            "Normalise": {
                "Type": "Pass",
                "Output": {"n": "{% $n * 2 %}", "who": "{% $uppercase($states.input.name) %}"},
                "Next": "Fan",
            },
            "Fan": {
                "Type": "Parallel",
                "Branches": branches,
                "Assign": {"fan": "{% $states.result %}"},
                "Next": "Pick",
            },
            "Pick": {
                "Type": "Choice",
                "Choices": [{"Condition": "{% $n > 10 %}", "Next": "Big"}],
                "Default": "Small",
            },
            "Big": {
                "Type": "Pass",
                "Output": {"size": "big", "count": "{% $count($fan) %}"},
                "Next": "Done",
            },
            "Small": {
                "Type": "Pass",
                "Output": {"size": "small", "count": "{% $count($fan) %}"},
                "Next": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }


def submit_score_machine(base: str, connection: str) -> dict[str, Any]:
    def call(path: str, method: str = "GET") -> dict[str, Any]:
        return {
            "ApiEndpoint": f"{base}/{path}",
            "Method": method,
            "QueryParameters": {
                "key": "{% $states.input.leaderboard %}",
                "value": "{% $states.input.name %}",
            },
            "Authentication": {"ConnectionArn": connection},
        }

    def branch(name: str, path: str) -> dict[str, Any]:
        return {
            "StartAt": name,
            "States": {
                name: {
                    "Type": "Task",
                    "Resource": HTTP,
                    "Arguments": call(path),
                    "Output": "{% $states.result.ResponseBody %}",
                    "End": True,
                }
            },
        }

    return {
        "QueryLanguage": "JSONata",
        "StartAt": "Increment",
        "States": {
            "Increment": {
                "Type": "Task",
                "Resource": HTTP,
                "Arguments": call("increment", "POST"),
                "Output": "{% $states.input %}",
                "Assign": {
                    "day": "{% $fromMillis($toMillis($states.context.Execution.StartTime),"
                    " '[Y0001]-[M01]-[D01]', '+0900') %}"
                },
                "Next": "Standing",
            },
            "Standing": {
                "Type": "Parallel",
                "Branches": [
                    branch("Score", "score"),
                    branch("Rank", "rank"),
                    branch("Length", "length"),
                ],
                "Assign": {"standing": "{% $states.result %}"},
                "Output": "{% $states.input %}",
                "Next": "Publish",
            },
            "Publish": {
                "Type": "Task",
                "Resource": HTTP,
                "Arguments": call("publish", "POST"),
                "Output": "{% $states.input %}",
                "Next": "Emit",
            },
            "Emit": {
                "Type": "Task",
                "Resource": "arn:aws:states:::events:putEvents",
                "Arguments": {
                    "Entries": [
                        {
                            "Source": "leaderboard",
                            "DetailType": "ScoreSubmitted",
                            "Detail": {"standing": "{% $standing %}", "day": "{% $day %}"},
                        }
                    ]
                },
                "Output": {"score": "{% $standing[0].score %}", "rank": "{% $standing[1].rank %}"},
                "End": True,
            },
        },
    }


def start_http_server() -> str:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are separate writes

        def log_message(self, *args: Any) -> None:
            return None

        def _reply(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            body = b'{"value":"p","score":42.0,"rank":1}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _reply  # noqa: N815 - stdlib names

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def install_stock_side() -> None:
    """Stock moto plus the two things machine A needs to run at all (see module docstring)."""

    def naive(expression: str) -> Any:
        return jsonata.Jsonata(expression).evaluate(None)

    with patch_group(importlib.import_module(__name__), Kind.FEATURE):
        # Where moto 5.2.5 calls its stubbed JVM evaluator (it imported the name into each).
        for module in (moto_jsonata, string_expression, validations):
            replace_attribute(module, "eval_jsonata_expression", naive)
        set_item(default_user_config, "stepfunctions", {"execute_state_machine": True})
    with patch_group(sync_execution, Kind.FEATURE):
        sync_execution.install()


def measure(call: Callable[[], dict[str, Any]], iterations: int) -> dict[str, float]:
    for _ in range(5):  # warm-up: first-parse costs are not steady state
        call()
    latencies = []
    started = time.perf_counter()
    for _ in range(iterations):
        t0 = time.perf_counter()
        result = call()
        latencies.append((time.perf_counter() - t0) * 1000)
        if result["status"] != "SUCCEEDED":
            raise RuntimeError(f"execution failed: {result.get('error')} {result.get('cause')}")
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "per_s": iterations / elapsed,
    }


def concurrent_rate(
    make_call: Callable[[], Callable[[], dict[str, Any]]], callers: int, seconds: float
) -> float:
    done = [0] * callers
    stop = time.perf_counter() + seconds

    def worker(slot: int) -> None:
        call = make_call()
        while time.perf_counter() < stop:
            if call()["status"] == "SUCCEEDED":
                done[slot] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(callers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def run_side(side: str, iterations: int, concurrent_seconds: float) -> dict[str, Any]:
    server: AwsEndpoint | ThreadedMotoServer
    if side != "stock":
        moto_extensions.install(speed=side == "ours")
        server = AwsEndpoint(port=0)
        server.start()
        host, port = "127.0.0.1", server.port
    else:
        install_stock_side()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()

    def client(service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=f"http://{host}:{port}",
            region_name="us-east-1",
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
        )

    sfn = client("stepfunctions")

    def machine(name: str, definition: dict[str, Any]) -> str:
        arn: str = sfn.create_state_machine(
            name=name, definition=json.dumps(definition), roleArn=ROLE, type="EXPRESS"
        )["stateMachineArn"]
        return arn

    payload = json.dumps({"leaderboard": "mario-kart", "name": "p", "score": 42})

    def caller(arn: str, sfn_client: Any = sfn) -> Callable[[], dict[str, Any]]:
        return lambda: sfn_client.start_sync_execution(stateMachineArn=arn, input=payload)

    figures: dict[str, Any] = {
        "A": measure(
            caller(machine("a", seven_state_machine([_pass_branch(i) for i in range(4)]))),
            iterations,
        )
    }
    if side != "stock":
        base = start_http_server()
        connection = client("events").create_connection(
            Name="bench",
            AuthorizationType="API_KEY",
            AuthParameters={
                "ApiKeyAuthParameters": {"ApiKeyName": "Authorization", "ApiKeyValue": "bench-key"}
            },
        )["ConnectionArn"]
        figures["B"] = measure(
            caller(
                machine(
                    "b", seven_state_machine([_http_branch(i, base, connection) for i in range(4)])
                )
            ),
            iterations,
        )
        submit = machine("c", submit_score_machine(base, connection))
        figures["C"] = measure(caller(submit), iterations)
        figures["C8"] = concurrent_rate(
            lambda: caller(submit, client("stepfunctions")), 8, concurrent_seconds
        )
    server.stop()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--concurrent-seconds", type=float, default=5.0)
    parser.add_argument("--side", choices=SIDES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        print(json.dumps(run_side(args.side, args.iterations, args.concurrent_seconds)))
        return

    def side(name: str) -> dict[str, Any]:
        command = [
            sys.executable,
            "-m",
            "bench.stepfunctions_runtime",
            "--side",
            name,
            "--iterations",
            str(args.iterations),
            "--concurrent-seconds",
            str(args.concurrent_seconds),
        ]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        return figures

    stock, features, ours = side("stock"), side("features-only"), side("ours")
    print(
        "Step Functions runtime, StartSyncExecution over HTTP,"
        f" {args.iterations} sequential executions per machine"
    )
    print(f"{'machine':<52}{'p50 ms':>9}{'p99 ms':>9}{'exec/s':>9}")
    rows = [
        ("A 7-state JSONata, Parallel x4 Pass: stock", stock["A"]),
        ("A same machine: ours, feature patches only", features["A"]),
        ("A same machine: ours", ours["A"]),
        ("B 7-state JSONata, Parallel x4 HTTP: features only", features["B"]),
        ("B same machine: ours", ours["B"]),
        ("C submit-score (5 HTTP + putEvents): features only", features["C"]),
        ("C same machine: ours", ours["C"]),
    ]
    for label, row in rows:
        print(f"{label:<52}{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}{row['per_s']:>9.1f}")
    p50_ratio = stock["A"]["p50_ms"] / ours["A"]["p50_ms"]
    rate_ratio = ours["A"]["per_s"] / stock["A"]["per_s"]
    print(
        f"A ours vs stock: p50 {p50_ratio:.1f}x lower, {rate_ratio:.1f}x executions/s (target 4x)"
    )
    for machine in ("A", "B", "C"):
        slow, fast = features[machine], ours[machine]
        print(
            f"{machine} speed patches: p50 {slow['p50_ms'] / fast['p50_ms']:.1f}x lower,"
            f" {fast['per_s'] / slow['per_s']:.1f}x executions/s"
        )
    print(f"C p50 {ours['C']['p50_ms']:.1f} ms (target <= 20 ms)")
    print(
        f"C with 8 concurrent callers: {ours['C8']:.0f} executions/s (target >= 100);"
        f" feature patches only {features['C8']:.0f} ({ours['C8'] / features['C8']:.1f}x)"
    )


if __name__ == "__main__":
    main()
