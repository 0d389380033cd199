"""A JSONata Wait ``Timestamp`` that is no timestamp fails its evaluation, as on AWS.

AWS fails it with ``States.QueryEvaluationError`` and an ``EvaluationFailed`` event for the
field ``Timestamp``; moto raises ``States.Runtime`` for a string it cannot read and crashes
on a value that is not a string. JSONPath's ``Timestamp``/``TimestampPath`` keep moto's
``States.Runtime``. The wording after the field is local: AWS's was not recorded.
"""

import datetime
import json
from typing import Any

from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.string.string_expression import (
    StringJSONata,
)
from moto.stepfunctions.parser.asl.component.state.wait.wait_function.timestamp import Timestamp

from leaderboard.local.patching import replace_attribute
from leaderboard.local.stepfunctions.evaluation_failures import evaluation_failure

_timestamp_failure = Timestamp._create_failure_event


def _timestamp_failure_event(self: Timestamp, env: Any, timestamp: Any) -> FailureEvent:
    """Replacement for ``Timestamp._create_failure_event``: JSONata's is an evaluation failure."""
    if not isinstance(self.string, StringJSONata):
        return _timestamp_failure(self, env, timestamp)
    problem = (
        "returned a value that is not a valid ISO-8601 extended offset date-time format string: "
        + json.dumps(timestamp)
    )
    return evaluation_failure(env, self.string.expression, "Timestamp", problem).failure_event


def _wait_seconds(self: Timestamp, env: Any) -> int:
    """Replacement for ``Timestamp._get_wait_seconds``: a non-string is refused, not a crash."""
    self.string.eval(env=env)
    value = env.stack.pop()
    moment = self._from_timestamp_string(value) if isinstance(value, str) else None
    if moment is None:
        raise FailureEventException(self._create_failure_event(env, value))
    return int((moment - datetime.datetime.now()).total_seconds())


def install() -> None:
    """Fail unreadable JSONata Wait timestamps as AWS does."""
    replace_attribute(Timestamp, "_create_failure_event", _timestamp_failure_event)
    replace_attribute(Timestamp, "_get_wait_seconds", _wait_seconds)
