"""Hostile requests to the sorted-set routes, and the answers of both doors to each.

The corpus of issue 14: integers in unicode digits or beyond Momento's wire ranges, floats
that are not finite, deeply nested or invalid JSON bodies, cache names that are not ASCII or
hold a NUL, unknown and repeated parameters, keys in the header, the query, both or neither;
and, since contract v2, JSON bodies in each route's own shape (scores, flags and member lists
of the wrong kind, adjacent float64s) and v1's parameters still sent in the query.
`tests/bridge/test_doors_agree.py` runs it as a test and `bench/door_fuzz.py` counts on it.

The local door is called over real HTTP; the bridge handler in-process with a function-URL
event (as `tests/bridge/function_url.py` builds them), its SDK talking to another local
server's gRPC door. Each door has a server of its own, started the same way, so the same
requests in the same order leave both in the same state and every answer can be compared.
Valid TTLs are an hour or more, so nothing a request writes expires between the two calls.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote

import httpx
from hypothesis import strategies as st

from leaderboard.momento_contract.bridge_settings import CALLER_SECRET_HEADER
from tests.bridge.function_url import Handler, LambdaContext, function_url_event

# Each route (method, path suffix) with a valid query, which hostile pairs then replace or join.
ROUTES: Final = {
    ("PUT", ""): {"key": "board", "ttl_seconds": "3600"},
    ("DELETE", ""): {"key": "board"},
    ("POST", "/increment"): {"key": "board", "value": "p1", "ttl_seconds": "3600"},
    ("GET", "/by-rank"): {"key": "board"},
    ("POST", "/by-score"): {"key": "board"},
    ("GET", "/rank"): {"key": "board", "value": "p1"},
    ("GET", "/score"): {"key": "board", "value": "p1"},
    ("POST", "/scores"): {"key": "board"},
    ("POST", "/length"): {"key": "board"},
    ("GET", "/length"): {"key": "board"},  # contract v1's method: 405
    ("GET", "/nope"): {"key": "board"},
    ("GET", "/by-rank/extra"): {"key": "board"},
}
_KEY: Final = ("key", "key_base64")
_VALUE: Final = ("value", "value_base64")
_BOUNDS: Final = ("min_score", "max_score", "min_score_exclusive", "max_score_exclusive")
# A route's query parameters, and those contract v1 took there that now go in the body.
ROUTE_PARAMETERS: Final = {
    ("PUT", ""): (*_KEY, "ttl_seconds", "refresh_ttl"),
    ("DELETE", ""): (*_KEY, *_VALUE),
    ("POST", "/increment"): (*_KEY, *_VALUE, "amount", "ttl_seconds", "refresh_ttl"),
    ("GET", "/by-rank"): (*_KEY, "start_rank", "end_rank", "order"),
    ("POST", "/by-score"): (*_KEY, *_BOUNDS, "order", "offset", "count"),
    ("GET", "/rank"): (*_KEY, *_VALUE, "order"),
    ("GET", "/score"): (*_KEY, *_VALUE),
    ("POST", "/scores"): (*_KEY, *_VALUE),
    ("POST", "/length"): (*_KEY, *_BOUNDS),
}
PARAMETERS: Final = (
    "key", "key_base64", "value", "value_base64", "ttl_seconds", "refresh_ttl", "amount",
    "start_rank", "end_rank", "order", "min_score", "max_score", "min_score_exclusive",
    "max_score_exclusive", "offset", "count", "token", "colour", "Key", "",
)  # fmt: skip
HOSTILE_INTEGERS: Final = (
    "0", "1", "5", "-1", "-5", "3600", "\u00b2", "--5", "-", "+5", " 5", "5 ", "1_000",
    "0x10", "\u0661\u0662", "5\x00", "", "-0", str(2**31 - 1), str(2**31), str(-(2**31)),
    str(-(2**31) - 1), str(2**32 - 1), str(2**32), str(2**63), str(-(2**63) - 1), "9" * 30,
    "9" * 400,
)  # fmt: skip
HOSTILE_NUMBERS: Final = (
    "1.5", "-2", "nan", "NaN", "inf", "-Infinity", "1e309", "-1e308", "1_0.5", "0x1p3",
    "\u0661.\u0665", " 1", "1e-400", "", ".5", "5.", "+1", "1e5",
)  # fmt: skip
HOSTILE_TEXT: Final = (
    "a", "p1", "board", "ASC", "DESC", "true", "false", "TRUE", "\x00", "\u00e9", "\U0001f600",
    "YQ==", "YQ", "////", "/w==", "\udcff",
)  # fmt: skip
CACHE_NAMES: Final = (
    "ca\x00che", "\u00b2", "caf\u00e9", "x" * 256, "x" * 255, "missing-cache", "a b", "a/b",
    "a%2Fb", "\udcff", "a.b_c-d",
)  # fmt: skip
METHODS: Final = ("GET", "PUT", "POST", "DELETE", "PATCH")
RAW_QUERIES: Final = ("%ZZ", "key=%FF", "key=a&&&=", "key", "=x", "key=a;value=b", "key=a+b")


@dataclass(frozen=True)
class HostileRequest:
    """One request as sent on the wire: path and query already percent-encoded ASCII."""

    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


Answer = tuple[int, Any]  # status and the JSON body (None when there is none)


def _encode(text: str) -> str:
    return quote(text, safe="", errors="surrogatepass")


def _nested(depth: int) -> bytes:
    return b'{"elements": ' + b"[" * depth + b"]" * depth + b"}"


# JSON values where a body wants a number, a flag or a member: mostly of the wrong kind.
_JSON_SCALARS: Final = st.one_of(
    st.integers(),
    st.floats(),  # NaN and infinities too: json.dumps writes them as NaN / Infinity literals
    st.sampled_from((0.1 + 0.2, 0.3, 2**1100, -(2**64), 1e308)),
    st.booleans(),
    st.none(),
    st.sampled_from(HOSTILE_TEXT),
)
_VALID_MEMBERS: Final = st.sampled_from(("a", "b", "p1", "YQ==", "\u00e9"))
_MEMBERS: Final = st.lists(
    st.one_of(_VALID_MEMBERS, _VALID_MEMBERS, st.sampled_from(HOSTILE_TEXT), _JSON_SCALARS),
    max_size=4,
)
# Mostly valid numbers and flags, so that the bodies reach the store too.
_NUMBERS: Final = st.one_of(st.integers(-5, 5), st.floats(-10, 10), _JSON_SCALARS)
_FLAGS: Final = st.one_of(st.booleans(), st.booleans(), _JSON_SCALARS)


def _route_documents(suffix: str) -> st.SearchStrategy[Any]:
    """JSON documents in the shape of the route's own body, hostile in their values."""
    if suffix == "":
        element = st.fixed_dictionaries(
            {"value": st.sampled_from(("a", "b", "p1", ""))},
            optional={"score": _NUMBERS},
        )
        puts = st.builds(lambda es: {"elements": es}, st.lists(element, max_size=3))
        members = st.fixed_dictionaries(
            {}, optional={"values": _MEMBERS, "values_base64": _MEMBERS}
        )
        return st.one_of(puts, members)
    if suffix == "/increment":
        return st.fixed_dictionaries({}, optional={"amount": _NUMBERS, "colour": st.none()})
    if suffix == "/scores":
        return st.fixed_dictionaries(
            {}, optional={"values": _MEMBERS | _JSON_SCALARS, "values_base64": _MEMBERS}
        )
    return st.fixed_dictionaries(
        {},
        optional={
            "min_score": _NUMBERS,
            "max_score": _NUMBERS,
            "min_score_exclusive": _FLAGS,
            "max_score_exclusive": _FLAGS,
        },
    )


