"""The reference a board is checked against: Momento's descending order, computed in Python."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def board_order(scores: Mapping[str, float]) -> list[tuple[str, float]]:
    """Highest score first; equal scores by name descending (byte-wise), as Momento orders DESC."""
    return sorted(scores.items(), key=lambda item: (item[1], item[0].encode()), reverse=True)


def expected_output(
    leaderboard: str, name: str, score: float, scores: Mapping[str, float], top_count: int = 10
) -> dict[str, Any]:
    """The submit-score output for `name` once the board holds `scores`."""
    order = board_order(scores)
    return {
        "leaderboard": leaderboard,
        "name": name,
        "score": score,
        "rank": [member for member, _ in order].index(name),
        "size": len(order),
        "top": [
            {"name": member, "score": member_score, "rank": rank}
            for rank, (member, member_score) in enumerate(order[:top_count])
        ],
        "published": True,
    }
