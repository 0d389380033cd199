"""The local runtime's clock: real time plus an offset that only ever moves forward.

Periods are decided by time: a submission belongs to the period of its event time, a period
closes once it has ended, and the close schedules fire at period boundaries. To see a day end
on a laptop (demo, tests) without waiting for it, the local stack owns a clock that can be
moved forward. The state machines read the time from `$states.context.Execution.StartTime`,
so the clock shifts the start time of every execution of its stage's state machines (a
patch of moto's execution object); nothing else in the process is affected.
"""

from __future__ import annotations

import importlib
import threading
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Final

from moto.stepfunctions.parser.backend.execution import Execution

from leaderboard.local.patching import Kind, patch_group, patched_by, replace_attribute
from leaderboard.naming import resource_prefix

_ZERO: Final = timedelta(0)


class LocalClock:
    """`now()` = real UTC time + an offset; `advance` moves it forward, never back."""

    _by_machine_prefix: ClassVar[dict[str, LocalClock]] = {}
    _registry_lock: ClassVar = threading.Lock()

    def __init__(self) -> None:
        self._offset = _ZERO
        self._lock = threading.Lock()

    @property
    def offset(self) -> timedelta:
        with self._lock:
            return self._offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, by: timedelta) -> datetime:
        """Moves the clock forward by `by` and returns the new time."""
        if by < _ZERO:
            raise ValueError("by: the clock only moves forward")
        with self._lock:
            self._offset += by
        return self.now()

    def advance_to(self, moment: datetime) -> datetime:
        """Moves the clock forward to `moment` (a no-op when it is already past)."""
        if moment.tzinfo is None:
            raise ValueError("moment: must carry a time zone")
        return self.advance(max(_ZERO, moment - self.now()))

    def attach(self, stage: str) -> None:
        """Executions of `leaderboard-{stage}-*` state machines start at this clock's time."""
        self._install()
        with self._registry_lock:
            self._by_machine_prefix[resource_prefix(stage)] = self

    def detach(self, stage: str) -> None:
        with self._registry_lock:
            self._by_machine_prefix.pop(resource_prefix(stage), None)

    @classmethod
    def for_state_machine(cls, state_machine_name: str) -> LocalClock | None:
        with cls._registry_lock:
            for prefix, clock in cls._by_machine_prefix.items():
                if state_machine_name.startswith(prefix):
                    return clock
        return None

    @classmethod
    def _install(cls) -> None:
        with cls._registry_lock:
            if patched_by(__name__):  # not after moto_extensions.uninstall() undid it
                return
            original = Execution.__init__

            def shifted_init(execution: Execution, *args: Any, **kwargs: Any) -> None:
                original(execution, *args, **kwargs)
                clock = cls.for_state_machine(execution.state_machine.name)
                if clock is not None:
                    execution.start_date = execution.start_date + clock.offset

            with patch_group(importlib.import_module(__name__), Kind.FEATURE):
                replace_attribute(Execution, "__init__", shifted_init)
