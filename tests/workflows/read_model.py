"""The reference the read workflows are checked against: a board's answers computed in Python.

Momento's order: ASC by score, ties by member name byte-wise ascending; DESC is exactly ASC
reversed. Every answer here is derived from that one sort, independently of the ASL. A board's
`tieRank` only changes the rank: `ordinal` is the position in that sort, `competition` the number
of members with a strictly better score (equal scores share a rank: 0, 1, 1, 3).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Entry = dict[str, Any]


def ranked(scores: Mapping[str, float], order: str, tie_rank: str = "ordinal") -> list[Entry]:
    """Every member as `{name, score, rank}`, best first in the board's order."""
    ascending = sorted(scores.items(), key=lambda item: (item[1], item[0].encode()))
    members = ascending if order == "asc" else list(reversed(ascending))
    return [
        {"name": name, "score": score, "rank": _rank(scores, order, tie_rank, position, score)}
        for position, (name, score) in enumerate(members)
    ]


def _rank(
    scores: Mapping[str, float], order: str, tie_rank: str, position: int, score: float
) -> int:
    if tie_rank == "ordinal":
        return position
    better = [
        other for other in scores.values() if (other > score if order == "desc" else other < score)
    ]
    return len(better)


def group(scores: Mapping[str, float], order: str, tie_rank: str, names: list[str]) -> list[Entry]:
    """The view group: the named members on the board ranked among themselves; others omitted."""
    return ranked({name: scores[name] for name in names if name in scores}, order, tie_rank)


def standing(
    scores: Mapping[str, float], order: str, name: str, tie_rank: str = "ordinal"
) -> dict[str, Any]:
    """get-standing's answer: the member's score and rank, both null when absent."""
    for entry in ranked(scores, order, tie_rank):
        if entry["name"] == name:
            return {"score": entry["score"], "rank": entry["rank"]}
    return {"score": None, "rank": None}


def page(
    scores: Mapping[str, float], order: str, start: int, end: int, tie_rank: str = "ordinal"
) -> list[Entry]:
    """Positions start (inclusive) to end (exclusive), cut at the end of the board."""
    return ranked(scores, order, tie_rank)[start:end]


def view(
    scores: Mapping[str, float],
    order: str,
    kind: str,
    name: str | None,
    limit: int,
    tie_rank: str = "ordinal",
) -> list[Entry]:
    """A view as docs/workflows.md defines it; `limit` already defaulted from the rules.
    Windows are cut by position in the board's order, whatever the ranks shown."""
    board = ranked(scores, order, tie_rank)
    if kind == "top":
        return board[:limit]
    positions = [at for at, entry in enumerate(board) if entry["name"] == name]
    if kind == "me":
        return [board[at] for at in positions]
    if kind == "around_me":
        if not positions:
            return []
        at = positions[0]
        return board[max(0, at - limit) : at + limit + 1]
    assert kind == "top_and_around_me", kind
    if not positions:
        return board[:1]
    at = positions[0]
    window = board[max(0, at - limit) : at + limit + 1]
    return window if max(0, at - limit) == 0 else [board[0], *window]
