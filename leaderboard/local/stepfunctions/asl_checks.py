"""The deploy-time checks AWS applies to a definition, as AWS-shaped diagnostics.

moto only runs its ANTLR parser, which accepts a `Next` to a state that does not exist, an
unreachable state, a JSONPath field on a JSONata state and more, all of which AWS refuses at
`CreateStateMachine`. No Python library implements these rules (the npm `asl-validator`
that `make test` runs on the checked-in definitions is JavaScript), so they are written here
from the States Language spec and AWS's documented and recorded answers: the codes are the
ones `ValidateStateMachineDefinitionDiagnostic` lists, the locations JSON pointers, and the
wording AWS's where it was recorded (missing targets, unreachable states, query languages,
EXPRESS integrations).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

_STATE_TYPES: Final = frozenset(
    {"Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"}
)
# States that end without `End: true`, and the Choice that picks its own successor.
_NO_TRANSITION_TYPES: Final = frozenset({"Choice", "Succeed", "Fail"})
# JSONata replaced these with `Arguments`, `Output`, `Items` and expression-valued fields.
_JSONPATH_ONLY_FIELDS: Final = (
    "InputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "OutputPath",
    "ItemsPath",
    "SecondsPath",
    "TimestampPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "ErrorPath",
    "CausePath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
)
_JSONATA_ONLY_FIELDS: Final = ("Arguments", "Output", "Items")
_JSONPATH_ONLY_BATCHER_FIELDS: Final = ("MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath")
# A JSONata Choice rule is a Condition; JSONPath's Variable, And, Or, Not and comparison
# operators (StringEquals, NumericLessThanPath, ...) are refused on it.
_JSONATA_RULE_FIELDS: Final = frozenset({"Condition", "Next", "Comment", "Assign", "Output"})
_JSONATA_ONLY_RULE_FIELDS: Final = ("Condition", "Output")
_EXPRESS_UNSUPPORTED_SUFFIXES: Final = (".waitForTaskToken", ".sync")


@dataclass(frozen=True)
class Diagnostic:
    """One finding, shaped like AWS's `ValidateStateMachineDefinitionDiagnostic`."""

    code: str
    message: str
    location: str | None = None
    severity: str = "ERROR"

    def as_api(self) -> dict[str, str]:
        """The diagnostic as the API answers it (no `location` key when there is none)."""
        shaped = {"severity": self.severity, "code": self.code, "message": self.message}
        if self.location is not None:
            shaped["location"] = self.location
        return shaped

    def as_text(self) -> str:
        """`CODE: message at location`, as in CreateStateMachine's InvalidDefinition."""
        where = f" at {self.location}" if self.location is not None else ""
        return f"{self.code}: {self.message}{where}"


def check_definition(definition: str, machine_type: str = "STANDARD") -> list[Diagnostic]:
    """Every error AWS would report for `definition`; an empty list means it deploys."""
    if not definition.strip():
        return [Diagnostic("SCHEMA_VALIDATION_FAILED", "Definition must be a valid JSON object")]
    try:
        document = json.loads(definition)
    except json.JSONDecodeError as error:
        where = f"line: {error.lineno}, column: {error.colno}"
        return [Diagnostic("INVALID_JSON_DESCRIPTION", f"{error.msg} at [{where}]", where)]
    if not isinstance(document, dict):
        return [Diagnostic("SCHEMA_VALIDATION_FAILED", "Definition must be a valid JSON object")]
    language = document.get("QueryLanguage", "JSONPath")
    if language not in ("JSONPath", "JSONata"):
        return [_unknown_language(language, "/QueryLanguage")]
    checker = _Checker(top_language=language, express=machine_type == "EXPRESS")
    checker.check_machine(document, "")
    return checker.found


def _unknown_language(language: object, location: str) -> Diagnostic:
    return Diagnostic(
        "SCHEMA_VALIDATION_FAILED",
        f"Value {json.dumps(language)} is not a valid QueryLanguage (JSONPath or JSONata)",
        location,
    )


