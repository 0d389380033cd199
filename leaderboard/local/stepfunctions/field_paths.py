"""Where each JSONata expression sits in its state, named as AWS names it in failure causes.

AWS's causes and ``EvaluationFailed`` events name the field an expression was written in,
relative to its state: ``/`` before each object key, ``[i]`` after an array or list field
(``Output/result``, ``Arguments/Payload/list[1]``, ``Assign/y/z``, ``Choices[1]/Condition``,
``Catch[0]/Output``). moto's components do not know their parents, so each parsed program is
walked as it is parsed (``definition_cache`` then keeps it per definition) and every
``StringJSONata`` is given its path.
"""

import weakref
from typing import Any, Final

from moto.stepfunctions.parser.asl.component.common.string.string_expression import (
    StringJSONata,
)
from moto.stepfunctions.parser.asl.component.component import Component
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

from leaderboard.local.patching import replace_attribute

_moto_parse = AmazonStateLanguageParser.parse

# moto 5.2.5 component class -> the ASL field it stands for.
_FIELD_NAMES: Final = {
    "Output": "Output",
    "ArgumentsJSONataTemplateValueObject": "Arguments",
    "ArgumentsStringJSONata": "Arguments",
    "AssignDecl": "Assign",
    "ItemSelector": "ItemSelector",
    "ItemsJSONata": "Items",
    "MaxConcurrencyJSONata": "MaxConcurrency",
    "MaxItemsStringJSONata": "MaxItems",
    "ToleratedFailureCountStringJSONata": "ToleratedFailureCount",
    "ToleratedFailurePercentageStringJSONata": "ToleratedFailurePercentage",
    "TimeoutSecondsJSONata": "TimeoutSeconds",
    "HeartbeatSecondsJSONata": "HeartbeatSeconds",
    "SecondsJSONata": "Seconds",
    "Timestamp": "Timestamp",
    "ChoicesDecl": "Choices",
    "ConditionStringJSONata": "Condition",
    "CatchDecl": "Catch",
    "Error": "Error",
    "Cause": "Cause",
}
# Components whose ``identifier`` is an object key of a template (Output, Arguments, Assign).
_KEYED: Final = frozenset(
    {
        "JSONataTemplateBinding",
        "AssignTemplateBindingValue",
        "AssignTemplateBindingStringExpressionSimple",
    }
)
# List attributes whose position is part of the path: template arrays, Choice rules, catchers.
_INDEXED: Final = frozenset({"values", "rules", "catchers"})

_paths: "weakref.WeakKeyDictionary[StringJSONata, str]" = weakref.WeakKeyDictionary()


def field_path(expression: StringJSONata) -> str | None:
    """The field ``expression`` was written in, or None outside a parsed state machine."""
    return _paths.get(expression)


def annotate(program: Component) -> None:
    """Record the field path of every JSONata expression in ``program`` (idempotent)."""
    _walk(program, "")


def _join(path: str, segment: str) -> str:
    return f"{path}/{segment}" if path else segment


def _walk(node: object, path: str) -> None:
    if isinstance(node, StringJSONata):
        _paths[node] = path
        return
    if not isinstance(node, Component):
        return
    kind = type(node).__name__
    if kind == "States":  # each state's fields are named from the state itself
        for state in vars(node)["states"].values():
            _walk(state, "")
        return
    if kind in _FIELD_NAMES:
        path = _join(path, _FIELD_NAMES[kind])
    elif kind in _KEYED:
        path = _join(path, str(vars(node)["identifier"]))
    for attribute, value in vars(node).items():
        if isinstance(value, list):
            for index, item in enumerate(value):
                _walk(item, f"{path}[{index}]" if attribute in _INDEXED else path)
        elif isinstance(value, dict):
            for item in value.values():
                _walk(item, path)
        else:
            _walk(value, path)


def parse_and_annotate(definition: str) -> tuple[Any, Any]:
    """moto's parse, with the field path of every JSONata expression recorded."""
    program, tree = _moto_parse(definition)
    annotate(program)
    return program, tree


def install() -> None:
    """Record field paths wherever moto parses a definition."""
    replace_attribute(AmazonStateLanguageParser, "parse", staticmethod(parse_and_annotate))
