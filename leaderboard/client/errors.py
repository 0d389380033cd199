"""Workflow failures as distinct exception types: a backend catches exactly what it handles."""

from __future__ import annotations


class LeaderboardError(Exception):
    """A workflow did not produce a result.

    Carries what Step Functions reported: the error name, its cause, and the execution ARN to
    look the run up in the console or with the local trace command (None when no execution ran).
    """

    def __init__(self, error: str, cause: str, execution_arn: str | None = None) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause
        self.execution_arn = execution_arn


class LeaderboardValidationError(LeaderboardError):
    """The input was rejected (`Leaderboard.ValidationError`); the cause names the field."""


class StoreUnavailableError(LeaderboardError):
    """Momento kept failing after the workflow's retries (`Leaderboard.StoreUnavailable`)."""


class PeriodClosedError(LeaderboardError):
    """The submission belongs to a period that is already closed (`Leaderboard.PeriodClosed`)."""


class ExecutionTimedOutError(LeaderboardError):
    """The execution exceeded its time limit, or the client stopped waiting for it."""


class ThrottledError(LeaderboardError):
    """Step Functions refused to start the execution after the SDK's own retries."""


class WorkflowFailedError(LeaderboardError):
    """Any other failure: an unexpected error inside the workflow. Check the trace."""


_BY_ERROR_NAME: dict[str, type[LeaderboardError]] = {
    "Leaderboard.ValidationError": LeaderboardValidationError,
    "Leaderboard.StoreUnavailable": StoreUnavailableError,
    "Leaderboard.PeriodClosed": PeriodClosedError,
    "States.Timeout": ExecutionTimedOutError,
}


def error_for(error: str, cause: str, execution_arn: str | None) -> LeaderboardError:
    """The exception instance for a workflow error name (unknown names -> WorkflowFailedError)."""
    return _BY_ERROR_NAME.get(error, WorkflowFailedError)(error, cause, execution_arn)
