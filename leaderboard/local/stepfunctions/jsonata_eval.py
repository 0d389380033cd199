"""JSONata for moto's interpreter, evaluated by jsonata-python with compiled expressions cached.

Stock moto splices every variable and the whole ``$states`` document into the expression
text as JSON and hands the result to a stubbed JVM bridge, so nothing evaluates and, even if
it did, every evaluation would re-parse a different string. Here each distinct expression is
parsed once; values arrive as bindings, never as text.
"""

import copy
import datetime
import functools
import hashlib
import json
import random
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final

from jsonata import Jsonata, jexception
from jsonata.utils import Utils
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
from moto.stepfunctions.parser.asl.component.common.query_language import QueryLanguageMode
from moto.stepfunctions.parser.asl.component.common.string import string_expression
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails
from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata

from leaderboard.local.stepfunctions.patching import replace_attribute

_EXPRESSION_CACHE_SIZE: Final = 4096


class JsonataUndefinedError(ValueError):
    """The expression produced no value (JSONata ``undefined``), which AWS rejects."""


class JsonataResultTypeError(ValueError):
    """The expression produced a function or another value with no JSON form."""


def _partition(items: list[Any], size: float) -> list[list[Any]]:
    step = int(size)
    return [items[i : i + step] for i in range(0, len(items), step)] if step > 0 else []


def _range(first: float, last: float, step: float) -> list[float]:
    count = int((last - first) // step) + 1 if step else 0
    return [first + i * step for i in range(max(count, 0))]


def _hash(value: str, algorithm: str = "SHA-256") -> str:
    name = algorithm.replace("-", "").lower()
    return hashlib.new(name, value.encode("utf-8")).hexdigest()


def _random_seeded(seed: float) -> float:
    return random.Random(seed).random()  # noqa: S311 - AWS's $randomSeeded is not cryptographic


# The JSONata functions AWS adds on top of the language (Step Functions developer guide).
_AWS_FUNCTIONS: Final[dict[str, Callable[..., Any]]] = {
    "partition": _partition,
    "range": _range,
    "hash": _hash,
    "randomSeeded": _random_seeded,
    "uuid": lambda: str(uuid.uuid4()),
    "parse": json.loads,
}


@functools.lru_cache(maxsize=_EXPRESSION_CACHE_SIZE)
def compile_expression(expression: str) -> Jsonata:
    """Parse one expression once; the returned object is a template, never evaluated itself."""
    compiled = Jsonata(expression)
    compiled.set_output_convert_nulls(False)  # keep null apart from undefined (see _to_json)
    for name, implementation in _AWS_FUNCTIONS.items():
        compiled.register_lambda(name, implementation)
    return compiled


def _to_json(value: Any) -> Any:
    """Plain JSON values owned by the caller: no JSONata sequences, null sentinels or aliases."""
    if value is Utils.NULL_VALUE or value is None:
        return None
    if isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Mapping):
        return {str(key): _to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    raise JsonataResultTypeError(type(value).__name__)


def evaluate(expression: str, bindings: Mapping[str, Any]) -> Any:
    """Evaluate a cached expression with ``bindings`` (names without ``$``).

    jsonata-python keeps per-evaluation state (timestamp for ``$now()``, current input) on the
    instance it finds in a thread-local, so each evaluation runs on a shallow copy of the
    cached template installed in that thread-local: concurrent executions never share state.
    """
    instance = copy.copy(compile_expression(expression))
    Jsonata.CURRENT.jsonata = instance
    # A variable bound to None would read as undefined; JSON null is jsonata's NULL_VALUE.
    values = {
        name: Utils.NULL_VALUE if value is None else value for name, value in bindings.items()
    }
    result = instance.evaluate(None, values)
    if result is None:
        raise JsonataUndefinedError(expression)
    return _to_json(result)


def _variables(env: Any) -> dict[str, Any]:
    store = env.variable_store
    return {**store._outer_scope, **store._inner_scope}


def _evaluation_failure(env: Any, cause: str) -> FailureEventException:
    """JSONata failures are States.QueryEvaluationError plus EvaluationFailed."""
    error_name = StatesErrorName(typ=StatesErrorNameType.StatesQueryEvaluationError)
    details = EvaluationFailedEventDetails(error=error_name.error_name, cause=cause)
    # moto declares EventDetails total but fills one key, as here.
    event_details = EventDetails(evaluationFailedEventDetails=details)  # type: ignore[typeddict-item]
    env.event_manager.add_event(
        context=env.event_history_context,
        event_type=HistoryEventType.EvaluationFailed,
        event_details=event_details,
    )
    return FailureEventException(
        failure_event=FailureEvent(
            env=env,
            error_name=error_name,
            event_type=HistoryEventType.EvaluationFailed,
            event_details=event_details,
        )
    )


def _evaluate_in_env(env: Any, expression: str, bindings: dict[str, Any]) -> Any:
    try:
        return evaluate(expression, bindings)
    except JsonataUndefinedError:
        cause = f"The JSONata expression '{expression}' returned nothing (undefined)."
    except JsonataResultTypeError:
        cause = f"The JSONata expression '{expression}' returned an unsupported result type."
    except jexception.JException as error:
        cause = f"An error occurred while evaluating the JSONata expression '{expression}': {error}"
    raise _evaluation_failure(env, cause)


def _states(env: Any) -> dict[str, Any]:
    """``$states``, with the start time as AWS's ISO-8601 UTC text (moto keeps a datetime)."""
    data: dict[str, Any] = env.states._states_data
    execution = data["context"]["Execution"]
    start_time = execution.get("StartTime")
    if isinstance(start_time, datetime.datetime):
        utc = start_time.astimezone(datetime.UTC)
        execution["StartTime"] = (
            utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
        )
    return data


def _eval_string_jsonata(self: Any, env: Any) -> None:
    """Replacement for ``StringJSONata._eval_body``: ``{% ... %}`` in JSONata states."""
    bindings = _variables(env)
    bindings["states"] = _states(env)
    env.stack.append(_evaluate_in_env(env, self.expression, bindings))


def _eval_string_variable_sample(self: Any, env: Any) -> None:
    """Replacement for ``StringVariableSample._eval_body``: ``$var`` in either language."""
    bindings = _variables(env)
    if self.query_language_mode == QueryLanguageMode.JSONata:
        bindings["states"] = _states(env)
    env.stack.append(_evaluate_in_env(env, self.expression, bindings))


def _eval_bare_expression(expression: str) -> Any:
    """Replacement for moto's stubbed module-level evaluator, for any caller left on it."""
    return evaluate(expression, {})


def install() -> None:
    """Point moto's JSONata hooks at jsonata-python."""
    replace_attribute(string_expression.StringJSONata, "_eval_body", _eval_string_jsonata)
    replace_attribute(
        string_expression.StringVariableSample, "_eval_body", _eval_string_variable_sample
    )
    replace_attribute(moto_jsonata, "eval_jsonata_expression", _eval_bare_expression)
