"""Property test: random sorted-set operation sequences over HTTP agree with a reference model.

The model is deliberately naive (a dict, sorted on every read) so that it is obviously right;
every answer of the server (ranks, ranges, ties, misses, 400s) must equal the model's.
Runs through `sorted_set_http`, so it also holds another implementation of the routes to it.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.momento_server.contract import SortedSetHttp

VALUES = st.sampled_from(["a", "b", "c", "d", "e", "B", "ä", "aa"])  # "ä" sorts after "e" as bytes
# 0.3 and 0.1 + 0.2 are adjacent float64s that 15 significant digits write alike.
SCORES = st.sampled_from([-1.5, 0.0, 1.0, 2.0, 2.5, 0.3, 0.1 + 0.2]) | st.floats(
    -1e6, 1e6, allow_nan=False
)
ORDERS = st.sampled_from(["ASC", "DESC"])
RANKS = st.none() | st.integers(-7, 7)
BOUNDS = st.none() | st.tuples(SCORES, st.booleans())


@dataclass
class Model:
    scores: dict[str, float] = field(default_factory=dict)

    def ordered(self, order: str) -> list[tuple[str, float]]:
        pairs = sorted(self.scores.items(), key=lambda p: (p[1], p[0].encode()))
        return pairs[::-1] if order == "DESC" else pairs

    def in_bounds(self, pairs: list[tuple[str, float]], low: Any, high: Any) -> list[Any]:
        def fits(score: float) -> bool:
            ok_low = low is None or (score > low[0] if low[1] else score >= low[0])
            ok_high = high is None or (score < high[0] if high[1] else score <= high[0])
            return ok_low and ok_high

        return [p for p in pairs if fits(p[1])]


MISSING_SET = (404, {"error": "not_found", "message": "Sorted Set Not Found"})
MISSING_ELEMENT = (404, {"error": "not_found", "message": "Element Not Found"})


def elements(pairs: Sequence[tuple[str, float | None]]) -> dict[str, Any]:
    return {"elements": [{"value": v, "score": s} for v, s in pairs]}


def bound_fields(name: str, bound: Any) -> dict[str, Any]:
    if bound is None:
        return {}
    return {name: bound[0], f"{name}_exclusive": bound[1]}


def bad_bounds(low: Any, high: Any) -> bool:
    return low is not None and high is not None and low[0] > high[0]


def expect(model: Model, op: tuple[Any, ...]) -> tuple[str, str, dict[str, Any], Any, Any]:
    """(method, route suffix, params, json body, expected (status, body)) for one op,
    applying writes to the model."""
    name, *args = op
    exists = bool(model.scores)
    if name == "put":
        (pairs,) = args
        for value, score in pairs:
            model.scores[value] = score
        return "PUT", "", {"ttl_seconds": "60"}, elements(pairs), (204, None)
    if name == "increment":
        value, amount = args
        model.scores[value] = model.scores.get(value, 0.0) + amount
        params = {"value": value, "ttl_seconds": "60"}
        return (
            "POST",
            "/increment",
            params,
            {"amount": amount},
            (200, {"value": value, "score": model.scores[value]}),
        )
    if name == "remove":
        (values,) = args
        for value in values:
            model.scores.pop(value, None)
        return "DELETE", "", {}, {"values": values}, (204, None)
    if name == "by_rank":
        start, end, order = args
        params = {"order": order} | ({"start_rank": str(start)} if start is not None else {})
        params |= {"end_rank": str(end)} if end is not None else {}
        if (
            start is not None
            and end is not None
            and (
                (start >= 0 and end >= 0 and start > end)
                or (start < 0 and end < 0 and start >= end)
            )
        ):
            return "GET", "/by-rank", params, None, (400, None)
        page = model.ordered(order)[slice(start, end)]
        return "GET", "/by-rank", params, None, (200, elements(page)) if exists else MISSING_SET
    if name == "by_score":
        low, high, order, offset, count = args
        params = {"order": order}
        params |= {"offset": str(offset)} if offset is not None else {}
        params |= {"count": str(count)} if count is not None else {}
        bounds = {**bound_fields("min_score", low), **bound_fields("max_score", high)}
        if bad_bounds(low, high):
            return "POST", "/by-score", params, bounds, (400, None)
        page = model.in_bounds(model.ordered(order), low, high)[offset or 0 :]
        page = page if count is None else page[:count]
        found = (200, elements(page)) if exists else MISSING_SET
        return "POST", "/by-score", params, bounds or None, found
    if name == "rank":
        value, order = args
        ranked = [v for v, _ in model.ordered(order)]
        found = (
            (200, {"value": value, "rank": ranked.index(value)})
            if value in ranked
            else MISSING_ELEMENT
        )
        return (
            "GET",
            "/rank",
            {"value": value, "order": order},
            None,
            found if exists else MISSING_SET,
        )
    if name == "scores":
        (values,) = args
        found = (200, elements([(v, model.scores.get(v)) for v in values]))
        return "POST", "/scores", {}, {"values": values}, found if exists else MISSING_SET
    low, high = args  # length
    bounds = {**bound_fields("min_score", low), **bound_fields("max_score", high)}
    if bad_bounds(low, high):
        return "POST", "/length", {}, bounds, (400, None)
    count = len(model.in_bounds(model.ordered("ASC"), low, high))
    found = (200, {"length": count}) if exists else MISSING_SET
    return "POST", "/length", {}, bounds or None, found


OPERATIONS = st.one_of(
    st.tuples(st.just("put"), st.lists(st.tuples(VALUES, SCORES), min_size=1, max_size=4)),
    st.tuples(st.just("increment"), VALUES, SCORES),
    st.tuples(st.just("remove"), st.lists(VALUES, min_size=1, max_size=3)),
    st.tuples(st.just("by_rank"), RANKS, RANKS, ORDERS),
    st.tuples(
        st.just("by_score"),
        BOUNDS,
        BOUNDS,
        ORDERS,
        st.none() | st.integers(0, 6),
        st.none() | st.integers(1, 4),
    ),
    st.tuples(st.just("rank"), VALUES, ORDERS),
    st.tuples(st.just("scores"), st.lists(VALUES, min_size=1, max_size=3)),
    st.tuples(st.just("length"), BOUNDS, BOUNDS),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(OPERATIONS, min_size=1, max_size=25))
def test_server_agrees_with_the_model(sorted_set_http: SortedSetHttp, ops: list[Any]) -> None:
    key = f"model-{uuid.uuid4().hex}"
    model = Model()
    for op in ops:
        method, suffix, params, body, (status, answer) = expect(model, op)
        response = sorted_set_http(method, suffix, params={"key": key, **params}, json=body)
        assert response.status_code == status, (op, response.text)
        if answer is not None:
            assert response.json() == answer, op
        assert all(math.isfinite(s) for s in model.scores.values())
