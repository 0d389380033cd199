"""Draining a queue asks only the messages it takes: a receive stops at the end of its batch,
a delete finds its message by receipt handle. Either answers as moto 5.2.5 answers (each
test's outcomes were checked against moto without the two extensions)."""

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.sqs.models import Queue, sqs_backends

from tests.sqs.test_attributes import WatchedMessage, counts

REGION = "us-east-1"
RECEIVE_COUNT = "ApproximateReceiveCount"


class Bystander(WatchedMessage):
    """A queued message that also counts how often a delete asks whether it had a handle."""

    def had_receipt_handle(self, receipt_handle: str) -> bool:
        self.questions += 1
        return super().had_receipt_handle(receipt_handle)


def moto_queue(name: str) -> Queue:
    return sqs_backends[DEFAULT_ACCOUNT_ID][REGION].queues[name]


def queue_behind(sqs: Any, name: str, sent: int, bystanders: int) -> tuple[str, list[Bystander]]:
    """A queue holding ``sent`` sent messages, then ``bystanders`` undrained ones behind them."""
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    for index in range(sent):
        sqs.send_message(QueueUrl=url, MessageBody=f"front-{index}")
    behind = [Bystander(f"{name}-behind-{index}") for index in range(bystanders)]
    for message in behind:
        message.mark_sent()
        moto_queue(name).add_message(message)
    return url, behind


def receive(sqs: Any, url: str, **arguments: Any) -> list[dict[str, Any]]:
    response = sqs.receive_message(
        QueueUrl=url, MessageSystemAttributeNames=[RECEIVE_COUNT], **arguments
    )
    return list(response.get("Messages", []))


def error_code(call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as raised:
        call()
    return str(raised.value.response["Error"]["Code"])


def test_a_receive_asks_no_message_past_its_batch(aws: Callable[[str], Any]) -> None:
    sqs = aws("sqs")
    url, behind = queue_behind(sqs, "drain-receive-batch", sent=3, bystanders=50)

    taken = receive(sqs, url, MaxNumberOfMessages=3, VisibilityTimeout=60)
    assert [message["Body"] for message in taken] == ["front-0", "front-1", "front-2"]
    assert sum(message.questions for message in behind) == 0

    # The next receive passes the three in flight and takes from the fifty behind.
    assert len(receive(sqs, url, MaxNumberOfMessages=10, VisibilityTimeout=60)) == 10
    assert counts(sqs, url) == {"Messages": 40, "MessagesNotVisible": 13, "MessagesDelayed": 0}


def test_a_delete_asks_no_other_message(aws: Callable[[str], Any]) -> None:
    sqs = aws("sqs")
    url, behind = queue_behind(sqs, "drain-delete", sent=2, bystanders=50)
    taken = receive(sqs, url, MaxNumberOfMessages=2, VisibilityTimeout=60)
    asked_by_receive = sum(message.questions for message in behind)

    sqs.delete_message(QueueUrl=url, ReceiptHandle=taken[0]["ReceiptHandle"])
    batch = sqs.delete_message_batch(
        QueueUrl=url, Entries=[{"Id": "second", "ReceiptHandle": taken[1]["ReceiptHandle"]}]
    )
    assert [entry["Id"] for entry in batch["Successful"]] == ["second"]
    assert sum(message.questions for message in behind) == asked_by_receive
    assert counts(sqs, url) == {"Messages": 50, "MessagesNotVisible": 0, "MessagesDelayed": 0}


def test_current_and_stale_handles_both_delete(aws: Callable[[str], Any]) -> None:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="drain-stale")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="once")
    first = receive(sqs, url, VisibilityTimeout=60)[0]
    sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=0
    )
    again = receive(sqs, url, VisibilityTimeout=60)[0]
    assert again["MessageId"] == first["MessageId"]
    assert again["Attributes"][RECEIVE_COUNT] == "2"
    assert again["ReceiptHandle"] != first["ReceiptHandle"]

    # moto, unlike SQS, accepts any handle the message ever had: the stale one deletes it.
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    assert counts(sqs, url) == {"Messages": 0, "MessagesNotVisible": 0, "MessagesDelayed": 0}
    # Deleting again, by either handle, succeeds quietly.
    sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    assert receive(sqs, url) == []


def test_handles_never_handed_out_or_of_another_queue_are_invalid(
    aws: Callable[[str], Any],
) -> None:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="drain-invalid")["QueueUrl"]
    other = sqs.create_queue(QueueName="drain-invalid-other")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="kept")
    handle = receive(sqs, url, VisibilityTimeout=60)[0]["ReceiptHandle"]

    assert error_code(lambda: sqs.delete_message(QueueUrl=url, ReceiptHandle="nope")) == (
        "ReceiptHandleIsInvalid"
    )
    assert error_code(lambda: sqs.delete_message(QueueUrl=other, ReceiptHandle=handle)) == (
        "ReceiptHandleIsInvalid"
    )
    batch = sqs.delete_message_batch(
        QueueUrl=url,
        Entries=[{"Id": "bad", "ReceiptHandle": "nope"}, {"Id": "good", "ReceiptHandle": handle}],
    )
    assert [entry["Id"] for entry in batch["Successful"]] == ["good"]
    assert [entry["Code"] for entry in batch["Failed"]] == ["ReceiptHandleIsInvalid"]
    assert counts(sqs, url) == {"Messages": 0, "MessagesNotVisible": 0, "MessagesDelayed": 0}


