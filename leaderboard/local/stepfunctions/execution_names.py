"""Unnamed executions get a generated name, as on AWS.

moto's interpreter backend passes a missing `name` through, so an unnamed `StartExecution`
became an execution literally called `None` and the second one collided with it. AWS names
such a run with a UUID; so does this.
"""

import uuid
from typing import Any

from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from leaderboard.local.patching import replace_attribute

_start_execution = StepFunctionsParserBackend.start_execution


def _start_named_execution(
    self: StepFunctionsParserBackend,
    state_machine_arn: str,
    name: str | None = None,
    *args: Any,
    **kwargs: Any,
) -> Any:
    return _start_execution(self, state_machine_arn, name or str(uuid.uuid4()), *args, **kwargs)


def install() -> None:
    replace_attribute(StepFunctionsParserBackend, "start_execution", _start_named_execution)
