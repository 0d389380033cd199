"""The close schedules of periodic boards, derived from the board rules.

The CDK stack and the local runtime both derive the close schedules from `close_schedules`,
so they cannot disagree. The period settings themselves (`period`, `timezone`,
`cutoverHour`, `closeSettleSeconds`) are board rules (`leaderboard.board_rules`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Final

from leaderboard.board_rules import BoardRules
from leaderboard.periods import PeriodRule

# What Scheduler puts in the input: the time the firing was due, so a retried or redriven
# firing still closes the period that ended at that time.
SCHEDULED_TIME: Final = "<aws.scheduler.scheduled-time>"
# Scheduler retries a failed StartExecution (throttling, service errors) for up to six hours;
# the close itself is idempotent per period, so a late retry is harmless.
SCHEDULE_RETRY_ATTEMPTS: Final = 20
SCHEDULE_MAX_EVENT_AGE_SECONDS: Final = 6 * 3600
_WEEKDAY: Final = "MON"  # ISO weeks: a weekly period starts on Monday at the cutover


@dataclass(frozen=True)
class CloseSchedule:
    """When a periodic board's close runs: an EventBridge Scheduler cron in the board's zone."""

    leaderboard: str
    expression: str
    timezone: str
    rule: PeriodRule

    @property
    def description(self) -> str:
        return f"Close {self.leaderboard}'s {self.rule.kind} period"

    @property
    def target_input(self) -> str:
        """The `close-period` input Scheduler sends (the CDK schedule's and the local one's)."""
        return json.dumps({"leaderboard": self.leaderboard, "asOf": SCHEDULED_TIME})


def periodic_boards(rules: BoardRules) -> dict[str, PeriodRule]:
    """The boards configured by exact name whose period is not `none`, with their rule.

    Boards matched only by a prefix have periods too, but their names are not known ahead,
    so no schedule can exist for them: they are closed on demand (CLI or client).
    """
    return {
        name: rule.period_rule
        for section, name, rule in rules.entries()
        if section == "boards" and rule.period_rule.is_periodic
    }


def close_schedule(leaderboard: str, rule: PeriodRule) -> CloseSchedule:
    """The cron that fires at the start of every period, i.e. when the previous one ends."""
    hour = rule.cutover_hour
    if rule.kind == "daily":
        expression = f"cron(0 {hour} * * ? *)"
    elif rule.kind == "weekly":
        expression = f"cron(0 {hour} ? * {_WEEKDAY} *)"
    elif rule.kind == "monthly":
        expression = f"cron(0 {hour} 1 * ? *)"
    else:
        raise ValueError(f"boards.{leaderboard}.period: 'none' has no close schedule")
    return CloseSchedule(leaderboard, expression, rule.timezone, rule)


def close_schedules(rules: BoardRules) -> tuple[CloseSchedule, ...]:
    """One close schedule per periodic board, in board-name order."""
    boards = periodic_boards(rules)
    return tuple(close_schedule(name, boards[name]) for name in sorted(boards))
