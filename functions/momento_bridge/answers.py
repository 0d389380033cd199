"""The bridge's HTTP answers, shaped as the local HTTP door shapes them (docs/momento-http.md).

Element and value JSON come from the contract's helpers, which the door uses too
(`leaderboard/momento_contract/http_params.py`), so a value that is not UTF-8 text goes out
as `value_base64` on both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from leaderboard.momento_contract.http_params import element_json, value_json

JsonBody = dict[str, object]


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """Status and JSON body (None: no body) of one answer."""

    status: int
    body: JsonBody | None = None


NO_CONTENT: Final = HttpAnswer(204)
SORTED_SET_NOT_FOUND: Final = HttpAnswer(
    404, {"error": "not_found", "message": "Sorted Set Not Found"}
)
ELEMENT_NOT_FOUND: Final = HttpAnswer(404, {"error": "not_found", "message": "Element Not Found"})


def error_answer(status: int, error: str, message: str) -> HttpAnswer:
    return HttpAnswer(status, {"error": error, "message": message})


def score_answer(value: bytes, score: float) -> HttpAnswer:
    return HttpAnswer(200, element_json(value, score))


def rank_answer(value: bytes, rank: int) -> HttpAnswer:
    return HttpAnswer(200, {**value_json(value), "rank": rank})


def elements_answer(elements: Iterable[tuple[bytes, float | None]]) -> HttpAnswer:
    """A range read (every score set) or `scores` (None where the set lacks the value)."""
    return HttpAnswer(200, {"elements": [element_json(value, score) for value, score in elements]})


def length_answer(length: int) -> HttpAnswer:
    return HttpAnswer(200, {"length": length})
