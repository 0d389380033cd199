"""JSONata for moto's interpreter, evaluated by jsonata-python with compiled expressions cached.

Stock moto splices every variable and the whole ``$states`` document into the expression
text as JSON and hands the result to a stubbed JVM bridge, so nothing evaluates and, even if
it did, every evaluation would re-parse a different string. Here each distinct expression is
parsed once; values arrive as bindings, never as text.

jsonata-python looks up two debugging hooks (``__evaluate_entry``/``__evaluate_exit``) by
name for every node it evaluates, and a miss walks every enclosing frame up to the one
holding the built-in functions, recursively. Binding the hooks to None (jsonata's "no hook")
in each compiled expression ends those walks early, and ``_lookup`` walks frames in a loop:
together about 15% of the evaluation time of the product's larger expressions.

Most expressions in the definitions only read a variable or a field of one (``$key``,
``$states.input.name``); jsonata-python spends 10-35 us on each, so ``evaluate`` reads those
straight from the bindings whenever the answer cannot differ from jsonata's (every step an
object, the value not an array), and leaves every other case to jsonata.
"""

import copy
import functools
import hashlib
import json
import random
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final

from jsonata import Jsonata, jexception
from jsonata.utils import Utils
from moto.stepfunctions.parser.asl.component.common.query_language import QueryLanguageMode
from moto.stepfunctions.parser.asl.component.common.string import string_expression
from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata

from leaderboard.local.patching import Kind, replace_attribute
from leaderboard.local.stepfunctions.evaluation_failures import evaluation_failure
from leaderboard.local.stepfunctions.field_paths import field_path
from leaderboard.local.stepfunctions.jsonata_javascript import javascript_regex

_EXPRESSION_CACHE_SIZE: Final = 4096
# A variable, or plain field names after one: `$key`, `$states.input.name`.
_FIELD_PATH: Final = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)")
# Words JSONata reads as operators or literals, never as field names.
_RESERVED_WORDS: Final = frozenset({"and", "or", "in", "true", "false", "null"})
# Values jsonata returns unchanged from a path; an array may be unwrapped or flattened.
# JSON.stringify writes a whole number below 1e21 in plain digits (1e21 and up in exponent form).
_JS_PLAIN_INTEGER_LIMIT: Final = 1e21
_PATH_VALUE_TYPES: Final = frozenset({dict, str, int, float, bool, type(None)})
_NOT_READ: Final = object()
# Looked up by jsonata-python for every node it evaluates; None means no hook.
_EVALUATION_HOOKS: Final = ("__evaluate_entry", "__evaluate_exit")


class JsonataUndefinedError(ValueError):
    """The expression produced no value (JSONata ``undefined``), which AWS rejects."""


class JsonataResultTypeError(ValueError):
    """The expression produced a function or another value with no JSON form."""


def _partition(items: list[Any], size: float) -> list[list[Any]]:
    step = int(size)
    return [items[i : i + step] for i in range(0, len(items), step)] if step > 0 else []


