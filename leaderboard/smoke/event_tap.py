"""A temporary rule and queue on a stage's bus that catch the events of one board.

A deployed stage's bus has no consumer the smoke test could read, so it adds its own for the
run: a rule matching `detail.leaderboard` of the throwaway board, delivering to a queue that
only that rule may send to, both removed on exit. A new rule takes effect after a delay on
AWS, so the tap is ready only once a probe event it sent itself has come through.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Final, Self

from leaderboard.smoke.errors import SmokeCheckError

PROBE_SOURCE: Final = "leaderboard.smoke"
PROBE_DETAIL_TYPE: Final = "SmokeProbe"
# How often an unanswered probe is sent again while the rule is not yet in effect.
_PROBE_RESEND_SECONDS: Final = 5.0
_RECEIVE_WAIT_SECONDS: Final = 1
_TARGET_ID: Final = "smoke"


class EventTap:
    """`with EventTap(...) as tap:` the board's events arrive in `tap.wait_for(...)`."""

    def __init__(
        self,
        clients: Callable[[str], Any],
        *,
        bus_name: str,
        board: str,
        name: str,
        wait_seconds: float,
    ) -> None:
        self._events = clients("events")
        self._sqs = clients("sqs")
        self._bus = bus_name
        self._board = board
        self._name = name  # the rule's and the queue's
        self._wait_seconds = wait_seconds
        self._queue_url: str | None = None
        self._rule_created = False
        self._target_added = False
        self.received: list[dict[str, Any]] = []

    def __enter__(self) -> Self:
        try:
            self._create()
            self._await_probe()
        except BaseException:
            self._remove()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._remove()

    def wait_for(self, wanted: Callable[[list[dict[str, Any]]], bool], what: str) -> None:
        """Receives until `wanted(received events)` holds; SmokeCheckError naming `what` if not."""
        deadline = time.monotonic() + self._wait_seconds
        while not wanted(self.received):
            if time.monotonic() > deadline:
                raise SmokeCheckError(
                    f"events: {what} not received within {self._wait_seconds:g} s "
                    f"(received: {[event['detail-type'] for event in self.received]})"
                )
            self.received.extend(
                event for event in self._receive() if event["source"] != PROBE_SOURCE
            )

    def _create(self) -> None:
        self._queue_url = self._sqs.create_queue(QueueName=self._name)["QueueUrl"]
        queue_arn = self._sqs.get_queue_attributes(
            QueueUrl=self._queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        rule_arn = self._events.put_rule(
            Name=self._name,
            EventBusName=self._bus,
            EventPattern=json.dumps({"detail": {"leaderboard": [self._board]}}),
            Description="leaderboard smoke test: removed when the run ends",
        )["RuleArn"]
        self._rule_created = True
        self._sqs.set_queue_attributes(
            QueueUrl=self._queue_url,
            Attributes={"Policy": json.dumps(_queue_policy(queue_arn, rule_arn))},
        )
        self._events.put_targets(
            Rule=self._name,
            EventBusName=self._bus,
            Targets=[{"Id": _TARGET_ID, "Arn": queue_arn}],
        )
        self._target_added = True

    def _await_probe(self) -> None:
        deadline = time.monotonic() + self._wait_seconds
        while True:
            self._send_probe()
            resend_at = time.monotonic() + _PROBE_RESEND_SECONDS
            while time.monotonic() < resend_at:
                if any(event["source"] == PROBE_SOURCE for event in self._receive()):
                    return
                if time.monotonic() > deadline:
                    raise SmokeCheckError(
                        f"events: the rule {self._name} on {self._bus} delivered no probe "
                        f"within {self._wait_seconds:g} s"
                    )

    def _send_probe(self) -> None:
        self._events.put_events(
            Entries=[
                {
                    "EventBusName": self._bus,
                    "Source": PROBE_SOURCE,
                    "DetailType": PROBE_DETAIL_TYPE,
                    "Detail": json.dumps({"leaderboard": self._board}),
                }
            ]
        )

    def _receive(self) -> list[dict[str, Any]]:
        messages = self._sqs.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=_RECEIVE_WAIT_SECONDS,
        ).get("Messages", [])
        for message in messages:
            self._sqs.delete_message(
                QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"]
            )
        return [json.loads(message["Body"]) for message in messages]

    def _remove(self) -> None:
        if self._target_added:
            self._events.remove_targets(Rule=self._name, EventBusName=self._bus, Ids=[_TARGET_ID])
            self._target_added = False
        if self._rule_created:
            self._events.delete_rule(Name=self._name, EventBusName=self._bus)
            self._rule_created = False
        if self._queue_url is not None:
            self._sqs.delete_queue(QueueUrl=self._queue_url)
            self._queue_url = None


def _queue_policy(queue_arn: str, rule_arn: str) -> dict[str, Any]:
    """Only the tap's own rule may send to the queue."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
            }
        ],
    }
