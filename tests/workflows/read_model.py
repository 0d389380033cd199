"""The reference the read workflows are checked against: a board's answers computed in Python.

Momento's order: ASC by score, ties by member name byte-wise ascending; DESC is exactly ASC
reversed. Every answer here is derived from that one sort, independently of the ASL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Entry = dict[str, Any]


def ranked(scores: Mapping[str, float], order: str) -> list[Entry]:
    """Every member as `{name, score, rank}`, best first in the board's order."""
    ascending = sorted(scores.items(), key=lambda item: (item[1], item[0].encode()))
    members = ascending if order == "asc" else list(reversed(ascending))
    return [
        {"name": name, "score": score, "rank": rank} for rank, (name, score) in enumerate(members)
    ]


def standing(scores: Mapping[str, float], order: str, name: str) -> dict[str, Any]:
    """get-standing's answer: the member's score and rank, both null when absent."""
    for entry in ranked(scores, order):
        if entry["name"] == name:
            return {"score": entry["score"], "rank": entry["rank"]}
    return {"score": None, "rank": None}


def page(scores: Mapping[str, float], order: str, start: int, end: int) -> list[Entry]:
    """Ranks start (inclusive) to end (exclusive), cut at the end of the board."""
    return ranked(scores, order)[start:end]


def view(
    scores: Mapping[str, float], order: str, kind: str, name: str | None, limit: int
) -> list[Entry]:
    """A view as docs/workflows.md defines it; `limit` already defaulted from the rules."""
    board = ranked(scores, order)
    if kind == "top":
        return board[:limit]
    mine = [entry for entry in board if entry["name"] == name]
    if kind == "me":
        return mine
    if kind == "around_me":
        if not mine:
            return []
        rank = mine[0]["rank"]
        return board[max(0, rank - limit) : rank + limit + 1]
    assert kind == "top_and_around_me", kind
    if not mine:
        return board[:1]
    rank = mine[0]["rank"]
    window = board[max(0, rank - limit) : rank + limit + 1]
    return window if window[0]["rank"] == 0 else [board[0], *window]
