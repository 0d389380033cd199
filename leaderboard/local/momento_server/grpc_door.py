"""The gRPC front door: Momento's real wire protocol, so the official SDK works unmodified.

`CacheClient` / `CacheClientAsync` / `TopicClient` with
`CredentialProvider.for_momento_local(host, port)` connect in plaintext and send the cache
name in the `cache` metadata and the key in `authorization`; the servicers are the generated
ones from `momento-wire-types`. Control, data and topics share one port, as in Momento Local.
"""

from __future__ import annotations

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

# The store serialises on one lock, so more threads do not add throughput; they are there for
# calls that wait: topic subscriptions (one thread each) and injected latency. 8, 16 and 32
# workers measured the same server CPU per call. A `grpc.aio` server with the same servicers
# was measured too: about 10% more server CPU per call and no gain in calls/s on two cores, so
# the door stays on grpcio's thread-pool server.
WORKER_THREADS: Final = 32
# Room for Momento's 5 MiB item limit plus the request around it (gRPC's default is 4 MiB).
MAX_MESSAGE_BYTES: Final = 6 * 1024 * 1024
_SERVER_OPTIONS: Final = (
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    # A second server on a busy port must fail, not silently share it.
    ("grpc.so_reuseport", 0),
)


def start_grpc_door(
    store: Store, faults: FaultInjector, auth: ApiKeys, host: str, port: int
) -> tuple[grpc.Server, int]:
    """Start serving on `host:port` (0 picks a free port); returns the server and its port.

    Stop it with `server.stop(grace)`; the caller owns the server's lifetime.
    """
    server = grpc.server(
        ThreadPoolExecutor(max_workers=WORKER_THREADS, thread_name_prefix="momento-grpc"),
        interceptors=[Guard(auth, faults)],
        options=_SERVER_OPTIONS,
    )
    control_grpc.add_ScsControlServicer_to_server(ControlServicer(store), server)  # type: ignore[no-untyped-call]
    cache_grpc.add_ScsServicer_to_server(CacheServicer(store), server)  # type: ignore[no-untyped-call]
    pubsub_grpc.add_PubsubServicer_to_server(TopicsServicer(store), server)  # type: ignore[no-untyped-call]
    try:
        bound_port = server.add_insecure_port(f"{host}:{port}")
    except RuntimeError as error:  # grpcio reports a failed bind this way
        raise OSError(f"gRPC door: cannot bind {host}:{port}: {error}") from error
    server.start()
    return server, int(bound_port)
