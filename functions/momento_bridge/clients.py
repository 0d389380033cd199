"""One Momento SDK client per API key, created on first use and reused across invocations.

The bridge holds no key of its own: each request brings one (the EventBridge connection's
`Authorization` header). Building a client opens a gRPC channel, so the pool keeps a few
(least recently used first out, and closed when evicted) at module scope, where they survive
between invocations of a warm Lambda execution environment.

Where the SDK connects:
- `MOMENTO_LOCAL_ADDRESS=host:port` (tests, local runs): plaintext gRPC to the local server,
  with the request's key sent as is, so the local server's key check still applies.
- otherwise the key says: v1 and legacy keys embed their endpoint; v2 keys carry none and
  need `MOMENTO_ENDPOINT` (e.g. `cell-ap-northeast-1-1.prod.a.momentohq.com`).
A key none of these accept answers `InvalidKey` (401), without any call to Momento.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from momento import CacheClient, Configurations, CredentialProvider
from momento.errors import InvalidArgumentException

LOCAL_ADDRESS_VARIABLE: Final = "MOMENTO_LOCAL_ADDRESS"
ENDPOINT_VARIABLE: Final = "MOMENTO_ENDPOINT"
DEFAULT_POOL_SIZE: Final = 4
# Every sorted-set write names its own TTL; this only satisfies the constructor.
_DEFAULT_TTL: Final = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class InvalidKey:
    """The key is not a Momento key the bridge can use; the message never contains it."""

    message: str


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """Where clients connect, read once from the environment."""

    local_address: tuple[str, int] | None
    endpoint: str | None

    @staticmethod
    def from_environment() -> ConnectionSettings:
        local = os.environ.get(LOCAL_ADDRESS_VARIABLE)
        endpoint = os.environ.get(ENDPOINT_VARIABLE) or None
        if not local:
            return ConnectionSettings(None, endpoint)
        host, _, port = local.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"{LOCAL_ADDRESS_VARIABLE}: must be host:port, got {local!r}")
        return ConnectionSettings((host, int(port)), endpoint)


def credential_provider(
    api_key: str, settings: ConnectionSettings
) -> CredentialProvider | InvalidKey:
    if settings.local_address is not None:
        host, port = settings.local_address
        # `for_momento_local` with the key filled in: plaintext (port != 443), same endpoints.
        return CredentialProvider(api_key, host, host, host, port)
    try:
        if settings.endpoint is not None:
            try:
                return CredentialProvider.from_api_key_v2(api_key, settings.endpoint)
            except InvalidArgumentException:
                pass  # not a v2 key: it may still embed its endpoint
        return CredentialProvider.from_disposable_token(api_key)
    except (InvalidArgumentException, ValueError, KeyError):  # malformed JSON/JWT inside the key
        hint = "" if settings.endpoint else f" (v2 keys need {ENDPOINT_VARIABLE} on the bridge)"
        return InvalidKey(f"Authorization: not a Momento API key{hint}")


ClientFactory = Callable[[CredentialProvider], CacheClient]


def lambda_client(provider: CredentialProvider) -> CacheClient:
    """The SDK's Lambda configuration; the constructor does not connect (first call does)."""
    return CacheClient(Configurations.Lambda.latest(), provider, _DEFAULT_TTL)


class ClientPool:
    """At most `size` clients keyed by API key; thread-safe; evicted clients are closed."""

    def __init__(
        self,
        settings: ConnectionSettings,
        size: int = DEFAULT_POOL_SIZE,
        factory: ClientFactory = lambda_client,
    ) -> None:
        if size < 1:
            raise ValueError("size: must be at least 1")
        self._settings = settings
        self._size = size
        self._factory = factory
        self._lock = threading.Lock()
        self._clients: OrderedDict[str, tuple[CacheClient, ExitStack]] = OrderedDict()

    def client_for(self, api_key: str) -> CacheClient | InvalidKey:
        with self._lock:
            cached = self._clients.get(api_key)
            if cached is not None:
                self._clients.move_to_end(api_key)
                return cached[0]
            provider = credential_provider(api_key, self._settings)
            if isinstance(provider, InvalidKey):
                return provider
            closer = ExitStack()
            client = closer.enter_context(self._factory(provider))
            self._clients[api_key] = (client, closer)
            if len(self._clients) > self._size:
                _, (_, evicted) = self._clients.popitem(last=False)
                evicted.close()
            return client

    def __len__(self) -> int:
        return len(self._clients)

    def close(self) -> None:
        with self._lock:
            while self._clients:
                _, (_, closer) = self._clients.popitem()
                closer.close()

    def __repr__(self) -> str:
        return f"ClientPool(<{len(self._clients)} of {self._size} clients>)"  # never the keys
