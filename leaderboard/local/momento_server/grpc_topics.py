"""Topics over gRPC (`cache_client.pubsub.Pubsub`): Publish and the Subscribe stream.

A subscription stream starts with a heartbeat (the SDK waits for it to know the subscription
is live), then carries each published item, a heartbeat whenever the topic is quiet, and a
discontinuity when the subscriber fell behind and missed sequence numbers. Each open stream
holds one worker thread, which is why the door's pool is sized for subscribers too.
"""

# ruff: noqa: N802 - handler names are the gRPC method names the wire protocol fixes

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import grpc
from momento_wire_types import cachepubsub_pb2 as pubsub_pb
from momento_wire_types import cachepubsub_pb2_grpc as pubsub_grpc
from momento_wire_types import common_pb2

from leaderboard.local.momento_server.grpc_status import failure_of, invalid_argument
from leaderboard.local.momento_server.store import Store
from leaderboard.local.momento_server.topics import Published, Subscription, TopicMessage

HEARTBEAT_SECONDS: Final = 2.0  # also how often a quiet stream notices its caller left

_TOPIC_FIELDS: Final = {"topic_name": "topic"}
_HEARTBEAT: Final = pubsub_pb._SubscriptionItem(heartbeat=pubsub_pb._Heartbeat())


def _item_of(message: TopicMessage) -> pubsub_pb._SubscriptionItem:
    if isinstance(message.payload, str):
        value = pubsub_pb._TopicValue(text=message.payload)
    else:
        value = pubsub_pb._TopicValue(binary=message.payload)
    item = pubsub_pb._TopicItem(topic_sequence_number=message.sequence_number, value=value)
    return pubsub_pb._SubscriptionItem(item=item)


def _discontinuity(last: int, new: int) -> pubsub_pb._SubscriptionItem:
    gap = pubsub_pb._Discontinuity(last_topic_sequence=last, new_topic_sequence=new)
    return pubsub_pb._SubscriptionItem(discontinuity=gap)


def _check_cache_name(cache_name: str) -> None:
    if not cache_name:
        raise invalid_argument("cache_name", "must not be empty")


class TopicsServicer(pubsub_grpc.PubsubServicer):
    """Publish and subscribe on the store's topic hub."""

    def __init__(self, store: Store) -> None:
        self._topics = store.topics

    def Publish(
        self, request: pubsub_pb._PublishRequest, context: grpc.ServicerContext
    ) -> common_pb2._Empty:
        _check_cache_name(request.cache_name)
        kind = request.value.WhichOneof("kind")
        if kind is None:
            raise invalid_argument("value", "one of text, binary is required")
        payload: str | bytes = getattr(request.value, kind)
        result = self._topics.publish(request.cache_name, request.topic, payload)
        if not isinstance(result, Published):
            raise failure_of(result, _TOPIC_FIELDS)
        return common_pb2._Empty()

    def Subscribe(
        self, request: pubsub_pb._SubscriptionRequest, context: grpc.ServicerContext
    ) -> Iterator[pubsub_pb._SubscriptionItem]:
        _check_cache_name(request.cache_name)
        subscription = self._topics.subscribe(
            request.cache_name, request.topic, request.resume_at_topic_sequence_number
        )
        if not isinstance(subscription, Subscription):
            raise failure_of(subscription, _TOPIC_FIELDS)
        # Closing wakes the blocked `get` as soon as the caller cancels or the server stops.
        context.add_callback(subscription.close)
        try:
            yield _HEARTBEAT
            yield from _stream(subscription, context)
        finally:
            subscription.close()


def _stream(
    subscription: Subscription, context: grpc.ServicerContext
) -> Iterator[pubsub_pb._SubscriptionItem]:
    last_sequence_number: int | None = None
    while context.is_active() and not subscription.closed:
        message = subscription.get(timeout=HEARTBEAT_SECONDS)
        if message is None:
            if not subscription.closed:
                yield _HEARTBEAT
            continue
        if last_sequence_number is not None and message.sequence_number > last_sequence_number + 1:
            yield _discontinuity(last_sequence_number, message.sequence_number)
        last_sequence_number = message.sequence_number
        yield _item_of(message)
