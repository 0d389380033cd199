"""The backend client: typed calls to the leaderboard workflows, errors as exception types."""

from leaderboard.client.client import LeaderboardClient
from leaderboard.client.errors import (
    ExecutionTimedOutError,
    LeaderboardError,
    LeaderboardValidationError,
    PeriodClosedError,
    StoreUnavailableError,
    ThrottledError,
    WorkflowFailedError,
)
from leaderboard.client.results import (
    ClosedPeriod,
    LeaderboardPage,
    RankedMember,
    Standing,
    SubmitScoreResult,
)

__all__ = [
    "ClosedPeriod",
    "ExecutionTimedOutError",
    "LeaderboardClient",
    "LeaderboardError",
    "LeaderboardPage",
    "LeaderboardValidationError",
    "PeriodClosedError",
    "RankedMember",
    "Standing",
    "StoreUnavailableError",
    "SubmitScoreResult",
    "ThrottledError",
    "WorkflowFailedError",
]
