"""The data-plane servicer (`cache_client.Scs`): scalar, sorted-set, dictionary, set and list
handlers on one store.

Momento serves every data call from a single gRPC service; the handlers live in one module
per item type and are combined here. Calls the local server does not serve (batches
and a few others; see docs/local.md) keep the generated servicer's UNIMPLEMENTED answer.
"""

from __future__ import annotations

from momento_wire_types import cacheclient_pb2_grpc as cache_grpc

from leaderboard.local.momento_server.grpc_dictionaries import DictionaryRpcs
from leaderboard.local.momento_server.grpc_lists import ListRpcs
from leaderboard.local.momento_server.grpc_scalars import ScalarRpcs
from leaderboard.local.momento_server.grpc_sets import SetRpcs
from leaderboard.local.momento_server.grpc_sorted_sets import SortedSetRpcs
from leaderboard.local.momento_server.store import Store


class CacheServicer(
    ScalarRpcs, SortedSetRpcs, DictionaryRpcs, SetRpcs, ListRpcs, cache_grpc.ScsServicer
):
    """Scalars, sorted sets, dictionaries, sets and lists of the shared store."""

    def __init__(self, store: Store) -> None:
        self._store = store
