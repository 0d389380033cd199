"""Topics through the gRPC door with the official `TopicClient` / `TopicClientAsync`.

A subscription is opened before publishing, so each read has an item waiting: the sync SDK
retries a finished stream forever, so a test must never read past what was published.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import pytest
from momento import (
    CacheClient,
    CacheClientAsync,
    Configurations,
    CredentialProvider,
    TopicClient,
    TopicClientAsync,
    TopicConfigurations,
)
from momento.errors import MomentoErrorCode
from momento.responses import (
    CacheGet,
    CacheSet,
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
TTL = timedelta(seconds=60)
MANY_SUBSCRIPTIONS = 200
# Generous: a busy laptop may be slow, but a subscription that never delivers fails.
ITEM_TIMEOUT_SECONDS = 60


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


async def test_subscribe_without_resume_point_begins_with_the_latest_message(
    topics_async: TopicClientAsync, cache: str
) -> None:
    """Momento: "If not provided (or 0), the subscription will begin with the latest messages"."""
    topic = f"latest-{uuid.uuid4().hex[:8]}"
    for text in ("older", "newest"):
        assert isinstance(await topics_async.publish(cache, topic, text), TopicPublish.Success)
    subscription = await topics_async.subscribe(cache, topic)
    assert isinstance(subscription, TopicSubscribe.SubscriptionAsync)
    first = await asyncio.wait_for(anext(subscription), ITEM_TIMEOUT_SECONDS)
    await topics_async.publish(cache, topic, "live")
    second = await asyncio.wait_for(anext(subscription), ITEM_TIMEOUT_SECONDS)
    subscription.unsubscribe()
    assert isinstance(first, TopicSubscriptionItem.Text)
    assert (first.value, first.sequence_number) == ("newest", 2)
    assert isinstance(second, TopicSubscriptionItem.Text)
    assert (second.value, second.sequence_number) == ("live", 3)
    assert first.sequence_page == second.sequence_page != 0


@pytest.mark.parametrize(
    ("resume_at", "page"),
    [(300, 5435435), (300, 0), (1, 5435435)],  # past the newest; a page the topic never had
)
async def test_unknown_resume_point_begins_with_the_latest_message(
    topics_async: TopicClientAsync, cache: str, resume_at: int, page: int
) -> None:
    topic = f"unknown-resume-{uuid.uuid4().hex[:8]}"
    await topics_async.publish(cache, topic, "only")
    subscription = await topics_async.subscribe(
        cache, topic, resume_at_topic_sequence_number=resume_at, resume_at_topic_sequence_page=page
    )
    assert isinstance(subscription, TopicSubscribe.SubscriptionAsync)
    item = await asyncio.wait_for(anext(subscription), ITEM_TIMEOUT_SECONDS)
    subscription.unsubscribe()
    assert isinstance(item, TopicSubscriptionItem.Text)
    assert (item.value, item.sequence_number) == ("only", 1)


async def test_many_open_subscriptions_leave_cache_calls_answering(
    credentials: CredentialProvider, cache: str
) -> None:
    """Open streams hold no worker thread: with 200 open (the old door had 32 threads), cache
    calls still answer and every subscriber still receives what is published."""
    topic = f"crowd-{uuid.uuid4().hex[:8]}"
    config = TopicConfigurations.Default.v1().with_max_subscriptions(MANY_SUBSCRIPTIONS)
    async with (
        TopicClientAsync(config, credentials) as topics_async,
        await CacheClientAsync.create(Configurations.Laptop.v1(), credentials, TTL) as cache_client,
    ):
        subscriptions = []
        for _ in range(MANY_SUBSCRIPTIONS):
            subscription = await topics_async.subscribe(cache, topic)
            assert isinstance(subscription, TopicSubscribe.SubscriptionAsync)
            subscriptions.append(subscription)
        key = uuid.uuid4().hex
        assert isinstance(await cache_client.set(cache, key, "still here"), CacheSet.Success)
        got = await cache_client.get(cache, key)
        assert isinstance(got, CacheGet.Hit) and got.value_string == "still here"
        assert isinstance(await topics_async.publish(cache, topic, "to all"), TopicPublish.Success)
        received = await asyncio.wait_for(
            asyncio.gather(*(anext(subscription) for subscription in subscriptions)),
            ITEM_TIMEOUT_SECONDS,
        )
        for subscription in subscriptions:
            subscription.unsubscribe()
    assert {item.value for item in received if isinstance(item, TopicSubscriptionItem.Text)} == {
        "to all"
    }
    assert len(received) == MANY_SUBSCRIPTIONS
