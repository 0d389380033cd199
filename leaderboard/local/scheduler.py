"""The local stand-in for EventBridge Scheduler: fires the close schedules on the local clock.

In AWS each periodic board has a schedule (`leaderboard.period_rules.close_schedules`) whose
cron fires at the board's cutover in its time zone and starts `close-period` with
`{"leaderboard": ..., "asOf": <aws.scheduler.scheduled-time>}`. Here the same schedules fire
when the local clock passes a period boundary, with the same input (the scheduled time, not
the time the firing happened), under a random execution name as Scheduler uses; the workflow
hands over to the `{leaderboard}-{period}` execution itself (or to the next attempt's name,
`{leaderboard}-{period}-r2` .., when that one failed: docs/daily-boards.md).

`fire_due()` fires what is due now (tests call it after `clock.advance`); `start()` runs a
thread that does so every `poll_seconds` (the `up` command).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from leaderboard.local.clock import LocalClock
from leaderboard.period_rules import CloseSchedule
from leaderboard.periods import period_bounds, period_of

_SCHEDULED_TIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Firing:
    """One schedule firing: which board, for which scheduled time, which execution it started."""

    leaderboard: str
    scheduled_time: datetime
    execution_arn: str


def next_firing(schedule: CloseSchedule, after: datetime) -> datetime:
    """The first boundary of the schedule's board strictly after `after`."""
    _, end = period_bounds(schedule.rule, period_of(schedule.rule, after))
    return end


class LocalScheduler:
    """Starts `close-period` for every schedule whose boundary the clock has passed."""

    def __init__(
        self,
        stepfunctions: Any,
        close_period_arn: str,
        schedules: Sequence[CloseSchedule],
        clock: LocalClock,
        *,
        poll_seconds: float = 1.0,
    ) -> None:
        self._sfn = stepfunctions
        self._arn = close_period_arn
        self._clock = clock
        self._poll_seconds = poll_seconds
        self._due: dict[CloseSchedule, datetime] = {}
        self._lock = threading.Lock()
        self.replace_schedules(schedules)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.fired: list[Firing] = []

    @property
    def schedules(self) -> tuple[CloseSchedule, ...]:
        return tuple(self._due)

    def next_due(self, leaderboard: str) -> datetime:
        """When the schedule of `leaderboard` fires next (KeyError if it has none)."""
        for schedule, due in self._due.items():
            if schedule.leaderboard == leaderboard:
                return due
        raise KeyError(f"leaderboard: {leaderboard!r} has no close schedule")

    def replace_schedules(self, schedules: Sequence[CloseSchedule]) -> None:
        """Fires `schedules` from now on (boards.json reloaded): a schedule kept as it was keeps
        its next firing; a new or changed one fires at its next boundary after now."""
        with self._lock:
            now = self._clock.now()
            self._due = {
                schedule: self._due.get(schedule) or next_firing(schedule, now)
                for schedule in schedules
            }

    def fire_due(self) -> list[Firing]:
        """Starts one execution per boundary passed since the last call, oldest first."""
        fired: list[Firing] = []
        with self._lock:
            now = self._clock.now()
            for schedule in self._due:
                while self._due[schedule] <= now:
                    fired.append(self._fire(schedule, self._due[schedule]))
                    self._due[schedule] = next_firing(schedule, self._due[schedule])
            self.fired.extend(fired)
        return fired

    def _fire(self, schedule: CloseSchedule, scheduled_time: datetime) -> Firing:
        request = {
            "leaderboard": schedule.leaderboard,
            "asOf": scheduled_time.strftime(_SCHEDULED_TIME_FORMAT),
        }
        execution_arn = self._sfn.start_execution(
            stateMachineArn=self._arn, input=json.dumps(request)
        )["executionArn"]
        return Firing(schedule.leaderboard, scheduled_time, execution_arn)

    def start(self) -> None:
        """Fires due schedules in a background thread until `stop()`."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="local-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self._poll_seconds):
            self.fire_due()
