"""Topics over gRPC (`cache_client.pubsub.Pubsub`): Publish and the Subscribe stream.

A subscription stream starts with a heartbeat (the SDK waits for it to know the subscription
is live), then carries each published item, a heartbeat whenever the topic is quiet, and a
discontinuity when the subscriber fell behind and missed sequence numbers (or asked to
resume where the topic cannot). `Subscribe` is a coroutine on the door's event loop: an open
stream waits on an `asyncio.Event` that publishers set from any thread, and holds no thread.
"""

# ruff: noqa: N802 - handler names are the gRPC method names the wire protocol fixes

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Final

import grpc
from momento_wire_types import cachepubsub_pb2 as pubsub_pb
from momento_wire_types import cachepubsub_pb2_grpc as pubsub_grpc
from momento_wire_types import common_pb2

from leaderboard.local.momento_server.grpc_status import failure_of, invalid_argument
from leaderboard.local.momento_server.store import Store
from leaderboard.local.momento_server.topics import (
    Published,
    Subscription,
    TopicGap,
    TopicMessage,
)

HEARTBEAT_SECONDS: Final = 2.0  # how often a quiet stream says it is alive

_TOPIC_FIELDS: Final = {"topic_name": "topic"}
_HEARTBEAT: Final = pubsub_pb._SubscriptionItem(heartbeat=pubsub_pb._Heartbeat())


def _item_of(message: TopicMessage) -> pubsub_pb._SubscriptionItem:
    if isinstance(message.payload, str):
        value = pubsub_pb._TopicValue(text=message.payload)
    else:
        value = pubsub_pb._TopicValue(binary=message.payload)
    item = pubsub_pb._TopicItem(
        topic_sequence_number=message.sequence_number,
        value=value,
        sequence_page=message.sequence_page,
    )
    return pubsub_pb._SubscriptionItem(item=item)


def _discontinuity(gap: TopicGap) -> pubsub_pb._SubscriptionItem:
    discontinuity = pubsub_pb._Discontinuity(
        last_topic_sequence=gap.last_sequence_number,
        new_topic_sequence=gap.new_sequence_number,
        new_sequence_page=gap.sequence_page,
    )
    return pubsub_pb._SubscriptionItem(discontinuity=discontinuity)


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

    async def Subscribe(
        self, request: pubsub_pb._SubscriptionRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pubsub_pb._SubscriptionItem]:
        _check_cache_name(request.cache_name)
        loop = asyncio.get_running_loop()
        ready = asyncio.Event()

        def wake() -> None:
            # Publishers call this from their own threads; after shutdown the loop is gone.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(ready.set)

        subscription = self._topics.subscribe(
            request.cache_name,
            request.topic,
            request.resume_at_topic_sequence_number,
            request.sequence_page,
            on_ready=wake,
        )
        if not isinstance(subscription, Subscription):
            raise failure_of(subscription, _TOPIC_FIELDS)
        try:  # the caller leaving cancels this coroutine; `finally` detaches it
            yield _HEARTBEAT
            if subscription.initial_gap is not None:
                yield _discontinuity(subscription.initial_gap)
            async for item in _stream(subscription, ready):
                yield item
        finally:
            subscription.close()


async def _stream(
    subscription: Subscription, ready: asyncio.Event
) -> AsyncIterator[pubsub_pb._SubscriptionItem]:
    last_sequence_number: int | None = None
    while not subscription.closed:
        ready.clear()  # before polling, so a message offered after the poll still wakes us
        message = subscription.poll()
        if message is None:
            try:
                await asyncio.wait_for(ready.wait(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield _HEARTBEAT
            continue
        if last_sequence_number is not None and message.sequence_number > last_sequence_number + 1:
            gap = TopicGap(last_sequence_number, message.sequence_number, message.sequence_page)
            yield _discontinuity(gap)
        last_sequence_number = message.sequence_number
        yield _item_of(message)
