"""Each sorted-set request answered with the Momento SDK, the answer shaped for HTTP.

One function per route; `execute` dispatches. SDK responses are values (hit / miss / error),
so every branch is explicit and no SDK call raises.
"""

from __future__ import annotations

from datetime import timedelta

from momento import CacheClient
from momento.requests import CollectionTtl as SdkCollectionTtl
from momento.requests import SortOrder
from momento.responses import (
    CacheSortedSetFetch,
    CacheSortedSetFetchResponse,
    CacheSortedSetGetRank,
    CacheSortedSetGetScore,
    CacheSortedSetGetScores,
    CacheSortedSetIncrementScore,
    CacheSortedSetPutElements,
    CacheSortedSetRemoveElements,
)

from functions.momento_bridge import sdk_gaps
from functions.momento_bridge.answers import (
    ELEMENT_NOT_FOUND,
    NO_CONTENT,
    SORTED_SET_NOT_FOUND,
    HttpAnswer,
    elements_answer,
    length_answer,
    rank_answer,
    score_answer,
)
from functions.momento_bridge.momento_errors import error_of
from leaderboard.momento_contract.arguments import CollectionTtl, Order
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


def execute(client: CacheClient, request: SortedSetRequest) -> HttpAnswer:
    """Answer `request` (already validated) with `client`."""
    key = request.key.decode("utf-8")  # the contract refuses keys that are not UTF-8 text
    match request:
        case PutElements():
            return _put(client, key, request)
        case RemoveElements():
            removed = client.sorted_set_remove_elements(request.cache_name, key, request.values)
            if isinstance(removed, CacheSortedSetRemoveElements.Error):
                return error_of(removed.inner_exception)
            return NO_CONTENT
        case IncrementScore():
            return _increment(client, key, request)
        case FetchByRank():
            fetched = client.sorted_set_fetch_by_rank(
                request.cache_name, key, request.start_rank, request.end_rank, _sort(request.order)
            )
            return _fetched(fetched)
        case FetchByScore():
            return _fetched(sdk_gaps.sorted_set_fetch_by_score(client, key, request))
        case GetRank():
            return _rank(client, key, request)
        case GetScore():
            return _score(client, key, request)
        case GetScores():
            return _scores(client, key, request)
        case GetLength():
            return _length(client, key, request)


def _sort(order: Order) -> SortOrder:
    return SortOrder.DESCENDING if order is Order.DESC else SortOrder.ASCENDING


def _ttl(ttl: CollectionTtl) -> SdkCollectionTtl:
    # The parser requires ttl_seconds on every write, so it is never None here.
    seconds = ttl.ttl_seconds if ttl.ttl_seconds is not None else 0
    return SdkCollectionTtl(timedelta(seconds=seconds), ttl.refresh)


def _put(client: CacheClient, key: str, request: PutElements) -> HttpAnswer:
    put = client.sorted_set_put_elements(
        request.cache_name, key, dict(request.elements), ttl=_ttl(request.ttl)
    )
    if isinstance(put, CacheSortedSetPutElements.Error):
        return error_of(put.inner_exception)
    return NO_CONTENT


def _increment(client: CacheClient, key: str, request: IncrementScore) -> HttpAnswer:
    incremented = client.sorted_set_increment_score(
        request.cache_name, key, request.value, request.amount, ttl=_ttl(request.ttl)
    )
    if isinstance(incremented, CacheSortedSetIncrementScore.Success):
        return score_answer(request.value, incremented.score)
    if isinstance(incremented, CacheSortedSetIncrementScore.Error):
        return error_of(incremented.inner_exception)
    raise TypeError(f"unexpected SDK response {incremented!r}")


def _fetched(fetched: CacheSortedSetFetchResponse) -> HttpAnswer:
    if isinstance(fetched, CacheSortedSetFetch.Hit):
        return elements_answer(fetched.value_list_bytes)
    if isinstance(fetched, CacheSortedSetFetch.Miss):
        return SORTED_SET_NOT_FOUND
    if isinstance(fetched, CacheSortedSetFetch.Error):
        return error_of(fetched.inner_exception)
    raise TypeError(f"unexpected SDK response {fetched!r}")


def _rank(client: CacheClient, key: str, request: GetRank) -> HttpAnswer:
    ranked = client.sorted_set_get_rank(
        request.cache_name, key, request.value, _sort(request.order)
    )
    if isinstance(ranked, CacheSortedSetGetRank.Hit):
        return rank_answer(request.value, int(ranked.rank))
    if isinstance(ranked, CacheSortedSetGetRank.Error):
        return error_of(ranked.inner_exception)
    # GetRank answers one Miss for a missing set and a missing value; GetScores tells which.
    scored = client.sorted_set_get_scores(request.cache_name, key, [request.value])
    if isinstance(scored, CacheSortedSetGetScores.Error):
        return error_of(scored.inner_exception)
    return (
        ELEMENT_NOT_FOUND
        if isinstance(scored, CacheSortedSetGetScores.Hit)
        else SORTED_SET_NOT_FOUND
    )


def _score(client: CacheClient, key: str, request: GetScore) -> HttpAnswer:
    # GetScores, not GetScore: the SDK's GetScore answers one Miss for a missing set and value.
    scored = client.sorted_set_get_scores(request.cache_name, key, [request.value])
    if isinstance(scored, CacheSortedSetGetScores.Hit):
        (response,) = scored.responses
        if isinstance(response, CacheSortedSetGetScore.Hit):
            return score_answer(request.value, response.score)
        return ELEMENT_NOT_FOUND
    if isinstance(scored, CacheSortedSetGetScores.Miss):
        return SORTED_SET_NOT_FOUND
    if isinstance(scored, CacheSortedSetGetScores.Error):
        return error_of(scored.inner_exception)
    raise TypeError(f"unexpected SDK response {scored!r}")


def _scores(client: CacheClient, key: str, request: GetScores) -> HttpAnswer:
    scored = client.sorted_set_get_scores(request.cache_name, key, request.values)
    if isinstance(scored, CacheSortedSetGetScores.Hit):
        return elements_answer(
            (value, response.score if isinstance(response, CacheSortedSetGetScore.Hit) else None)
            for value, response in zip(request.values, scored.responses, strict=True)
        )
    if isinstance(scored, CacheSortedSetGetScores.Miss):
        return SORTED_SET_NOT_FOUND
    if isinstance(scored, CacheSortedSetGetScores.Error):
        return error_of(scored.inner_exception)
    raise TypeError(f"unexpected SDK response {scored!r}")


def _length(client: CacheClient, key: str, request: GetLength) -> HttpAnswer:
    counted = sdk_gaps.sorted_set_length(client, key, request)
    match counted:
        case sdk_gaps.LengthHit(length=length):
            return length_answer(length)
        case sdk_gaps.LengthMiss():
            return SORTED_SET_NOT_FOUND
        case sdk_gaps.LengthError(error=error):
            return error_of(error)
