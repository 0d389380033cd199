"""``States.QueryEvaluationError`` reported as AWS reports it: one event, one complete cause.

AWS's cause names the state, the id of the event that entered it, the expression and its
field: "An error occurred while executing the state 'B' (entered at the event id #4). The
JSONata expression '$states.input.missing' specified for the field 'Output/result' returned
nothing (undefined)." The same text is the execution's cause, ``$states.errorOutput.Cause``
in a Catch, and the cause of the one ``EvaluationFailed`` event (with ``location`` and
``state``) that follows the last event of the failing state.

moto logs that event from several places (the raise site, a Task's retry loop, a Map's
failure path) and prefixes causes where it reports them, with whatever event id is current,
again at each enclosing Parallel. Here the failure carries its finished details; a Task or
Map logs it as moto does, and ``State._eval_body`` logs any failure no such state handled
(Pass, Choice, Wait, Output, Assign, a Catch's own fields), so each failure is logged exactly
once; and a cause that already names its state is never prefixed again.
"""

from typing import Any

from moto.stepfunctions.parser.api import (
    EvaluationFailedEventDetails,
    ExecutionFailedEventDetails,
    HistoryEventType,
)
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import (
    StatesErrorName,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
    StatesErrorNameType,
)
from moto.stepfunctions.parser.asl.component.state.exec.execute_state import ExecutionState
from moto.stepfunctions.parser.asl.component.state.state import CommonStateField
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

from leaderboard.local.patching import replace_attribute
from leaderboard.local.stepfunctions.event_chain import events_back

_ERROR = StatesErrorNameType.StatesQueryEvaluationError
_PREFIX_START = "An error occurred while executing the state '"


class JsonataFailureEvent(FailureEvent):
    """A query evaluation failure whose ``evaluationFailedEventDetails`` are final."""

    def __init__(self, env: Any, location: str | None, cause: str) -> None:
        state = env.next_state_name
        details = EvaluationFailedEventDetails(
            error=_ERROR.to_name(),
            cause=(
                f"{_PREFIX_START}{state}' "
                f"(entered at the event id #{_entered_event_id(env, state)}). {cause}"
            ),
            state=state,
        )
        if location is not None:
            details["location"] = location
        # moto declares EventDetails total but fills one key, as here.
        event_details = EventDetails(evaluationFailedEventDetails=details)  # type: ignore[typeddict-item]
        super().__init__(
            env=env,
            error_name=StatesErrorName(typ=_ERROR),
            event_type=HistoryEventType.EvaluationFailed,
            event_details=event_details,
        )
        self.details = details
        self.logged = False


def _entered_event_id(env: Any, state: str) -> int:
    """The id of the event that entered ``state``, found along this branch's event chain."""
    for event in events_back(env):
        entered = event.get("stateEnteredEventDetails")
        if entered is not None and entered.get("name") == state:
            return int(event["id"])
    return int(env.event_history_context.source_event_id)


def evaluation_failure(
    env: Any, expression: str, location: str | None, problem: str
) -> FailureEventException:
    """The failure of ``expression`` written in field ``location`` (None: not known)."""
    named = f" specified for the field '{location}'" if location is not None else ""
    cause = f"The JSONata expression '{expression}'{named} {problem}"
    return FailureEventException(failure_event=JsonataFailureEvent(env, location, cause))


def _log(env: Any, event: JsonataFailureEvent) -> None:
    event.logged = True
    env.event_manager.add_event(
        context=env.event_history_context,
        event_type=HistoryEventType.EvaluationFailed,
        event_details=event.event_details,
    )


_state_eval_body = CommonStateField._eval_body


def _eval_state_body(self: CommonStateField, env: Any) -> None:
    """Replacement for ``CommonStateField._eval_body``: log a failure nothing has logged."""
    try:
        _state_eval_body(self, env)
    except FailureEventException as failure:
        event = failure.failure_event
        if isinstance(event, JsonataFailureEvent) and not event.logged:
            _log(env, event)
        raise


_construct_error_output_value = ExecutionState._construct_error_output_value


def _error_output(failure_event: FailureEvent) -> Any:
    """Replacement for ``ExecutionState._construct_error_output_value``.

    A Task, Parallel or Map calls it exactly where it logs (or, for a Map, will log) the
    failure of an attempt, so the failure is marked as logged there.
    """
    if isinstance(failure_event, JsonataFailureEvent):
        failure_event.logged = True
    return _construct_error_output_value(failure_event)


_evaluation_failed_details = FailureEventException.get_evaluation_failed_event_details
_execution_failed_details = FailureEventException.get_execution_failed_event_details


def _evaluation_failed_event_details(
    self: FailureEventException,
) -> EvaluationFailedEventDetails | None:
    """Replacement: a finished cause is not prefixed a second time."""
    event = self.failure_event
    if isinstance(event, JsonataFailureEvent):
        return event.details
    return _evaluation_failed_details(self)


def _execution_failed_event_details(
    self: FailureEventException,
) -> ExecutionFailedEventDetails | None:
    """Replacement: a cause is prefixed once, at the innermost state (a Parallel passes it on)."""
    pair = self.extract_error_cause_pair()
    if pair is not None and pair[1] is not None and pair[1].startswith(_PREFIX_START):
        error, cause = pair
        details = ExecutionFailedEventDetails(cause=cause)
        if error:
            details["error"] = error
        return details
    return _execution_failed_details(self)


def install() -> None:
    """Log each JSONata failure once, with AWS's cause; prefix every cause once."""
    replace_attribute(CommonStateField, "_eval_body", _eval_state_body)
    replace_attribute(ExecutionState, "_construct_error_output_value", staticmethod(_error_output))
    replace_attribute(
        FailureEventException,
        "get_evaluation_failed_event_details",
        _evaluation_failed_event_details,
    )
    replace_attribute(
        FailureEventException, "get_execution_failed_event_details", _execution_failed_event_details
    )
