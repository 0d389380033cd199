"""A JSONPath Map whose items are not an array names the value, as AWS does, not its Python type.

moto checks the items after its ``ItemsPath`` and writes ``but was: <class 'int'>``; AWS
writes the JSON value (``but was: 1``). The check is made here, where the value is known.
"""

from typing import Any

from moto.stepfunctions.parser.api import EvaluationFailedEventDetails, HistoryEventType
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
from moto.stepfunctions.parser.asl.component.common.path.items_path import ItemsPath
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
from moto.stepfunctions.parser.asl.utils.encoding import to_json_str

from leaderboard.local.patching import replace_attribute

_items_path_eval_body = ItemsPath._eval_body


def _eval_items_path(self: ItemsPath, env: Any) -> None:
    """Replacement for ``ItemsPath._eval_body``: refuse a non-array, naming its JSON value."""
    _items_path_eval_body(self, env)
    items = env.stack[-1]
    if isinstance(items, list):
        return
    error_name = StatesErrorName(typ=StatesErrorNameType.StatesQueryEvaluationError)
    value = to_json_str(items, separators=(",", ":"))
    details = EvaluationFailedEventDetails(
        error=error_name.error_name, cause=f"Map state input must be an array but was: {value}"
    )
    raise FailureEventException(
        failure_event=FailureEvent(
            env=env,
            error_name=error_name,
            event_type=HistoryEventType.EvaluationFailed,
            # moto declares EventDetails total but fills one key, as here.
            event_details=EventDetails(evaluationFailedEventDetails=details),  # type: ignore[typeddict-item]
        )
    )


def install() -> None:
    """Check a JSONPath Map's items where they are selected."""
    replace_attribute(ItemsPath, "_eval_body", _eval_items_path)