def test_a_purged_message_handle_is_invalid(aws: Callable[[str], Any]) -> None:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="drain-purge")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="purged")
    handle = receive(sqs, url, VisibilityTimeout=60)[0]["ReceiptHandle"]
    sqs.purge_queue(QueueUrl=url)

    assert error_code(lambda: sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)) == (
        "ReceiptHandleIsInvalid"
    )
    sqs.send_message(QueueUrl=url, MessageBody="after")
    after = receive(sqs, url)
    assert [message["Body"] for message in after] == ["after"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=after[0]["ReceiptHandle"])
    assert counts(sqs, url) == {"Messages": 0, "MessagesNotVisible": 0, "MessagesDelayed": 0}


def test_a_message_comes_back_after_its_visibility_timeout(aws: Callable[[str], Any]) -> None:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="drain-timeout")["QueueUrl"]
    for body in ("first", "second"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    first = receive(sqs, url, VisibilityTimeout=1)[0]
    assert first["Body"] == "first"
    # In flight: the next receive passes it.
    assert [message["Body"] for message in receive(sqs, url, VisibilityTimeout=60)] == ["second"]
    assert receive(sqs, url) == []

    time.sleep(1.1)
    again = receive(sqs, url, VisibilityTimeout=60)
    assert [(message["Body"], message["Attributes"][RECEIVE_COUNT]) for message in again] == [
        ("first", "2")
    ]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=again[0]["ReceiptHandle"])
    assert counts(sqs, url) == {"Messages": 0, "MessagesNotVisible": 1, "MessagesDelayed": 0}


def test_fifo_groups_come_out_in_order_one_batch_in_flight_each(
    aws: Callable[[str], Any],
) -> None:
    sqs = aws("sqs")
    url = sqs.create_queue(
        QueueName="drain-order.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    for body, group in (("a1", "a"), ("a2", "a"), ("b1", "b"), ("a3", "a"), ("b2", "b")):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group)

    def bodies(taken: list[dict[str, Any]]) -> list[str]:
        return [message["Body"] for message in taken]

    first = receive(sqs, url, MaxNumberOfMessages=1, VisibilityTimeout=60)
    assert bodies(first) == ["a1"]
    # Group a is in flight, so only group b's messages come, in order.
    second = receive(sqs, url, MaxNumberOfMessages=10, VisibilityTimeout=60)
    assert bodies(second) == ["b1", "b2"]
    assert receive(sqs, url, MaxNumberOfMessages=10) == []
    for message in first + second:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert bodies(receive(sqs, url, MaxNumberOfMessages=10)) == ["a2", "a3"]


def test_a_redriven_message_is_deleted_from_its_dead_letter_queue(
    aws: Callable[[str], Any],
) -> None:
    sqs = aws("sqs")
    dead = sqs.create_queue(QueueName="drain-dead")["QueueUrl"]
    dead_arn = f"arn:aws:sqs:{REGION}:{DEFAULT_ACCOUNT_ID}:drain-dead"
    redrive = json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": 1})
    url = sqs.create_queue(QueueName="drain-live", Attributes={"RedrivePolicy": redrive})[
        "QueueUrl"
    ]
    sqs.send_message(QueueUrl=url, MessageBody="poison")
    handle = receive(sqs, url, VisibilityTimeout=60)[0]["ReceiptHandle"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    assert receive(sqs, url) == []  # received once already: it moves to the dead letters

    assert error_code(lambda: sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)) == (
        "ReceiptHandleIsInvalid"
    )
    redriven = receive(sqs, dead, VisibilityTimeout=60)
    assert [message["Body"] for message in redriven] == ["poison"]
    sqs.delete_message(QueueUrl=dead, ReceiptHandle=redriven[0]["ReceiptHandle"])
    assert counts(sqs, dead) == {"Messages": 0, "MessagesNotVisible": 0, "MessagesDelayed": 0}


def test_visible_messages_count_and_test_empty_as_moto_lists_them(
    aws: Callable[[str], Any],
) -> None:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="drain-visible")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="in flight")
    receive(sqs, url, VisibilityTimeout=60)
    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=60)
    queue = moto_queue("drain-visible")
    assert (bool(queue.messages), len(queue.messages), list(queue.messages)) == (False, 0, [])

    sqs.send_message(QueueUrl=url, MessageBody="ready")
    bodies = [message.body for message in queue.messages]
    assert (bool(queue.messages), len(queue.messages), bodies) == (True, 1, ["ready"])
    # A long poll (moto waits until the visible messages test non-empty) returns at once.
    assert [message["Body"] for message in receive(sqs, url, WaitTimeSeconds=5)] == ["ready"]
