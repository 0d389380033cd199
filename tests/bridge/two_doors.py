"""Hostile requests to the sorted-set routes, and the answers of both doors to each.

The corpus of issue 14: integers in unicode digits or beyond Momento's wire ranges, floats
that are not finite, deeply nested or invalid JSON bodies, cache names that are not ASCII or
hold a NUL, unknown and repeated parameters, keys in the header, the query, both or neither.
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

# Each route with its method and a valid query, which hostile pairs then replace or join.
ROUTES: Final = {
    "": ("PUT", {"key": "board", "ttl_seconds": "3600"}),
    "/increment": ("POST", {"key": "board", "value": "p1", "amount": "1", "ttl_seconds": "3600"}),
    "/by-rank": ("GET", {"key": "board"}),
    "/by-score": ("GET", {"key": "board"}),
    "/rank": ("GET", {"key": "board", "value": "p1"}),
    "/score": ("GET", {"key": "board", "value": "p1"}),
    "/scores": ("GET", {"key": "board", "value": "p1"}),
    "/length": ("GET", {"key": "board"}),
    "/nope": ("GET", {"key": "board"}),
    "/by-rank/extra": ("GET", {"key": "board"}),
}
_KEY: Final = ("key", "key_base64")
_VALUE: Final = ("value", "value_base64")
_BOUNDS: Final = ("min_score", "max_score", "min_score_exclusive", "max_score_exclusive")
ROUTE_PARAMETERS: Final = {
    "": (*_KEY, "ttl_seconds", "refresh_ttl"),
    "/increment": (*_KEY, *_VALUE, "amount", "ttl_seconds", "refresh_ttl"),
    "/by-rank": (*_KEY, "start_rank", "end_rank", "order"),
    "/by-score": (*_KEY, *_BOUNDS, "order", "offset", "count"),
    "/rank": (*_KEY, *_VALUE, "order"),
    "/score": (*_KEY, *_VALUE),
    "/scores": (*_KEY, *_VALUE),
    "/length": (*_KEY, *_BOUNDS),
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


def _bodies() -> st.SearchStrategy[bytes]:
    element = st.fixed_dictionaries(
        {"value": st.sampled_from(("a", "b", "p1", ""))},
        optional={"score": st.one_of(st.integers(), st.floats(), st.booleans(), st.none())},
    )
    documents = st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(("elements", "value", "score", "x")), inner, max_size=3
            )
        ),
        max_leaves=8,
    )
    as_json = st.one_of(
        st.builds(lambda es: {"elements": es}, st.lists(element, max_size=3)), documents
    ).map(lambda doc: json.dumps(doc).encode())
    fixed = st.sampled_from(
        (
            b"",
            _nested(10),
            _nested(100),
            _nested(100_000),
            b"[" * 200_000,
            b'{"elements": [{"value": "a", "score": 1e400}]}',
            b'{"elements": [{"value": "a", "score": NaN}]}',
            b'{"elements": [{"value": "a", "score": ' + b"9" * 5000 + b"}]}",
            b'{"elements": [{"value": "\\ud800", "score": 1}]}',
            b'{"elements": [{"value_base64": "/w==", "score": 1}]}',
            b"\xff\xfe",
            b'{"elements": [] ',
        )
    )
    return st.one_of(as_json, fixed, st.binary(max_size=20))


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


def _queries(api_key: str) -> st.SearchStrategy[tuple[str, str]]:
    """(route suffix, query): the route's valid query with up to three hostile pairs, each
    replacing that parameter or (`repeat`) joining it; mostly the route's own parameters."""

    def for_route(suffix: str) -> st.SearchStrategy[tuple[str, str]]:
        own = st.sampled_from(ROUTE_PARAMETERS.get(suffix, PARAMETERS))
        name = st.one_of(own, own, own, st.sampled_from(PARAMETERS))
        pair = name.flatmap(lambda n: st.tuples(st.just(n), _values(n, api_key), st.booleans()))
        raw = st.one_of(st.none(), st.none(), st.none(), st.sampled_from(RAW_QUERIES))
        return st.builds(_query, st.just(suffix), st.lists(pair, max_size=3), raw)

    return st.sampled_from(tuple(ROUTES)).flatmap(for_route)


def _query(suffix: str, pairs: list[tuple[str, str, bool]], raw: str | None) -> tuple[str, str]:
    params = list(ROUTES[suffix][1].items())
    for name, text, repeat in pairs:
        if not repeat:
            params = [(n, t) for n, t in params if n != name]
        params.append((name, text))
    encoded = "&".join(f"{_encode(n)}={_encode(v)}" for n, v in params)
    return suffix, encoded if raw is None else f"{encoded}&{raw}".strip("&")


def _request(
    other_method: str | None,
    cache: str,
    route: tuple[str, str],
    headers: tuple[tuple[str, str], ...],
    body: bytes,
) -> HostileRequest:
    suffix, query = route
    method = other_method or ROUTES[suffix][0]
    return HostileRequest(method, f"/sortedset/{_encode(cache)}{suffix}", query, headers, body)


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
    return st.builds(_request, other_method, cache, _queries(api_key), headers, _bodies())


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