def _bodies(suffix: str) -> st.SearchStrategy[bytes]:
    documents = st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    ("elements", "value", "values", "values_base64", "amount", "min_score", "x")
                ),
                inner,
                max_size=3,
            )
        ),
        max_leaves=8,
    )
    own = _route_documents(suffix).map(lambda doc: json.dumps(doc).encode())
    as_json = documents.map(lambda doc: json.dumps(doc).encode())
    fixed = st.sampled_from(
        (
            b"",
            b"{}",
            _nested(10),
            _nested(100),
            _nested(100_000),
            b"[" * 200_000,
            b'{"elements": [{"value": "a", "score": 1e400}]}',
            b'{"elements": [{"value": "a", "score": NaN}]}',
            b'{"elements": [{"value": "a", "score": ' + b"9" * 5000 + b"}]}",
            b'{"elements": [{"value": "\\ud800", "score": 1}]}',
            b'{"elements": [{"value_base64": "/w==", "score": 1}]}',
            b'{"values": ["\\ud800"]}',
            b'{"values": ["' + b"x" * 4097 + b'"]}',
            b'{"values": [' + b'"a",' * 1000 + b'"a"]}',
            b'{"min_score": 0.30000000000000004, "min_score_exclusive": true}',
            b'{"amount": ' + b"9" * 400 + b"}",
            b"\xff\xfe",
            b'{"elements": [] ',
        )
    )
    return st.one_of(own, own, own, as_json, fixed, st.binary(max_size=20))


_INTEGER_PARAMETERS: Final = frozenset({"ttl_seconds", "start_rank", "end_rank", "offset", "count"})
_NUMBER_PARAMETERS: Final = frozenset({"amount", "min_score", "max_score"})


