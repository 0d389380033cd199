"""Both sorted-set doors, the local HTTP door and the bridge, give one answer to any request.

Each door has its own local server, started alike: the door is called over real HTTP, the
bridge's real handler in-process (its SDK talking to the other server's gRPC door), as
`tests/bridge/two_doors.py` describes. Bad input must be a 4xx naming the field, never a
5xx, and the two answers (status and body) must be identical.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings

from functions.momento_bridge import handler as bridge
from functions.momento_bridge.caller_secret import CallerSecret
from functions.momento_bridge.clients import ClientPool, ConnectionSettings
from leaderboard.local.momento_server.server import MomentoServer
from leaderboard.momento_contract.bridge_settings import CALLER_SECRET_HEADER
from tests.bridge.conftest import CALLER_SECRET
from tests.bridge.function_url import Handler, LambdaContext, function_url_event
from tests.bridge.two_doors import (
    Answer,
    HostileRequest,
    bridge_answer,
    door_answer,
    hostile_requests,
)

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
        ("POST", "/by-score", f"offset={2**63}", b"", "offset: must be an integer from 0 to"),
        ("POST", "/by-score", f"offset={2**32}", b"", "offset: must be an integer from 0 to"),
        ("POST", "/by-score", "count=2147483648", b"", "count: must be an integer from 1 to"),
        ("POST", "/by-score", "", b'{"min_score": "1"}', "min_score: must be a number"),
        ("POST", "/by-score", "", b'{"max_score": null}', "max_score: must be a number"),
        ("POST", "/length", "", b'{"min_score": 1e309}', "min_score: must be a finite number"),
        ("POST", "/length", "", b'{"min_score": -Infinity}', "body: -Infinity is not a JSON"),
        ("POST", "/length", "", b'{"max_score_exclusive": 1}', "max_score_exclusive: must be"),
        ("POST", "/length", "", b'{"max_score_exclusive": true}', "max_score_exclusive: needs"),
        ("POST", "/length", "", b"[]", "body: must be a JSON object"),
        ("POST", "/length", "", b"\xff\xfe", "body: not valid JSON"),
        ("POST", "/length", "min_score=1", b"", "min_score: goes in the JSON body"),
        ("POST", "/by-score", "min_score_exclusive=true", b"", "min_score_exclusive: goes in"),
        ("POST", "/increment", "value=a&ttl_seconds=60&amount=1", b"", "amount: goes in the"),
        ("POST", "/increment", "value=a&ttl_seconds=60", b"", "amount: is required"),
        ("POST", "/increment", "value=a&ttl_seconds=60", b'{"amount": "1"}', "amount: must be a"),
        ("POST", "/scores", "value=a", b"", 'value: goes in the JSON body, as "values"'),
        ("DELETE", "", "value_base64=YQ%3D%3D", b"", "value_base64: goes in the JSON body"),
        ("DELETE", "", "", b"{}", "values: at least one of values or values_base64"),
        ("DELETE", "", "", b'{"values": ["a", 2]}', "values[1]: must be a string"),
        ("POST", "/scores", "", b'{"values_base64": ["YQ", "!"]}', "values_base64[0]: not"),
        ("POST", "/scores", "", b'{"values": "a"}', "values: must be an array of strings"),
        ("POST", "/scores", "", b'{"values": ["a"], "x": 1}', "x: unknown field"),
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
    request = HostileRequest("POST", f"/sortedset/{cache}/length", "key=board", JSON, b"")
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
        "POST", f"/sortedset/{CACHE}/length", "key=board" + token, () if token else headers, b""
    )
    door_said = door_answer(door, request)
    assert door_said == bridge_answer(bridge_handler, request, CALLER_SECRET)
    assert door_said == (401, {"error": "unauthenticated", "message": "Invalid API key"})


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/length"), ("GET", "/scores"), ("GET", "/by-score")]
)
def test_the_old_methods_are_405_on_both_doors(
    door: httpx.Client, bridge_handler: Handler, method: str, path: str
) -> None:
    request = HostileRequest(method, f"/sortedset/{CACHE}{path}", "key=board&value=a", JSON, b"")
    door_said = door_answer(door, request)
    assert door_said == bridge_answer(bridge_handler, request, CALLER_SECRET)
    assert door_said == (405, {"error": "method_not_allowed", "message": "Method GET not allowed"})


def test_scores_and_bounds_in_bodies_get_one_answer_from_both_doors(
    door: httpx.Client, bridge_handler: Handler
) -> None:
    """A bound that `$string` would round to 0.3 stays apart from 0.3, and lists of members
    are answered in order, on both doors; DELETE and POST bodies reach both."""
    key = f"bodies-{uuid.uuid4().hex}"
    above = 0.1 + 0.2  # 0.30000000000000004

    def both(method: str, path: str, query: str, body: object) -> Answer:
        request = HostileRequest(
            method, f"/sortedset/{CACHE}{path}", f"key={key}&{query}".strip("&"), JSON,
            json.dumps(body).encode(),
        )  # fmt: skip
        door_said = door_answer(door, request)
        assert door_said == bridge_answer(bridge_handler, request, CALLER_SECRET)
        return door_said

    elements = [{"value": "third", "score": 0.3}, {"value": "sum", "score": above}]
    elements += [{"value": "gone", "score": 9}, {"value": "late", "score": 1}]
    assert both("PUT", "", "ttl_seconds=3600", {"elements": elements}) == (204, None)
    late = {"value": "late", "score": 1.5}
    assert both("POST", "/increment", "value=late&ttl_seconds=3600", {"amount": 0.5}) == (200, late)
    assert both("DELETE", "", "", {"values": ["gone", "nobody"]}) == (204, None)
    exclusive = {"min_score": above, "min_score_exclusive": True}
    assert both("POST", "/length", "", exclusive) == (200, {"length": 1})
    assert both("POST", "/length", "", {**exclusive, "min_score": 0.3}) == (200, {"length": 2})
    assert both("POST", "/by-score", "order=DESC", {"max_score": above}) == (
        200,
        {"elements": [{"value": "sum", "score": above}, {"value": "third", "score": 0.3}]},
    )
    body = {"values": ["sum", "gone"], "values_base64": ["dGhpcmQ="]}  # "third"
    assert both("POST", "/scores", "", body) == (
        200,
        {
            "elements": [
                {"value": "sum", "score": above},
                {"value": "gone", "score": None},
                {"value": "third", "score": 0.3},
            ]
        },
    )


@pytest.mark.parametrize("encoded", [False, True], ids=["text", "base64"])
def test_the_bridge_reads_a_body_function_urls_deliver_base64_encoded(
    door: httpx.Client, bridge_handler: Handler, encoded: bool
) -> None:
    """Function URLs base64-encode a body they do not take for text (`isBase64Encoded`): the
    bridge decodes it, so both deliveries get the door's answer."""
    headers = {"authorization": API_KEY, CALLER_SECRET_HEADER: CALLER_SECRET}
    body = b'{"values": ["nobody"]}'
    event = function_url_event(
        "POST", f"/sortedset/{CACHE}/scores", query="key=absent", headers=headers, body=body,
        base64_body=encoded,
    )  # fmt: skip
    result = bridge_handler(event, LambdaContext())
    request = HostileRequest("POST", f"/sortedset/{CACHE}/scores", "key=absent", JSON, body)
    assert event["isBase64Encoded"] is encoded
    assert (result["statusCode"], json.loads(result["body"])) == door_answer(door, request)
    assert result["statusCode"] == 404
