"""A queue's attributes are computed when read: delivery never counts the queued messages,
and GetQueueAttributes still reports what moto reports."""

import json
from collections.abc import Callable
from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.sqs.models import Message, sqs_backends

REGION = "us-east-1"
COUNTS = [
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
]


class WatchedMessage(Message):
    """A moto message that counts how often the queue asks whether it is visible or delayed."""

    def __init__(self, message_id: str) -> None:
        super().__init__(message_id, "{}")
        self.questions = 0

    @property
    def visible(self) -> bool:
        self.questions += 1
        return super().visible

    @property
    def delayed(self) -> bool:
        self.questions += 1
        return super().delayed


def counts(sqs: Any, url: str) -> dict[str, int]:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=COUNTS)["Attributes"]
    return {name.removeprefix("ApproximateNumberOf"): int(attributes[name]) for name in COUNTS}


def test_counts_follow_sends_receives_deletes_and_delays(aws: Callable[[str], Any]) -> None:
    sqs = aws("sqs")
    url = sqs.create_queue(QueueName="attributes-counts")["QueueUrl"]
    for index in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{index}")
    assert counts(sqs, url) == {"Messages": 3, "MessagesNotVisible": 0, "MessagesDelayed": 0}

    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, VisibilityTimeout=60)
    first, second = (message["ReceiptHandle"] for message in received["Messages"])
    assert counts(sqs, url) == {"Messages": 1, "MessagesNotVisible": 2, "MessagesDelayed": 0}

    sqs.delete_message(QueueUrl=url, ReceiptHandle=first)
    assert counts(sqs, url) == {"Messages": 1, "MessagesNotVisible": 1, "MessagesDelayed": 0}

    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=second, VisibilityTimeout=0)
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)
    assert counts(sqs, url) == {"Messages": 2, "MessagesNotVisible": 0, "MessagesDelayed": 1}

    everything = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert [everything[name] for name in COUNTS] == ["2", "0", "1"]


def test_every_attribute_reads_as_moto_reports_it(aws: Callable[[str], Any]) -> None:
    sqs = aws("sqs")
    dead_letters = sqs.create_queue(
        QueueName="attributes-dead.fifo", Attributes={"FifoQueue": "true"}
    )["QueueUrl"]
    dead_letters_arn = f"arn:aws:sqs:{REGION}:{DEFAULT_ACCOUNT_ID}:attributes-dead.fifo"
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]})
    redrive = json.dumps({"deadLetterTargetArn": dead_letters_arn, "maxReceiveCount": 3})
    url = sqs.create_queue(
        QueueName="attributes-all.fifo",
        Attributes={
            "FifoQueue": "true",
            "ContentBasedDeduplication": "true",
            "KmsMasterKeyId": "alias/local",
            "RedrivePolicy": redrive,
            "Policy": policy,
        },
    )["QueueUrl"]
    # Content-based deduplication reads its flag from the attributes: one of two copies stays.
    for _ in range(2):
        sqs.send_message(QueueUrl=url, MessageBody="same", MessageGroupId="g")

    everything = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    del everything["CreatedTimestamp"], everything["LastModifiedTimestamp"]
    # moto 5.2.5's own answer, keys in its order (checked against moto without the extension).
    assert list(everything.items()) == [
        ("ApproximateNumberOfMessages", "1"),
        ("ApproximateNumberOfMessagesDelayed", "0"),
        ("ApproximateNumberOfMessagesNotVisible", "0"),
        ("DelaySeconds", "0"),
        ("MaximumMessageSize", "1048576"),
        ("MessageRetentionPeriod", "345600"),
        ("QueueArn", f"arn:aws:sqs:{REGION}:{DEFAULT_ACCOUNT_ID}:attributes-all.fifo"),
        ("Policy", policy),
        ("RedrivePolicy", redrive),
        ("ReceiveMessageWaitTimeSeconds", "0"),
        ("VisibilityTimeout", "30"),
        ("SqsManagedSseEnabled", "true"),
        ("ContentBasedDeduplication", "true"),
        ("DeduplicationScope", "queue"),
        ("FifoQueue", "true"),
        ("FifoThroughputLimit", "perQueue"),
        ("KmsDataKeyReusePeriodSeconds", "300"),
        ("KmsMasterKeyId", "alias/local"),
    ]
    # A named attribute the queue does not have, or has no value for, is left out.
    plain = sqs.get_queue_attributes(QueueUrl=dead_letters, AttributeNames=["Policy", "FifoQueue"])
    assert plain["Attributes"] == {"FifoQueue": "true"}


def test_delivering_events_never_asks_the_queued_messages(aws: Callable[[str], Any]) -> None:
    sqs, events = aws("sqs"), aws("events")
    url = sqs.create_queue(QueueName="attributes-bus-target")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    events.create_event_bus(Name="attributes-bus")
    events.put_rule(
        Name="attributes-all",
        EventBusName="attributes-bus",
        EventPattern=json.dumps({"account": [DEFAULT_ACCOUNT_ID]}),
    )
    events.put_targets(
        Rule="attributes-all",
        EventBusName="attributes-bus",
        Targets=[{"Id": "queue", "Arn": arn["QueueArn"]}],
    )
    queue = sqs_backends[DEFAULT_ACCOUNT_ID][REGION].queues["attributes-bus-target"]
    undrained = [WatchedMessage(f"undrained-{index}") for index in range(20)]
    for message in undrained:
        message.mark_sent()
        queue.add_message(message)

    for score in range(5):
        events.put_events(
            Entries=[
                {
                    "Source": "test",
                    "DetailType": "ScoreSubmitted",
                    "Detail": json.dumps({"score": score}),
                    "EventBusName": "attributes-bus",
                }
            ]
        )
    sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn", "VisibilityTimeout"])
    assert sum(message.questions for message in undrained) == 0

    # Asking for a count is what scans the queue, and it sees every delivered event.
    assert counts(sqs, url) == {"Messages": 25, "MessagesNotVisible": 0, "MessagesDelayed": 0}
    assert sum(message.questions for message in undrained) > 0
