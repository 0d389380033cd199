"""moto tracks the SQS messages it makes weakly, so a drained message is freed.

Every moto model is appended, when made, to its class's ``instances_tracked`` list, which
only moto's dashboard reads, and which is emptied only when moto's state is reset. For
``Message`` that is every event the local bus ever delivered, and the copy of it each
``ReceiveMessage`` returned (moto deep-copies a message to answer): a long ``make up``
session kept about 2 KB per event after ``events`` had drained and deleted it.

A message is tracked in a weak, insertion-ordered collection instead: the dashboard still
lists every message that exists (queued, or a copy being answered), and one that nothing
else holds is freed. moto's reset swaps in a fresh list; the next message made swaps it back
for a fresh weak collection, so a reset still forgets every message tracked before it.
"""

from collections.abc import Iterator
from typing import Any
from weakref import WeakKeyDictionary

from moto.sqs.models import Message

from leaderboard.local.patching import replace_attribute


class LiveInstances:
    """moto's ``instances_tracked`` for one message class: the instances still alive."""

    def __init__(self) -> None:
        # A dict's keys keep insertion order; the values say nothing.
        self._instances: WeakKeyDictionary[Message, None] = WeakKeyDictionary()

    def append(self, instance: Message) -> None:
        self._instances[instance] = None

    def __iter__(self) -> Iterator[Message]:
        return iter(list(self._instances))

    def __len__(self) -> int:
        return len(self._instances)


def new_message(cls: type[Message], *args: Any, **kwargs: Any) -> Message:
    """moto's ``BaseModel.__new__`` for a message class, tracking the instance weakly."""
    instance = object.__new__(cls)
    # Each class has its own list (moto's metaclass); look only at this class's own.
    tracked = vars(cls).get("instances_tracked")
    if not isinstance(tracked, LiveInstances):
        tracked = LiveInstances()
        cls.instances_tracked = tracked  # type: ignore[attr-defined]  # moto's metaclass sets it
    tracked.append(instance)
    return instance


def install() -> None:
    """Make moto's ``Message`` (and its subclasses) track their instances weakly."""
    replace_attribute(Message, "__new__", staticmethod(new_message))
