"""Every `{% ... %}` expression of a rendered definition, evaluated state by state for a corpus.

A walk visits the states in document order (branch and Map states where they appear) and keeps,
per case, the variables the states before it assigned, taking each Assign's value from the
reference engine (what AWS would hold). A case reaches only the states its execution would:
a Choice follows the reference engine's answers, a Fail ends it, a Catch's target is reached.
(The definitions list states after the states that lead to them; loops lead back only.)
Each state's expressions see `$states.input`, `$states.context`, the variables and, in a task's
fields, one of a few `$states.result` shapes (`$states.errorOutput` in its Catch), chosen by the
case's variant. One reference batch per state.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from tests.jsonata_fidelity.corpus import Case
from tests.jsonata_fidelity.reference import ReferenceEngine, Request

_STATE_MACHINE_ARN: Final = "arn:aws:states:us-east-1:123456789012:stateMachine:leaderboard-dev-wf"
_ELEMENTS: Final = [
    {"value": "a", "score": 3},
    {"value": "b", "score": 2.5},
    {"value": "c", "score": -1.7976931348623157e308},
]
_TOP: Final = '[{"name":"a","score":3,"rank":0}]'
# Task results: every field a definition reads, in the shapes the services answer with.
_TASK_RESULTS: Final[tuple[dict[str, Any], ...]] = (
    {
        "StatusCode": 200,
        "ResponseBody": {"score": 12.5, "rank": 3, "length": 10, "elements": _ELEMENTS},
        "KeyCount": 0,
        "Metadata": {"size": "3", "top": _TOP},
        "Status": "SUCCEEDED",
        "ExecutionArn": "arn:aws:states:us-east-1:123456789012:execution:x:steps-2026-12-04",
        "Output": '{"leaderboard":"steps","period":"2026-12-04","size":3}',
    },
    {
        "StatusCode": 200,
        "ResponseBody": {"score": None, "rank": None, "length": 0, "elements": []},
        "KeyCount": 1,
        "Metadata": {"size": "0", "top": "[]"},
        "status": "RUNNING",
        "executionArn": "arn:aws:states:us-east-1:123456789012:execution:x:y",
    },
    {
        "StatusCode": 204,
        "ResponseBody": {"score": 5e-324, "rank": 0, "length": 1, "elements": _ELEMENTS[:1]},
        "KeyCount": 2,
        "Metadata": {"size": "1", "top": _TOP},
        "Status": "FAILED",
        "Error": "States.TaskFailed",
        "ExecutionArn": "arn:x",
    },
    {"StatusCode": 200, "ResponseBody": {}},
    {  # ties, and a member without a score (the scores route)
        "StatusCode": 200,
        "ResponseBody": {
            "score": 2.5,
            "rank": 1,
            "length": 4,
            "elements": [
                {"value": "d", "score": 2.5},
                {"value": "e", "score": 2.5},
                {"value": "f", "score": 0.1 + 0.2},
                {"value": "g", "score": None},
            ],
        },
    },
)
# Map items (rank ranges): from the top, and from inside the board (a rank before the range).
_MAP_ITEMS: Final[tuple[list[int], ...]] = ([0, 5], [1, 6])
_BRANCH_RESULTS: Final[tuple[list[Any], ...]] = (
    [{"rank": 3}, {"score": 12.5}, {"top": [{"name": "a", "score": 3, "rank": 0}]}, {"size": 10}],
    [{"rank": None}, {"score": None}, {"top": []}, {"size": 0}],
    [{"rank": 0}, {"score": 1.7976931348623157e308}],
    [{}, {}],
)
_MAP_RESULTS: Final[tuple[list[Any], ...]] = (
    [[{"name": "a", "score": 3, "rank": 0}], [{"name": "b", "score": 1, "rank": 7}]],
    [],
    [[]],
    [[{"name": "c", "score": 5e-324, "rank": 0}]],
)
_ERROR_OUTPUTS: Final[tuple[dict[str, Any], ...]] = (
    {"Error": "States.Http.StatusCode.429", "Cause": "Too Many Requests"},
    {"Error": "States.Timeout"},
    {"Error": "States.TaskFailed", "Cause": None},
    {"Error": "States.Http.StatusCode.400", "Cause": '{"message": "bad\\n"}'},
)


@dataclass(frozen=True)
class Expression:
    """One `{% ... %}` field: where it is and what it says."""

    state: str
    field: str
    text: str
    in_catch: bool
    assigns: str | None  # the variable an Assign field sets


def _expressions(name: str, state: Mapping[str, Any]) -> Iterator[Expression]:
    def visit(value: Any, path: list[str], in_catch: bool) -> Iterator[Expression]:
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("Branches", "ItemProcessor", "Iterator"):
                    continue
                yield from visit(item, [*path, key], in_catch or key == "Catch")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from visit(item, [*path, str(index)], in_catch)
        elif isinstance(value, str) and value.startswith("{%") and value.endswith("%}"):
            assigns = path[-1] if len(path) >= 2 and path[-2] == "Assign" else None
            yield Expression(name, "/".join(path), value[2:-2].strip(), in_catch, assigns)

    yield from visit(state, [], False)


def states_in_order(
    states: Mapping[str, Any], prefix: str = ""
) -> Iterator[tuple[str, Mapping[str, Any], bool]]:
    """(path, state, inside a Map iteration) for every state, nested ones after their parent."""
    for name, state in states.items():
        yield f"{prefix}{name}", state, False
        for index, branch in enumerate(state.get("Branches", [])):
            yield from states_in_order(branch["States"], f"{prefix}{name}/Branches/{index}/")
        processor = state.get("ItemProcessor")
        if processor:
            for path, nested, _ in states_in_order(processor["States"], f"{prefix}{name}/Items/"):
                yield path, nested, True


def extract(definition: Mapping[str, Any]) -> list[Expression]:
    """Every expression of the definition, nested states included, in walk order."""
    return [
        e
        for path, state, _ in states_in_order(definition["States"])
        for e in _expressions(path, state)
    ]


def _context(case: Case, state: str) -> dict[str, Any]:
    execution_arn = (
        _STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:") + ":" + case.execution_name
    )
    return {
        "Execution": {
            "Id": execution_arn,
            "Name": case.execution_name,
            "StartTime": case.start_time,
            "RoleArn": "arn:aws:iam::123456789012:role/wf",
            "Input": case.input,
            "RedriveCount": 0,
        },
        "StateMachine": {"Id": _STATE_MACHINE_ARN, "Name": "leaderboard-dev-wf"},
        "State": {
            "Name": state.rsplit("/", 1)[-1],
            "EnteredTime": case.start_time,
            "RetryCount": 0,
        },
    }


def _result(state: Mapping[str, Any], variant: int) -> Any:
    kind = state.get("Type")
    shapes: Sequence[Any] = (
        _BRANCH_RESULTS if kind == "Parallel" else _MAP_RESULTS if kind == "Map" else _TASK_RESULTS
    )
    return shapes[variant % len(shapes)]


@dataclass
class Comparison:
    """What a walk evaluated and where the engines disagreed."""

    expressions: int = 0  # expressions of the states some case reached
    evaluations: int = 0
    values: int = 0  # evaluations both engines answered with the same value (not a failure)
    differences: list[str] = field(default_factory=list)
    valued: set[str] = field(default_factory=set)  # expressions with a value at least once


LocalEngine = Callable[[str, Mapping[str, Any]], dict[str, Any]]
Same = Callable[[dict[str, Any], dict[str, Any]], bool]


def _successors(state: Mapping[str, Any], answers: Mapping[str, dict[str, Any]]) -> set[str]:
    """The states an execution can go to next, given the reference's answers for this state."""
    following = {catch["Next"] for catch in state.get("Catch", [])}
    if state.get("Type") == "Choice":
        for index, choice in enumerate(state["Choices"]):
            answer = answers[f"Choices/{index}/Condition"]
            if "value" not in answer:
                return following  # the condition fails the execution
            if answer["value"] is True:
                return following | {choice["Next"]}
        return following | {state["Default"]}
    return following | ({state["Next"]} if "Next" in state else set())