def _values(name: str, api_key: str) -> st.SearchStrategy[str]:
    """Mostly hostile values of the parameter's own kind, sometimes anything."""
    own = (
        st.sampled_from(HOSTILE_INTEGERS)
        if name in _INTEGER_PARAMETERS
        else st.sampled_from(HOSTILE_NUMBERS)
        if name in _NUMBER_PARAMETERS
        else st.sampled_from(HOSTILE_TEXT)
    )
    anything = st.one_of(
        st.sampled_from(HOSTILE_INTEGERS + HOSTILE_NUMBERS + HOSTILE_TEXT),
        st.just(api_key),
        st.text(max_size=6),
    )
    return st.one_of(own, own, own, anything)


def _queries(api_key: str) -> st.SearchStrategy[tuple[tuple[str, str], str, bytes]]:
    """(route, query, body): the route's valid query with up to three hostile pairs, each
    replacing that parameter or (`repeat`) joining it, mostly the route's own parameters; and
    a body, mostly in the route's own shape."""

    def for_route(route: tuple[str, str]) -> st.SearchStrategy[tuple[tuple[str, str], str, bytes]]:
        own = st.sampled_from(ROUTE_PARAMETERS.get(route, PARAMETERS))
        name = st.one_of(own, own, own, st.sampled_from(PARAMETERS))
        pair = name.flatmap(lambda n: st.tuples(st.just(n), _values(n, api_key), st.booleans()))
        raw = st.one_of(st.none(), st.none(), st.none(), st.sampled_from(RAW_QUERIES))
        query = st.builds(_query, st.just(route), st.lists(pair, max_size=3), raw)
        return st.tuples(st.just(route), query, _bodies(route[1]))

    return st.sampled_from(tuple(ROUTES)).flatmap(for_route)


def _query(route: tuple[str, str], pairs: list[tuple[str, str, bool]], raw: str | None) -> str:
    params = list(ROUTES[route].items())
    for name, text, repeat in pairs:
        if not repeat:
            params = [(n, t) for n, t in params if n != name]
        params.append((name, text))
    encoded = "&".join(f"{_encode(n)}={_encode(v)}" for n, v in params)
    return encoded if raw is None else f"{encoded}&{raw}".strip("&")


def _request(
    other_method: str | None,
    cache: str,
    drawn: tuple[tuple[str, str], str, bytes],
    headers: tuple[tuple[str, str], ...],
) -> HostileRequest:
    (method, suffix), query, body = drawn
    return HostileRequest(
        other_method or method, f"/sortedset/{_encode(cache)}{suffix}", query, headers, body
    )


def hostile_requests(api_key: str, cache_name: str) -> st.SearchStrategy[HostileRequest]:
    """Requests to `/sortedset/...`, valid ones among them, for servers that know `api_key`
    and hold the cache `cache_name`."""
    cache = st.one_of(
        st.just(cache_name),
        st.just(cache_name),
        st.sampled_from(CACHE_NAMES),
        st.text(min_size=1, max_size=4),
    )
    authorization = st.sampled_from(
        (
            (("authorization", api_key),),
            (("authorization", api_key),),
            (("authorization", api_key),),
            (("authorization", api_key),),
            (),
            (("authorization", ""),),
            (("authorization", "not-the-key"),),
            (("authorization", "caf\u00e9"),),
        )
    )
    content_type = st.sampled_from(
        ((), (("content-type", "application/json"),), (("content-type", "text/plain"),))
    )
    headers = st.builds(lambda a, c: a + c, authorization, content_type)
    other_method = st.one_of(st.none(), st.none(), st.none(), st.sampled_from(METHODS))
    return st.builds(_request, other_method, cache, _queries(api_key), headers)


def door_answer(client: httpx.Client, request: HostileRequest) -> Answer:
    """The local door's answer, over HTTP (`client` has the door's base URL)."""
    url = request.path + (f"?{request.query}" if request.query else "")
    headers = {name.encode(): value.encode() for name, value in request.headers}  # UTF-8 bytes
    response = client.request(request.method, url, headers=headers, content=request.body or None)
    if not response.content:
        return response.status_code, None
    if response.headers.get("content-type", "").startswith("application/json"):
        return response.status_code, response.json()
    return response.status_code, response.text


def bridge_answer(handler: Handler, request: HostileRequest, caller_secret: str) -> Answer:
    """The bridge handler's answer to the function-URL event AWS would deliver (a 502 if the
    handler raises, as a function URL answers then). The request comes through the stage's
    connection, so it carries the caller secret (the connection's header wins)."""
    headers = dict(request.headers)
    headers[CALLER_SECRET_HEADER] = caller_secret
    event = function_url_event(
        request.method, request.path, query=request.query, headers=headers, body=request.body
    )
    try:
        result = handler(event, LambdaContext())
    except Exception:  # what a function URL answers when the function raises
        return 502, {"Message": "Internal Server Error"}
    body = result.get("body")
    return result["statusCode"], (json.loads(body) if body else None)
