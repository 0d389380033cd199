"""Cost per million requests of each entry point and workflow, from published prices.

`python -m bench.costs` prints the table that docs/costs.md holds between its markers
(`tests/docs/test_costs.py` checks they are equal, so the page cannot drift from the prices
below). No network: every price is a named constant with its source and the date it was read;
every figure that is not a price is an assumption, named as one.
"""

import math
from dataclasses import dataclass
from typing import Final

READ_ON: Final = "2026-12-05"
REGION: Final = "us-east-1"

# --- Published prices (USD, us-east-1, first tier, read on READ_ON) ---
# https://aws.amazon.com/api-gateway/pricing/ : REST APIs, first 333 million calls a month.
API_GATEWAY_REST_PER_MILLION: Final = 3.50
# https://aws.amazon.com/step-functions/pricing/ : Express requests, and duration per GB-second
# (first 1,000 GB-hours a month), rounded up to 100 ms, memory billed in 64-MB chunks.
STEP_FUNCTIONS_EXPRESS_PER_MILLION: Final = 1.00
STEP_FUNCTIONS_EXPRESS_PER_GB_SECOND: Final = 0.00001667
STEP_FUNCTIONS_DURATION_STEP_MS: Final = 100
STEP_FUNCTIONS_MEMORY_CHUNK_GB: Final = 64 / 1024
# https://aws.amazon.com/eventbridge/pricing/ : custom events, each 64 KB chunk of an entry.
EVENTBRIDGE_CUSTOM_EVENT_PER_MILLION: Final = 1.00
# https://aws.amazon.com/lambda/pricing/ : requests, and Arm duration per GB-second (first 7.5
# billion GB-seconds a month), rounded up to 1 ms.
LAMBDA_PER_MILLION: Final = 0.20
LAMBDA_ARM_PER_GB_SECOND: Final = 0.0000133334
# https://aws.amazon.com/cloudwatch/pricing/ : logs ingestion per GB (standard class).
CLOUDWATCH_LOGS_INGEST_PER_GB: Final = 0.50
# https://aws.amazon.com/xray/pricing/ : traces recorded, per million (after 100,000 free).
XRAY_TRACES_PER_MILLION: Final = 5.00
# https://www.gomomento.com/pricing : pay as you go, per GB transferred (in and out), 5 GB
# free each month. Not found through the search tool on READ_ON: the figure is Momento's
# published list price as known to the author; check it before relying on it.
MOMENTO_PER_GB: Final = 0.50

# --- The stack's configuration (stacks/momento_bridge.py, stacks/workflow_state_machine.py) ---
BRIDGE_MEMORY_GB: Final = 256 / 1024  # Arm64, 256 MB
# Production logs ERROR without execution data: a successful run writes no log event.
# X-Ray tracing is on for every state machine.

# --- Assumptions (not measured on AWS; change them here and the page follows) ---
# One sequential Momento hop from a warm Express run: HTTP Task -> bridge -> Momento -> back.
ASSUMED_MS_PER_SEQUENTIAL_STEP: Final = 60
# A warm bridge invocation's billed duration (one gRPC call to Momento in the same region).
ASSUMED_BRIDGE_MS: Final = 10
# Bytes one Momento call moves, request and response together (keys, names, scores; a page of
# the default 20 entries is about this size too).
ASSUMED_MOMENTO_BYTES_PER_CALL: Final = 1024
# The default X-Ray sampling rule: one request a second, then 5%; at volume, about 5%.
ASSUMED_XRAY_SAMPLED_FRACTION: Final = 0.05
# One API Gateway access-log line.
ASSUMED_ACCESS_LOG_BYTES: Final = 300

_GB: Final = 1024**3
_MILLION: Final = 1_000_000


@dataclass(frozen=True)
class Workflow:
    """One row: a workflow (and mode or view) with its calls and the steps they run in."""

    name: str
    momento_calls: int  # docs/workflows.md
    bridge_calls: int  # the sorted-set calls among them (receipts and the topic publish skip it)
    sequential_steps: int  # Momento hops one after another, plus the outgoing event
    emits_event: bool  # submit-score puts one event on the stage's bus


