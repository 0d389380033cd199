"""The sorted-set HTTP contract of docs/momento-http.md, route by route: hit, miss, error.

Runs through the `sorted_set_http` fixture only, so the same tests can target another
implementation of the routes (see tests/momento_server/contract.py).
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.momento_server.contract import SortedSetHttp

TTL = {"ttl_seconds": "60"}


def put(http: SortedSetHttp, key: str, *elements: tuple[str, float], **params: str) -> None:
    body = {"elements": [{"value": v, "score": s} for v, s in elements]}
    response = http("PUT", params={"key": key, **TTL, **params}, json=body)
    assert response.status_code == 204, response.text


def ok_json(response: Any) -> Any:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def assert_error(response: Any, status: int, error: str, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == error
    assert body["message"].startswith(message), body["message"]


def values(response: Any) -> list[str]:
    return [e["value"] for e in ok_json(response)["elements"]]


def length(http: SortedSetHttp, key: str, bounds: dict[str, Any] | None = None) -> int:
    count: int = ok_json(http("POST", "/length", params={"key": key}, json=bounds))["length"]
    return count


@pytest.fixture
def board(sorted_set_http: SortedSetHttp, key: str) -> str:
    """a=1, b=2, c=2 (tie with b), d=3, e=5."""
    put(sorted_set_http, key, ("a", 1), ("b", 2), ("c", 2), ("d", 3), ("e", 5))
    return key


# -- PUT /sortedset/{cache} --------------------------------------------------------------


def test_put_inserts_and_overwrites(sorted_set_http: SortedSetHttp, key: str) -> None:
    put(sorted_set_http, key, ("a", 1.5), ("b", 2))
    put(sorted_set_http, key, ("a", 7))
    body = ok_json(sorted_set_http("GET", "/by-rank", params={"key": key}))
    assert body == {"elements": [{"value": "b", "score": 2.0}, {"value": "a", "score": 7.0}]}


def test_put_accepts_base64_values_and_keys(sorted_set_http: SortedSetHttp, key: str) -> None:
    raw = b"\xff\x00bin"
    key_b64 = base64.b64encode(key.encode()).decode()
    body = {"elements": [{"value_base64": base64.b64encode(raw).decode(), "score": 1}]}
    response = sorted_set_http("PUT", params={"key_base64": key_b64, **TTL}, json=body)
    assert response.status_code == 204
    elements = ok_json(sorted_set_http("GET", "/by-rank", params={"key": key}))["elements"]
    assert elements == [{"value_base64": base64.b64encode(raw).decode(), "score": 1.0}]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"elements": [{"value": "a", "score": "1"}]}, "elements[0].score: must be a number"),
        ({"elements": [{"value": "a", "score": True}]}, "elements[0].score: must be a number"),
        ({"elements": [{"value": "a"}]}, "elements[0].score: is required"),
        ({"elements": [{"value": "", "score": 1}]}, "elements[0].value: must not be empty"),
        ({"elements": [{"score": 1}]}, "elements[0].value: give value or value_base64"),
        ({"elements": [{"value_base64": "!!", "score": 1}]}, "elements[0].value_base64: not valid"),
        ({"elements": [{"value": "a", "score": 1, "x": 1}]}, "elements[0].x: unknown field"),
        ({"elements": []}, "elements: must be a non-empty array"),
        ({"elements": [{"value": "a", "score": 1}], "extra": 1}, "extra: unknown field"),
        ([], "body: must be a JSON object"),
    ],
)
def test_put_rejects_bad_bodies_and_changes_nothing(
    sorted_set_http: SortedSetHttp, board: str, body: Any, message: str
) -> None:
    response = sorted_set_http("PUT", params={"key": board, **TTL}, json=body)
    assert_error(response, 400, "invalid_argument", message)
    assert length(sorted_set_http, board) == 5


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"elements": [{"value": "a", "score": NaN}]}', "body: NaN is not a JSON number"),
        (b'{"elements": [{"value": "a", "score": Infinity}]}', "body: Infinity is not"),
        (b'{"elements": [{"value": "a", "score": 1e400}]}', "elements[0].score: must be a finite"),
        (b"{not json", "body: not valid JSON"),
        (b"\xff\xfe", "body: not valid JSON"),
    ],
)
def test_put_rejects_malformed_json(
    sorted_set_http: SortedSetHttp, key: str, raw: bytes, message: str
) -> None:
    response = sorted_set_http("PUT", params={"key": key, **TTL}, content=raw)
    assert_error(response, 400, "invalid_argument", message)
    assert_error(sorted_set_http("POST", "/length", params={"key": key}), 404, "not_found", "")


def test_put_rejects_an_oversized_body(sorted_set_http: SortedSetHttp, key: str) -> None:
    response = sorted_set_http("PUT", params={"key": key, **TTL}, content=b" " * (1024 * 1024 + 1))
    assert_error(response, 400, "invalid_argument", "body: must be at most 1048576 bytes")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"key": "k"}, "ttl_seconds: is required"),
        ({"key": "k", "ttl_seconds": "0"}, "ttl_seconds: must be a positive integer"),
        ({"key": "k", "ttl_seconds": "1.5"}, "ttl_seconds: must be a positive integer"),
        ({"key": "k", "ttl_seconds": "60", "refresh_ttl": "yes"}, "refresh_ttl: must be true or"),
        ({"ttl_seconds": "60"}, "key: key or key_base64 is required"),
        ({"key": "", "ttl_seconds": "60"}, "key: must not be empty"),
        ({"key": "k", "key_base64": "aw==", "ttl_seconds": "60"}, "key: give key or key_base64"),
        ({"key_base64": "%%%", "ttl_seconds": "60"}, "key_base64: not valid base64"),
        ({"key": "k" * 4097, "ttl_seconds": "60"}, "key: must be at most 4096 bytes"),
        ({"key": "k", "ttl_seconds": "60", "colour": "red"}, "colour: unknown parameter"),
    ],
)
def test_put_rejects_bad_parameters(
    sorted_set_http: SortedSetHttp, params: dict[str, str], message: str
) -> None:
    body = {"elements": [{"value": "a", "score": 1}]}
    assert_error(sorted_set_http("PUT", params=params, json=body), 400, "invalid_argument", message)


def test_unknown_cache_is_cache_not_found(sorted_set_http: SortedSetHttp, key: str) -> None:
    body = {"elements": [{"value": "a", "score": 1}]}
    response = sorted_set_http("PUT", cache="no-such-cache", params={"key": key, **TTL}, json=body)
    assert_error(response, 404, "not_found", "Cache Not Found")
    response = sorted_set_http("GET", "/by-rank", cache="no-such-cache", params={"key": key})
    assert_error(response, 404, "not_found", "Cache Not Found")


# -- DELETE /sortedset/{cache} -----------------------------------------------------------


def test_delete_removes_values(sorted_set_http: SortedSetHttp, board: str) -> None:
    body = {"values": ["a", "zz"], "values_base64": [base64.b64encode(b"c").decode()]}
    response = sorted_set_http("DELETE", params={"key": board}, json=body)
    assert response.status_code == 204
    assert values(sorted_set_http("GET", "/by-rank", params={"key": board})) == ["b", "d", "e"]


@pytest.mark.parametrize("body", [None, {}, {"values": []}])
def test_delete_needs_a_value(sorted_set_http: SortedSetHttp, board: str, body: Any) -> None:
    response = sorted_set_http("DELETE", params={"key": board}, json=body)
    assert_error(response, 400, "invalid_argument", "values: at least one of values or")
    assert length(sorted_set_http, board) == 5


def test_delete_on_a_missing_set_succeeds(sorted_set_http: SortedSetHttp, key: str) -> None:
    response = sorted_set_http("DELETE", params={"key": key}, json={"values": ["a"]})
    assert response.status_code == 204


# -- POST /sortedset/{cache}/increment ---------------------------------------------------


def test_increment_starts_at_amount_then_adds(sorted_set_http: SortedSetHttp, key: str) -> None:
    params = {"key": key, "value": "p1", **TTL}
    assert ok_json(sorted_set_http("POST", "/increment", params=params, json={"amount": 40})) == {
        "value": "p1",
        "score": 40.0,
    }
    response = sorted_set_http("POST", "/increment", params=params, json={"amount": 0.1})
    assert ok_json(response)["score"] == 40.1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (None, "amount: is required"),
        (b"{}", "amount: is required"),
        (b'{"amount": "1"}', "amount: must be a number"),
        (b'{"amount": true}', "amount: must be a number"),
        (b'{"amount": null}', "amount: must be a number"),
        (b'{"amount": 1e400}', "amount: must be a finite number"),
        (b'{"amount": NaN}', "body: NaN is not a JSON number"),
        (b'{"amount": 1, "colour": 1}', "colour: unknown field"),
        (b"[1]", "body: must be a JSON object"),
        (b"amount=1", "body: not valid JSON"),
    ],
)
def test_increment_rejects_bad_amounts(
    sorted_set_http: SortedSetHttp, key: str, body: bytes | None, message: str
) -> None:
    params = {"key": key, "value": "p1", **TTL}
    response = sorted_set_http("POST", "/increment", params=params, content=body)
    assert_error(response, 400, "invalid_argument", message)
    assert_error(sorted_set_http("POST", "/length", params={"key": key}), 404, "not_found", "")


# -- GET /sortedset/{cache}/by-rank ------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["a", "b", "c", "d", "e"]),
        ({"order": "DESC"}, ["e", "d", "c", "b", "a"]),
        ({"start_rank": "1", "end_rank": "3"}, ["b", "c"]),
        ({"start_rank": "1", "end_rank": "3", "order": "DESC"}, ["d", "c"]),
        ({"start_rank": "-2"}, ["d", "e"]),
        ({"start_rank": "-3", "end_rank": "-1"}, ["c", "d"]),
        ({"start_rank": "3", "end_rank": "100"}, ["d", "e"]),
        ({"start_rank": "2", "end_rank": "2"}, []),
    ],
)
def test_by_rank(
    sorted_set_http: SortedSetHttp, board: str, params: dict[str, str], expected: list[str]
) -> None:
    assert values(sorted_set_http("GET", "/by-rank", params={"key": board, **params})) == expected


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start_rank": "x"}, "start_rank: must be an integer"),
        ({"end_rank": "1.0"}, "end_rank: must be an integer"),
        ({"start_rank": "3", "end_rank": "1"}, "start_rank: must be less than end_rank"),
        ({"start_rank": "-1", "end_rank": "-3"}, "start_rank: negative start_rank must be"),
        ({"order": "asc"}, "order: must be ASC or DESC"),
    ],
)
def test_by_rank_rejects_bad_ranges(
    sorted_set_http: SortedSetHttp, board: str, params: dict[str, str], message: str
) -> None:
    response = sorted_set_http("GET", "/by-rank", params={"key": board, **params})
    assert_error(response, 400, "invalid_argument", message)


def test_reads_of_a_missing_set_are_sorted_set_not_found(
    sorted_set_http: SortedSetHttp, key: str
) -> None:
    for method, suffix, extra, body in [
        ("GET", "/by-rank", {}, None),
        ("POST", "/by-score", {}, None),
        ("GET", "/rank", {"value": "a"}, None),
        ("GET", "/score", {"value": "a"}, None),
        ("POST", "/scores", {}, {"values": ["a"]}),
        ("POST", "/length", {}, None),
        ("POST", "/length", {}, {"min_score": 0}),
    ]:
        response = sorted_set_http(method, suffix, params={"key": key, **extra}, json=body)
        assert_error(response, 404, "not_found", "Sorted Set Not Found")


# -- POST /sortedset/{cache}/by-score ----------------------------------------------------


@pytest.mark.parametrize(
    ("params", "bounds", "expected"),
    [
        ({}, None, ["a", "b", "c", "d", "e"]),
        ({}, {}, ["a", "b", "c", "d", "e"]),
        ({}, {"min_score": 2, "max_score": 3}, ["b", "c", "d"]),
        ({}, {"min_score": 2, "min_score_exclusive": True}, ["d", "e"]),
        ({}, {"max_score": 3.0, "max_score_exclusive": True}, ["a", "b", "c"]),
        ({}, {"min_score": 2, "min_score_exclusive": False}, ["b", "c", "d", "e"]),
        ({"order": "DESC"}, {"min_score": 2}, ["e", "d", "c", "b"]),
        ({"offset": "1", "count": "2"}, None, ["b", "c"]),
        ({"order": "DESC", "offset": "1", "count": "2"}, {}, ["d", "c"]),
        ({}, {"min_score": 10}, []),
        ({"offset": "99"}, None, []),
    ],
)
def test_by_score(
    sorted_set_http: SortedSetHttp,
    board: str,
    params: dict[str, str],
    bounds: dict[str, Any] | None,
    expected: list[str],
) -> None:
    response = sorted_set_http("POST", "/by-score", params={"key": board, **params}, json=bounds)
    assert values(response) == expected


@pytest.mark.parametrize(
    ("params", "body", "message"),
    [
        ({}, b'{"min_score": "1"}', "min_score: must be a number"),
        ({}, b'{"min_score": true}', "min_score: must be a number"),
        ({}, b'{"max_score": 1e400}', "max_score: must be a finite number"),
        ({}, b'{"max_score": -Infinity}', "body: -Infinity is not a JSON number"),
        ({}, b'{"min_score": 5, "max_score": 1}', "min_score: must be less than or equal"),
        ({}, b'{"min_score_exclusive": true}', "min_score_exclusive: needs min_score"),
        ({}, b'{"min_score": 1, "min_score_exclusive": "true"}', "min_score_exclusive: must be"),
        ({}, b'{"min": 1}', "min: unknown field"),
        ({}, b'"min_score"', "body: must be a JSON object"),
        ({}, b"{", "body: not valid JSON"),
        ({"offset": "-1"}, None, "offset: must be an integer from 0 to 4294967295"),
        ({"count": "0"}, None, "count: must be an integer from 1 to 2147483647"),
    ],
)
def test_by_score_rejects_bad_ranges(
    sorted_set_http: SortedSetHttp,
    board: str,
    params: dict[str, str],
    body: bytes | None,
    message: str,
) -> None:
    response = sorted_set_http("POST", "/by-score", params={"key": board, **params}, content=body)
    assert_error(response, 400, "invalid_argument", message)


# -- rank, score, scores, length ---------------------------------------------------------


def test_rank_in_both_orders_with_ties(sorted_set_http: SortedSetHttp, board: str) -> None:
    asc = ok_json(sorted_set_http("GET", "/rank", params={"key": board, "value": "c"}))
    desc = ok_json(
        sorted_set_http("GET", "/rank", params={"key": board, "value": "c", "order": "DESC"})
    )
    assert asc == {"value": "c", "rank": 2}
    assert desc == {"value": "c", "rank": 2}
    top = ok_json(
        sorted_set_http("GET", "/rank", params={"key": board, "value": "e", "order": "DESC"})
    )
    assert top["rank"] == 0


def test_rank_and_score_of_a_missing_value(sorted_set_http: SortedSetHttp, board: str) -> None:
    for suffix in ("/rank", "/score"):
        response = sorted_set_http("GET", suffix, params={"key": board, "value": "zz"})
        assert_error(response, 404, "not_found", "Element Not Found")


def test_rank_needs_exactly_one_value(sorted_set_http: SortedSetHttp, board: str) -> None:
    response = sorted_set_http(
        "GET", "/rank", params=[("key", board), ("value", "a"), ("value", "b")]
    )
    assert_error(response, 400, "invalid_argument", "value: given more than once")


def test_score_and_scores(sorted_set_http: SortedSetHttp, board: str) -> None:
    assert ok_json(sorted_set_http("GET", "/score", params={"key": board, "value": "d"})) == {
        "value": "d",
        "score": 3.0,
    }
    body = {"values": ["e", "zz", "a"], "values_base64": [base64.b64encode(b"b").decode()]}
    response = sorted_set_http("POST", "/scores", params={"key": board}, json=body)
    assert ok_json(response) == {
        "elements": [
            {"value": "e", "score": 5.0},
            {"value": "zz", "score": None},
            {"value": "a", "score": 1.0},
            {"value": "b", "score": 2.0},
        ]
    }


def test_scores_answers_base64_values_in_order(sorted_set_http: SortedSetHttp, key: str) -> None:
    raw = b"\xff\x00"
    encoded = base64.b64encode(raw).decode()
    put_body = {"elements": [{"value_base64": encoded, "score": 4}]}
    assert sorted_set_http("PUT", params={"key": key, **TTL}, json=put_body).status_code == 204
    body = {"values": ["x"], "values_base64": [encoded, base64.b64encode(b"x").decode()]}
    response = sorted_set_http("POST", "/scores", params={"key": key}, json=body)
    assert ok_json(response)["elements"] == [
        {"value": "x", "score": None},
        {"value_base64": encoded, "score": 4.0},
        {"value": "x", "score": None},
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (None, "values: at least one of values or values_base64 is required"),
        (b"{}", "values: at least one of values or values_base64 is required"),
        (b'{"values": [], "values_base64": []}', "values: at least one of values or"),
        (b'{"values": "a"}', "values: must be an array of strings"),
        (b'{"values": ["a", "b", 3]}', "values[2]: must be a string"),
        (b'{"values": ["a", ""]}', "values[1]: must not be empty"),
        (b'{"values": ["\\ud800"]}', "values[0]: must be valid Unicode text"),
        (b'{"values_base64": ["!!"]}', "values_base64[0]: not valid base64"),
        (b'{"values_base64": [""]}', "values_base64[0]: must not be empty"),
        (b'{"values_base64": null}', "values_base64: must be an array of strings"),
        (b'{"values": ["' + b"x" * 4097 + b'"]}', "values[0]: must be at most 4096 bytes"),
        (b'{"values": [' + b'"a",' * 1000 + b'"a"]}', "values: at most 1000 values"),
        (b'{"values": ["a"], "value": "b"}', "value: unknown field"),
        (b'["a"]', "body: must be a JSON object"),
    ],
)
@pytest.mark.parametrize("method", ["POST /scores", "DELETE "])
def test_member_lists_reject_bad_bodies_and_change_nothing(
    sorted_set_http: SortedSetHttp, board: str, method: str, body: bytes | None, message: str
) -> None:
    verb, suffix = method.split(" ")
    response = sorted_set_http(verb, suffix, params={"key": board}, content=body)
    assert_error(response, 400, "invalid_argument", message)
    assert length(sorted_set_http, board) == 5


def test_length_and_length_by_score(sorted_set_http: SortedSetHttp, board: str) -> None:
    assert length(sorted_set_http, board) == 5
    assert length(sorted_set_http, board, {}) == 5
    assert length(sorted_set_http, board, {"min_score": 2, "max_score": 3}) == 3
    bounds = {"min_score": 2, "max_score": 3, "max_score_exclusive": True}
    assert length(sorted_set_http, board, bounds) == 2


def test_a_bound_that_15_digits_would_round_travels_exactly(
    sorted_set_http: SortedSetHttp, key: str
) -> None:
    """0.1 + 0.2 is 0.30000000000000004, one float64 above 0.3; JSONata's `$string` writes
    both as "0.3". In the body they stay apart: an exclusive bound at the first counts only
    what is above it."""
    above = 0.1 + 0.2
    put(sorted_set_http, key, ("third", 0.3), ("sum", above), ("next", 0.30000000000000010))
    assert length(sorted_set_http, key, {"min_score": above, "min_score_exclusive": True}) == 1
    assert length(sorted_set_http, key, {"min_score": 0.3, "min_score_exclusive": True}) == 2
    assert length(sorted_set_http, key, {"max_score": above}) == 2
    response = sorted_set_http(
        "POST", "/by-score", params={"key": key}, json={"min_score": above, "max_score": above}
    )
    assert ok_json(response) == {"elements": [{"value": "sum", "score": above}]}


@pytest.mark.parametrize(
    ("method", "suffix", "params", "message"),
    [
        ("POST", "/length", {"min_score": "1"}, "min_score: goes in the JSON body"),
        ("POST", "/length", {"max_score_exclusive": "true"}, "max_score_exclusive: goes in the"),
        ("POST", "/by-score", {"max_score": "1"}, "max_score: goes in the JSON body"),
        ("POST", "/scores", {"value": "a"}, 'value: goes in the JSON body, as "values": [...]'),
        ("DELETE", "", {"value": "a"}, 'value: goes in the JSON body, as "values": [...]'),
        ("DELETE", "", {"value_base64": "YQ=="}, 'value_base64: goes in the JSON body, as "val'),
        ("POST", "/increment", {"value": "a", "amount": "1", **TTL}, "amount: goes in the JSON"),
        ("POST", "/scores", {"colour": "red"}, "colour: unknown parameter"),
    ],
)
def test_a_parameter_that_moved_to_the_body_says_where_it_goes(
    sorted_set_http: SortedSetHttp,
    board: str,
    method: str,
    suffix: str,
    params: dict[str, str],
    message: str,
) -> None:
    response = sorted_set_http(method, suffix, params={"key": board, **params})
    assert_error(response, 400, "invalid_argument", message)
    assert length(sorted_set_http, board) == 5


@pytest.mark.parametrize("suffix", ["/length", "/scores", "/by-score"])
def test_the_old_get_routes_are_method_not_allowed(
    sorted_set_http: SortedSetHttp, board: str, suffix: str
) -> None:
    response = sorted_set_http("GET", suffix, params={"key": board, "value": "a"})
    assert_error(response, 405, "method_not_allowed", "Method GET not allowed")


def test_sorted_set_call_on_a_scalar_is_wrong_type(
    sorted_set_http: SortedSetHttp, key: str
) -> None:
    response = sorted_set_http.client.put(
        f"/cache/{sorted_set_http.cache}", params={"key": key, **TTL}, content=b"x"
    )
    assert response.status_code == 204
    response = sorted_set_http("POST", "/length", params={"key": key})
    assert_error(response, 400, "wrong_type", "key: holds a scalar")
