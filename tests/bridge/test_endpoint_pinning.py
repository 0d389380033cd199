"""Whatever a key claims, the bridge connects only to the stage's Momento endpoint.

v1 and legacy keys carry an unsigned endpoint claim; a crafted one used to make the bridge
open TLS connections wherever it said (and some raised TypeError: a 502). Here the bridge runs
as on AWS (`MOMENTO_ENDPOINT`, no local address). The client factory is the seam where a
connection would start: a refused key must never reach it. Keys that name the stage's
endpoint do reach it, with credentials built from the stage's endpoint; the factory then
points the client at the local server instead of Momento's cloud (which cannot exist offline),
so those requests still make a real call with the key inside.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import jwt
import pytest
from aws_lambda_powertools.utilities.data_classes import LambdaFunctionUrlEvent
from hypothesis import given
from hypothesis import strategies as st
from momento import CacheClient, Configurations, CredentialProvider

from functions.momento_bridge import handler as bridge
from functions.momento_bridge.api_keys import FOREIGN_ENDPOINT, NOT_A_KEY, pinned_credentials
from functions.momento_bridge.caller_secret import CallerSecret
from functions.momento_bridge.clients import ClientPool, ConnectionSettings
from leaderboard.local.momento_server.server import MomentoServer
from leaderboard.momento_contract.bridge_settings import CALLER_SECRET_HEADER
from tests.bridge.conftest import API_KEY, BRIDGE_CACHE, CALLER_SECRET
from tests.bridge.function_url import function_url_event

STAGE_ENDPOINT = "cell-test-1.prod.a.momentohq.com"
STAGE = ConnectionSettings(local_address=None, endpoint=STAGE_ENDPOINT)
SIGNING_KEY = "anyone-can-sign-a-claim-nobody-checks-0123456789"


def v1_key(info: Any) -> str:
    return base64.b64encode(json.dumps(info).encode()).decode()


def legacy_key(claims: dict[str, Any]) -> str:
    return jwt.encode(claims, SIGNING_KEY, algorithm="HS256")


V2_KEY = legacy_key({"t": "g", "id": "workflows"})

FOREIGN_KEYS = {
    "v1, another host": v1_key({"endpoint": "attacker.example.com", "api_key": "x"}),
    "v1, a port": v1_key({"endpoint": f"{STAGE_ENDPOINT}:22", "api_key": "x"}),
    "v1, the stage as a prefix": v1_key({"endpoint": f"{STAGE_ENDPOINT}.evil", "api_key": "x"}),
    "legacy, loopback": legacy_key({"c": "127.0.0.1:22", "cp": "127.0.0.1:22"}),
    "legacy, the stage on another port": legacy_key(
        {"c": f"cache.{STAGE_ENDPOINT}:8443", "cp": f"control.{STAGE_ENDPOINT}"}
    ),
    "legacy, control elsewhere": legacy_key(
        {"c": f"cache.{STAGE_ENDPOINT}", "cp": "control.attacker.example.com"}
    ),
}
MALFORMED_KEYS = {
    "garbage": "plainly-not-a-key",
    "garbage base64": "YWJj",  # "abc"
    "base64 of non-UTF-8": base64.b64encode(b"\xff\xfe\xfd").decode(),
    "JSON list": v1_key([1]),
    "JSON string": v1_key("endpoint"),
    "JSON number": v1_key(5),
    "JSON null": v1_key(None),
    "no endpoint": v1_key({"api_key": "x"}),
    "no api_key": v1_key({"endpoint": STAGE_ENDPOINT}),
    "number endpoint": v1_key({"endpoint": 5, "api_key": "x"}),
    "number api_key": v1_key({"endpoint": STAGE_ENDPOINT, "api_key": 5}),
    "empty api_key": v1_key({"endpoint": STAGE_ENDPOINT, "api_key": ""}),
    "deep JSON": base64.b64encode(b"[" * 5000 + b"]" * 5000).decode(),
    "legacy, number claim": legacy_key({"c": 5, "cp": 5}),
    "legacy, no claims": legacy_key({"sub": "nobody"}),
    "JWT, payload not an object": "eyJhbGciOiJIUzI1NiJ9.WzFd.c2ln",  # payload: [1]
}
# Not visible ASCII: the shared contract refuses these before the bridge reads the key, with
# the answer the local door gives too (tests/bridge/test_doors_agree.py).
UNSENDABLE_KEYS = {"non-ASCII": "clé-🔑", "whitespace": " "}


class RecordingFactory:
    """The seam where a connection would start: records what it was asked to build.

    The client it builds points at the local server, not where the provider says: Momento's
    cloud is not reachable offline.
    """

    def __init__(self, momento_server: MomentoServer) -> None:
        self.providers: list[CredentialProvider] = []
        self._grpc_port = momento_server.grpc_port

    def __call__(self, provider: CredentialProvider) -> CacheClient:
        self.providers.append(provider)
        local = CredentialProvider(
            provider.auth_token,
            control_endpoint="127.0.0.1",
            cache_endpoint="127.0.0.1",
            token_endpoint="127.0.0.1",
            port=self._grpc_port,
        )
        return CacheClient(Configurations.Lambda.latest(), local, timedelta(minutes=1))


@pytest.fixture
def factory(momento_server: MomentoServer) -> RecordingFactory:
    return RecordingFactory(momento_server)


@pytest.fixture
def stage_pool(factory: RecordingFactory) -> Iterator[ClientPool]:
    pool = ClientPool(STAGE, factory=factory)
    yield pool
    pool.close()


def length(key: str, pool: ClientPool, secret: CallerSecret) -> tuple[int, Any]:
    event = function_url_event(
        "POST",
        f"/sortedset/{BRIDGE_CACHE}/length",
        query="key=board",
        headers={"authorization": key, CALLER_SECRET_HEADER: CALLER_SECRET},
    )
    result = bridge.answer(LambdaFunctionUrlEvent(event), pool, secret)
    return result.status, result.body


@pytest.mark.parametrize("key", FOREIGN_KEYS.values(), ids=FOREIGN_KEYS.keys())
def test_a_key_naming_another_endpoint_is_401_before_any_connection(
    key: str, stage_pool: ClientPool, factory: RecordingFactory, caller_secret: CallerSecret
) -> None:
    assert length(key, stage_pool, caller_secret) == (
        401,
        {"error": "unauthenticated", "message": FOREIGN_ENDPOINT.message},
    )
    assert factory.providers == []


@pytest.mark.parametrize("key", MALFORMED_KEYS.values(), ids=MALFORMED_KEYS.keys())
def test_a_key_that_does_not_parse_is_401_never_an_exception(
    key: str, stage_pool: ClientPool, factory: RecordingFactory, caller_secret: CallerSecret
) -> None:
    assert length(key, stage_pool, caller_secret) == (
        401,
        {"error": "unauthenticated", "message": NOT_A_KEY.message},
    )
    assert factory.providers == []


@pytest.mark.parametrize("key", UNSENDABLE_KEYS.values(), ids=UNSENDABLE_KEYS.keys())
def test_a_key_that_is_not_visible_ascii_is_401_before_the_key_is_read(
    key: str, stage_pool: ClientPool, factory: RecordingFactory, caller_secret: CallerSecret
) -> None:
    assert length(key, stage_pool, caller_secret) == (
        401,
        {"error": "unauthenticated", "message": "Invalid API key"},
    )
    assert factory.providers == []


HOSTS = st.sampled_from(
    [STAGE_ENDPOINT, f"cache.{STAGE_ENDPOINT}", f"control.{STAGE_ENDPOINT}", "127.0.0.1:22"]
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | HOSTS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["endpoint", "api_key", "c", "cp", "t"]), inner)
    ),
    max_leaves=8,
)
CRAFTED_KEYS = (
    st.text(max_size=200)
    | st.binary(max_size=200).map(lambda raw: base64.b64encode(raw).decode())
    | JSON.map(v1_key)
    | st.dictionaries(st.sampled_from(["c", "cp", "t", "id"]), JSON).map(legacy_key)
)


@given(CRAFTED_KEYS)
def test_no_key_raises_and_none_leaves_the_stage(key: str) -> None:
    credentials = pinned_credentials(key, STAGE_ENDPOINT)
    if isinstance(credentials, CredentialProvider):
        assert (credentials.cache_endpoint, credentials.port) == (f"cache.{STAGE_ENDPOINT}", 443)
        assert credentials.control_endpoint == f"control.{STAGE_ENDPOINT}"
        assert isinstance(credentials.auth_token, str)
        assert credentials.auth_token


@pytest.mark.parametrize(
    ("key", "token"),
    [
        (v1_key({"endpoint": STAGE_ENDPOINT, "api_key": API_KEY}), API_KEY),
        (legacy_key({"c": f"cache.{STAGE_ENDPOINT}", "cp": f"control.{STAGE_ENDPOINT}"}), None),
        (V2_KEY, V2_KEY),
    ],
    ids=["v1", "legacy", "v2"],
)
def test_keys_for_the_stage_get_the_stage_endpoint(
    key: str,
    token: str | None,
    stage_pool: ClientPool,
    factory: RecordingFactory,
    caller_secret: CallerSecret,
) -> None:
    status, _ = length(key, stage_pool, caller_secret)
    (provider,) = factory.providers
    assert (
        provider.auth_token,
        provider.cache_endpoint,
        provider.control_endpoint,
        provider.token_endpoint,
        provider.port,
    ) == (
        token or key,
        f"cache.{STAGE_ENDPOINT}",
        f"control.{STAGE_ENDPOINT}",
        f"token.{STAGE_ENDPOINT}",
        443,
    )
    # The v1 key wraps the local server's key: the call went through to a miss. The others
    # are no keys of the local server: refused by it, as Momento would.
    assert status == (404 if token == API_KEY else 401)


def test_settings_without_an_endpoint_are_refused() -> None:
    with pytest.raises(ValueError, match="MOMENTO_ENDPOINT: required"):
        ConnectionSettings(local_address=None, endpoint=None)
