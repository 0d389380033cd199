"""The local HTTP door beyond the sorted-set contract: Momento's official routes, auth,
fault injection through the admin control, unknown routes. Real HTTP with httpx."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from leaderboard.local.momento_server.server import MomentoServer
from leaderboard.local.momento_server.topics import Subscription
from tests.momento_server.conftest import SHARED_CACHE

TEST_KEY = "test-only-key"  # not a secret: the key a throwaway test server is told to accept


@pytest.fixture(autouse=True)
def no_faults(momento_server: MomentoServer) -> Iterator[None]:
    """Fault rules never leak from one test into the next."""
    yield
    momento_server.faults.clear()


# -- /cache/{cache} ------------------------------------------------------------------------


def test_put_get_delete_a_value(http: httpx.Client, key: str) -> None:
    url = f"/cache/{SHARED_CACHE}"
    response = http.put(url, params={"key": key, "ttl_seconds": "60"}, content=b"\x00hello")
    assert response.status_code == 204
    response = http.get(url, params={"key": key})
    assert response.status_code == 200
    assert response.content == b"\x00hello"
    assert response.headers["content-type"] == "application/octet-stream"
    assert http.delete(url, params={"key": key}).status_code == 204
    response = http.get(url, params={"key": key})
    assert (response.status_code, response.text) == (404, "Key Not Found")


def test_key_base64_addresses_the_same_item(http: httpx.Client) -> None:
    url = f"/cache/{SHARED_CACHE}"
    http.put(url, params={"key": "b64-key", "ttl_seconds": "60"}, content=b"v")
    response = http.get(url, params={"key_base64": "YjY0LWtleQ=="})  # "b64-key"
    assert response.content == b"v"


def test_unknown_cache_is_cache_not_found(http: httpx.Client) -> None:
    for method in ("GET", "DELETE"):
        response = http.request(method, "/cache/no-such-cache", params={"key": "k"})
        assert (response.status_code, response.text) == (404, "Cache Not Found")
    response = http.put(
        "/cache/no-such-cache", params={"key": "k", "ttl_seconds": "5"}, content=b"v"
    )
    assert (response.status_code, response.text) == (404, "Cache Not Found")


def test_values_expire_after_ttl(
    momento_server: MomentoServer, http: httpx.Client, key: str
) -> None:
    url = f"/cache/{SHARED_CACHE}"
    http.put(url, params={"key": key, "ttl_seconds": "1"}, content=b"v")
    assert http.get(url, params={"key": key}).status_code == 200
    time.sleep(1.1)
    assert http.get(url, params={"key": key}).text == "Key Not Found"


@pytest.mark.parametrize(
    ("method", "params", "message"),
    [
        ("GET", {}, "key: key or key_base64 is required"),
        ("GET", {"key": "a", "key_base64": "YQ=="}, "key: give key or key_base64, not both"),
        ("GET", {"key_base64": "not base64!"}, "key_base64: not valid base64"),
        ("GET", {"key": "a", "ttl_seconds": "5"}, "ttl_seconds: unknown parameter"),
        ("PUT", {"key": "a"}, "ttl_seconds: is required"),
        ("PUT", {"key": "a", "ttl_seconds": "-1"}, "ttl_seconds: must be a positive integer"),
        ("PUT", {"key": "a", "ttl_seconds": "9999999999"}, "ttl_seconds: must be a positive"),
    ],
)
def test_bad_requests_are_plain_text_400s(
    http: httpx.Client, method: str, params: dict[str, str], message: str
) -> None:
    response = http.request(method, f"/cache/{SHARED_CACHE}", params=params, content=b"v")
    assert response.status_code == 400
    assert response.text.startswith(message), response.text


def test_delete_removes_a_sorted_set_too(http: httpx.Client, key: str) -> None:
    body = {"elements": [{"value": "a", "score": 1}]}
    http.put(f"/sortedset/{SHARED_CACHE}", params={"key": key, "ttl_seconds": "60"}, json=body)
    assert http.delete(f"/cache/{SHARED_CACHE}", params={"key": key}).status_code == 204
    response = http.post(f"/sortedset/{SHARED_CACHE}/length", params={"key": key})
    assert response.json()["message"] == "Sorted Set Not Found"


def test_get_of_a_sorted_set_is_a_400(http: httpx.Client, key: str) -> None:
    body = {"elements": [{"value": "a", "score": 1}]}
    http.put(f"/sortedset/{SHARED_CACHE}", params={"key": key, "ttl_seconds": "60"}, json=body)
    response = http.get(f"/cache/{SHARED_CACHE}", params={"key": key})
    assert (response.status_code, response.text) == (400, "key: holds a sorted set, not a scalar")


def test_oversized_value_is_refused(http: httpx.Client, key: str) -> None:
    too_big = b"x" * (5 * 1024 * 1024 + 1)
    response = http.put(
        f"/cache/{SHARED_CACHE}", params={"key": key, "ttl_seconds": "5"}, content=too_big
    )
    assert (response.status_code, response.text) == (400, "body: must be at most 5242880 bytes")
    assert http.get(f"/cache/{SHARED_CACHE}", params={"key": key}).status_code == 404


# -- /topics/{cache}/{topic} ---------------------------------------------------------------


def test_publish_reaches_a_subscriber(momento_server: MomentoServer, http: httpx.Client) -> None:
    topic = f"scores-{uuid.uuid4().hex}"  # a fresh topic: no latest message delivered first
    subscription = momento_server.store.topics.subscribe(SHARED_CACHE, topic)
    assert isinstance(subscription, Subscription)
    try:
        assert http.post(f"/topics/{SHARED_CACHE}/{topic}", content=b"hello").status_code == 204
        binary = {"content-type": "application/octet-stream"}
        http.post(f"/topics/{SHARED_CACHE}/{topic}", content=b"\x01", headers=binary)
        first, second = subscription.get(timeout=5), subscription.get(timeout=5)
        assert first is not None and second is not None
        assert first.payload == "hello"
        assert second.payload == b"\x01"
        assert second.sequence_number == first.sequence_number + 1
    finally:
        subscription.close()


def test_publish_to_unknown_cache(http: httpx.Client) -> None:
    response = http.post("/topics/no-such-cache/t", content=b"x")
    assert (response.status_code, response.text) == (404, "Cache Not Found")


# -- auth -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def locked_server() -> Iterator[MomentoServer]:
    with MomentoServer(grpc_port=0, http_port=0, api_keys=[TEST_KEY], caches=["c"]) as server:
        yield server


def test_open_server_accepts_any_key_and_none(http: httpx.Client) -> None:
    for headers in ({}, {"Authorization": ""}, {"Authorization": "whatever"}):
        response = http.get(f"/cache/{SHARED_CACHE}", params={"key": "k"}, headers=headers)
        assert response.status_code == 404  # a miss, not a refusal


@pytest.mark.parametrize(
    ("headers", "params", "status", "body"),
    [
        ({}, {}, 401, "Missing API key"),
        ({"Authorization": "wrong"}, {}, 401, "Invalid API key"),
        ({}, {"token": "wrong"}, 401, "Invalid API key"),
        ({"Authorization": TEST_KEY}, {}, 404, "Key Not Found"),
        ({}, {"token": TEST_KEY}, 404, "Key Not Found"),
        (
            {"Authorization": TEST_KEY},
            {"token": TEST_KEY},
            400,
            "token: give the Authorization header or the token parameter, not both",
        ),
    ],
)
def test_configured_keys_are_enforced(
    locked_server: MomentoServer,
    headers: dict[str, str],
    params: dict[str, str],
    status: int,
    body: str,
) -> None:
    response = httpx.get(
        f"{locked_server.http_url}/cache/c", params={"key": "k", **params}, headers=headers
    )
    assert (response.status_code, response.text) == (status, body)


def test_sorted_set_routes_refuse_as_json(locked_server: MomentoServer) -> None:
    response = httpx.post(f"{locked_server.http_url}/sortedset/c/length", params={"key": "k"})
    assert response.status_code == 401
    assert response.json() == {"error": "unauthenticated", "message": "Missing API key"}


# -- fault injection ------------------------------------------------------------------------


def add_fault(http: httpx.Client, **rule: object) -> int:
    response = http.post("/_admin/faults", json=rule)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.mark.parametrize(
    ("status", "code"), [(429, "limit_exceeded"), (500, "internal"), (503, "unavailable")]
)
def test_fault_status_for_the_next_n_calls(
    http: httpx.Client, key: str, status: int, code: str
) -> None:
    add_fault(http, operation="sortedset.length", status=status, times=2)
    url = f"/sortedset/{SHARED_CACHE}/length"
    first, second, third = (http.post(url, params={"key": key}) for _ in range(3))
    assert first.status_code == second.status_code == status
    assert first.json()["error"] == code
    assert third.status_code == 404  # back to normal: the set does not exist
    assert http.get("/_admin/faults").json() == {"rules": []}


def test_fault_on_official_route_is_plain_text(http: httpx.Client, key: str) -> None:
    add_fault(http, operation="cache.*", status=429)
    response = http.get(f"/cache/{SHARED_CACHE}", params={"key": key})
    assert response.status_code == 429
    assert not response.headers["content-type"].startswith("application/json")


def test_fault_only_hits_matching_operations(http: httpx.Client, key: str) -> None:
    add_fault(http, operation="sortedset.rank", status=500)
    response = http.post(f"/sortedset/{SHARED_CACHE}/length", params={"key": key})
    assert response.status_code == 404


def test_fault_latency(http: httpx.Client, key: str) -> None:
    add_fault(http, operation="cache.get", latency_seconds=0.3, times=1)
    started = time.perf_counter()
    response = http.get(f"/cache/{SHARED_CACHE}", params={"key": key})
    assert time.perf_counter() - started >= 0.3
    assert response.status_code == 404


def test_fault_drop_closes_the_connection(http: httpx.Client, key: str) -> None:
    add_fault(http, operation="cache.get", drop=True, times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        http.get(f"/cache/{SHARED_CACHE}", params={"key": key})
    assert http.get(f"/cache/{SHARED_CACHE}", params={"key": key}).status_code == 404


def test_fault_rate_zero_never_fires(http: httpx.Client, key: str) -> None:
    add_fault(http, operation="*", status=503, rate=0)
    for _ in range(20):
        assert http.get(f"/cache/{SHARED_CACHE}", params={"key": key}).status_code == 404


def test_admin_keeps_an_applied_rule_as_sent(http: httpx.Client) -> None:
    rule = {
        "operation": "sortedset.increment",
        "status": 503,
        "latency_seconds": 0.0,
        "drop": False,
        "applied": True,
        "rate": 1.0,
        "times": 1,
    }
    rule_id = add_fault(http, **rule)
    assert http.get("/_admin/faults").json() == {"rules": [{"id": rule_id, **rule}]}


def test_admin_lists_and_removes_rules(http: httpx.Client) -> None:
    rule_id = add_fault(http, operation="topics.publish", status=503)
    listed = http.get("/_admin/faults").json()["rules"]
    assert listed == [
        {
            "id": rule_id,
            "operation": "topics.publish",
            "status": 503,
            "latency_seconds": 0.0,
            "drop": False,
            "applied": False,
            "rate": 1.0,
            "times": None,
        }
    ]
    assert http.delete(f"/_admin/faults/{rule_id}").status_code == 204
    assert http.delete(f"/_admin/faults/{rule_id}").status_code == 404
    add_fault(http, operation="*", status=500)
    assert http.delete("/_admin/faults").status_code == 204
    assert http.get("/_admin/faults").json() == {"rules": []}


@pytest.mark.parametrize("rule_id", ["%C2%B2", "%D9%A1", "-1", "99999999999999999999999"])
def test_admin_answers_404_for_a_rule_id_that_is_not_one(http: httpx.Client, rule_id: str) -> None:
    response = http.delete(f"/_admin/faults/{rule_id}")
    assert (response.status_code, response.json()["message"]) == (404, "Fault Rule Not Found")


def test_admin_refuses_a_deeply_nested_rule_with_a_400(http: httpx.Client) -> None:
    response = http.post("/_admin/faults", content=b"[" * 4000)
    assert response.status_code == 400
    assert response.json()["message"] == "body: nested more than 32 levels deep"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            {"operation": "sortedset.nope", "status": 500},
            "operation: 'sortedset.nope' matches no operation",
        ),
        ({"status": 404}, "status: must be one of [429, 500, 503]"),
        ({"status": 500, "rate": 2}, "rate: must be between 0 and 1"),
        ({"status": 500, "times": 0}, "times: must be a positive integer"),
        ({}, "status: a rule needs a status, latency_seconds or drop"),
        ({"drop": True, "applied": True}, "applied: cannot be combined with drop"),
        (
            {"latency_seconds": 0.1, "applied": True},
            "applied: needs a status to answer after the operation",
        ),
        ({"status": 503, "applied": "true"}, "applied: wrong type"),
        ({"status": "500"}, "status: wrong type"),
        ({"status": 500, "colour": "red"}, "colour: unknown field"),
    ],
)
def test_admin_rejects_bad_rules(http: httpx.Client, rule: dict[str, object], message: str) -> None:
    response = http.post("/_admin/faults", json=rule)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_argument", "message": message}
    assert http.get("/_admin/faults").json() == {"rules": []}


# -- routing --------------------------------------------------------------------------------


def test_unknown_route_and_method_are_json(http: httpx.Client) -> None:
    response = http.get("/no/such/route")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    response = http.post(f"/cache/{SHARED_CACHE}")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_health(http: httpx.Client) -> None:
    assert http.get("/_admin/health").json() == {"status": "ok"}
