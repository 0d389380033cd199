"""The gRPC front door: Momento's real wire protocol, so the official SDK works unmodified.

`CacheClient` / `CacheClientAsync` / `TopicClient` with
`CredentialProvider.for_momento_local(host, port)` connect in plaintext and send the cache
name in the `cache` metadata and the key in `authorization`; the servicers are the generated
ones from `momento-wire-types`. Control, data and topics share one port, as in Momento Local.

The door is a `grpc.aio` server on its own event-loop thread. Topic subscriptions are
coroutines on that loop, so an open stream costs no thread: 1,000 subscribers leave cache
calls as fast as none do (`python -m bench momento-server --subscribers`). The other handlers
are plain functions that the server runs on its worker pool, because the store serialises on
one lock and its calls are short.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Final

import grpc
from momento_wire_types import cacheclient_pb2_grpc as cache_grpc
from momento_wire_types import cachepubsub_pb2_grpc as pubsub_grpc
from momento_wire_types import controlclient_pb2_grpc as control_grpc

from leaderboard.local.momento_server.auth import ApiKeys
from leaderboard.local.momento_server.faults import FaultInjector
from leaderboard.local.momento_server.grpc_cache import CacheServicer
from leaderboard.local.momento_server.grpc_control import ControlServicer
from leaderboard.local.momento_server.grpc_guard import Guard
from leaderboard.local.momento_server.grpc_topics import TopicsServicer
from leaderboard.local.momento_server.store import Store

# Threads for the unary handlers only (subscriptions run on the event loop). The store
# serialises on one lock, so more threads do not add throughput; they are there for calls
# that wait, such as injected latency.
WORKER_THREADS: Final = 32
# Room for Momento's 5 MiB item limit plus the request around it (gRPC's default is 4 MiB).
MAX_MESSAGE_BYTES: Final = 6 * 1024 * 1024
_SERVER_OPTIONS: Final = (
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    # A second server on a busy port must fail, not silently share it.
    ("grpc.so_reuseport", 0),
    # The SDK pings every 5 s to keep idle channels (and quiet subscriptions) open; grpc's
    # default answers that with GOAWAY "too_many_pings", which Momento's servers never send.
    ("grpc.keepalive_permit_without_calls", 1),
    ("grpc.http2.max_ping_strikes", 0),
)


class GrpcDoor:
    """The gRPC server and the event-loop thread it runs on."""

    def __init__(self, store: Store, faults: FaultInjector, auth: ApiKeys) -> None:
        self._store = store
        self._faults = faults
        self._auth = auth
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="momento-grpc-loop", daemon=True
        )
        self._server: grpc.aio.Server | None = None

    def start(self, host: str, port: int) -> int:
        """Serve on `host:port` (0 picks a free port); returns the bound port."""
        self._thread.start()
        try:
            return asyncio.run_coroutine_threadsafe(self._start(host, port), self._loop).result()
        except BaseException:
            self._stop_loop()
            raise

    def stop(self, grace: float | None) -> None:
        """Stop serving (open calls get `grace` seconds to finish) and end the loop thread."""
        server, self._server = self._server, None
        if server is not None:
            asyncio.run_coroutine_threadsafe(server.stop(grace), self._loop).result()
        self._stop_loop()

    async def _start(self, host: str, port: int) -> int:
        server = grpc.aio.server(
            migration_thread_pool=ThreadPoolExecutor(
                max_workers=WORKER_THREADS, thread_name_prefix="momento-grpc"
            ),
            interceptors=[Guard(self._auth, self._faults)],
            options=_SERVER_OPTIONS,
        )
        control_grpc.add_ScsControlServicer_to_server(ControlServicer(self._store), server)  # type: ignore[no-untyped-call]
        cache_grpc.add_ScsServicer_to_server(CacheServicer(self._store), server)  # type: ignore[no-untyped-call]
        pubsub_grpc.add_PubsubServicer_to_server(TopicsServicer(self._store), server)  # type: ignore[no-untyped-call]
        try:
            bound_port = server.add_insecure_port(f"{host}:{port}")
        except RuntimeError as error:  # grpcio reports a failed bind this way
            raise OSError(f"gRPC door: cannot bind {host}:{port}: {error}") from error
        await server.start()
        self._server = server
        return int(bound_port)

    def _stop_loop(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
        self._loop.close()


def start_grpc_door(
    store: Store, faults: FaultInjector, auth: ApiKeys, host: str, port: int
) -> tuple[GrpcDoor, int]:
    """Start serving on `host:port` (0 picks a free port); returns the door and its port.

    Stop it with `door.stop(grace)`; the caller owns the door's lifetime.
    """
    door = GrpcDoor(store, faults, auth)
    return door, door.start(host, port)
