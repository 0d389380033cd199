"""The sorted-set sort key: bytes order must be the documented `(score, value bytes)` order.

The store keeps each element as one `bytes` (an 8-byte encoding of the score, then the value)
instead of a `(score, value)` tuple. These properties pin that the switch changes no order,
no score and no score-range answer, against plain tuples as the reference.
"""

from __future__ import annotations

import math
import sys

from hypothesis import given
from hypothesis import strategies as st

from leaderboard.local.momento_server.store import (
    OK,
    Elements,
    Length,
    Rank,
    Score,
    Store,
    _score_prefix,
    _split_sort_key,
)
from leaderboard.momento_contract.arguments import Order, ScoreBound

TINY = 5e-324  # the smallest subnormal
EDGES = [
    0.0,
    -0.0,
    TINY,
    -TINY,
    sys.float_info.min,  # the smallest normal
    -sys.float_info.min,
    1.0,
    -1.0,
    2.5,
    -2.5,
    1e300,
    -1e300,
    sys.float_info.max,
    -sys.float_info.max,
]
SCORES = st.sampled_from(EDGES) | st.floats(allow_nan=False, allow_infinity=False)
# Short values over a tiny alphabet, so that ties and prefixes (b"a" vs b"aa") are frequent;
# 0x00 and 0xff probe the byte extremes.
VALUES = st.binary(min_size=1, max_size=3).map(lambda b: bytes(c % 3 * 0x7F for c in b))


def reported(score: float) -> float:
    """The score the store reports for `score`: -0.0 is kept as 0.0, which it equals."""
    return score + 0.0


@given(st.lists(st.tuples(SCORES, VALUES), max_size=40))
def test_sort_keys_sort_as_score_value_tuples(pairs: list[tuple[float, bytes]]) -> None:
    by_tuple = [_score_prefix(score) + value for score, value in sorted(pairs)]
    assert sorted(_score_prefix(score) + value for score, value in pairs) == by_tuple


@given(SCORES, SCORES)
def test_score_prefixes_compare_as_scores(a: float, b: float) -> None:
    assert (_score_prefix(a) < _score_prefix(b)) == (a < b)
    assert (_score_prefix(a) == _score_prefix(b)) == (a == b)


@given(SCORES, VALUES)
def test_a_sort_key_gives_back_its_value_and_exact_score(score: float, value: bytes) -> None:
    found_value, found_score = _split_sort_key(_score_prefix(score) + value)
    assert found_value == value
    assert found_score == score
    assert math.copysign(1.0, found_score) == math.copysign(1.0, reported(score))


@given(
    st.dictionaries(VALUES, SCORES, min_size=1, max_size=30),
    st.tuples(SCORES, st.booleans()),
    st.tuples(SCORES, st.booleans()),
)
def test_store_reads_agree_with_tuple_order(
    scores: dict[bytes, float], low: tuple[float, bool], high: tuple[float, bool]
) -> None:
    store = Store()
    store.create_cache("c")
    assert store.sorted_set_put("c", b"z", list(scores.items())) == OK
    by_tuple = sorted((score, value) for value, score in scores.items())
    asc = [(value, reported(score)) for score, value in by_tuple]

    assert store.sorted_set_fetch_by_rank("c", b"z") == Elements(asc)
    assert store.sorted_set_fetch_by_rank("c", b"z", order=Order.DESC) == Elements(asc[::-1])
    for rank, (value, score) in enumerate(asc):
        assert store.sorted_set_get_rank("c", b"z", value) == Rank(value, rank)
        assert store.sorted_set_get_score("c", b"z", value) == Score(value, score)

    (low_score, low_open), (high_score, high_open) = sorted([low, high])
    inside = [
        (value, score)
        for value, score in asc
        if (score > low_score if low_open else score >= low_score)
        and (score < high_score if high_open else score <= high_score)
    ]
    low_bound, high_bound = ScoreBound(low_score, low_open), ScoreBound(high_score, high_open)
    found = store.sorted_set_fetch_by_score("c", b"z", min_score=low_bound, max_score=high_bound)
    assert found == Elements(inside)
    length = store.sorted_set_length_by_score("c", b"z", low_bound, high_bound)
    assert length == Length(len(inside))


def test_negative_zero_is_stored_as_zero_and_ties_with_it_by_value() -> None:
    store = Store()
    store.create_cache("c")
    store.sorted_set_put("c", b"z", [(b"b", -0.0), (b"a", 0.0), (b"c", -TINY)])
    assert store.sorted_set_fetch_by_rank("c", b"z") == Elements(
        [(b"c", -TINY), (b"a", 0.0), (b"b", 0.0)]
    )
    found = store.sorted_set_get_score("c", b"z", b"b")
    assert isinstance(found, Score) and math.copysign(1.0, found.score) == 1.0
