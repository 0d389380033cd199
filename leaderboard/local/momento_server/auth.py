"""API keys the local server accepts.

With no keys configured the server is open, as Momento Local is: any key is accepted,
including the empty key `CredentialProvider.for_momento_local` sends. With keys configured,
a request must carry one of them; the comparison is constant-time.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable


class ApiKeys:
    """The set of accepted API keys; empty means "accept any key"."""

    def __init__(self, keys: Iterable[str] = ()) -> None:
        accepted = tuple(keys)
        if any(not key for key in accepted):
            raise ValueError("api keys: an empty key cannot be configured")
        self._keys = tuple(key.encode() for key in accepted)

    @property
    def open(self) -> bool:
        """True when no keys are configured and every request is accepted."""
        return not self._keys

    def accepts(self, key: str | None) -> bool:
        """Whether a request carrying `key` (None = no key at all) may proceed."""
        if self.open:
            return True
        if not key:
            return False
        presented = key.encode()
        # Compare against every key so timing does not reveal which one nearly matched.
        matches = [hmac.compare_digest(presented, accepted) for accepted in self._keys]
        return any(matches)

    def __repr__(self) -> str:
        return f"ApiKeys(<{len(self._keys)} keys>)"  # never the keys themselves
