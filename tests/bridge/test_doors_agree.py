"""Both sorted-set doors, the local HTTP door and the bridge, give one answer to any request.

Each door has its own local server, started alike: the door is called over real HTTP, the
bridge's real handler in-process (its SDK talking to the other server's gRPC door), as
`tests/bridge/two_doors.py` describes. Bad input must be a 4xx naming the field, never a
5xx, and the two answers (status and body) must be identical.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from functions.momento_bridge import handler as bridge
from functions.momento_bridge.caller_secret import CallerSecret
from functions.momento_bridge.clients import ClientPool, ConnectionSettings
from leaderboard.local.momento_server.server import MomentoServer
from tests.bridge.conftest import CALLER_SECRET
from tests.bridge.function_url import Handler
from tests.bridge.two_doors import HostileRequest, bridge_answer, door_answer, hostile_requests

CACHE = "doors-agree"
API_KEY = f"doors-agree-key-{uuid.uuid4().hex}"
JSON = (("authorization", API_KEY), ("content-type", "application/json"))
ELEMENT = b'{"elements": [{"value": "a", "score": 1}]}'


def _server() -> MomentoServer:
    return MomentoServer(grpc_port=0, http_port=0, api_keys=[API_KEY], caches=[CACHE])


@pytest.fixture(scope="module")
def door() -> Iterator[httpx.Client]:
    with _server() as server, httpx.Client(base_url=server.http_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def bridge_handler(caller_secret: CallerSecret) -> Iterator[Handler]:
    """The real handler, its pool (for this module only) on a server of its own."""
    with _server() as server, pytest.MonkeyPatch.context() as patch:
        pool = ClientPool(ConnectionSettings(("127.0.0.1", server.grpc_port), endpoint=None))
        patch.setattr(bridge, "_pool", pool)
        patch.setattr(bridge, "_caller_secret", caller_secret)
        yield bridge.handler
        pool.close()


@settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(request=hostile_requests(API_KEY, CACHE))
def test_hostile_requests_get_no_5xx_and_the_same_answer_from_both_doors(
    door: httpx.Client, bridge_handler: Handler, request: HostileRequest
) -> None:
    door_said = door_answer(door, request)
    bridge_said = bridge_answer(bridge_handler, request, CALLER_SECRET)
    assert door_said[0] < 500, door_said
    assert bridge_said[0] < 500, bridge_said
    assert door_said == bridge_said


@pytest.mark.parametrize(
    ("method", "path", "query", "body", "message"),
    [
        ("GET", "/by-rank", "start_rank=%C2%B2", b"", "start_rank: must be an integer from"),
        ("GET", "/by-rank", "end_rank=--5", b"", "end_rank: must be an integer from"),
        ("GET", "/by-rank", "start_rank=%D9%A1", b"", "start_rank: must be an integer from"),
        ("GET", "/by-rank", "end_rank=2147483648", b"", "end_rank: must be an integer from"),
        ("GET", "/by-score", f"offset={2**63}", b"", "offset: must be an integer from 0 to"),
        ("GET", "/by-score", f"offset={2**32}", b"", "offset: must be an integer from 0 to"),
        ("GET", "/by-score", "count=2147483648", b"", "count: must be an integer from 1 to"),
        ("GET", "/by-score", "min_score=%D9%A1.%D9%A5", b"", "min_score: must be a number"),
        ("GET", "/by-score", "max_score=1_0", b"", "max_score: must be a number"),
        ("GET", "/length", "min_score=1e309", b"", "min_score: must be a finite number"),
        ("PUT", "", "ttl_seconds=%C2%B2", ELEMENT, "ttl_seconds: must be a positive integer"),
        ("PUT", "", "ttl_seconds=60", b'{"elements": ' + b"[" * 100_000, "body: nested more"),
        (
            "PUT", "", "ttl_seconds=60", b'{"elements": [{"value": "\\ud800", "score": 1}]}',
            "elements[0].value: must be valid Unicode text",
        ),
        ("PUT", "", "ttl_seconds=60", b'{"elements": [] ', "body: not valid JSON"),
        ("GET", "/score", "value=a&key_base64=%2Fw%3D%3D", b"", "key_base64: a sorted set's"),
    ],
)  # fmt: skip
def test_bad_input_is_one_400_naming_the_field_on_both_doors(
    door: httpx.Client,
    bridge_handler: Handler,
    method: str,
    path: str,
    query: str,
    body: bytes,
    message: str,
) -> None:
    key = "" if "key_base64" in query else "key=board&"
    request = HostileRequest(method, f"/sortedset/{CACHE}{path}", key + query, JSON, body)
    door_said = door_answer(door, request)
    assert door_said == bridge_answer(bridge_handler, request, CALLER_SECRET)
    status, error = door_said
    assert (status, error["error"]) == (400, "invalid_argument"), error
    assert error["message"].startswith(message), error["message"]


@pytest.mark.parametrize(
    "cache", ["ca%00che", "caf%C3%A9", "%C2%B2", "a%2Fb", "a%0Ab", "%ED%B3%BF", "x" * 256]
)
def test_a_cache_name_momento_refuses_is_a_400_naming_it_on_both_doors(
    door: httpx.Client, bridge_handler: Handler, cache: str
) -> None:
    request = HostileRequest("GET", f"/sortedset/{cache}/length", "key=board", JSON, b"")
    door_said = door_answer(door, request)
    assert door_said == bridge_answer(bridge_handler, request, CALLER_SECRET)
    status, error = door_said
    assert status == 400
    assert error["message"].startswith("cacheName: "), error["message"]


@pytest.mark.parametrize(
    "headers",
    [(("authorization", "caf\u00e9"),), (("authorization", API_KEY + "\u00e9"),)],
)
@pytest.mark.parametrize("token", ["", "&token=caf%C3%A9", "&token=%FF"])
def test_a_key_that_is_not_ascii_is_a_401_on_both_doors(
    door: httpx.Client, bridge_handler: Handler, headers: tuple[tuple[str, str], ...], token: str
) -> None:
    request = HostileRequest(
        "GET", f"/sortedset/{CACHE}/length", "key=board" + token, () if token else headers, b""
    )
    door_said = door_answer(door, request)
    assert door_said == bridge_answer(bridge_handler, request, CALLER_SECRET)
    assert door_said == (401, {"error": "unauthenticated", "message": "Invalid API key"})
