"""Periods in the board rules map: defaults, checks, offset tables and the close schedules.

The rules map (`defaults`, `boards`, `prefixes`) reaches the state machines as data. For
periods it carries, per board, `period` (`none` | `daily` | `weekly` | `monthly`),
`timezone` (IANA) and `cutoverHour` (0-23), plus `closeSettleSeconds`; and once per time
zone in use, `zones[tz]`: the offset table JSONata reads instead of an IANA name. The CDK
stack and the local runtime both pass their rules through `with_period_data`, and both
derive the close schedules from `close_schedules`, so they cannot disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from leaderboard.periods import (
    DEFAULT_CUTOVER_HOUR,
    DEFAULT_TIMEZONE,
    PeriodRule,
    offset_table,
)

# How long close-period waits after a period ends before reading it, so a submission that
# started just before the boundary (its writes retried for up to ~50 s) lands first.
DEFAULT_CLOSE_SETTLE_SECONDS: Final = 60
PERIOD_DEFAULTS: Final[Mapping[str, Any]] = {
    "period": "none",
    "timezone": DEFAULT_TIMEZONE,
    "cutoverHour": DEFAULT_CUTOVER_HOUR,
    "closeSettleSeconds": DEFAULT_CLOSE_SETTLE_SECONDS,
}
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


def _sections(rules: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(label, merged rules) for the defaults and for every configured board and prefix."""
    defaults = {**PERIOD_DEFAULTS, **rules.get("defaults", {})}
    yield "defaults", defaults
    for section in ("boards", "prefixes"):
        for name, overrides in rules.get(section, {}).items():
            yield f"{section}.{name}", {**defaults, **overrides}


def _rule(label: str, merged: Mapping[str, Any]) -> PeriodRule:
    try:
        return PeriodRule.from_board(merged)
    except ValueError as error:
        raise ValueError(f"{label}.{error}") from error


def _settle_seconds(label: str, merged: Mapping[str, Any]) -> None:
    value = merged["closeSettleSeconds"]
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3600:
        raise ValueError(f"{label}.closeSettleSeconds: must be an integer 0-3600 (got {value!r})")


def with_period_data(rules: Mapping[str, Any]) -> dict[str, Any]:
    """`rules` with the period defaults filled in and `zones` holding every zone in use.

    Raises ValueError naming the board and field of any bad period setting.
    """
    zones: set[str] = set()
    for label, merged in _sections(rules):
        rule = _rule(label, merged)
        _settle_seconds(label, merged)
        if rule.is_periodic:
            zones.add(rule.timezone)
    extended = dict(rules)
    extended["defaults"] = {**PERIOD_DEFAULTS, **rules.get("defaults", {})}
    extended["zones"] = {name: offset_table(name) for name in sorted(zones)}
    return extended


def periodic_boards(rules: Mapping[str, Any]) -> dict[str, PeriodRule]:
    """The boards configured by exact name whose period is not `none`, with their rule.

    Boards matched only by a prefix have periods too, but their names are not known ahead,
    so no schedule can exist for them: they are closed on demand (CLI or client).
    """
    found: dict[str, PeriodRule] = {}
    for label, merged in _sections(rules):
        section, _, name = label.partition(".")
        rule = _rule(label, merged)
        if section == "boards" and rule.is_periodic:
            found[name] = rule
    return found


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


def close_schedules(rules: Mapping[str, Any]) -> tuple[CloseSchedule, ...]:
    """One close schedule per periodic board, in board-name order."""
    boards = periodic_boards(rules)
    return tuple(close_schedule(name, boards[name]) for name in sorted(boards))
