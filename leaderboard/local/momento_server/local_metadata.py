"""Momento Local's per-request error injection, read from gRPC metadata.

Momento's SDKs test their retry and timeout handling against Momento Local by sending
headers with each call (their test middleware sets them):
- `return-error`: a gRPC status in kebab case (`unavailable`, `internal`, ...) to answer with,
  for the RPCs named in `error-rpcs` (space-separated, e.g. `get sorted-set-put`; all RPCs
  when absent), the first `error-count` times (always when absent);
- `delay-ms`: milliseconds to wait before serving the RPCs named in `delay-rpcs` (all when
  absent), the first `delay-count` times (always when absent);
- `stream-error`, `stream-error-rpcs`, `stream-error-message-limit`: end a subscription with
  that status after that many published items (all subscriptions when no RPC is named);
- `request-id`: the counters above are kept per request id (the SDK sends one per client).

This module decides what a call's metadata asks for; the guard (`grpc_guard.py`) acts it out,
so these injections and the server's own fault rules go through the same code.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import grpc

from leaderboard.local.momento_server.grpc_status import RpcStatusError

# The metadata names that make a call ask for an injection; any other call skips this module.
TRIGGERS: Final = frozenset({"return-error", "delay-ms", "stream-error"})

# Method names whose Momento Local name is not just their kebab-case form.
_RPC_NAMES: Final = {
    "SetIfNotExists": "set-if",
    "ListErase": "list-remove",
    "Publish": "topic-publish",
    "Subscribe": "topic-subscribe",
}
_STATUSES: Final = {code.name.lower().replace("_", "-"): code for code in grpc.StatusCode}


def rpc_name_of(method: str) -> str:
    """Momento Local's name of a method: `/cache_client.Scs/SortedSetPut` -> `sorted-set-put`."""
    name = method.rsplit("/", 1)[-1]
    return _RPC_NAMES.get(name) or re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


@dataclass(frozen=True, slots=True)
class Injection:
    """What one call must suffer: wait `delay_seconds`, then fail with `error` (if any); a
    subscription ends with `stream_error` after `stream_message_limit` items."""

    delay_seconds: float = 0.0
    error: RpcStatusError | None = None
    stream_error: RpcStatusError | None = None
    stream_message_limit: int = 0


class LocalMetadataInjector:
    """Counts, per request id and RPC, the errors and delays already served."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._served: dict[tuple[str, str, str], int] = {}

    def injection_for(self, method: str, metadata: Mapping[str, str]) -> Injection | None:
        """The injection a call with `metadata` asks for, or None; bad values are refused
        with INVALID_ARGUMENT naming the header."""
        rpc = rpc_name_of(method)
        request_id = metadata.get("request-id", "")
        delay = 0.0
        if "delay-ms" in metadata and self._applies(
            metadata, rpc, request_id, "delay-rpcs", "delay-count"
        ):
            delay = _count_of(metadata, "delay-ms") / 1000
        error = None
        if "return-error" in metadata and self._applies(
            metadata, rpc, request_id, "error-rpcs", "error-count"
        ):
            error = _status_of(metadata, "return-error", f"injected by return-error for {rpc}")
        stream_error = None
        limit = 0
        if "stream-error" in metadata and _names(metadata, "stream-error-rpcs", rpc):
            stream_error = _status_of(
                metadata, "stream-error", f"injected by stream-error for {rpc}"
            )
            if "stream-error-message-limit" in metadata:
                limit = _count_of(metadata, "stream-error-message-limit")
        if not delay and error is None and stream_error is None:
            return None
        return Injection(delay, error, stream_error, limit)

    def _applies(
        self, metadata: Mapping[str, str], rpc: str, request_id: str, rpcs: str, count: str
    ) -> bool:
        if not _names(metadata, rpcs, rpc):
            return False
        if count not in metadata:
            return True
        limit = _count_of(metadata, count)
        with self._lock:
            served = self._served.get((request_id, rpc, count), 0)
            if served >= limit:
                return False
            self._served[(request_id, rpc, count)] = served + 1
            return True


def _names(metadata: Mapping[str, str], header: str, rpc: str) -> bool:
    """Whether the RPC list in `header` (absent = every RPC) names `rpc`."""
    return header not in metadata or rpc in metadata[header].split()


def _count_of(metadata: Mapping[str, str], header: str) -> int:
    text = metadata[header]
    if not text.isdigit():
        raise RpcStatusError(
            grpc.StatusCode.INVALID_ARGUMENT, f"{header}: must be a whole number, got {text!r}"
        )
    return int(text)


def _status_of(metadata: Mapping[str, str], header: str, message: str) -> RpcStatusError:
    code = _STATUSES.get(metadata[header])
    if code is None or code is grpc.StatusCode.OK:
        known = ", ".join(name for name in _STATUSES if name != "ok")
        raise RpcStatusError(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"{header}: unknown error {metadata[header]!r}; one of {known}",
        )
    return RpcStatusError(code, message)
