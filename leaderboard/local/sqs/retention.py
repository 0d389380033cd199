"""moto's SQS drops a message once it has outlived its queue's retention period, as SQS does.

SQS deletes a message that has been in its queue for longer than the queue's
``MessageRetentionPeriod`` (four days unless set). moto keeps every message until it is
deleted or purged. It checks the period only in ``ReceiveMessage``, after marking the
message received, and then ends the receive: each receive put one expired message in flight
and returned nothing, and the message stayed in the queue for good. So a session that never
ran ``events`` kept every event the bus ever delivered.

A queue's message list (``Queue._messages``, which every moto operation on it reads) now
drops the messages that have outlived the period whenever it is read: no delivery, receive,
count or delete sees one, and they are freed without anyone draining the queue. A dropped
message leaves the in-flight set and counts as deleted ("SQS automatically deletes it"):
deleting it by a handle it was received with answers quietly, as for any deleted message.

Messages are kept in the order they arrived, so the expired ones are the front of the list.
A message moved to a dead-letter queue keeps the time it was first sent (as on SQS), so it
may sit behind younger ones there; it is dropped when it reaches the front. Time is the clock
moto's SQS reads for its messages (``clock.sqs_now_millis``).
"""

from moto.sqs.models import Message, Queue

from leaderboard.local.patching import add_attribute
from leaderboard.local.sqs.clock import sqs_now_millis
from leaderboard.local.sqs.receipts import record_deleted

# Where a queue's list is kept, in the queue's ``__dict__``, behind the ``_messages`` property.
_KEPT = "_retained_messages"


def _expired(queue: Queue, message: Message, now: float) -> bool:
    # moto's own test (``is_message_valid_based_on_retention_period``), in milliseconds.
    retention_ms = queue.message_retention_period * 1000  # type: ignore[attr-defined]
    return bool(message.sent_timestamp + retention_ms <= now)


def retained_messages(queue: Queue) -> list[Message]:
    """The queue's messages, those that outlived the retention period dropped first."""
    messages: list[Message] = vars(queue)[_KEPT]
    now = sqs_now_millis()
    if not messages or not _expired(queue, messages[0], now):
        return messages
    # Under the lock moto's delivery appends under, so no message is appended to a list
    # being replaced. A new list, as moto's delete makes: a receive may be walking the old one.
    with queue._messages_lock:
        messages = vars(queue)[_KEPT]
        kept = next(
            (index for index, message in enumerate(messages) if not _expired(queue, message, now)),
            len(messages),
        )
        for message in messages[:kept]:
            record_deleted(queue, message)
        messages = messages[kept:]
        vars(queue)[_KEPT] = messages
    return messages


def set_messages(queue: Queue, messages: list[Message]) -> None:
    """moto replaces the list (create, delete, purge): keep the one it set."""
    vars(queue)[_KEPT] = messages


def install() -> None:
    """Make every queue's message list drop the messages that outlived its retention."""
    add_attribute(Queue, "_messages", property(retained_messages, set_messages))
