"""Parse and validate requests to the sorted-set HTTP routes (docs/momento-http.md).

The bridge must accept and refuse exactly what the local server's HTTP door does, with the
same messages, whatever answers behind it (the local gRPC door or Momento). So both doors read
every sorted-set request with this module, the one parser: route (404/405), key (`api_key`),
then fields (`http_params`) and the argument checks the store runs (`arguments`), all before
anything behind the door is called, so a refused request changes nothing. The bridge's asset
bundles this package (see `stacks/momento_bridge_bundling.py`).

Results are values, in the style of the Momento SDK: a request dataclass per route, or a
`RequestError` with the HTTP status, the error code and a message naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, TypeAlias
from urllib.parse import parse_qsl, unquote

from multidict import MultiDict, MultiDictProxy, MultiMapping

from leaderboard.momento_contract.arguments import (
    MAX_COUNT,
    MAX_ELEMENT_VALUE_BYTES,
    MAX_KEY_BYTES,
    MAX_OFFSET,
    MAX_RANK,
    MIN_RANK,
    CollectionTtl,
    InvalidArgument,
    Order,
    ScoreBound,
    check_bytes,
    check_cache_name,
    check_elements,
    check_ranks,
    check_score,
    check_score_bounds,
    check_ttl,
    check_values,
    check_window,
)
from leaderboard.momento_contract.http_params import (
    BadRequestError,
    Body,
    Query,
    parse_elements,
)

ROUTE_PREFIX: Final = "/sortedset/"
AUTH_PARAMETER: Final = "token"  # the key may come as a query parameter, as on Momento
_API_KEY: Final = re.compile(r"[!-~]+")  # visible ASCII: what a header or gRPC metadata holds


@dataclass(frozen=True, slots=True)
class PutElements:
    """PUT /sortedset/{cacheName}: insert elements or overwrite their scores."""

    cache_name: str
    key: bytes
    elements: list[tuple[bytes, float]]
    ttl: CollectionTtl


@dataclass(frozen=True, slots=True)
class RemoveElements:
    """DELETE /sortedset/{cacheName}: remove the values (absent ones are not an error)."""

    cache_name: str
    key: bytes
    values: list[bytes]


@dataclass(frozen=True, slots=True)
class IncrementScore:
    """POST /sortedset/{cacheName}/increment: a missing value starts at `amount`."""

    cache_name: str
    key: bytes
    value: bytes
    amount: float
    ttl: CollectionTtl


@dataclass(frozen=True, slots=True)
class FetchByRank:
    """GET /sortedset/{cacheName}/by-rank: start inclusive, end exclusive, None = open."""

    cache_name: str
    key: bytes
    start_rank: int | None
    end_rank: int | None
    order: Order


@dataclass(frozen=True, slots=True)
class FetchByScore:
    """POST /sortedset/{cacheName}/by-score: None = unbounded."""

    cache_name: str
    key: bytes
    min_score: ScoreBound | None
    max_score: ScoreBound | None
    order: Order
    offset: int
    count: int | None


@dataclass(frozen=True, slots=True)
class GetRank:
    cache_name: str
    key: bytes
    value: bytes
    order: Order


@dataclass(frozen=True, slots=True)
class GetScore:
    cache_name: str
    key: bytes
    value: bytes


@dataclass(frozen=True, slots=True)
class GetScores:
    """POST /sortedset/{cacheName}/scores: answered in the order of `values`."""

    cache_name: str
    key: bytes
    values: list[bytes]


@dataclass(frozen=True, slots=True)
class GetLength:
    """POST /sortedset/{cacheName}/length: the whole set, or the elements within the bounds."""

    cache_name: str
    key: bytes
    min_score: ScoreBound | None
    max_score: ScoreBound | None


SortedSetRequest: TypeAlias = (
    PutElements
    | RemoveElements
    | IncrementScore
    | FetchByRank
    | FetchByScore
    | GetRank
    | GetScore
    | GetScores
    | GetLength
)


_Parser: TypeAlias = Callable[[str, "Query", bytes], SortedSetRequest]


@dataclass(frozen=True, slots=True)
class RequestError:
    """A refused request: `status` and `error` go to the client with `message`."""

    status: int
    error: str
    message: str


def invalid_argument(message: str) -> RequestError:
    return RequestError(400, "invalid_argument", message)


def query_params(raw_query: str) -> MultiDictProxy[str]:
    """Every parameter in order; repeated ones stay separate (a function URL's
    `queryStringParameters` joins them with commas, which would corrupt values)."""
    return MultiDictProxy(MultiDict(parse_qsl(raw_query, keep_blank_values=True)))


def api_key(headers: Mapping[str, str], params: MultiMapping[str]) -> str | RequestError | None:
    """The Momento key from the `Authorization` header or the `token` parameter (both: 400).

    `headers` has lower-case names, as Lambda function URLs deliver them. None means no key
    at all: the caller answers 401 without calling Momento. A key that is not visible ASCII
    is a 401 too: Momento issues none, and gRPC metadata cannot carry it.
    """
    header = headers.get("authorization")
    tokens = params.getall(AUTH_PARAMETER, [])
    if header is not None and tokens:
        return invalid_argument(
            "token: give the Authorization header or the token parameter, not both"
        )
    if len(tokens) > 1:
        return invalid_argument("token: given more than once")
    key = header if header is not None else (tokens[0] if tokens else None)
    if key and not _API_KEY.fullmatch(key):
        return RequestError(401, "unauthenticated", "Invalid API key")
    return key or None


@dataclass(frozen=True, slots=True)
class Route:
    """A matched sorted-set route: the cache it names and how to read its request."""

    cache_name: str
    allowed: frozenset[str]
    parse: _Parser
    # Query parameters that moved to the JSON body, with the message that says so.
    moved: Mapping[str, str]
    # Whether the route takes a body (every method but GET): both doors read one only then.
    reads_body: bool


def match_route(method: str, path: str) -> Route | RequestError:
    """The route for `method` and `path` (percent-encoded, as on the wire): 404 for an unknown
    path, 405 for a known path with another method, as the local door answers them."""
    found = _route(path)
    if found is None:
        return RequestError(404, "not_found", "No such route")
    cache_name, operation = found
    entry = _ROUTES.get((operation, method.upper()))
    if entry is None:
        if any(op == operation for op, _ in _ROUTES):
            return RequestError(405, "method_not_allowed", f"Method {method} not allowed")
        return RequestError(404, "not_found", "No such route")
    return Route(cache_name, entry.query, entry.parse, entry.moved, method.upper() != "GET")


def parse_sorted_set_request(
    route: Route, params: MultiMapping[str], body: bytes
) -> SortedSetRequest | RequestError:
    """The typed, checked request, or the 400 naming the first bad field."""
    if problem := check_cache_name(route.cache_name, "cacheName"):
        return invalid_argument(problem.message)
    try:
        request = route.parse(
            route.cache_name, Query(params, route.allowed | {AUTH_PARAMETER}, route.moved), body
        )
    except BadRequestError as error:
        return invalid_argument(str(error))
    problem = _argument_check(request)
    return invalid_argument(problem.message) if problem else request


def _route(path: str) -> tuple[str, str] | None:
    """(cache name, operation) where operation is "" for the bare set route."""
    if not path.startswith(ROUTE_PREFIX):
        return None
    parts = path[len(ROUTE_PREFIX) :].split("/")
    if len(parts) > 2 or not parts[0]:
        return None
    return unquote(parts[0]), (parts[1] if len(parts) == 2 else "")


# -- one parser per route, reading fields in the order of the route table ----------------------


def _put(cache_name: str, query: Query, body: bytes) -> PutElements:
    key = query.key()
    ttl = query.collection_ttl()
    return PutElements(cache_name, key, parse_elements(body), ttl)


def _remove(cache_name: str, query: Query, body: bytes) -> RemoveElements:
    key = query.key()
    return RemoveElements(cache_name, key, Body(body, _VALUES).values())


def _increment(cache_name: str, query: Query, body: bytes) -> IncrementScore:
    key, value, ttl = query.key(), query.value(), query.collection_ttl()
    amount = Body(body, _AMOUNT).number("amount")
    if amount is None:
        raise BadRequestError("amount: is required")
    return IncrementScore(cache_name, key, value, amount, ttl)


def _by_rank(cache_name: str, query: Query, _body: bytes) -> FetchByRank:
    key = query.key()
    start = query.integer("start_rank", MIN_RANK, MAX_RANK)
    end = query.integer("end_rank", MIN_RANK, MAX_RANK)
    return FetchByRank(cache_name, key, start, end, query.order())


def _by_score(cache_name: str, query: Query, body: bytes) -> FetchByScore:
    offset = query.integer("offset", 0, MAX_OFFSET)
    key = query.key()
    order, count = query.order(), query.integer("count", 1, MAX_COUNT)
    bounds = Body(body, _BOUNDS)
    low, high = bounds.score_bound("min_score"), bounds.score_bound("max_score")
    return FetchByScore(cache_name, key, low, high, order, 0 if offset is None else offset, count)


def _rank(cache_name: str, query: Query, _body: bytes) -> GetRank:
    return GetRank(cache_name, query.key(), query.value(), query.order())


def _score(cache_name: str, query: Query, _body: bytes) -> GetScore:
    return GetScore(cache_name, query.key(), query.value())


def _scores(cache_name: str, query: Query, body: bytes) -> GetScores:
    key = query.key()
    return GetScores(cache_name, key, Body(body, _VALUES).values())


def _length(cache_name: str, query: Query, body: bytes) -> GetLength:
    key = query.key()
    bounds = Body(body, _BOUNDS)
    return GetLength(
        cache_name, key, bounds.score_bound("min_score"), bounds.score_bound("max_score")
    )


@dataclass(frozen=True, slots=True)
class _RouteEntry:
    """A route's query parameters, its parser, and the parameters that moved to its body."""

    query: frozenset[str]
    parse: _Parser
    moved: Mapping[str, str] = field(default_factory=dict)


