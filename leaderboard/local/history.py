"""An execution's history events turned into the states it ran, for the trace views.

Step Functions histories are flat lists linked by `previousEventId`. States inside a
Parallel branch or a Map iteration chain back to the `ParallelStateStarted` /
`MapIterationStarted` event that opened them, which is how runs are grouped per branch
here; exits and lifecycle events are matched to the nearest open run that fits.
Each run keeps the variables its exit assigned and each Task attempt (`task_calls`); a task
whose Retry succeeded ends with no error, its failures kept on the attempts that had them.
Works on `GetExecutionHistory` events as boto3 returns them or as JSON (`aws stepfunctions
get-execution-history`), with timestamps as datetimes, epoch seconds or ISO strings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from leaderboard.local import task_calls
from leaderboard.local.task_calls import Attempt

_CONTAINER_TYPES = frozenset({"Parallel", "Map"})
_ATTEMPT_EVENTS = frozenset({"TaskScheduled", "LambdaFunctionScheduled"})
_SUCCESS_EVENTS = frozenset({"TaskSucceeded", "LambdaFunctionSucceeded"})
_FAILURE_SUFFIXES = ("Failed", "TimedOut", "Aborted")


@dataclass
class Branch:
    """One branch of a Parallel state or one iteration of a Map state."""

    parent: StateRun
    index: int
    runs: list[StateRun] = field(default_factory=list)


@dataclass
class StateRun:
    """One entry into a state, from `...StateEntered` to `...StateExited` (if it exited)."""

    name: str
    state_type: str
    started: float  # seconds since the execution started
    input: str | None
    branch: Branch | None
    ended: float | None = None
    failed_at: float | None = None  # the last failure event, for runs that never exited
    succeeded_at: float | None = None  # the last success event (a task after its retries)
    output: str | None = None
    tries: list[Attempt] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)  # name -> JSON, as assigned
    error: str | None = None  # the error it failed with (or that a Catch caught)
    cause: str | None = None
    branches: list[Branch] = field(default_factory=list)

    @property
    def duration(self) -> float | None:
        finished = self.ended if self.ended is not None else self.failed_at
        return None if finished is None else finished - self.started

    @property
    def attempts(self) -> int:
        return len(self.tries)

    @property
    def retries(self) -> int:
        return max(self.attempts - 1, 0)

    @property
    def message(self) -> str | None:
        """The cause with the service's own message first (see `task_calls.message`)."""
        return task_calls.message(self.cause)

    @property
    def failed(self) -> bool:
        """Failed and not caught: a caught error exits the state with the error as output."""
        return self.ended is None and (self.error is not None or self.state_type == "Fail")

    @property
    def caught(self) -> bool:
        """Left through a Catch: it exited, and its last outcome was a failure."""
        return (
            self.ended is not None
            and self.failed_at is not None
            and (self.succeeded_at is None or self.succeeded_at < self.failed_at)
        )

    def ancestors(self) -> list[StateRun]:
        """This run, then each Parallel/Map run it is nested in, innermost first."""
        chain: list[StateRun] = [self]
        while chain[-1].branch is not None:
            chain.append(chain[-1].branch.parent)
        return chain


@dataclass(frozen=True)
class HistoryEvent:
    """One history event as the events table shows it: when, what, for which state."""

    id: int
    at: float  # seconds since the execution started
    type: str
    state: str | None  # the state whose run the event belongs to, if any
    details: Mapping[str, Any]


@dataclass
class Execution:
    """The runs of one execution, top level in order, branches nested in their runs."""

    runs: list[StateRun]
    status: str  # RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED
    duration: float | None
    input: str | None = None
    output: str | None = None
    error: str | None = None
    cause: str | None = None
    events: list[HistoryEvent] = field(default_factory=list)

    @property
    def message(self) -> str | None:
        """The cause with the service's own message first (see `task_calls.message`)."""
        return task_calls.message(self.cause)

    def time_axis(self) -> float:
        """Seconds a timeline spans: the duration, or up to the last state event while running."""
        if self.duration is not None:
            return self.duration
        return max((run.ended or run.started for run in self.all_runs()), default=0.0)

    def all_runs(self) -> list[StateRun]:
        """Every run, depth first in the order they were entered."""
        found: list[StateRun] = []

        def visit(runs: Sequence[StateRun]) -> None:
            for run in runs:
                found.append(run)
                for branch in run.branches:
                    visit(branch.runs)

        visit(self.runs)
        return found


def _seconds(timestamp: Any) -> float:
    if isinstance(timestamp, datetime):
        return timestamp.timestamp()
    if isinstance(timestamp, int | float):
        return float(timestamp)
    if isinstance(timestamp, str):
        return datetime.fromisoformat(timestamp).timestamp()
    raise ValueError(f"timestamp: unsupported value {timestamp!r}")


