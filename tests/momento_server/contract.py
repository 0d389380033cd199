"""The transport the HTTP contract tests talk through, so they can target any implementation.

`test_http_contract.py` only uses the `sorted_set_http` fixture: a `SortedSetHttp` bound to a
base URL and an existing cache. The local server's conftest provides one; a test package for
another implementation of the routes (e.g. the Lambda bridge) provides its own fixture of the
same name and re-exports the contract tests (`from tests.momento_server.test_http_contract
import *`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True)
class SortedSetHttp:
    """Calls `METHOD /sortedset/{cache}{suffix}?params` and returns the response."""

    client: httpx.Client
    cache: str

    def __call__(
        self, method: str, suffix: str = "", *, cache: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        return self.client.request(method, f"/sortedset/{cache or self.cache}{suffix}", **kwargs)
