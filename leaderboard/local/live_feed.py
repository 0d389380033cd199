"""A board's live standings as a subscriber sees them: `make demo`'s feed.

Subscribes to the board's topic (`standings.{leaderboard}`) with the official SDK's async topic
client on a thread of its own, and hands each message to a callback as it arrives. The async
client, because unsubscribing ends its stream with a "cancelled" item; the sync client's
iterator would wait for the next message forever.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from momento import CredentialProvider, TopicClientAsync, TopicConfigurations
from momento.responses import TopicSubscribe, TopicSubscriptionItem

from leaderboard.naming import standings_topic


class LiveFeed:
    """`with LiveFeed(credentials, cache, board, on_message) as feed:` is subscribed on entry, so
    nothing published inside the block is missed; `wait_for(n)` waits until n messages came."""

    def __init__(
        self,
        credentials: CredentialProvider,
        cache_name: str,
        leaderboard: str,
        on_message: Callable[[dict[str, Any]], None],
    ) -> None:
        self._credentials = credentials
        self._cache_name = cache_name
        self._topic = standings_topic(leaderboard)
        self._on_message = on_message
        self._received = threading.Condition()
        self._messages: list[dict[str, Any]] = []
        self._subscribed = threading.Event()
        self._failure: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._subscription: TopicSubscribe.SubscriptionAsync | None = None
        self._thread = threading.Thread(target=self._run, name="live-feed", daemon=True)

    @property
    def messages(self) -> list[dict[str, Any]]:
        with self._received:
            return list(self._messages)

    def wait_for(self, count: int, timeout_seconds: float) -> list[dict[str, Any]]:
        """The messages once `count` arrived, or all that arrived within the timeout."""
        with self._received:
            self._received.wait_for(lambda: len(self._messages) >= count, timeout_seconds)
            return list(self._messages)

    def __enter__(self) -> Self:
        self._thread.start()
        self._subscribed.wait()
        if self._failure is not None:
            self._thread.join()
            raise RuntimeError(f"subscribing to {self._topic}: {self._failure}")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._loop is not None and self._subscription is not None:
            self._loop.call_soon_threadsafe(self._subscription.unsubscribe)
        self._thread.join()

    def _run(self) -> None:
        asyncio.run(self._listen())

    async def _listen(self) -> None:
        async with TopicClientAsync(TopicConfigurations.Default.v1(), self._credentials) as client:
            subscription = await client.subscribe(self._cache_name, self._topic)
            if not isinstance(subscription, TopicSubscribe.SubscriptionAsync):
                self._failure = str(subscription)
                self._subscribed.set()
                return
            self._loop, self._subscription = asyncio.get_running_loop(), subscription
            self._subscribed.set()
            async for item in subscription:
                if isinstance(item, TopicSubscriptionItem.Error):
                    return  # unsubscribed (or the stream broke): the feed ends
                if isinstance(item, TopicSubscriptionItem.Text):
                    message = json.loads(item.value)
                    self._on_message(message)
                    with self._received:
                        self._messages.append(message)
                        self._received.notify_all()
