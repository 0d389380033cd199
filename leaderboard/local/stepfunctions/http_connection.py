"""EventBridge connections, read from moto's events backend, as HTTP Task request additions.

A connection carries one credential (API key, Basic, or OAuth client credentials) and
optional invocation parameters (headers, query string, body). The result lists what the
request must carry, plus every secret value so failure causes can be scrubbed of them.
"""

import base64
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import urllib3
from moto.events.models import events_backends

_REDACTED: Final = "***"
_TOKEN_EXPIRY_MARGIN_SECONDS: Final = 30.0


@dataclass(frozen=True)
class ConnectionAuth:
    """Request additions from one connection; connection values override the task's."""

    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()

    def scrub(self, text: str) -> str:
        """``text`` with every credential of this connection replaced."""
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, _REDACTED)
        return text


_tokens: dict[str, tuple[str, float]] = {}  # connection ARN -> (access token, expiry)
_tokens_lock = threading.Lock()


def _connection(arn: str) -> Any:
    # arn:aws:events:<region>:<account>:connection/<name>/<uuid>
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "events" or not parts[5].startswith("connection/"):
        raise ValueError(f"not an EventBridge connection ARN: {arn!r}")
    region, account, resource = parts[3], parts[4], parts[5]
    name = resource.split("/")[1]
    connection = events_backends[account][region].connections.get(name)
    if connection is None or connection.arn != arn:
        raise LookupError(f"connection {arn!r} does not exist")
    return connection


def _parameters(invocation: Mapping[str, Any], kind: str) -> tuple[dict[str, str], list[str]]:
    values: dict[str, str] = {}
    secrets: list[str] = []
    for parameter in invocation.get(kind, []):
        values[parameter["Key"]] = str(parameter["Value"])
        if parameter.get("IsValueSecret", True):
            secrets.append(str(parameter["Value"]))
    return values, secrets


def _oauth_token(
    arn: str, oauth: Mapping[str, Any], pool: urllib3.PoolManager, timeout: float
) -> tuple[str, list[str]]:
    client = oauth.get("ClientParameters", {})
    client_id, client_secret = client.get("ClientID", ""), client.get("ClientSecret", "")
    with _tokens_lock:
        cached = _tokens.get(arn)
        if cached and cached[1] > time.monotonic():
            return cached[0], [client_secret, cached[0]]
    extra = oauth.get("OAuthHttpParameters", {})
    headers, _ = _parameters(extra, "HeaderParameters")
    query, _ = _parameters(extra, "QueryStringParameters")
    body, _ = _parameters(extra, "BodyParameters")
    basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
    headers["Authorization"] = f"Basic {basic}"
    response = pool.request(
        oauth.get("HttpMethod", "POST"),
        oauth["AuthorizationEndpoint"],
        fields={"grant_type": "client_credentials", **query, **body},
        headers=headers,
        timeout=timeout,
        encode_multipart=False,
    )
    if response.status != 200:
        raise LookupError(f"OAuth token endpoint answered {response.status}")
    grant = json.loads(response.data)
    token = str(grant["access_token"])
    expiry = time.monotonic() + float(grant.get("expires_in", 300)) - _TOKEN_EXPIRY_MARGIN_SECONDS
    with _tokens_lock:
        _tokens[arn] = (token, expiry)
    return token, [client_secret, token]


def resolve_connection(
    arn: str, region: str, pool: urllib3.PoolManager, timeout: float
) -> ConnectionAuth:
    """What the connection adds to a request; LookupError/ValueError for a bad or unknown ARN."""
    connection = _connection(arn)
    auth: Mapping[str, Any] = connection.auth_parameters
    invocation = auth.get("InvocationHttpParameters", {})
    headers, header_secrets = _parameters(invocation, "HeaderParameters")
    query, query_secrets = _parameters(invocation, "QueryStringParameters")
    body, body_secrets = _parameters(invocation, "BodyParameters")
    secrets = header_secrets + query_secrets + body_secrets
    kind = connection.authorization_type
    if kind == "API_KEY":
        key = auth["ApiKeyAuthParameters"]
        headers[key["ApiKeyName"]] = key["ApiKeyValue"]
        secrets.append(key["ApiKeyValue"])
    elif kind == "BASIC":
        basic = auth["BasicAuthParameters"]
        pair = f"{basic['Username']}:{basic['Password']}"
        encoded = base64.b64encode(pair.encode()).decode()
        headers["Authorization"] = f"Basic {encoded}"
        secrets.extend([basic["Password"], encoded])
    elif kind == "OAUTH_CLIENT_CREDENTIALS":
        token, oauth_secrets = _oauth_token(arn, auth["OAuthParameters"], pool, timeout)
        headers["Authorization"] = f"Bearer {token}"
        secrets.extend(oauth_secrets)
    return ConnectionAuth(headers=headers, query=query, body=body, secrets=tuple(secrets))
