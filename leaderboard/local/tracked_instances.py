"""moto tracks the SQS messages and S3 objects it makes weakly, so a deleted one is freed.

Every moto model is appended, when made, to its class's ``instances_tracked`` list, which
only moto's dashboard reads, and which is emptied only when moto's state is reset. For
``Message`` that is every event the local bus ever delivered, and the copy of it each
``ReceiveMessage`` returned (moto deep-copies a message to answer): a long ``make up``
session kept about 2 KB per event after ``events`` had drained and deleted it. For
``FakeKey`` it is every archive part ever written, deleted or not; once a stack that wrote
archives has stopped (its bucket deleted), a kept key cannot describe itself and the
dashboard (``/moto-api/data.json``) answers 500.

An instance is tracked in a weak, insertion-ordered collection instead: the dashboard still
lists every message and object that exists, and one that nothing else holds is freed. moto's
reset swaps in a fresh list; the next instance made swaps it back for a fresh weak
collection, so a reset still forgets every instance tracked before it.
"""

from collections.abc import Iterator
from typing import Any, Final
from weakref import WeakKeyDictionary

from moto.s3.models import FakeKey
from moto.sqs.models import Message

from leaderboard.local.patching import replace_attribute

# The models a long session makes without bound (one per event, one per archive part).
WEAKLY_TRACKED: Final = (Message, FakeKey)


class LiveInstances:
    """moto's ``instances_tracked`` for one model class: the instances still alive."""

    def __init__(self) -> None:
        # A dict's keys keep insertion order; the values say nothing.
        self._instances: WeakKeyDictionary[object, None] = WeakKeyDictionary()

    def append(self, instance: object) -> None:
        self._instances[instance] = None

    def __iter__(self) -> Iterator[object]:
        return iter(list(self._instances))

    def __len__(self) -> int:
        return len(self._instances)


def new_tracked(cls: type, *args: Any, **kwargs: Any) -> object:
    """moto's ``BaseModel.__new__`` for a weakly tracked class, tracking the instance weakly."""
    instance: object = object.__new__(cls)
    # Each class has its own list (moto's metaclass); look only at this class's own.
    tracked = vars(cls).get("instances_tracked")
    if not isinstance(tracked, LiveInstances):
        tracked = LiveInstances()
        cls.instances_tracked = tracked  # type: ignore[attr-defined]  # moto's metaclass sets it
    tracked.append(instance)
    return instance


def install() -> None:
    """Make each of ``WEAKLY_TRACKED`` (and its subclasses) track its instances weakly."""
    for model in WEAKLY_TRACKED:
        replace_attribute(model, "__new__", staticmethod(new_tracked))
