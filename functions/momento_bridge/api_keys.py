"""Momento keys read only as far as needed to connect to the stage's endpoint and nowhere else.

v1 keys (base64 JSON) and legacy keys (JWT) carry their endpoint in a claim nobody signs:
given one as is, the SDK opens a TLS connection to whatever host and port the claim names.
The bridge's keys come from strangers as well as from the workflows (its URL is public), so
it never lets a key choose: a key whose claim names another endpoint than the stage's is
refused, and the credentials it gets are built from the stage's endpoint, not the claim.
v2 keys carry no endpoint and get the stage's. Nothing here touches the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from momento import CredentialProvider

# Momento's host names for an endpoint (the SDK's own prefixes, private in its resolver).
_CONTROL_PREFIX: Final = "control."
_CACHE_PREFIX: Final = "cache."
_TOKEN_PREFIX: Final = "token."  # noqa: S105 - a host name prefix
_TLS_PORT: Final = 443


@dataclass(frozen=True, slots=True)
class InvalidKey:
    """The key is not a Momento key the bridge can use; the message never contains it."""

    message: str


NOT_A_KEY: Final = InvalidKey("Authorization: not a Momento API key")
FOREIGN_ENDPOINT: Final = InvalidKey(
    "Authorization: the key names another Momento endpoint than this stage's"
)


def pinned_credentials(api_key: str, endpoint: str) -> CredentialProvider | InvalidKey:
    """Credentials for `api_key` that connect to `endpoint` (e.g. `cell-...momentohq.com`)."""
    try:
        return CredentialProvider.from_api_key_v2(api_key, endpoint)
    except Exception:  # noqa: S110 - not a v2 key: it may be a v1 or a legacy one
        pass
    try:
        claimed = CredentialProvider.from_disposable_token(api_key)
    # The SDK's parser raises whatever a crafted key makes it raise: InvalidArgumentException,
    # TypeError (JSON that is not an object, a number for a host), KeyError, ValueError (base64,
    # UTF-8, JSON), RecursionError (deep JSON)... Each means "not a key", never a 5xx.
    except Exception:
        return NOT_A_KEY
    if (claimed.cache_endpoint, claimed.control_endpoint) != (
        _CACHE_PREFIX + endpoint,
        _CONTROL_PREFIX + endpoint,
    ):
        return FOREIGN_ENDPOINT
    if not isinstance(claimed.auth_token, str) or not claimed.auth_token:
        return NOT_A_KEY
    return CredentialProvider(
        auth_token=claimed.auth_token,
        control_endpoint=_CONTROL_PREFIX + endpoint,
        cache_endpoint=_CACHE_PREFIX + endpoint,
        token_endpoint=_TOKEN_PREFIX + endpoint,
        port=_TLS_PORT,
    )
