"""Topics through the gRPC door with the official `TopicClient` / `TopicClientAsync`.

A subscription is opened before publishing, so each read has an item waiting: the sync SDK
retries a finished stream forever, so a test must never read past what was published.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import pytest
from momento import (
    CacheClient,
    Configurations,
    CredentialProvider,
    TopicClient,
    TopicClientAsync,
    TopicConfigurations,
)
from momento.errors import MomentoErrorCode
from momento.responses import (
    CreateCache,
    TopicPublish,
    TopicSubscribe,
    TopicSubscriptionItem,
)

from leaderboard.local.momento_server.auth import ApiKeys
from leaderboard.local.momento_server.faults import FaultInjector
from leaderboard.local.momento_server.grpc_door import start_grpc_door
from leaderboard.local.momento_server.store import Store

pytestmark = pytest.mark.asyncio(loop_scope="session")

HOST = "127.0.0.1"


@pytest.fixture(scope="module")
def credentials() -> Iterator[CredentialProvider]:
    server, port = start_grpc_door(Store(), FaultInjector(), ApiKeys(), HOST, 0)
    yield CredentialProvider.for_momento_local(HOST, port)
    server.stop(grace=None)


@pytest.fixture(scope="module")
def cache(credentials: CredentialProvider) -> str:
    name = f"topics-{uuid.uuid4().hex[:8]}"
    config = Configurations.Laptop.v1()
    with CacheClient.create(config, credentials, timedelta(seconds=60)) as client:
        assert isinstance(client.create_cache(name), CreateCache.Success)
    return name


@pytest.fixture(scope="module")
def topics(credentials: CredentialProvider) -> Iterator[TopicClient]:
    with TopicClient(TopicConfigurations.Default.v1(), credentials) as client:
        yield client


@pytest.fixture(scope="module")
async def topics_async(credentials: CredentialProvider) -> AsyncIterator[TopicClientAsync]:
    async with TopicClientAsync(TopicConfigurations.Default.v1(), credentials) as client:
        yield client


async def test_subscriber_receives_text_and_binary_in_order(
    topics: TopicClient, cache: str
) -> None:
    subscription = topics.subscribe(cache, "scores")
    assert isinstance(subscription, TopicSubscribe.Subscription)
    assert isinstance(topics.publish(cache, "scores", "hello"), TopicPublish.Success)
    assert isinstance(topics.publish(cache, "scores", b"\x00\x01"), TopicPublish.Success)
    first, second = next(subscription), next(subscription)
    subscription.unsubscribe()
    assert isinstance(first, TopicSubscriptionItem.Text)
    assert (first.value, first.sequence_number) == ("hello", 1)
    assert isinstance(second, TopicSubscriptionItem.Binary)
    assert (second.value, second.sequence_number) == (b"\x00\x01", 2)


async def test_async_subscriber_receives_published_items(
    topics_async: TopicClientAsync, cache: str
) -> None:
    subscription = await topics_async.subscribe(cache, "async-topic")
    assert isinstance(subscription, TopicSubscribe.SubscriptionAsync)
    for text in ("one", "two"):
        assert isinstance(
            await topics_async.publish(cache, "async-topic", text), TopicPublish.Success
        )
    received = [await anext(subscription), await anext(subscription)]
    subscription.unsubscribe()
    assert [item.value for item in received if isinstance(item, TopicSubscriptionItem.Text)] == [
        "one",
        "two",
    ]


async def test_resume_replays_from_a_sequence_number(topics: TopicClient, cache: str) -> None:
    for text in ("a", "b", "c"):
        topics.publish(cache, "replay", text)
    subscription = topics.subscribe(cache, "replay", resume_at_topic_sequence_number=2)
    assert isinstance(subscription, TopicSubscribe.Subscription)
    replayed = [next(subscription), next(subscription)]
    subscription.unsubscribe()
    assert [
        (i.value, i.sequence_number) for i in replayed if isinstance(i, TopicSubscriptionItem.Text)
    ] == [
        ("b", 2),
        ("c", 3),
    ]


async def test_unknown_cache_is_not_found(topics: TopicClient) -> None:
    published = topics.publish("no-such-cache", "t", "x")
    assert isinstance(published, TopicPublish.Error)
    assert published.error_code is MomentoErrorCode.NOT_FOUND_ERROR
    subscribed = topics.subscribe("no-such-cache", "t")
    assert isinstance(subscribed, TopicSubscribe.Error)
    assert subscribed.error_code is MomentoErrorCode.NOT_FOUND_ERROR
