"""`MomentoServer`: one store, one fault injector and one key set behind both front doors.

Both doors share the same `Store`, so what one writes the other reads at once. Ports given
as 0 are bound to free ephemeral ports (what tests use); the bound ports are on the object.
A background thread sweeps expired items once per `purge_interval_seconds`; reads never see
an expired item either way.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Self

from leaderboard.local.endpoints import LOCAL_HOST, MOMENTO_GRPC_PORT, MOMENTO_HTTP_PORT
from leaderboard.local.momento_server.auth import ApiKeys
from leaderboard.local.momento_server.faults import FaultInjector
from leaderboard.local.momento_server.grpc_door import GrpcDoor, start_grpc_door
from leaderboard.local.momento_server.http_door import HttpDoor
from leaderboard.local.momento_server.store import CacheAlreadyExists, Store
from leaderboard.momento_contract.arguments import InvalidArgument

GRPC_STOP_GRACE_SECONDS = 1.0


class MomentoServer:
    """The local Momento server; use as a context manager or call `start()` / `stop()`."""

    def __init__(
        self,
        *,
        host: str = LOCAL_HOST,
        grpc_port: int = MOMENTO_GRPC_PORT,
        http_port: int = MOMENTO_HTTP_PORT,
        api_keys: Iterable[str] = (),
        caches: Iterable[str] = (),
        purge_interval_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.host = host
        # Items expire on `clock` (seconds); tests pass one they move to see a TTL run out.
        self.store = Store(clock)
        self.faults = FaultInjector()
        self.auth = ApiKeys(api_keys)
        for cache_name in caches:
            created = self.store.create_cache(cache_name)
            if isinstance(created, InvalidArgument):
                raise ValueError(f"caches: {created.message}")
            if isinstance(created, CacheAlreadyExists):
                raise ValueError(f"caches: {cache_name!r} is listed twice")
        self._requested = (grpc_port, http_port)
        self._purge_interval = purge_interval_seconds
        self._stopping = threading.Event()
        self._purger = threading.Thread(target=self._purge_loop, name="momento-purge", daemon=True)
        self._grpc: GrpcDoor | None = None
        self._http: HttpDoor | None = None
        self.grpc_port = 0
        self.http_port = 0

    @property
    def http_url(self) -> str:
        """Base URL of the HTTP door, e.g. `http://127.0.0.1:8081`."""
        return f"http://{self.host}:{self.http_port}"

    @property
    def grpc_endpoint(self) -> str:
        """`host:port` of the gRPC door, for `CredentialProvider.for_momento_local`."""
        return f"{self.host}:{self.grpc_port}"

    def start(self) -> Self:
        grpc_port, http_port = self._requested
        self._grpc, self.grpc_port = start_grpc_door(
            self.store, self.faults, self.auth, self.host, grpc_port
        )
        try:
            self._http = HttpDoor(self.store, self.faults, self.auth, self.host, http_port)
            self.http_port = self._http.start()
        except BaseException:
            self._grpc.stop(None)
            raise
        self._purger.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._http is not None:
            self._http.stop()
            self._http = None
        if self._grpc is not None:
            self._grpc.stop(GRPC_STOP_GRACE_SECONDS)
            self._grpc = None
        if self._purger.is_alive():
            self._purger.join()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _purge_loop(self) -> None:
        while not self._stopping.wait(self._purge_interval):
            self.store.purge_expired()
