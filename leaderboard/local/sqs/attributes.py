"""moto's SQS computes a queue attribute when it is read, not every attribute on every read.

moto's ``Queue.attributes`` builds all of a queue's attributes, among them the three
``ApproximateNumberOfMessages*`` counts, each a scan asking every message in the queue
whether it is visible or delayed. moto's ``SendMessage`` reads it for the one flag
``ContentBasedDeduplication``, so every event the local bus delivered scanned the whole
queue: delivery got slower with every event nobody had read yet (a long ``make up``
session that never runs ``events``). ``ReceiveMessage`` did the same for each message it
returned, to read ``MessageRetentionPeriod``.

``attributes`` becomes a read-only mapping with the same keys, order and values, each
computed when read: the counts still scan the queue, but only when asked for (a
``GetQueueAttributes`` naming them or ``All``), and then exactly as moto counts them.
"""

import json
from collections.abc import Iterator, Mapping
from typing import Any

from moto.core.utils import camelcase_to_underscores
from moto.sqs.models import Queue

from leaderboard.local.patching import replace_attribute

# Each attribute's Python name on moto's Queue, converted once instead of on every read.
_FIELDS = {
    name: camelcase_to_underscores(name)
    for name in (*Queue.BASE_ATTRIBUTES, *Queue.FIFO_ATTRIBUTES, *Queue.KMS_ATTRIBUTES)
}


class QueueAttributes(Mapping[str, Any]):
    """What moto's ``Queue.attributes`` returns for ``queue``, each value computed on read."""

    def __init__(self, queue: Queue) -> None:
        self._queue = queue
        # moto's keys: the base ones, the FIFO ones on FIFO queues, the KMS ones with a key.
        names = list(Queue.BASE_ATTRIBUTES)
        if queue.fifo_queue:
            names += Queue.FIFO_ATTRIBUTES
        if queue.kms_master_key_id:  # type: ignore[attr-defined]  # set by moto's setattr
            names += Queue.KMS_ATTRIBUTES
        self._names = names

    def __getitem__(self, name: str) -> Any:
        if name not in self._names:
            raise KeyError(name)
        value = getattr(self._queue, _FIELDS[name])
        if name == "RedrivePolicy" and value:
            return json.dumps(value)
        if isinstance(value, bool):
            return str(value).lower()
        return value

    def __contains__(self, name: object) -> bool:
        # Mapping's default would compute the value just to test the key.
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def install() -> None:
    """Make moto's ``Queue.attributes`` the mapping computed on read."""
    replace_attribute(Queue, "attributes", property(QueueAttributes))