def _details(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The one `...EventDetails` member an event carries (empty if none)."""
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, Mapping):
            return value
    return {}


def _status(event_type: str) -> str | None:
    statuses = {
        "ExecutionSucceeded": "SUCCEEDED",
        "ExecutionFailed": "FAILED",
        "ExecutionTimedOut": "TIMED_OUT",
        "ExecutionAborted": "ABORTED",
    }
    return statuses.get(event_type)


class _Builder:
    """Walks the events once, keeping which run and branch each event belongs to."""

    def __init__(self, origin: float) -> None:
        self.origin = origin
        self.top: list[StateRun] = []
        self.run_of: dict[int, StateRun] = {}
        self.branch_of: dict[int, Branch | None] = {}
        self.type_of: dict[int, str] = {}
        self.iteration_index: dict[int, int] = {}

    def add(self, event: Mapping[str, Any]) -> None:
        event_id, previous = int(event["id"]), int(event.get("previousEventId", 0))
        event_type = str(event["type"])
        self.type_of[event_id] = event_type
        at = _seconds(event["timestamp"]) - self.origin
        details = _details(event)
        if event_type == "MapIterationStarted":
            self.iteration_index[event_id] = int(details.get("index", 0))
        previous_run = self.run_of.get(previous)
        branch = self.branch_of.get(previous)
        if event_type.endswith("StateEntered"):
            branch = self._branch_opened_by(previous, details, branch)
            run = StateRun(
                name=str(details.get("name")),
                state_type=event_type.removesuffix("StateEntered"),
                started=at,
                input=details.get("input"),
                branch=branch,
            )
            (branch.runs if branch is not None else self.top).append(run)
            self._track(event_id, run, branch)
            return
        owner = self._owner(event_type, details, previous_run)
        if owner is None:
            return
        self._record(owner, event_type, details, at)
        self._track(event_id, owner, owner.branch if event_type.endswith("StateExited") else branch)

    def _track(self, event_id: int, run: StateRun, branch: Branch | None) -> None:
        self.run_of[event_id] = run
        self.branch_of[event_id] = branch

    def _branch_opened_by(
        self, previous: int, details: Mapping[str, Any], branch: Branch | None
    ) -> Branch | None:
        opener = self.type_of.get(previous)
        if opener not in {"ParallelStateStarted", "MapIterationStarted"}:
            return branch
        parent = self.run_of[previous]
        index = self.iteration_index.get(previous, len(parent.branches))
        opened = Branch(parent, index)
        parent.branches.append(opened)
        return opened

    def _owner(
        self, event_type: str, details: Mapping[str, Any], previous_run: StateRun | None
    ) -> StateRun | None:
        if previous_run is None:
            return None
        chain = previous_run.ancestors()
        if event_type.endswith("StateExited"):
            name = details.get("name")
            return next((run for run in chain if run.name == name and run.ended is None), None)
        if event_type.startswith(("Parallel", "Map")):
            kind = "Parallel" if event_type.startswith("Parallel") else "Map"
            return next((run for run in chain if run.state_type == kind), None)
        return previous_run

    def _record(
        self, run: StateRun, event_type: str, details: Mapping[str, Any], at: float
    ) -> None:
        if event_type.endswith("StateExited"):
            run.ended = at
            run.output = details.get("output")
            run.variables = dict(details.get("assignedVariables") or {})
        elif event_type in _ATTEMPT_EVENTS:
            run.tries.append(task_calls.scheduled(details))
        elif event_type in _SUCCESS_EVENTS:
            if run.tries:
                task_calls.succeeded(run.tries[-1], details)
            # A retry that succeeded: the earlier failures stay on their attempts only.
            run.error = run.cause = run.failed_at = None
        elif event_type.endswith(_FAILURE_SUFFIXES) and "error" in details:
            if event_type.startswith(("Task", "LambdaFunction")) and run.tries:
                task_calls.failed(run.tries[-1], details)
            run.error = details.get("error")
            run.cause = details.get("cause")
            run.failed_at = at
        elif event_type.endswith("Succeeded"):
            run.succeeded_at = at


def parse_history(events: Sequence[Mapping[str, Any]]) -> Execution:
    """The runs of an execution from its history events (any order; ids decide)."""
    ordered = sorted(events, key=lambda event: int(event["id"]))
    if not ordered:
        return Execution(runs=[], status="UNKNOWN", duration=None)
    origin = _seconds(ordered[0]["timestamp"])
    builder = _Builder(origin)
    execution = Execution(runs=builder.top, status="RUNNING", duration=None)
    for event in ordered:
        event_type = str(event["type"])
        details = _details(event)
        if event_type == "ExecutionStarted":
            execution.input = details.get("input")
        elif (status := _status(event_type)) is not None:
            execution.status = status
            execution.duration = _seconds(event["timestamp"]) - origin
            execution.output = details.get("output")
            execution.error = details.get("error")
            execution.cause = details.get("cause")
        else:
            builder.add(event)
        owner = builder.run_of.get(int(event["id"]))
        at = _seconds(event["timestamp"]) - origin
        state = None if owner is None else owner.name
        execution.events.append(HistoryEvent(int(event["id"]), at, event_type, state, details))
    if execution.error is not None:
        # The execution's error names the top-level state it died in, which never exited.
        for run in execution.runs:
            if run.ended is None and run.error is None:
                run.error, run.cause = execution.error, execution.cause
    return execution


def pretty_json(text: str | None) -> str:
    """A JSON document indented for reading; other text unchanged."""
    if text is None:
        return ""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


def compact_json(text: str | None) -> str:
    """A JSON document on one line without spaces; other text unchanged."""
    if text is None:
        return ""
    try:
        return json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
    except ValueError:
        return text
