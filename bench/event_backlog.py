"""CPU per event the local bus delivers and per event drained, as undrained events pile up.

    python -m bench.event_backlog [--events 1000] [--backlogs 0 1000 10000] [--rounds 3]

The local runtime's bus delivers every event to one SQS queue (a rule matching the account,
as ``LocalStack`` creates it) that only ``events`` and ``LocalStack.received_events`` drain,
so a session that never drains leaves a backlog. For each backlog of undrained events
(delivered through the bus beforehand), in moto's backends in-process with
``moto_extensions.install()``, as the runtime's in-process service clients call them:
- delivery: CPU per event ``PutEvents`` puts on the bus and the rule delivers to the queue;
- draining: CPU per message received (10 at a time, oldest first) and deleted, as
  ``events`` does;
each with its ratio to the backlog-0 figure. The target is that neither grows with the
backlog: at the largest backlog, at most 1.5 times the backlog-0 figure.

Each measurement runs in a fresh process (moto keeps every model it ever made, so one
backlog's leftovers would slow the next one's garbage collection), backlogs taking turns for
``--rounds`` rounds; each figure is the least of its rounds, CPU time
(``time.process_time``), not wall time: other load on the machine only ever adds to it.
Each timed phase starts from a full garbage collection: otherwise whether the one the setup
made due (about 0.1 s with a 10,000-event backlog) falls inside the 1,000 timed events or
just after them moved the delivery figure by half.
"""

import argparse
import gc
import json
import multiprocessing
import time
from dataclasses import dataclass
from typing import Any

import boto3
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.events.models import EventsBackend, events_backends
from moto.sqs.models import SQSBackend, sqs_backends

from leaderboard.local import moto_extensions

REGION = "us-east-1"
BUS = "bench-bus"
QUEUE = "bench-events"
BATCH = 10  # PutEvents entries per call, and messages per receive, at most
TARGET_RATIO = 1.5


@dataclass(frozen=True)
class Costs:
    """CPU microseconds per event delivered and per message received and deleted."""

    delivery_us: float
    drain_us: float


def event(index: int) -> dict[str, Any]:
    detail = {"leaderboard": "daily", "player": f"player-{index:07d}", "score": index % 1000}
    return {
        "Source": "leaderboard",
        "DetailType": "ScoreSubmitted",
        "Detail": json.dumps(detail),
        "EventBusName": BUS,
    }


def create_bus_to_queue() -> None:
    """The bus, the queue and the match-the-account rule between them, as ``LocalStack``."""
    sqs = boto3.client("sqs", region_name=REGION)
    events = boto3.client("events", region_name=REGION)
    url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    events.create_event_bus(Name=BUS)
    events.put_rule(
        Name="all", EventBusName=BUS, EventPattern=json.dumps({"account": [DEFAULT_ACCOUNT_ID]})
    )
    events.put_targets(
        Rule="all", EventBusName=BUS, Targets=[{"Id": "queue", "Arn": arn["QueueArn"]}]
    )


def deliver(bus: EventsBackend, entries: list[dict[str, Any]]) -> float:
    """Put each entry on the bus on its own, as a workflow's ``events:putEvents``: CPU s."""
    started = time.process_time()
    for entry in entries:
        bus.put_events([entry])
    return time.process_time() - started


def drain(sqs: SQSBackend, count: int) -> float:
    """Receive (oldest first, 10 at a time) and delete ``count`` messages, as ``events``: CPU s."""
    started = time.process_time()
    drained = 0
    while drained < count:
        messages = sqs.receive_message(QUEUE, min(BATCH, count - drained), 0, 30)
        for message in messages:
            sqs.delete_message(QUEUE, message.receipt_handle)  # type: ignore[arg-type]
        drained += len(messages)
    return time.process_time() - started


def measure(backlog: int, count: int) -> Costs:
    """Deliver ``backlog`` events, then time ``count`` more delivered and ``count`` drained."""
    moto_extensions.install()
    with mock_aws():
        create_bus_to_queue()
        bus = events_backends[DEFAULT_ACCOUNT_ID][REGION]
        sqs = sqs_backends[DEFAULT_ACCOUNT_ID][REGION]
        # Every path once (lazy imports, moto's first-call caches) before anything is timed.
        deliver(bus, [event(i) for i in range(BATCH)])
        drain(sqs, BATCH)
        for start in range(0, backlog, BATCH):
            bus.put_events([event(i) for i in range(start, min(start + BATCH, backlog))])
        entries = [event(backlog + i) for i in range(count)]
        gc.collect()
        delivery = deliver(bus, entries)
        gc.collect()
        draining = drain(sqs, count)
        left = len(sqs.get_queue(QUEUE)._messages)
        assert left == backlog, f"{left} messages left, expected {backlog}"
        return Costs(delivery / count * 1e6, draining / count * 1e6)


def least(rounds: list[Costs]) -> Costs:
    return Costs(min(c.delivery_us for c in rounds), min(c.drain_us for c in rounds))


def run(backlogs: list[int], count: int, rounds: int) -> None:
    print(f"{count} events delivered and {count} drained per backlog; CPU us, least of {rounds}")
    header = ("undrained events", "per delivery", "ratio", "per drained", "ratio")
    print("{:>16} {:>14} {:>7} {:>13} {:>7}".format(*header))
    measured: dict[int, list[Costs]] = {backlog: [] for backlog in backlogs}
    spawn = multiprocessing.get_context("spawn")
    for _ in range(rounds):
        for backlog in backlogs:
            with spawn.Pool(1) as pool:
                measured[backlog].append(pool.apply(measure, (backlog, count)))
    costs = {backlog: least(each) for backlog, each in measured.items()}
    base = costs[backlogs[0]]
    for backlog, cost in costs.items():
        print(
            f"{backlog:>16,} {cost.delivery_us:>14.1f} {cost.delivery_us / base.delivery_us:>6.2f}x"
            f" {cost.drain_us:>13.1f} {cost.drain_us / base.drain_us:>6.2f}x"
        )
    largest = costs[backlogs[-1]]
    for figure, ratio in (
        ("delivery", largest.delivery_us / base.delivery_us),
        ("drain", largest.drain_us / base.drain_us),
    ):
        verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
        print(
            f"{figure} at {backlogs[-1]:,} / at {backlogs[0]:,}: {ratio:.2f}x"
            f" (target <= {TARGET_RATIO}x) {verdict}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.event_backlog")
    parser.add_argument("--events", type=int, default=1000, help="delivered and drained")
    parser.add_argument("--backlogs", type=int, nargs="+", default=[0, 1000, 10_000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    run(sorted(args.backlogs), args.events, args.rounds)


if __name__ == "__main__":
    main()
