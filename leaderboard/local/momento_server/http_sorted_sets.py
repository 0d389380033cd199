"""The HTTP door's sorted-set routes: a request the contract parsed, answered by the store.

Parsing is not here: the door reads sorted-set requests with the parser the bridge uses
(`leaderboard/momento_contract/sorted_set_requests.py`), so both refuse the same requests with
the same answers. This module is the door's counterpart of the bridge's `operations.py`: one
store call per request type, its result shaped as docs/momento-http.md says.
"""

from __future__ import annotations

from typing import Final

from aiohttp import web

from leaderboard.local.momento_server.store import (
    CacheNotFound,
    Elements,
    Length,
    Miss,
    NotStored,
    Ok,
    Rank,
    Score,
    Scores,
    Store,
    WrongType,
)
from leaderboard.momento_contract.arguments import InvalidArgument
from leaderboard.momento_contract.http_params import element_json, value_json
from leaderboard.momento_contract.sorted_set_requests import (
    FetchByRank,
    FetchByScore,
    GetLength,
    GetRank,
    GetScore,
    GetScores,
    IncrementScore,
    PutElements,
    RemoveElements,
    SortedSetRequest,
)

# Fault injection's operation names (docs/local.md), per request type.
OPERATIONS: Final[dict[type[SortedSetRequest], str]] = {
    PutElements: "sortedset.put",
    RemoveElements: "sortedset.remove",
    IncrementScore: "sortedset.increment",
    FetchByRank: "sortedset.fetch_by_rank",
    FetchByScore: "sortedset.fetch_by_score",
    GetRank: "sortedset.rank",
    GetScore: "sortedset.score",
    GetScores: "sortedset.scores",
    GetLength: "sortedset.length",
}

Failure = CacheNotFound | Miss | WrongType | InvalidArgument


def failure(result: Failure) -> web.Response:
    """404 for a missing cache, set or element; 400 (`wrong_type` or `invalid_argument`)."""
    if isinstance(result, CacheNotFound | Miss):
        return _error(404, "not_found", result.message)
    code = "wrong_type" if isinstance(result, WrongType) else "invalid_argument"
    return _error(400, code, result.message)


def execute(store: Store, request: SortedSetRequest) -> web.Response:
    """The answer to `request` (already parsed and checked) from `store`."""
    cache, key = request.cache_name, request.key
    match request:
        case PutElements(elements=elements, ttl=ttl):
            return _done(store.sorted_set_put(cache, key, elements, ttl))
        case RemoveElements(values=values):
            return _done(store.sorted_set_remove(cache, key, values))
        case IncrementScore(value=value, amount=amount, ttl=ttl):
            return _score(store.sorted_set_increment(cache, key, value, amount, ttl))
        case FetchByRank(start_rank=start, end_rank=end, order=order):
            return _elements(store.sorted_set_fetch_by_rank(cache, key, start, end, order))
        case FetchByScore():
            return _elements(
                store.sorted_set_fetch_by_score(
                    cache,
                    key,
                    min_score=request.min_score,
                    max_score=request.max_score,
                    order=request.order,
                    offset=request.offset,
                    count=request.count,
                )
            )
        case GetRank(value=value, order=order):
            ranked = store.sorted_set_get_rank(cache, key, value, order)
            if isinstance(ranked, Rank):
                return web.json_response({**value_json(ranked.value), "rank": ranked.rank})
            return failure(ranked)
        case GetScore(value=value):
            return _score(store.sorted_set_get_score(cache, key, value))
        case GetScores(values=values):
            scored = store.sorted_set_get_scores(cache, key, values)
            if isinstance(scored, Scores):
                return web.json_response(
                    {"elements": [element_json(v, s) for v, s in scored.elements]}
                )
            return failure(scored)
        case GetLength(min_score=None, max_score=None):
            return _length(store.sorted_set_length(cache, key))
        case GetLength(min_score=low, max_score=high):
            return _length(store.sorted_set_length_by_score(cache, key, low, high))


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


def _done(result: Ok | NotStored | Failure) -> web.Response:
    """204 for a write that succeeded, else its failure. (The door's writes are
    unconditional, so `NotStored` cannot happen; it is accepted only to keep the types whole.)"""
    if isinstance(result, Ok | NotStored):
        return web.Response(status=204)
    return failure(result)


def _score(result: Score | Failure) -> web.Response:
    if isinstance(result, Score):
        return web.json_response(element_json(result.value, result.score))
    return failure(result)


def _elements(result: Elements | Failure) -> web.Response:
    if isinstance(result, Elements):
        return web.json_response({"elements": [element_json(v, s) for v, s in result.elements]})
    return failure(result)


def _length(result: Length | Failure) -> web.Response:
    if isinstance(result, Length):
        return web.json_response({"length": result.length})
    return failure(result)
