"""get_standing and get_leaderboard through the real read workflows: typed, in board order.

The views' edge cases are the workflows' own tests; these prove the client sends each kind of
request the workflow accepts and turns every answer into the right typed value.
"""

from __future__ import annotations

import pytest

from leaderboard.client import (
    LeaderboardClient,
    LeaderboardPage,
    LeaderboardValidationError,
    RankedMember,
    Standing,
)
from tests.client.conftest import needs_workflow

SCORES = {"ann": 50.0, "bob": 40.0, "cat": 30.0, "dan": 20.0, "eve": 10.0, "fay": 5.0}


def _ranked(*names: str) -> list[tuple[str, float, int]]:
    """The members as the board holds them (highest first), as (name, score, rank)."""
    order = sorted(SCORES, key=SCORES.__getitem__, reverse=True)
    return [(name, SCORES[name], order.index(name)) for name in names]


def _rows(page: LeaderboardPage) -> list[tuple[str, float, int]]:
    return [(member.name, member.score, member.rank) for member in page.entries]


@pytest.fixture
def filled(client: LeaderboardClient, board: str) -> str:
    for name, score in SCORES.items():
        client.submit_score(board, name, score)
    return board


@needs_workflow("get-standing")
def test_standing_of_a_member(client: LeaderboardClient, filled: str) -> None:
    standing = client.get_standing(filled, "cat")
    assert standing == Standing(leaderboard=filled, name="cat", score=30.0, rank=2)
    assert standing.on_board


@needs_workflow("get-standing")
def test_member_not_on_the_board_is_a_standing_without_rank(
    client: LeaderboardClient, filled: str
) -> None:
    standing = client.get_standing(filled, "nobody")
    assert (standing.score, standing.rank, standing.on_board) == (None, None, False)


@needs_workflow("get-standing")
def test_board_that_does_not_exist_has_nobody_on_it(client: LeaderboardClient, board: str) -> None:
    assert not client.get_standing(board, "ann").on_board


@needs_workflow("get-leaderboard")
def test_default_page_starts_at_the_top(client: LeaderboardClient, filled: str) -> None:
    page = client.get_leaderboard(filled)
    assert page.leaderboard == filled
    assert _rows(page) == _ranked("ann", "bob", "cat", "dan", "eve", "fay")
    assert all(isinstance(member, RankedMember) for member in page.entries)


@needs_workflow("get-leaderboard")
def test_page_by_rank_range(client: LeaderboardClient, filled: str) -> None:
    page = client.get_leaderboard(filled, start_rank=1, end_rank=3)
    assert _rows(page) == _ranked("bob", "cat")


@needs_workflow("get-leaderboard")
@pytest.mark.parametrize(
    ("view", "name", "limit", "expected"),
    [
        ("top", None, 2, ["ann", "bob"]),
        ("me", "dan", None, ["dan"]),
        ("me", "nobody", None, []),
        ("around_me", "cat", 1, ["bob", "cat", "dan"]),
        ("top_and_around_me", "eve", 1, ["ann", "dan", "eve", "fay"]),
    ],
)
def test_views(
    client: LeaderboardClient,
    filled: str,
    view: str,
    name: str | None,
    limit: int | None,
    expected: list[str],
) -> None:
    page = client.get_leaderboard(filled, view=view, name=name, limit=limit)
    assert _rows(page) == _ranked(*expected)


@needs_workflow("get-leaderboard")
def test_group_ranks_the_named_members_among_themselves(
    client: LeaderboardClient, filled: str
) -> None:
    page = client.group(filled, ["fay", "nobody", "bob", "dan"])
    assert _rows(page) == [("bob", 40.0, 0), ("dan", 20.0, 1), ("fay", 5.0, 2)]
    assert all(isinstance(member, RankedMember) for member in page.entries)


@needs_workflow("get-leaderboard")
def test_group_of_members_not_on_the_board_is_empty(client: LeaderboardClient, board: str) -> None:
    assert client.group(board, ["ann"]).entries == ()


@needs_workflow("get-leaderboard")
def test_page_larger_than_the_board_allows_is_refused_by_the_workflow(
    client: LeaderboardClient, filled: str
) -> None:
    """The maximum page size is a board rule the client does not know: the workflow decides."""
    with pytest.raises(LeaderboardValidationError) as raised:
        client.get_leaderboard(filled, start_rank=0, end_rank=10_000)
    assert raised.value.cause.startswith("endRank: a page holds at most")
    assert raised.value.execution_arn is not None