_KEY: Final = frozenset({"key", "key_base64"})
_VALUE: Final = frozenset({"value", "value_base64"})
_TTL: Final = frozenset({"ttl_seconds", "refresh_ttl"})
# Body fields.
_VALUES: Final = frozenset({"values", "values_base64"})
_AMOUNT: Final = frozenset({"amount"})
_BOUNDS: Final = frozenset({"min_score", "min_score_exclusive", "max_score", "max_score_exclusive"})
# Contract v1 took these in the query; a caller still sending them there is told where they go.
_IN_BODY: Final = "goes in the JSON body"
_BOUNDS_MOVED: Final = {name: _IN_BODY for name in _BOUNDS}
_VALUES_MOVED: Final = {
    "value": f'{_IN_BODY}, as "values": [...]',
    "value_base64": f'{_IN_BODY}, as "values_base64": [...]',
}

_ROUTES: Final[dict[tuple[str, str], _RouteEntry]] = {
    ("", "PUT"): _RouteEntry(_KEY | _TTL, _put),
    ("", "DELETE"): _RouteEntry(_KEY, _remove, _VALUES_MOVED),
    ("increment", "POST"): _RouteEntry(_KEY | _VALUE | _TTL, _increment, {"amount": _IN_BODY}),
    ("by-rank", "GET"): _RouteEntry(_KEY | {"start_rank", "end_rank", "order"}, _by_rank),
    ("by-score", "POST"): _RouteEntry(
        _KEY | {"order", "offset", "count"}, _by_score, _BOUNDS_MOVED
    ),
    ("rank", "GET"): _RouteEntry(_KEY | _VALUE | {"order"}, _rank),
    ("score", "GET"): _RouteEntry(_KEY | _VALUE, _score),
    ("scores", "POST"): _RouteEntry(_KEY, _scores, _VALUES_MOVED),
    ("length", "POST"): _RouteEntry(_KEY, _length, _BOUNDS_MOVED),
}


