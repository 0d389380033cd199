"""A queue's state stays bounded: a drained message is freed, a deleted message's handles are
forgotten one retention period after the delete, and a message that outlived the queue's
retention period is dropped. Time moves through the clock moto's SQS reads, not by sleeping."""

import gc
import json
import urllib.request
import weakref
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from moto.sqs import models as sqs_models
from moto.sqs.models import Message

from tests.sqs.test_attributes import counts
from tests.sqs.test_drain import error_code, moto_queue, receive

RETENTION = {"MessageRetentionPeriod": "60"}


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Moves moto's SQS clock to ``seconds`` from real time (for the rest of the test)."""
    real = sqs_models.unix_time_millis  # type: ignore[attr-defined]

    def move(seconds: float) -> None:
        monkeypatch.setattr(sqs_models, "unix_time_millis", lambda: real() + seconds * 1000)

    return move


def drain(sqs: Any, url: str) -> list[str]:
    """Receive and delete every visible message, as ``events`` does: the handles deleted."""
    handles: list[str] = []
    while taken := receive(sqs, url, MaxNumberOfMessages=10):
        for message in taken:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            handles.append(message["ReceiptHandle"])
    return handles


def tracked_bodies(prefix: str) -> list[str]:
    gc.collect()
    tracked: Iterable[Message] = Message.instances_tracked  # type: ignore[attr-defined]  # moto's metaclass sets it
    return [message.body for message in tracked if message.body.startswith(prefix)]


def test_a_drained_message_is_freed_and_a_queued_one_still_listed(
    aws: Callable[[str], Any], endpoint_url: str
) -> None:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="growth-freed")["QueueUrl"]
    for index in range(20):
        sqs.send_message(QueueUrl=url, MessageBody=f"growth-drained-{index}")
    assert len(drain(sqs, url)) == 20
    sqs.send_message(QueueUrl=url, MessageBody="growth-queued")

    # Neither the messages nor the copies each receive answered with are kept.
    assert tracked_bodies("growth-") == ["growth-queued"]
    with urllib.request.urlopen(f"{endpoint_url}/moto-api/data.json") as response:
        dashboard = json.load(response)
    bodies = [message["body"] for message in dashboard["sqs"]["Message"]]
    assert [body for body in bodies if body.startswith("growth-")] == ["growth-queued"]


def test_tracking_stays_weak_after_moto_resets_it(
    aws: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Message, "instances_tracked", [])  # what moto's reset_model_data does
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="growth-reset")["QueueUrl"]
    for index in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=f"growth-reset-{index}")
    assert len(drain(sqs, url)) == 5
    assert tracked_bodies("growth-reset-") == []


def test_deleted_handles_stay_bounded_over_many_drains(
    aws: Callable[[str], Any], later: Callable[[float], None]
) -> None:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="growth-deleted-cycles", Attributes=RETENTION)["QueueUrl"]
    queue = moto_queue("growth-deleted-cycles")
    for cycle in range(6):
        later(cycle * 61)  # each drain a retention period after the one before
        for index in range(10):
            sqs.send_message(QueueUrl=url, MessageBody=f"{cycle}-{index}")
        assert len(drain(sqs, url)) == 10
        # This drain's ten handles (and the None moto adds with each): the last drain's are gone.
        assert len(queue.deleted_messages) == 11


def test_a_deleted_handle_deletes_quietly_for_one_retention_period(
    aws: Callable[[str], Any], later: Callable[[float], None]
) -> None:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="growth-deleted-again", Attributes=RETENTION)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="once")
    [handle] = drain(sqs, url)

    later(50)  # within the period: as moto answers, a repeated delete succeeds quietly
    sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
    later(70)  # past it: the queue no longer knows the handle, as for a purged message
    assert error_code(lambda: sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)) == (
        "ReceiptHandleIsInvalid"
    )


def test_a_message_past_retention_is_neither_received_nor_counted(
    aws: Callable[[str], Any], later: Callable[[float], None]
) -> None:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="growth-retention", Attributes=RETENTION)["QueueUrl"]
    for body in ("old-1", "old-2"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    later(30)
    sqs.send_message(QueueUrl=url, MessageBody="young")
    later(65)  # the old ones are past 60 s, the young one is 35 s old

    # moto 5.2.5 would put one old message in flight per receive and return nothing.
    taken = receive(sqs, url, MaxNumberOfMessages=10, VisibilityTimeout=60)
    assert [message["Body"] for message in taken] == ["young"]
    assert counts(sqs, url) == {"Messages": 0, "MessagesNotVisible": 1, "MessagesDelayed": 0}
    assert [message.body for message in moto_queue("growth-retention")._messages] == ["young"]


def test_a_message_in_flight_past_retention_counts_as_deleted(
    aws: Callable[[str], Any], later: Callable[[float], None]
) -> None:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="growth-in-flight", Attributes=RETENTION)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="slow")
    [taken] = receive(sqs, url, VisibilityTimeout=600)

    later(61)
    assert counts(sqs, url) == {"Messages": 0, "MessagesNotVisible": 0, "MessagesDelayed": 0}
    assert moto_queue("growth-in-flight").pending_messages == set()
    # SQS deleted it: deleting it by the handle it was received with succeeds quietly.
    sqs.delete_message(QueueUrl=url, ReceiptHandle=taken["ReceiptHandle"])


def test_undrained_messages_are_freed_by_the_next_delivery(
    aws: Callable[[str], Any], later: Callable[[float], None]
) -> None:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="growth-undrained", Attributes=RETENTION)["QueueUrl"]
    for index in range(50):
        sqs.send_message(QueueUrl=url, MessageBody=f"undrained-{index}")
    undrained = [weakref.ref(message) for message in moto_queue("growth-undrained")._messages]
    assert len(undrained) == 50

    later(61)
    sqs.send_message(QueueUrl=url, MessageBody="fresh")  # nobody drains: delivery drops them
    gc.collect()
    assert [ref() for ref in undrained] == [None] * 50
