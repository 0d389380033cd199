"""moto's SQS remembers a deleted message's receipt handles for one retention period, not forever.

moto's ``Queue.deleted_messages`` is a set of every receipt handle of every message the
queue ever deleted (185 letters each), kept so that deleting again answers quietly instead
of ``ReceiptHandleIsInvalid``. It is never emptied: a session whose events ``events``
drains still grew by about 340 bytes per event.

Each handle is now remembered for the queue's ``MessageRetentionPeriod`` after its delete,
then forgotten. Within that period a repeated delete answers exactly as moto's does (quietly);
after it, the handle answers as one of a message the queue no longer has
(``ReceiptHandleIsInvalid``, as moto answers for a purged message). SQS itself refuses old
handles sooner ("The receipt handle has expired", at most 12 hours after the receive), and
after the retention period the queue keeps no trace of a message it did not delete either.
So the memory holds at most one retention period of deletes: an hour's on the local events
queue. Time is the clock moto's SQS reads for its messages (``clock.sqs_now_millis``).
"""

from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from moto.sqs.models import Queue

from leaderboard.local.patching import replace_attribute
from leaderboard.local.sqs.clock import sqs_now_millis

_moto_init = Queue.__init__


class DeletedHandles:
    """moto's ``Queue.deleted_messages`` for ``queue``: handles deleted within its retention."""

    def __init__(self, queue: Queue) -> None:
        self._queue = queue
        # Handle -> milliseconds when it is forgotten, oldest first (an OrderedDict: dropping
        # from the front of a plain dict slows every later look at its first key).
        self._until: OrderedDict[str | None, float] = OrderedDict()

    def __contains__(self, handle: object) -> bool:
        until = self._until.get(handle)  # type: ignore[call-overload]  # any key may be asked
        return until is not None and sqs_now_millis() < until

    def __len__(self) -> int:
        """Handles held: those forgotten at the next delete still count until then."""
        return len(self._until)

    def update(self, handles: Iterable[str | None]) -> None:
        """Remember ``handles`` (moto adds all a deleted message had) from now on."""
        now = sqs_now_millis()
        while self._until and next(iter(self._until.values())) <= now:
            self._until.popitem(last=False)
        until = now + self._queue.message_retention_period * 1000  # type: ignore[attr-defined]
        for handle in handles:
            self._until[handle] = until
            self._until.move_to_end(handle)


def init(queue: Queue, name: str, region: str, account_id: str, **kwargs: Any) -> None:
    """moto's ``Queue.__init__``, then the bounded memory of deleted handles."""
    _moto_init(queue, name, region, account_id, **kwargs)
    queue.deleted_messages = DeletedHandles(queue)  # type: ignore[assignment]  # moto's set's API


def install() -> None:
    """Give every queue made from now on the bounded memory of deleted handles."""
    replace_attribute(Queue, "__init__", init)