def walk(
    definition: Mapping[str, Any],
    cases: Sequence[Case],
    reference: ReferenceEngine,
    local: LocalEngine,
    same: Same,
) -> Comparison:
    """Evaluates every expression of `definition` for every case on both engines."""
    comparison = Comparison()
    variables: list[dict[str, Any]] = [{} for _ in cases]
    reached: list[set[str]] = [{definition["StartAt"]} for _ in cases]
    for path, state, in_map in states_in_order(definition["States"]):
        expressions = list(_expressions(path, state))
        top_level = path.split("/", 1)[0]
        live = [n for n, states in enumerate(reached) if top_level in states]
        if not expressions or not live:
            if path == top_level:
                for n in live:
                    reached[n] |= _successors(state, {})
            continue
        comparison.expressions += len(expressions)
        requests: list[Request] = []
        for case, known in ((cases[n], variables[n]) for n in live):
            item = _MAP_ITEMS[case.variant % len(_MAP_ITEMS)] if in_map else case.input
            states = {
                "input": item,
                "context": _context(case, path),
                "result": _result(state, case.variant),
            }
            for expression in expressions:
                own = dict(states)
                if expression.in_catch:
                    own["errorOutput"] = _ERROR_OUTPUTS[case.variant % len(_ERROR_OUTPUTS)]
                requests.append(Request(expression.text, {**known, "states": own}))
        answers = reference.evaluate(requests)
        per_case: dict[int, dict[str, dict[str, Any]]] = {n: {} for n in live}
        for index, (request, expected) in enumerate(zip(requests, answers, strict=True)):
            expression = expressions[index % len(expressions)]
            n = live[index // len(expressions)]
            per_case[n][expression.field] = expected
            actual = local(request.expression, json.loads(json.dumps(request.bindings)))
            comparison.evaluations += 1
            if "value" in expected:
                comparison.valued.add(f"{expression.state}/{expression.field}")
            if not same(expected, actual):
                case = cases[n]
                comparison.differences.append(
                    f"{expression.state}/{expression.field} input={json.dumps(case.input)} "
                    f"start={case.start_time}: reference {expected} local {actual}"
                )
            elif "value" in expected:
                comparison.values += 1
            if expression.assigns is not None and "value" in expected:
                variables[n][expression.assigns] = expected["value"]
        for name, value in state.get("Assign", {}).items():
            if not (isinstance(value, str) and value.startswith("{%")):
                for n in live:
                    variables[n][name] = cases[n].overrides.get(name, value)
        if path == top_level:
            for n in live:
                reached[n] |= _successors(state, per_case[n])
    return comparison
