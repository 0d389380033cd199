"""submit_score through the real submit-score workflow: typed results that match the board."""

from __future__ import annotations

from leaderboard.client import LeaderboardClient, RankedMember, SubmitScoreResult
from leaderboard.local.stack import LocalStack


def test_first_score_puts_the_member_on_top(
    client: LeaderboardClient, stack: LocalStack, board: str
) -> None:
    result = client.submit_score(board, "mario", 42)
    assert isinstance(result, SubmitScoreResult)
    assert (result.leaderboard, result.name, result.score) == (board, "mario", 42.0)
    assert (result.rank, result.size) == (0, 1)
    assert result.top == (RankedMember(name="mario", score=42.0, rank=0),)
    assert (result.published, result.publish_error) == (True, None)
    machine = stack.state_machine_arn("submit-score").split(":stateMachine:")[1]
    assert f":express:{machine}:" in result.execution_arn


def test_standing_and_top_follow_the_board_order(client: LeaderboardClient, board: str) -> None:
    for name, score in [("luigi", 7), ("peach", 99.5), ("toad", 7)]:
        client.submit_score(board, name, score)
    result = client.submit_score(board, "yoshi", 50, submission_id="sub-0001")
    # Highest first; equal scores by name descending, as Momento orders DESC.
    assert [(m.name, m.score, m.rank) for m in result.top] == [
        ("peach", 99.5, 0),
        ("yoshi", 50.0, 1),
        ("toad", 7.0, 2),
        ("luigi", 7.0, 3),
    ]
    assert (result.rank, result.size) == (1, 4)


def test_a_new_score_replaces_the_previous_one(client: LeaderboardClient, board: str) -> None:
    client.submit_score(board, "wario", 10)
    client.submit_score(board, "waluigi", 20)
    result = client.submit_score(board, "wario", 30)
    assert (result.score, result.rank, result.size) == (30.0, 0, 2)


def test_names_with_every_allowed_character_are_accepted(
    client: LeaderboardClient, board: str
) -> None:
    name = "Az09_.~-" + "x" * 120  # the longest name: 128 characters
    result = client.submit_score(board, name, -1.5)
    assert (result.name, result.score, result.rank) == (name, -1.5, 0)
