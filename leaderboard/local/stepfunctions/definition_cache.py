"""Parse each state machine definition (and each JSONPath) once; trim per-execution overheads.

moto re-runs its ANTLR parser on every execution (about 19 ms for a 7-state machine) and
again on every create/update. The evaluation components it builds keep no per-execution
state (all of that lives in the ``Environment``), so one parsed program serves every
execution of the same definition text, which is what a state machine version is.
Likewise moto hands every ResultPath and JSONPath to jsonpath-ng's ``parse``, which builds a
fresh yacc parser each call (about 1 ms); parsed paths are immutable and shared here. That
includes EventBridge's target input paths, which moto parses on every ``PutEvents`` by
importing ``jsonpath_ng.ext.parse`` at call time, so the cached parser replaces that name too.
The definition cache wraps the parser installed before it (``field_paths``'s, which records
each expression's field path), so that walk too runs once per definition.
"""

import functools
import importlib
from collections.abc import Callable
from typing import Any, Final

import jsonpath_ng
import jsonpath_ng.ext
from moto.stepfunctions.parser import utils as parser_utils
from moto.stepfunctions.parser.asl.component import eval_component
from moto.stepfunctions.parser.asl.component.common.path import result_path
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
from moto.stepfunctions.parser.asl.utils import json_path

from leaderboard.local.patching import replace_attribute

_DEFINITION_CACHE_SIZE: Final = 256
_PARSER: Final = "moto.stepfunctions.parser."
# Every module that appends to moto's TMP_THREADS (moto 5.2.5).
_THREAD_LIST_USERS: Final = (
    "asl.component.program.program",
    "asl.component.test_state.program.test_state_program",
    "asl.component.state.exec.state_map.iteration.inline_iteration_component",
    "asl.component.state.exec.state_task.service.state_task_service_callback",
    "asl.component.state.exec.state_parallel.branch_worker",
    "asl.component.state.exec.execute_state",
    "backend.execution_worker",
)

_uncached_parse: Callable[[str], tuple[Any, Any]] = AmazonStateLanguageParser.parse
_uncached_extended_json_path_parse = jsonpath_ng.ext.parse  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=_DEFINITION_CACHE_SIZE)
def parse_definition(definition: str) -> tuple[Any, Any]:
    """The parsed program and parse tree for one definition text (errors are not cached)."""
    return _uncached_parse(definition)


@functools.lru_cache(maxsize=_DEFINITION_CACHE_SIZE * 16)
def _parse_json_path(path: str) -> Any:
    return jsonpath_ng.parse(path)  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=_DEFINITION_CACHE_SIZE * 16)
def _parse_extended_json_path(path: str) -> Any:
    return _uncached_extended_json_path_parse(path)


def _stable_heap_key(self: object) -> str:
    # moto draws this key at random on first use; on a shared component two concurrent first
    # executions could draw different keys and lose each other's heap entries.
    return f"heap-{id(self)}"


class _DiscardingList(list[Any]):
    """Stands in for moto's ``TMP_THREADS``, which keeps every thread ever started (a leak)."""

    def append(self, _item: Any) -> None:
        return None


def install() -> None:
    """Cache parsing (of the parser installed so far) and remove the unbounded thread list."""
    global _uncached_parse  # noqa: PLW0603 - the parser this caches is the one installed before it
    _uncached_parse = AmazonStateLanguageParser.parse
    parse_definition.cache_clear()
    replace_attribute(AmazonStateLanguageParser, "parse", staticmethod(parse_definition))
    replace_attribute(result_path, "parse", _parse_json_path)
    replace_attribute(json_path, "parse", _parse_extended_json_path)
    replace_attribute(jsonpath_ng.ext, "parse", _parse_extended_json_path)
    replace_attribute(eval_component.EvalComponent, "heap_key", property(_stable_heap_key))
    discarding = _DiscardingList()
    replace_attribute(parser_utils, "TMP_THREADS", discarding)
    for module_name in _THREAD_LIST_USERS:
        replace_attribute(importlib.import_module(_PARSER + module_name), "TMP_THREADS", discarding)
