"""moto's SQS finds a queue's visible messages as a receive takes them, not all of them first.

moto's ``Queue.messages`` is a list of every visible, undelayed message: two clock reads per
queued message. ``ReceiveMessage`` builds it, takes the first ten and drops the rest, so
draining the local bus's queue cost a scan of the whole backlog per batch, and ``events``
after a long session took time proportional to the square of the events it printed.

``messages`` becomes the same messages in the same order, each found when iterated: a
receive asks only the messages up to the end of its batch (and those it skips, as moto's
loop does: in flight, delayed, or of a FIFO group in flight). Counting it still asks every
message, as ``ApproximateNumberOfMessages`` did; testing it for emptiness (moto's long
poll) stops at the first visible one.
"""

from collections.abc import Iterator

from moto.sqs.models import Message, Queue

from leaderboard.local.patching import replace_attribute


class VisibleMessages:
    """What moto's ``Queue.messages`` lists for ``queue``, found as iterated."""

    def __init__(self, queue: Queue) -> None:
        self._queue = queue

    def __iter__(self) -> Iterator[Message]:
        return (
            message for message in self._queue._messages if message.visible and not message.delayed
        )

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        # Without it, truth would be ``len``: a count of the whole queue.
        return next(iter(self), None) is not None


def install() -> None:
    """Make moto's ``Queue.messages`` the visible messages found as iterated."""
    replace_attribute(Queue, "messages", property(VisibleMessages))