def _range(first: float, last: float, step: float) -> list[float] | float:
    """``first`` to ``last`` inclusive; one value is not wrapped (AWS: $range(1, 9, 9) is 1)."""
    count = int((last - first) // step) + 1 if step else 0
    values = [first + i * step for i in range(max(count, 0))]
    return values[0] if len(values) == 1 else values


def _hash(value: str, algorithm: str = "SHA-256") -> str:
    name = algorithm.replace("-", "").lower()
    return hashlib.new(name, value.encode("utf-8")).hexdigest()


def _random(seed: float | None = None) -> float:
    """AWS's ``$random([seed])``: a seed makes it repeatable (AWS's own sequence is not known)."""
    generator = random.Random(seed) if seed is not None else random.Random()  # noqa: S311
    return generator.random()


# The JSONata functions AWS adds on top of the language (Step Functions developer guide).
_AWS_FUNCTIONS: Final[dict[str, Callable[..., Any]]] = {
    "partition": _partition,
    "range": _range,
    "hash": _hash,
    "random": _random,
    "uuid": lambda: str(uuid.uuid4()),
    "parse": json.loads,
}


@functools.lru_cache(maxsize=_EXPRESSION_CACHE_SIZE)
def compile_expression(expression: str) -> Jsonata:
    """Parse one expression once; the returned object is a template, never evaluated itself."""
    compiled = Jsonata(expression, regex_engine=javascript_regex)
    compiled.set_output_convert_nulls(False)  # keep null apart from undefined (see _to_json)
    for name, implementation in _AWS_FUNCTIONS.items():
        compiled.register_lambda(name, implementation)
    for hook in _EVALUATION_HOOKS:
        compiled.assign(hook, None)
    return compiled


def _lookup(self: Jsonata.Frame, name: str) -> Any:
    """Replacement for ``Jsonata.Frame.lookup``: the same search, a loop instead of recursion."""
    frame: Jsonata.Frame | None = self
    while frame is not None:
        value = frame.bindings.get(name, Utils.NONE)
        if value is not Utils.NONE:  # a binding to None (a hook left unset) ends the search
            return value
        frame = frame.parent
    return None


def _to_json(value: Any) -> Any:
    """Plain JSON values owned by the caller: no JSONata sequences, null sentinels or aliases."""
    if value is Utils.NULL_VALUE or value is None:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < _JS_PLAIN_INTEGER_LIMIT:
        # AWS's JSONata computes with JavaScript numbers, which have no int/float split: a
        # whole-valued 42.0 (from a division, or a float64 score Momento sent back) is written
        # `42`, as JSON.stringify writes it, not Python's `42.0`.
        return int(value)
    if isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Mapping):
        return {str(key): _to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    raise JsonataResultTypeError(type(value).__name__)


@functools.lru_cache(maxsize=_EXPRESSION_CACHE_SIZE)
def _field_path(expression: str) -> tuple[str, ...] | None:
    """The variable and field names of ``$name.field...``; None for any other expression."""
    match = _FIELD_PATH.fullmatch(expression)
    if match is None:
        return None
    names = (match.group(1), *match.group(2).split(".")[1:])
    return None if _RESERVED_WORDS.intersection(names) else names


def _read_field_path(names: tuple[str, ...], bindings: Mapping[str, Any]) -> Any:
    """The value at ``names`` in ``bindings``, or ``_NOT_READ`` where jsonata must decide."""
    value = bindings.get(names[0], _NOT_READ)
    for name in names[1:]:
        if type(value) is not dict:
            return _NOT_READ
        value = value.get(name, _NOT_READ)
    return value if type(value) in _PATH_VALUE_TYPES else _NOT_READ


def evaluate(expression: str, bindings: Mapping[str, Any]) -> Any:
    """Evaluate ``expression`` with ``bindings`` (names without ``$``)."""
    names = _field_path(expression)
    if names is not None:
        value = _read_field_path(names, bindings)
        if value is not _NOT_READ:
            return _to_json(value)
    return evaluate_compiled(expression, bindings)


def evaluate_compiled(expression: str, bindings: Mapping[str, Any]) -> Any:
    """Evaluate a cached compiled expression with ``bindings``, always through jsonata.

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


def _evaluate_in_env(env: Any, component: Any, bindings: dict[str, Any]) -> Any:
    try:
        return evaluate(component.expression, bindings)
    except JsonataUndefinedError:
        problem = "returned nothing (undefined)."
    except JsonataResultTypeError:
        problem = "returned an unsupported result type."
    except jexception.JException as error:
        problem = f"threw an error during evaluation. {error.error}: {error}"
    except Exception as error:  # a function's own failure ($parse of bad JSON) is the expression's
        problem = f"threw an error during evaluation. {error}"
    raise evaluation_failure(env, component.expression, field_path(component), problem)


def _states(env: Any) -> dict[str, Any]:
    """``$states``: input, context and (where set) result and errorOutput."""
    data: dict[str, Any] = env.states._states_data
    return data


def _eval_string_jsonata(self: Any, env: Any) -> None:
    """Replacement for ``StringJSONata._eval_body``: ``{% ... %}`` in JSONata states."""
    bindings = _variables(env)
    bindings["states"] = _states(env)
    env.stack.append(_evaluate_in_env(env, self, bindings))


def _eval_string_variable_sample(self: Any, env: Any) -> None:
    """Replacement for ``StringVariableSample._eval_body``: ``$var`` in either language."""
    bindings = _variables(env)
    if self.query_language_mode == QueryLanguageMode.JSONata:
        bindings["states"] = _states(env)
    env.stack.append(_evaluate_in_env(env, self, bindings))


def _eval_bare_expression(expression: str) -> Any:
    """Replacement for moto's stubbed module-level evaluator, for any caller left on it."""
    return evaluate(expression, {})


def install() -> None:
    """Point moto's JSONata hooks at jsonata-python; make its variable lookups cheaper."""
    replace_attribute(Jsonata.Frame, "lookup", _lookup, kind=Kind.SPEED)
    replace_attribute(string_expression.StringJSONata, "_eval_body", _eval_string_jsonata)
    replace_attribute(
        string_expression.StringVariableSample, "_eval_body", _eval_string_variable_sample
    )
    replace_attribute(moto_jsonata, "eval_jsonata_expression", _eval_bare_expression)
