"""Execution data over 256 KiB is refused at the API, as AWS's request validation refuses it.

AWS checks the size of `input` (StartExecution, StartSyncExecution) and `output`
(SendTaskSuccess) before anything else, even before looking up the state machine, and
answers `ValidationException` without echoing the value. moto accepted any size, so an
oversized input started an execution that failed inside with `States.DataLimitExceeded`.
"""

import functools
from collections.abc import Callable
from typing import Any, Final

from moto.stepfunctions.exceptions import ValidationException
from moto.stepfunctions.responses import StepFunctionResponse

from leaderboard.local.patching import replace_attribute

# AWS's limit on execution data: bytes of the string in UTF-8.
MAX_PAYLOAD_BYTES: Final = 262_144
# The response method of each action, and its request member the limit applies to.
_LIMITED_MEMBERS: Final = {
    "start_execution": "input",
    "start_sync_execution": "input",
    "send_task_success": "output",
}

Action = Callable[[StepFunctionResponse], Any]  # moto's ActionResult


def _check_payload_size(member: str, value: object) -> None:
    """ValidationException, with AWS's message, if `value` is a string over the limit."""
    # surrogatepass: a lone surrogate escaped in the JSON request still has a size.
    if isinstance(value, str) and len(value.encode("utf-8", "surrogatepass")) > MAX_PAYLOAD_BYTES:
        raise ValidationException(
            f"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
            f"Member must have size less than or equal to {MAX_PAYLOAD_BYTES} bytes "
            "in UTF-8 encoding"
        )


def _size_checked(action: Action, member: str) -> Action:
    @functools.wraps(action)
    def checked(self: StepFunctionResponse) -> Any:
        _check_payload_size(member, self._get_param(member))
        return action(self)

    return checked


def install() -> None:
    """Wrap each limited action; after `sync_execution`, which adds StartSyncExecution."""
    for name, member in _LIMITED_MEMBERS.items():
        action = getattr(StepFunctionResponse, name)
        replace_attribute(StepFunctionResponse, name, _size_checked(action, member))
