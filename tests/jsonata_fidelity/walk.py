"""Every `{% ... %}` expression of a rendered definition, evaluated state by state for a corpus.

A walk visits the states in document order (branch and Map states where they appear) and keeps,
per case, the variables the states before it assigned, taking each Assign's value from the
reference engine (what AWS would hold). A case reaches only the states its execution would:
a Choice follows the reference engine's answers, a Fail ends it, a Catch's target is reached.
(The definitions list states after the states that lead to them; loops lead back only.)
Each state's expressions see `$states.input`, `$states.context`, the variables and, in a task's
fields, one of a few `$states.result` shapes (`$states.errorOutput` in its Catch), chosen by the
case's variant. A Catch only sees errors its ErrorEquals names (and no earlier Catch does), and
its target gets that error output as `$states.input`, which a Choice passes on to its targets.
One reference batch per state.
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
_TOP: Final = [{"name": "a", "score": 3, "rank": 0}]


def _http_cause(status: int, body: str) -> str:
    """An HTTP task's failure cause: the response, as JSON text."""
    response = {"ResponseBody": body, "StatusCode": status, "StatusText": "error"}
    return json.dumps(response, separators=(",", ":"))


# Task results: every field a definition reads, in the shapes the services answer with.
_TASK_RESULTS: Final[tuple[dict[str, Any], ...]] = (
    {
        "StatusCode": 200,
        "ResponseBody": {"score": 12.5, "rank": 3, "length": 10, "elements": _ELEMENTS},
        "KeyCount": 0,
        "Body": json.dumps({"size": 3, "top": _TOP, "parts": ["a/2026-12-04/part-00000.json"]}),
        "Status": "SUCCEEDED",
        "ExecutionArn": "arn:aws:states:us-east-1:123456789012:execution:x:steps-2026-12-04",
        "Output": '{"leaderboard":"steps","period":"2026-12-04","size":3}',
    },
    {
        "StatusCode": 200,
        "ResponseBody": {"score": None, "rank": None, "length": 0, "elements": []},
        "KeyCount": 1,
        "Body": json.dumps({"size": 0, "top": [], "parts": []}),
        "status": "RUNNING",
        "executionArn": "arn:aws:states:us-east-1:123456789012:execution:x:y",
    },
    {
        "StatusCode": 204,
        "ResponseBody": {"score": 5e-324, "rank": 0, "length": 1, "elements": _ELEMENTS[:1]},
        "KeyCount": 2,
        "Body": json.dumps({"size": 1, "top": [{"name": "f", "score": 0.1 + 0.2, "rank": 0}]}),
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
# Task results of particular states (by state name, in place of the shapes above), picked by
# variant: the total after an add that answered with an error, where the total before was 10
# and the add's new total reads 32 (landed, not landed, changed by another submission); a
# receipt's total as text or as JSON; a named close in every status (AWS's field names, and
# the local engine's).
_STATE_RESULTS: Final[Mapping[str, tuple[dict[str, Any], ...]]] = {
    "FetchScoreBefore": ({"StatusCode": 200, "ResponseBody": {"score": 10}},),
    "IncrementScore": ({"StatusCode": 200, "ResponseBody": {"score": 32}},),
    "VerifyAdd": tuple({"StatusCode": 200, "ResponseBody": {"score": s}} for s in (42, 10, 7)),
    "FetchReceipt": (
        {"StatusCode": 200, "ResponseBody": "54.5"},
        {"StatusCode": 200, "ResponseBody": 54.5},
        {"StatusCode": 200, "ResponseBody": "1e+21"},
    ),
    "DescribeClose": (
        {"Status": "SUCCEEDED", "ExecutionArn": "arn:x:steps-2026-12-04", "Output": '{"size":3}'},
        {"status": "FAILED", "executionArn": "arn:x:steps-2026-12-04-r2", "error": "E"},
        {"Status": "TIMED_OUT", "ExecutionArn": "arn:x:steps-2026-12-04-r3"},
        {"status": "ABORTED", "executionArn": "arn:x:steps-2026-12-04-r4"},
        {"Status": "RUNNING", "ExecutionArn": "arn:x:steps-2026-12-04-r5"},
    ),
}
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
    # Momento's 404s: no such key, member or sorted set; no such cache (an outage).
    {"Error": "States.Http.StatusCode.404", "Cause": _http_cause(404, "Key Not Found")},
    {"Error": "States.Http.StatusCode.404", "Cause": _http_cause(404, "Cache Not Found")},
    # Answered, so not still in flight: an increment with a submissionId checks if it landed.
    {"Error": "States.Http.StatusCode.500", "Cause": _http_cause(500, "internal error")},
    {"Error": "States.Http.StatusCode.503", "Cause": _http_cause(503, "unavailable " * 100)},
    {"Error": "States.Http.StatusCode.504", "Cause": _http_cause(504, "Gateway Timeout")},
    {"Error": "Sfn.ExecutionAlreadyExistsException", "Cause": "Execution Already Exists"},
    {"Error": "States.Http.Socket", "Cause": "Connection refused"},
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


def _result(path: str, state: Mapping[str, Any], variant: int) -> Any:
    kind = state.get("Type")
    shapes: Sequence[Any] = _STATE_RESULTS.get(path.rsplit("/", 1)[-1]) or (
        _BRANCH_RESULTS if kind == "Parallel" else _MAP_RESULTS if kind == "Map" else _TASK_RESULTS
    )
    return shapes[variant % len(shapes)]


def _error_output(state: Mapping[str, Any], index: int, variant: int) -> dict[str, Any]:
    """An error the state's Catch `index` catches: one its ErrorEquals names, no earlier one's."""
    catches = state["Catch"]
    earlier = {name for catch in catches[:index] for name in catch["ErrorEquals"]}
    names = catches[index]["ErrorEquals"]
    caught = [
        output
        for output in _ERROR_OUTPUTS
        if output["Error"] not in earlier and ("States.ALL" in names or output["Error"] in names)
    ]
    return caught[variant % len(caught)] if caught else {"Error": names[0], "Cause": "sample"}


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


def _assign_literals(
    state: Mapping[str, Any],
    live: Sequence[int],
    cases: Sequence[Case],
    variables: list[dict[str, Any]],
) -> None:
    """The state's literal Assigns (a case's overrides in their place)."""
    for name, value in state.get("Assign", {}).items():
        if not (isinstance(value, str) and value.startswith("{%")):
            for n in live:
                variables[n][name] = cases[n].overrides.get(name, value)


def _pass_inputs(
    state: Mapping[str, Any],
    prefix: str,
    inputs: dict[str, Any],
    answers: Mapping[str, dict[str, Any]],
    path: str,
    variant: int,
) -> None:
    """Sets the input of the state's Catch targets (the error output, or the Catch's Output)
    and, for a Choice that got one, of its targets (a Choice's output is its input)."""
    for index, catch in enumerate(state.get("Catch", [])):
        output = answers.get(f"Catch/{index}/Output", {})
        error = output["value"] if "value" in output else _error_output(state, index, variant)
        inputs[prefix + catch["Next"]] = error
    if state.get("Type") == "Choice" and path in inputs:
        for target in [*(c["Next"] for c in state["Choices"]), state.get("Default")]:
            if target is not None:
                inputs[prefix + target] = inputs[path]


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
    # `$states.input` of a Catch's target (the error output) and of a Choice's targets after it.
    inputs: list[dict[str, Any]] = [{} for _ in cases]
    for path, state, in_map in states_in_order(definition["States"]):
        expressions = list(_expressions(path, state))
        top_level = path.split("/", 1)[0]
        prefix = path[: -len(path.rsplit("/", 1)[-1])]
        live = [n for n, states in enumerate(reached) if top_level in states]
        if not expressions or not live:
            _assign_literals(state, live, cases, variables)
            if path == top_level:
                for n in live:
                    reached[n] |= _successors(state, {})
            continue
        comparison.expressions += len(expressions)
        requests: list[Request] = []
        for n in live:
            case = cases[n]
            map_item = _MAP_ITEMS[case.variant % len(_MAP_ITEMS)]
            item = inputs[n].get(path, map_item if in_map else case.input)
            states = {
                "input": item,
                "context": _context(case, path),
                "result": _result(path, state, case.variant),
            }
            for expression in expressions:
                own = dict(states)
                if expression.in_catch:
                    catch = int(expression.field.split("/")[1])
                    own["errorOutput"] = _error_output(state, catch, case.variant)
                requests.append(Request(expression.text, {**variables[n], "states": own}))
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
        _assign_literals(state, live, cases, variables)
        for n in live:
            _pass_inputs(state, prefix, inputs[n], per_case[n], path, cases[n].variant)
        if path == top_level:
            for n in live:
                reached[n] |= _successors(state, per_case[n])
    return comparison
