"""A failed Parallel branch aborts its siblings with the ``*StateAborted`` events AWS records.

When one branch fails, AWS stops the others and records, for each state a sibling was in,
the aborted event of its type (``TaskStateAborted``, ``WaitStateAborted``,
``MapStateAborted``, ``ParallelStateAborted``; Pass and Choice states have none, they never
wait) and ``MapIterationAborted`` for each Map iteration in progress, innermost first, before
the Parallel's ``ParallelStateFailed``. moto stops the siblings silently and lets their
threads record more (a nested Parallel "succeeds" after the execution failed). Here each
sibling being stopped is asked which state it is in, along its own event chain and its
nested branches' and iterations', its aborts are recorded, and then it is silenced.
"""

import weakref
from dataclasses import dataclass
from typing import Any, Final

from moto.stepfunctions.parser.api import HistoryEventType
from moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branch_worker import (
    BranchWorker,
)
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
from moto.stepfunctions.parser.asl.eval.event.event_manager import EventHistoryContext, EventManager

from leaderboard.local.patching import replace_attribute
from leaderboard.local.stepfunctions.event_chain import events_back

_ABORTED: Final = {
    HistoryEventType.TaskStateEntered: HistoryEventType.TaskStateAborted,
    HistoryEventType.WaitStateEntered: HistoryEventType.WaitStateAborted,
    HistoryEventType.MapStateEntered: HistoryEventType.MapStateAborted,
    HistoryEventType.ParallelStateEntered: HistoryEventType.ParallelStateAborted,
}
_STARTED: Final = frozenset(
    {HistoryEventType.MapStateStarted, HistoryEventType.ParallelStateStarted}
)
# Event histories of stopped siblings: what their threads still try to record is dropped.
_silenced: "weakref.WeakSet[EventHistoryContext]" = weakref.WeakSet()


@dataclass(frozen=True)
class _Abort:
    """One aborted event to record: the event it aborts, and the chain it is recorded on."""

    source_id: int
    env: Any
    event_type: HistoryEventType
    event_details: EventDetails | None = None


def _in_progress(env: Any) -> list[_Abort]:
    """The state and the Map iteration (if any) this frame is in, along its own event chain."""
    found: list[_Abort] = []
    state_known = False
    for event in events_back(env):
        kind = event["type"]
        if kind == HistoryEventType.MapIterationStarted:
            details = event["mapIterationStartedEventDetails"]
            aborted = EventDetails(mapIterationAbortedEventDetails=details)  # type: ignore[typeddict-item]
            found.append(_Abort(event["id"], env, HistoryEventType.MapIterationAborted, aborted))
            break
        if state_known and kind in _STARTED:
            break  # the enclosing Parallel or Map, which aborts (or fails) on its own chain
        if not state_known and str(kind).endswith(("StateEntered", "StateExited")):
            state_known = True
            if kind in _ABORTED:
                found.append(_Abort(event["id"], env, _ABORTED[kind]))
    return found


def _collect(env: Any, found: dict[int, _Abort]) -> None:
    for frame in list(env._frames):
        _collect(frame, found)
    for abort in _in_progress(env):
        found.setdefault(abort.source_id, abort)
    _silenced.add(env.event_history_context)


def _abort(env: Any) -> None:
    """Record what a stopped sibling was in, innermost (latest entered) first; then silence it."""
    found: dict[int, _Abort] = {}
    _collect(env, found)
    for source_id in sorted(found, reverse=True):
        abort = found[source_id]
        _record(abort.env.event_manager, abort.env.event_history_context, abort)


def _record(manager: EventManager, context: EventHistoryContext, abort: _Abort) -> None:
    _add_event(
        manager, context=context, event_type=abort.event_type, event_details=abort.event_details
    )


_stop = BranchWorker.stop
_add_event = EventManager.add_event


def _stop_branch(self: BranchWorker, stop_date: Any, cause: str | None, error: str | None) -> None:
    """Replacement for ``BranchWorker.stop``: a sibling still running records its abort."""
    was_running = self.env.is_running()
    _stop(self, stop_date, cause, error)
    if was_running:
        _abort(self.env)


def _add_unless_silenced(
    self: EventManager, context: EventHistoryContext, *args: Any, **kwargs: Any
) -> int:
    """Replacement for ``EventManager.add_event``: nothing more from an aborted sibling."""
    if context in _silenced:
        return int(context.last_published_event_id)
    return int(_add_event(self, context, *args, **kwargs))


def install() -> None:
    """Record sibling branches' aborted states when a Parallel fails."""
    replace_attribute(BranchWorker, "stop", _stop_branch)
    replace_attribute(EventManager, "add_event", _add_unless_silenced)
