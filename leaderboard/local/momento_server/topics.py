"""Topics: publish to `(cache, topic)` and subscribe with per-subscriber queues.

Sequence numbers start at 1 per topic and grow by one per message, as Momento's. A short
history per topic lets a subscriber resume from a sequence number it already saw (Momento's
`resume_at_topic_sequence_number`); older messages are gone, as they are in Momento.
A slow subscriber whose queue is full misses messages and sees a gap in sequence numbers
(Momento reports that as a discontinuity).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

MAX_TOPIC_NAME_LENGTH: Final = 255
HISTORY_LENGTH: Final = 256  # messages kept per topic for resuming subscribers
SUBSCRIBER_QUEUE_LENGTH: Final = 10_000


@dataclass(frozen=True, slots=True)
class TopicMessage:
    """One published message; `payload` is `str` when published as text, else `bytes`."""

    sequence_number: int
    payload: str | bytes


@dataclass(frozen=True, slots=True)
class Published:
    sequence_number: int


@dataclass(frozen=True, slots=True)
class TopicCacheNotFound:
    cache_name: str
    message: str = "Cache Not Found"


@dataclass(frozen=True, slots=True)
class TopicInvalidArgument:
    field: str
    problem: str

    @property
    def message(self) -> str:
        return f"{self.field}: {self.problem}"


class Subscription:
    """A subscriber's queue. `get` blocks up to `timeout` seconds; None means nothing arrived
    (or the subscription was closed). Close it when the subscriber goes away."""

    def __init__(self, hub: TopicHub, topic_id: tuple[str, str]) -> None:
        self._hub = hub
        self._topic_id = topic_id
        self._queue: queue.Queue[TopicMessage | None] = queue.Queue(SUBSCRIBER_QUEUE_LENGTH)
        self.closed = False

    def get(self, timeout: float | None = None) -> TopicMessage | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        """Detach from the topic and wake a blocked `get`."""
        if not self.closed:
            self.closed = True
            self._hub._detach(self._topic_id, self)
            self._offer(None)

    def _offer(self, message: TopicMessage | None) -> None:
        # When full, the subscriber misses this message and sees a sequence-number gap.
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(message)


@dataclass(slots=True)
class _Topic:
    last_sequence_number: int = 0
    history: deque[TopicMessage] = field(default_factory=lambda: deque(maxlen=HISTORY_LENGTH))
    subscribers: list[Subscription] = field(default_factory=list)


class TopicHub:
    """All topics of one server; `cache_exists` ties topics to the store's caches."""

    def __init__(self, cache_exists: Callable[[str], bool]) -> None:
        self._cache_exists = cache_exists
        self._lock = threading.Lock()
        self._topics: dict[tuple[str, str], _Topic] = {}

    def publish(
        self, cache_name: str, topic_name: str, payload: str | bytes
    ) -> Published | TopicCacheNotFound | TopicInvalidArgument:
        if problem := _check_topic_name(topic_name):
            return problem
        if not self._cache_exists(cache_name):
            return TopicCacheNotFound(cache_name)
        with self._lock:
            topic = self._topics.setdefault((cache_name, topic_name), _Topic())
            topic.last_sequence_number += 1
            message = TopicMessage(topic.last_sequence_number, payload)
            topic.history.append(message)
            for subscriber in topic.subscribers:
                subscriber._offer(message)
            return Published(message.sequence_number)

    def subscribe(
        self, cache_name: str, topic_name: str, resume_at_sequence_number: int = 0
    ) -> Subscription | TopicCacheNotFound | TopicInvalidArgument:
        """Subscribe; messages with a sequence number >= `resume_at_sequence_number` still in
        the history are queued first (0 = only new messages)."""
        if problem := _check_topic_name(topic_name):
            return problem
        if not self._cache_exists(cache_name):
            return TopicCacheNotFound(cache_name)
        with self._lock:
            topic_id = (cache_name, topic_name)
            topic = self._topics.setdefault(topic_id, _Topic())
            subscription = Subscription(self, topic_id)
            if resume_at_sequence_number > 0:
                for message in topic.history:
                    if message.sequence_number >= resume_at_sequence_number:
                        subscription._offer(message)
            topic.subscribers.append(subscription)
            return subscription

    def messages_since(
        self, cache_name: str, topic_name: str, sequence_number: int
    ) -> list[TopicMessage]:
        """Messages still in the history with a sequence number >= `sequence_number`."""
        with self._lock:
            topic = self._topics.get((cache_name, topic_name))
            if topic is None:
                return []
            return [m for m in topic.history if m.sequence_number >= sequence_number]

    def _detach(self, topic_id: tuple[str, str], subscription: Subscription) -> None:
        with self._lock:
            topic = self._topics.get(topic_id)
            if topic is not None and subscription in topic.subscribers:
                topic.subscribers.remove(subscription)


def _check_topic_name(topic_name: str) -> TopicInvalidArgument | None:
    if not topic_name:
        return TopicInvalidArgument("topic_name", "must not be empty")
    if len(topic_name) > MAX_TOPIC_NAME_LENGTH:
        return TopicInvalidArgument(
            "topic_name", f"must be at most {MAX_TOPIC_NAME_LENGTH} characters"
        )
    return None
