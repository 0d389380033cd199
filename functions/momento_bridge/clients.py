"""SDK clients for the keys Momento accepted, created on first use and reused across invocations.

The bridge holds no key of its own: each request brings one (the EventBridge connection's
`Authorization` header). Building a client opens a gRPC channel (a TLS handshake on AWS), so
clients live at module scope, where they survive between invocations of a warm Lambda
execution environment.

A stage's workflows use one key (two for the minutes of a rotation), so the pool keeps
`DEFAULT_POOL_SIZE` clients, and only for keys Momento has accepted: a new key's client is
lent for one request and kept only if Momento answered that request as an accepted key.
A key Momento refuses is closed after its one request, so keys nobody holds (a stranger's
guesses, a revoked key) can never displace the workflows' client. A kept key that Momento
later refuses (revoked) is dropped.

Where the SDK connects, whatever the key claims:
- `MOMENTO_LOCAL_ADDRESS=host:port` (tests, local runs): plaintext gRPC to the local server,
  with the request's key sent as is, so the local server's key check still applies.
- otherwise `MOMENTO_ENDPOINT`, the stage's (e.g. `cell-ap-northeast-1-1.prod.a.momentohq.com`):
  a key that names another endpoint is refused (`api_keys.py`). One of the two is required.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from types import TracebackType
from typing import Final, Self

from momento import CacheClient, Configurations, CredentialProvider

from functions.momento_bridge.api_keys import InvalidKey, pinned_credentials
from leaderboard.momento_contract.bridge_settings import ENDPOINT_VARIABLE, LOCAL_ADDRESS_VARIABLE

# The workflows' key, and the next one while a rotation is under way.
DEFAULT_POOL_SIZE: Final = 2
# Every sorted-set write names its own TTL; this only satisfies the constructor.
_DEFAULT_TTL: Final = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """Where clients connect, read once from the environment: a local address or an endpoint."""

    local_address: tuple[str, int] | None
    endpoint: str | None

    def __post_init__(self) -> None:
        if self.local_address is None and not self.endpoint:
            raise ValueError(
                f"{ENDPOINT_VARIABLE}: required (the stage's Momento endpoint), "
                f"unless {LOCAL_ADDRESS_VARIABLE} is set"
            )

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
    """Credentials that connect where `settings` say, never where the key says."""
    if settings.local_address is not None:
        host, port = settings.local_address
        # `for_momento_local` with the key filled in: plaintext (port != 443), same endpoints.
        return CredentialProvider(api_key, host, host, host, port)
    assert settings.endpoint is not None  # checked by ConnectionSettings
    return pinned_credentials(api_key, settings.endpoint)


class KeyVerdict(Enum):
    """What Momento's answer to a request said about its key."""

    ACCEPTED = "accepted"  # Momento answered the request (a miss or a limit included)
    REFUSED = "refused"  # 401/403: not a key of this account, or revoked
    UNKNOWN = "unknown"  # no verdict: Momento unavailable, timed out, failed


ClientFactory = Callable[[CredentialProvider], CacheClient]


def lambda_client(provider: CredentialProvider) -> CacheClient:
    """The SDK's Lambda configuration; the constructor does not connect (first call does)."""
    return CacheClient(Configurations.Lambda.latest(), provider, _DEFAULT_TTL)


class Lease:
    """A client lent for one request; set its verdict, and the pool keeps or drops it on exit."""

    def __init__(
        self, pool: ClientPool, api_key: str, client: CacheClient, closer: ExitStack | None
    ) -> None:
        self.client = client
        self.verdict = KeyVerdict.UNKNOWN
        self.api_key = api_key
        self.closer = closer  # None: the pool keeps this client already
        self._pool = pool

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._pool.settle(self)

    def __repr__(self) -> str:
        return f"Lease(<key>, verdict={self.verdict.name}, kept={self.closer is None})"


class ClientPool:
    """At most `size` clients, for keys Momento accepted; thread-safe; dropped clients closed."""

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

    def lease(self, api_key: str) -> Lease | InvalidKey:
        """The kept client for `api_key`, else a new one on trial; InvalidKey builds no client."""
        with self._lock:
            kept = self._clients.get(api_key)
            if kept is not None:
                self._clients.move_to_end(api_key)
                return Lease(self, api_key, kept[0], None)
        provider = credential_provider(api_key, self._settings)
        if isinstance(provider, InvalidKey):
            return provider
        closer = ExitStack()
        return Lease(self, api_key, closer.enter_context(self._factory(provider)), closer)

    def settle(self, lease: Lease) -> None:
        """Keeps a new client whose key Momento accepted; drops a kept one it refused."""
        with self._lock:
            if lease.closer is None:
                kept = self._clients.get(lease.api_key)
                if lease.verdict is KeyVerdict.REFUSED and kept is not None:
                    del self._clients[lease.api_key]
                    kept[1].close()
                return
            if lease.verdict is not KeyVerdict.ACCEPTED or lease.api_key in self._clients:
                lease.closer.close()  # refused, no verdict, or kept meanwhile by another request
                return
            self._clients[lease.api_key] = (lease.client, lease.closer)
            if len(self._clients) > self._size:
                _, (_, evicted) = self._clients.popitem(last=False)
                evicted.close()

    def __len__(self) -> int:
        return len(self._clients)

    def close(self) -> None:
        with self._lock:
            while self._clients:
                _, (_, closer) = self._clients.popitem()
                closer.close()

    def __repr__(self) -> str:
        return f"ClientPool(<{len(self._clients)} of {self._size} clients>)"  # never the keys