# -- the argument checks the door's store runs, in the same order -----------------------------


def _argument_check(request: SortedSetRequest) -> InvalidArgument | None:
    if key_problem := check_bytes(request.key, "key", MAX_KEY_BYTES) or _text_key(request.key):
        return key_problem
    match request:
        case PutElements(elements=elements, ttl=ttl):
            return check_ttl(ttl.ttl_seconds) or check_elements(elements)
        case IncrementScore(value=value, amount=amount, ttl=ttl):
            return (
                check_ttl(ttl.ttl_seconds)
                or check_bytes(value, "value", MAX_ELEMENT_VALUE_BYTES)
                or check_score(amount, "amount")
            )
        case RemoveElements(values=values) | GetScores(values=values):
            return check_values(values)
        case FetchByRank(start_rank=start, end_rank=end):
            return check_ranks(start, end)
        case FetchByScore(min_score=low, max_score=high, offset=offset, count=count):
            return check_score_bounds(low, high) or check_window(offset, count)
        case GetRank(value=value) | GetScore(value=value):
            return check_bytes(value, "value", MAX_ELEMENT_VALUE_BYTES)
        case GetLength(min_score=low, max_score=high):
            return check_score_bounds(low, high)


def _text_key(key: bytes) -> InvalidArgument | None:
    """Momento's SDKs name sorted sets with text, so the bridge cannot send any other name."""
    try:
        key.decode("utf-8")
    except UnicodeDecodeError:
        return InvalidArgument("key_base64", "a sorted set's key must be UTF-8 text")
    return None