class _Checker:
    """Walks one definition, collecting diagnostics; state names are unique machine-wide."""

    def __init__(self, top_language: str, express: bool) -> None:
        self.top_language = top_language
        self.express = express
        self.found: list[Diagnostic] = []
        self._seen_names: set[str] = set()

    def report(self, code: str, message: str, location: str) -> None:
        self.found.append(Diagnostic(code, message, location))

    def check_machine(self, machine: Mapping[str, Any], at: str) -> None:
        """A whole machine, a Parallel branch or a Map's ItemProcessor: `StartAt` + `States`."""
        missing = [field for field in ("States", "StartAt") if field not in machine]
        if missing:
            fields = ", ".join(missing)
            self.report(
                "SCHEMA_VALIDATION_FAILED", f"These fields are required: [{fields}]", at or "/"
            )
            return
        states = machine["States"]
        if not isinstance(states, dict) or not states:
            self.report(
                "SCHEMA_VALIDATION_FAILED", "'States' must be a non-empty object", f"{at}/States"
            )
            return
        start = machine["StartAt"]
        if start not in states:
            self.report(
                "MISSING_TRANSITION_TARGET", f"Missing 'StartAt' target: {start}", f"{at}/StartAt"
            )
        for name, state in states.items():
            self.check_state(name, state, states, f"{at}/States/{name}")
        if start in states:
            self.check_reachability(start, states, at)
        if not any(_is_terminal(state) for state in states.values() if isinstance(state, dict)):
            self.report("MISSING_END_STATE", "Workflow has no terminal state", at or "/")

    def check_state(self, name: str, state: Any, states: Mapping[str, Any], at: str) -> None:
        if name in self._seen_names:
            self.report("DUPLICATE_STATE_NAME", f"Duplicate State name: {name}", at)
        self._seen_names.add(name)
        if not isinstance(state, dict):
            self.report("SCHEMA_VALIDATION_FAILED", "A state must be a JSON object", at)
            return
        kind = state.get("Type")
        if kind not in _STATE_TYPES:
            expected = ", ".join(sorted(_STATE_TYPES))
            self.report(
                "SCHEMA_VALIDATION_FAILED",
                f"Value {json.dumps(kind)} is not a valid state Type ({expected})",
                f"{at}/Type",
            )
            return
        language = self.check_language(state, at)
        self.check_transition(kind, state, at)
        for path, target in _targets(state):
            if target not in states:
                self.report(
                    "MISSING_TRANSITION_TARGET",
                    f"Missing '{path[-1]}' target: {target}",
                    f"{at}/{'/'.join(path)}",
                )
        if language is not None:
            self.check_fields(kind, state, language, at)
        if kind == "Task" and self.express:
            self.check_express_resource(state, at)
        for index, branch in enumerate(state.get("Branches", []) if kind == "Parallel" else []):
            self.check_machine(branch, f"{at}/Branches/{index}")
        if kind == "Map":
            for processor in ("ItemProcessor", "Iterator"):
                if isinstance(state.get(processor), dict):
                    self.check_machine(state[processor], f"{at}/{processor}")

    def check_language(self, state: Mapping[str, Any], at: str) -> str | None:
        """The state's query language; None (reported) when AWS would refuse it."""
        language = state.get("QueryLanguage", self.top_language)
        if language not in ("JSONPath", "JSONata"):
            self.found.append(_unknown_language(language, f"{at}/QueryLanguage"))
            return None
        if self.top_language == "JSONata" and language == "JSONPath":
            self.report(
                "SCHEMA_VALIDATION_FAILED",
                "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
                at,
            )
            return None
        return str(language)

    def check_transition(self, kind: str, state: Mapping[str, Any], at: str) -> None:
        """A non-terminal state names its successor (`Next`) or ends (`End: true`), not both."""
        if kind in _NO_TRANSITION_TYPES:
            for field in ("Next", "End"):
                if field in state:
                    self.report(
                        "SCHEMA_VALIDATION_FAILED",
                        f"Field '{field}' is not supported for a {kind} state",
                        f"{at}/{field}",
                    )
            return
        has_next, ends = "Next" in state, state.get("End") is True
        if has_next == ends:
            problem = "both 'Next' and 'End'" if has_next else "neither 'Next' nor 'End': true"
            self.report(
                "SCHEMA_VALIDATION_FAILED",
                f"A {kind} state needs exactly one of 'Next' and 'End': true; it has {problem}",
                at,
            )

    def check_fields(self, kind: str, state: Mapping[str, Any], language: str, at: str) -> None:
        """No field of the other query language, on the state, its rules or its catchers."""
        forbidden = _JSONPATH_ONLY_FIELDS if language == "JSONata" else _JSONATA_ONLY_FIELDS
        for field in forbidden:
            if field in state:
                self._not_supported(field, language, f"{at}/{field}")
        for index, catcher in enumerate(state.get("Catch", [])):
            field = "ResultPath" if language == "JSONata" else "Output"
            if isinstance(catcher, dict) and field in catcher:
                self._not_supported(field, language, f"{at}/Catch/{index}/{field}")
        if kind == "Choice":
            for index, rule in enumerate(state.get("Choices", [])):
                if isinstance(rule, dict):
                    self.check_choice_rule(rule, language, f"{at}/Choices/{index}")
        if language == "JSONata":
            for field in ("Arguments", "Output", "Assign", "ItemSelector", "ItemBatcher"):
                for path in _dollar_keys(state.get(field), f"{at}/{field}"):
                    self._not_supported(path.rsplit("/", 1)[1], language, path)
            batcher = state.get("ItemBatcher")
            if isinstance(batcher, dict):
                for field in _JSONPATH_ONLY_BATCHER_FIELDS:
                    if field in batcher:
                        self._not_supported(field, language, f"{at}/ItemBatcher/{field}")

    def check_choice_rule(self, rule: Mapping[str, Any], language: str, at: str) -> None:
        if language == "JSONata":
            for field in rule:
                if field not in _JSONATA_RULE_FIELDS:
                    self._not_supported(field, language, f"{at}/{field}")
            if "Condition" not in rule:
                self.report(
                    "SCHEMA_VALIDATION_FAILED", "These fields are required: [Condition]", at
                )
            return
        for field in _JSONATA_ONLY_RULE_FIELDS:
            if field in rule:
                self._not_supported(field, language, f"{at}/{field}")

    def check_express_resource(self, state: Mapping[str, Any], at: str) -> None:
        resource = state.get("Resource")
        for suffix in _EXPRESS_UNSUPPORTED_SUFFIXES:
            if isinstance(resource, str) and suffix in resource:
                self.report(
                    "SCHEMA_VALIDATION_FAILED",
                    f"Express state machine does not support '{suffix}' service integration ",
                    f"{at}/Resource",
                )

    def check_reachability(self, start: str, states: Mapping[str, Any], at: str) -> None:
        reached = {start}
        pending = [start]
        while pending:
            state = states[pending.pop()]
            if not isinstance(state, dict):
                continue
            for _, target in _targets(state):
                if target in states and target not in reached:
                    reached.add(target)
                    pending.append(target)
        for name in states:
            if name not in reached:
                self.report(
                    "MISSING_TRANSITION_TARGET",
                    f'State "{name}" is not reachable.',
                    f"{at}/States/{name}",
                )

    def _not_supported(self, field: str, language: str, at: str) -> None:
        self.report(
            "SCHEMA_VALIDATION_FAILED",
            f"Field '{field}' is not supported when QueryLanguage is {language}",
            at,
        )


def _targets(state: Mapping[str, Any]) -> Iterator[tuple[tuple[str, ...], str]]:
    """Each transition of a state: the field path that names it, and the state it names."""
    if isinstance(state.get("Next"), str):
        yield ("Next",), state["Next"]
    if isinstance(state.get("Default"), str):
        yield ("Default",), state["Default"]
    for list_field in ("Choices", "Catch"):
        entries = state.get(list_field)
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict) and isinstance(entry.get("Next"), str):
                yield (list_field, str(index), "Next"), entry["Next"]


def _is_terminal(state: Mapping[str, Any]) -> bool:
    return state.get("Type") in ("Succeed", "Fail") or state.get("End") is True


def _dollar_keys(value: Any, at: str) -> Iterator[str]:
    """Where a JSONPath-style `key.$` sits inside a JSONata payload template."""
    if isinstance(value, dict):
        for key, nested in value.items():
            if key.endswith(".$"):
                yield f"{at}/{key}"
            yield from _dollar_keys(nested, f"{at}/{key}")
    elif isinstance(value, list):
        for index, nested in enumerate(value):
            yield from _dollar_keys(nested, f"{at}/{index}")