WORKFLOWS: Final = (
    # PUT, 3 reads in parallel, topic publish (Momento's own /topics route), putEvents.
    Workflow("submit-score, replace", 5, 4, 4, True),
    Workflow("submit-score, increment", 5, 4, 4, True),
    # Receipt read, total before, increment, receipt write, 3 reads, publish, putEvents.
    Workflow("submit-score, increment with submissionId", 8, 5, 7, True),
    # Score read, PUT (or TTL refresh), 3 reads, publish, putEvents.
    Workflow("submit-score, best", 6, 5, 5, True),
    Workflow("get-standing", 2, 2, 1, False),
    Workflow("get-leaderboard, page by rank", 1, 1, 1, False),
    Workflow("get-leaderboard, top", 1, 1, 1, False),
    Workflow("get-leaderboard, me", 2, 2, 1, False),
    Workflow("get-leaderboard, around_me", 2, 2, 2, False),
    Workflow("get-leaderboard, top_and_around_me", 3, 3, 2, False),
    # One POST /scores for the names, ranked in JSONata.
    Workflow("get-leaderboard, group", 1, 1, 1, False),
)

ENTRY_POINTS: Final = ("AWS SDK", "events", "HTTP API")


def billed_express_ms(workflow: Workflow) -> int:
    """The run's duration as Step Functions bills it: rounded up to the next 100 ms."""
    raw = workflow.sequential_steps * ASSUMED_MS_PER_SEQUENTIAL_STEP
    return math.ceil(raw / STEP_FUNCTIONS_DURATION_STEP_MS) * STEP_FUNCTIONS_DURATION_STEP_MS


def workflow_costs(workflow: Workflow) -> dict[str, float]:
    """USD per million runs, per service, whatever started them."""
    express = STEP_FUNCTIONS_EXPRESS_PER_MILLION + (
        _MILLION
        * STEP_FUNCTIONS_MEMORY_CHUNK_GB
        * billed_express_ms(workflow)
        / 1000
        * STEP_FUNCTIONS_EXPRESS_PER_GB_SECOND
    )
    bridge = workflow.bridge_calls * (
        LAMBDA_PER_MILLION
        + _MILLION * BRIDGE_MEMORY_GB * ASSUMED_BRIDGE_MS / 1000 * LAMBDA_ARM_PER_GB_SECOND
    )
    momento = (
        workflow.momento_calls * _MILLION * ASSUMED_MOMENTO_BYTES_PER_CALL / _GB * MOMENTO_PER_GB
    )
    return {
        "Step Functions": express,
        "X-Ray": ASSUMED_XRAY_SAMPLED_FRACTION * XRAY_TRACES_PER_MILLION,
        "bridge Lambda": bridge,
        "Momento": momento,
        "event out": EVENTBRIDGE_CUSTOM_EVENT_PER_MILLION if workflow.emits_event else 0.0,
    }


def entry_cost(entry_point: str) -> float:
    """USD per million requests for the front door alone."""
    if entry_point == "HTTP API":
        access_logs = _MILLION * ASSUMED_ACCESS_LOG_BYTES / _GB * CLOUDWATCH_LOGS_INGEST_PER_GB
        return API_GATEWAY_REST_PER_MILLION + access_logs
    if entry_point == "events":
        return EVENTBRIDGE_CUSTOM_EVENT_PER_MILLION  # the ScoreReported event put on the bus
    return 0.0  # StartSyncExecution / StartExecution calls cost nothing beyond the run


def _applies(workflow: Workflow, entry_point: str) -> bool:
    # The events rule starts submit-score only.
    return entry_point != "events" or workflow.name.startswith("submit-score")


def table() -> str:
    """The markdown table of docs/costs.md: USD per million requests, per entry point."""
    lines = [
        "| workflow | Momento calls | bridge calls | billed run | "
        + " | ".join(ENTRY_POINTS)
        + " |",
        "|---|---:|---:|---:|" + "---:|" * len(ENTRY_POINTS),
    ]
    for workflow in WORKFLOWS:
        run = sum(workflow_costs(workflow).values())
        cells = [
            f"${run + entry_cost(entry):.2f}" if _applies(workflow, entry) else "n/a"
            for entry in ENTRY_POINTS
        ]
        lines.append(
            f"| {workflow.name} | {workflow.momento_calls} | {workflow.bridge_calls} | "
            f"{billed_express_ms(workflow)} ms | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines)


def breakdown() -> str:
    """The same runs, per service (USD per million runs, before the entry point)."""
    services = list(workflow_costs(WORKFLOWS[0]))
    lines = [
        "| workflow | " + " | ".join(services) + " | run |",
        "|---|" + "---:|" * (len(services) + 1),
    ]
    for workflow in WORKFLOWS:
        costs = workflow_costs(workflow)
        cells = [f"${costs[service]:.2f}" for service in services]
        total = sum(costs.values())
        lines.append(f"| {workflow.name} | " + " | ".join(cells) + f" | ${total:.2f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(f"USD per million requests, {REGION}, prices read on {READ_ON}\n")
    print(table())
    print()
    print(breakdown())
