"""The context object (``$$`` / ``$states.context``) with the fields and time format AWS uses.

AWS writes ``Execution.StartTime`` and ``State.EnteredTime`` alike: UTC, milliseconds, ``Z``
(``2024-01-01T00:00:00.000Z``), and documents ``Execution.RedriveCount`` (0 until an
execution is redriven; local executions are never redriven). moto keeps the start time as a
datetime, writes the entered time with ``+00:00`` and microseconds, and has no RedriveCount.
"""

import datetime
from typing import Any

from moto.stepfunctions.parser.asl.component.state.state import CommonStateField
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

from leaderboard.local.patching import replace_attribute


def aws_timestamp(moment: datetime.datetime) -> str:
    """``moment`` as AWS writes context times: UTC, milliseconds, ``Z``."""
    utc = moment.astimezone(datetime.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


_evaluation_environment = ExecutionWorker._get_evaluation_environment


def _environment(self: ExecutionWorker) -> Any:
    """Replacement for ``ExecutionWorker._get_evaluation_environment``: AWS's Execution fields."""
    env = _evaluation_environment(self)
    execution = env.states.context_object.context_object_data["Execution"]
    start_time = execution["StartTime"]
    if isinstance(start_time, datetime.datetime):
        execution["StartTime"] = aws_timestamp(start_time)
    execution["RedriveCount"] = 0  # type: ignore[typeddict-unknown-key]  # AWS has it, moto not
    return env


_eval_state_input = CommonStateField._eval_state_input


def _entered(self: CommonStateField, env: Any) -> None:
    """Replacement for ``CommonStateField._eval_state_input``, which runs as a state is entered.

    moto has just stored ``State.EnteredTime`` in its own format; it is rewritten in AWS's.
    """
    state = env.states.context_object.context_object_data["State"]
    state["EnteredTime"] = aws_timestamp(datetime.datetime.fromisoformat(state["EnteredTime"]))
    _eval_state_input(self, env)


def install() -> None:
    """Give every execution's context object AWS's fields and time format."""
    replace_attribute(ExecutionWorker, "_get_evaluation_environment", _environment)
    replace_attribute(CommonStateField, "_eval_state_input", _entered)
