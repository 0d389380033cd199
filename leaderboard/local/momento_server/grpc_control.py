"""Momento's control plane over gRPC (`control_client.ScsControl`): create, delete, list and
flush caches. Signing keys and vector indexes are not part of the local server; those calls
answer UNIMPLEMENTED (the generated servicer's default), which the SDK reports as an error."""

# ruff: noqa: N802 - handler names are the gRPC method names the wire protocol fixes

from __future__ import annotations

import grpc
from momento_wire_types import controlclient_pb2 as control_pb
from momento_wire_types import controlclient_pb2_grpc as control_grpc

from leaderboard.local.momento_server.grpc_status import failure_of
from leaderboard.local.momento_server.store import Ok, Store


class ControlServicer(control_grpc.ScsControlServicer):
    """Cache lifecycle on the shared store."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def CreateCache(
        self, request: control_pb._CreateCacheRequest, context: grpc.ServicerContext
    ) -> control_pb._CreateCacheResponse:
        result = self._store.create_cache(request.cache_name)
        if not isinstance(result, Ok):
            raise failure_of(result)
        return control_pb._CreateCacheResponse()

    def DeleteCache(
        self, request: control_pb._DeleteCacheRequest, context: grpc.ServicerContext
    ) -> control_pb._DeleteCacheResponse:
        result = self._store.delete_cache(request.cache_name)
        if not isinstance(result, Ok):
            raise failure_of(result)
        return control_pb._DeleteCacheResponse()

    def ListCaches(
        self, request: control_pb._ListCachesRequest, context: grpc.ServicerContext
    ) -> control_pb._ListCachesResponse:
        # One page holds every cache: a laptop has few, so `next_token` is always empty.
        caches = [control_pb._Cache(cache_name=name) for name in self._store.list_caches()]
        return control_pb._ListCachesResponse(cache=caches, next_token="")

    def FlushCache(
        self, request: control_pb._FlushCacheRequest, context: grpc.ServicerContext
    ) -> control_pb._FlushCacheResponse:
        result = self._store.flush_cache(request.cache_name)
        if not isinstance(result, Ok):
            raise failure_of(result)
        return control_pb._FlushCacheResponse()
