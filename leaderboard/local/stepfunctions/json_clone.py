"""A deep copy for JSON values, standing in for ``copy`` where moto's interpreter copies state data.

moto deep-copies a state's input, result and error output every time it reads or stores
one (about 60 times per execution of a 13-state machine), so that no state sees another's
later mutation. The values are JSON: dicts, lists, strings, numbers, booleans and None.
``copy.deepcopy`` handles any object graph through a memo and per-type dispatch, several
times slower on such data than rebuilding the containers. ``deepcopy`` here rebuilds dicts
and lists, shares the immutable scalars and datetimes, copies moto's program states whose
attributes are all immutable shallowly, and hands anything else to ``copy.deepcopy``, so
every copy stays independent.

This module replaces the name ``copy`` in the moto modules listed in ``COPYING_MODULES``,
which use nothing from ``copy`` but ``copy.deepcopy`` (a test keeps that true).
"""

import copy
import datetime
import importlib
from typing import Any, Final

from moto.stepfunctions.parser.asl.eval.program_state import (
    ProgramEnded,
    ProgramRunning,
    ProgramStopped,
    ProgramTimedOut,
)

from leaderboard.local.patching import replace_attribute

# Immutable, so a copy may share them (history events carry datetimes).
_SHARED_TYPES: Final = frozenset({str, int, float, bool, type(None), datetime.datetime})
# moto copies the program state (which state runs next) a dozen times per execution; these
# kinds hold only strings, None and datetimes, so a shallow copy is a deep one.
_FLAT_TYPES: Final = frozenset({ProgramRunning, ProgramEnded, ProgramStopped, ProgramTimedOut})
_PARSER: Final = "moto.stepfunctions.parser.asl."
# moto 5.2.5 modules whose ``copy.deepcopy`` copies the data of an execution.
COPYING_MODULES: Final = tuple(
    _PARSER + name
    for name in (
        "eval.states",
        "eval.environment",
        "eval.event.event_manager",
        "component.common.path.result_path",
        "component.common.string.string_expression",
        "component.state.exec.execute_state",
        "component.state.exec.state_parallel.state_parallel",
        "component.state.exec.state_task.service.state_task_service",
    )
)


def deepcopy(value: Any) -> Any:
    """An independent copy of ``value``: new dicts and lists all the way down.

    Exact types only: a subclass of dict or list may carry more than its items, so it goes
    to ``copy.deepcopy`` like every other type.
    """
    kind = type(value)
    if kind is dict:
        return {key: deepcopy(item) for key, item in value.items()}
    if kind is list:
        return [deepcopy(item) for item in value]
    if kind in _SHARED_TYPES:
        return value
    if kind in _FLAT_TYPES:
        return copy.copy(value)
    return copy.deepcopy(value)


def install() -> None:
    """Make the listed moto modules copy through this module's ``deepcopy``."""
    this_module = importlib.import_module(__name__)
    for name in COPYING_MODULES:
        replace_attribute(importlib.import_module(name), "copy", this_module)
