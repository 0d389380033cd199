"""Topics: publish to `(cache, topic)` and subscribe with per-subscriber queues.

Sequence numbers start at 1 per topic and grow by one per message, as Momento's; each topic
also has a sequence page, fixed when the topic is first used, that a resuming subscriber
sends back so a reset topic is told apart from the one it knew. A short history per topic
serves Momento's resume rules (`SubscriptionRequest` in Momento's protos):
- no resume point (0): the subscription begins with the latest message, then new ones;
- a resume point still in the history (and the topic's page, or none): replay from there;
- a resume point older than the history: a discontinuity, then the whole history;
- an unknown resume point (another page, or past the newest message): a discontinuity naming
  the topic's page, then the latest message, as with no resume point.
A slow subscriber whose queue is full misses messages and sees a gap in sequence numbers
(Momento reports that as a discontinuity).
"""

from __future__ import annotations

import secrets
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
    sequence_page: int


@dataclass(frozen=True, slots=True)
class TopicGap:
    """Messages a subscriber will not see: after `last_sequence_number` (0 = unknown) the
    stream resumes at `new_sequence_number` on page `sequence_page`."""

    last_sequence_number: int
    new_sequence_number: int
    sequence_page: int


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
    """A subscriber's queue, read from a thread (`get`) or an event loop (`poll` after the
    `on_ready` callback fired). `initial_gap` is set when the resume point was not served
    as asked. Close it when the subscriber goes away."""

    def __init__(
        self,
        hub: TopicHub,
        topic_id: tuple[str, str],
        on_ready: Callable[[], None] | None = None,
    ) -> None:
        self._hub = hub
        self._topic_id = topic_id
        self._on_ready = on_ready
        self._ready = threading.Condition()
        self._messages: deque[TopicMessage] = deque()
        self.initial_gap: TopicGap | None = None
        self.closed = False

    def poll(self) -> TopicMessage | None:
        """The next queued message, or None at once when there is none."""
        with self._ready:
            return self._messages.popleft() if self._messages else None

    def get(self, timeout: float | None = None) -> TopicMessage | None:
        """The next message, waiting up to `timeout` seconds; None when nothing arrived or
        the subscription was closed."""
        with self._ready:
            self._ready.wait_for(lambda: self._messages or self.closed, timeout)
            return self._messages.popleft() if self._messages else None

    def close(self) -> None:
        """Detach from the topic and wake a blocked reader."""
        if self.closed:
            return
        self._hub._detach(self._topic_id, self)
        with self._ready:
            self.closed = True
            self._ready.notify_all()
        if self._on_ready is not None:
            self._on_ready()

    def _offer(self, message: TopicMessage) -> None:
        with self._ready:
            if self.closed or len(self._messages) >= SUBSCRIBER_QUEUE_LENGTH:
                # When full, the subscriber misses this message and sees a sequence gap.
                return
            self._messages.append(message)
            self._ready.notify()
        if self._on_ready is not None:
            self._on_ready()


@dataclass(slots=True)
class _Topic:
    # Random like Momento's, so a page from another run (or topic) is not mistaken for this one.
    sequence_page: int = field(default_factory=lambda: secrets.randbelow(2**31) + 1)
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
            message = TopicMessage(topic.last_sequence_number, payload, topic.sequence_page)
            topic.history.append(message)
            for subscriber in topic.subscribers:
                subscriber._offer(message)
            return Published(message.sequence_number)

    def subscribe(
        self,
        cache_name: str,
        topic_name: str,
        resume_at_sequence_number: int = 0,
        sequence_page: int = 0,
        on_ready: Callable[[], None] | None = None,
    ) -> Subscription | TopicCacheNotFound | TopicInvalidArgument:
        """Subscribe, with the history queued first by the module's resume rules.

        `on_ready` is called (from the publisher's thread) whenever a message is queued or
        the subscription closes, so an event loop can wait without a thread.
        """
        if problem := _check_topic_name(topic_name):
            return problem
        if not self._cache_exists(cache_name):
            return TopicCacheNotFound(cache_name)
        with self._lock:
            topic_id = (cache_name, topic_name)
            topic = self._topics.setdefault(topic_id, _Topic())
            subscription = Subscription(self, topic_id, on_ready)
            for message in _replay(topic, resume_at_sequence_number, sequence_page, subscription):
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


def _replay(
    topic: _Topic, resume_at: int, sequence_page: int, subscription: Subscription
) -> list[TopicMessage]:
    """The history a new subscription starts with; sets its `initial_gap` when the resume
    point cannot be served as asked."""
    history = list(topic.history)
    latest = history[-1:]
    if resume_at == 0:
        return latest
    next_sequence_number = topic.last_sequence_number + 1
    known_page = sequence_page in (0, topic.sequence_page)
    if not known_page or resume_at > next_sequence_number:
        subscription.initial_gap = TopicGap(0, next_sequence_number, topic.sequence_page)
        return latest
    oldest = history[0].sequence_number if history else next_sequence_number
    if resume_at < oldest:
        subscription.initial_gap = TopicGap(resume_at - 1, oldest, topic.sequence_page)
        return history
    return [message for message in history if message.sequence_number >= resume_at]
