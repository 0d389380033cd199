"""A JSONata Map state's `ItemBatcher`: items reach the iterations in batches, as on AWS.

moto's ANTLR grammar has no `ItemBatcher` (it refused any definition with one), and its
parser cannot be regenerated here. So, before moto parses a definition, each JSONata Map
state's `ItemBatcher` is folded into its `Items` expression: one JSONata expression that
evaluates the items, `MaxItemsPerBatch` and `BatchInput` (each may be an expression) and
returns AWS's batches, `{"Items": [...], "BatchInput": ...}` (`BatchInput` only when given),
at most `MaxItemsPerBatch` items each, in order. Every iteration then receives one batch.
The stored definition (`DescribeStateMachine`) is left as written; only moto's parse sees the
rewrite, and it is cached per definition text like every parse.

Left out: `MaxInputBytesPerBatch` (batches only obey `MaxItemsPerBatch` locally), JSONPath
Map states (moto still refuses their `ItemBatcher`), and items that are themselves arrays
(JSONata's sequence flattening would merge them).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any, Final

from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

from leaderboard.local.patching import replace_attribute

_FIELD: Final = "ItemBatcher"
_EXPRESSION: Final = re.compile(r"\{%(.*)%\}", re.DOTALL)
_CACHE_SIZE: Final = 256
# The batches, from $items, $size (MaxItemsPerBatch, unlimited when absent) and $batch (the
# evaluated batch template): a Map of one batch still gets an array, hence the outer `[...]`.
# Items that are not an array pass through, for the Map state's own error.
_BATCHES: Final = (
    "$type($items) != 'array' ? $items : $size >= 1 and $size = $floor($size) ? "
    "[$map([0..$ceil($count($items) / $size) - 1], function($b) { $merge([{'Items': "
    "[$filter($items, function($v, $i) { $i >= $b * $size and $i < ($b + 1) * $size })]}, "
    "$batch]) })] : "
    "$error('ItemBatcher: MaxItemsPerBatch must be a positive integer, got ' & $string($size))"
)

_parse: Callable[[str], Any] = AmazonStateLanguageParser.parse


def _as_jsonata(template: Any) -> str:
    """A JSON payload template (with `{% ... %}` strings) as one JSONata expression."""
    if isinstance(template, str):
        expression = _EXPRESSION.fullmatch(template)
        return f"({expression.group(1)})" if expression else json.dumps(template)
    if isinstance(template, dict):
        fields = ", ".join(f"{json.dumps(key)}: {_as_jsonata(v)}" for key, v in template.items())
        return "{" + fields + "}"
    if isinstance(template, list):
        return "[" + ", ".join(_as_jsonata(each) for each in template) + "]"
    return json.dumps(template)


def _batched_items(state: dict[str, Any]) -> str:
    """The `Items` expression of a Map state that batches as its `ItemBatcher` says."""
    batcher = state[_FIELD]
    items = _as_jsonata(state["Items"]) if "Items" in state else "$states.input"
    size = _as_jsonata(batcher["MaxItemsPerBatch"]) if "MaxItemsPerBatch" in batcher else None
    batch = _as_jsonata({"BatchInput": batcher["BatchInput"]}) if "BatchInput" in batcher else "{}"
    size_or_all = size if size is not None else "$max([$count($items), 1])"
    return f"{{% ($items := {items}; $size := {size_or_all}; $batch := {batch}; {_BATCHES}) %}}"


def _jsonata_maps(states: dict[str, Any], language: str) -> Iterator[dict[str, Any]]:
    """Every JSONata Map state with an ItemBatcher, in branches and processors too."""
    for state in states.values():
        if not isinstance(state, dict):
            continue
        state_language = state.get("QueryLanguage", language)
        nested = [*state.get("Branches", []), state.get("ItemProcessor"), state.get("Iterator")]
        for machine in nested:
            if isinstance(machine, dict) and isinstance(machine.get("States"), dict):
                yield from _jsonata_maps(machine["States"], state_language)
        if state.get("Type") == "Map" and state_language == "JSONata" and _FIELD in state:
            yield state


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _fold_item_batchers(definition: str) -> str:
    """`definition` with each JSONata Map's ItemBatcher folded into its Items expression."""
    try:
        document = json.loads(definition)
        states = document["States"]
        language = document.get("QueryLanguage", "JSONPath")
    except (ValueError, TypeError, KeyError):
        return definition  # moto's parser reports what is wrong with it
    if not isinstance(states, dict):
        return definition
    for state in _jsonata_maps(states, language):
        state["Items"] = _batched_items(state)
        del state[_FIELD]
    return json.dumps(document)


def _parse_with_batches(definition: str) -> Any:
    if f'"{_FIELD}"' in definition:
        definition = _fold_item_batchers(definition)
    return _parse(definition)


def install() -> None:
    """Wrap the installed parser (install after ``definition_cache``, whose cache it uses)."""
    global _parse  # noqa: PLW0603 - the parser this wraps is the one installed before it
    _parse = AmazonStateLanguageParser.parse
    replace_attribute(AmazonStateLanguageParser, "parse", staticmethod(_parse_with_batches))
