"""JSONata states evaluated by jsonata-python through the server."""

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from jsonata import Jsonata

from leaderboard.local import moto_extensions
from leaderboard.local.stepfunctions import jsonata_eval

Run = Callable[..., dict[str, Any]]


def machine(states: dict[str, Any], start: str) -> dict[str, Any]:
    return {"QueryLanguage": "JSONata", "StartAt": start, "States": states}


CLASSIFY = machine(
    {
        "Double": {
            "Type": "Pass",
            "Assign": {"doubled": "{% $states.input.n * 2 %}"},
            "Next": "Pick",
        },
        "Pick": {
            "Type": "Choice",
            "Choices": [{"Condition": "{% $doubled > 10 %}", "Next": "Big"}],
            "Default": "Small",
        },
        "Big": {"Type": "Pass", "Output": {"size": "big", "value": "{% $doubled %}"}, "End": True},
        "Small": {
            "Type": "Pass",
            "Output": {"size": "small", "value": "{% $doubled %}"},
            "End": True,
        },
    },
    "Double",
)


def test_assign_condition_and_output(run: Run) -> None:
    assert json.loads(run(CLASSIFY, {"n": 7})["output"]) == {"size": "big", "value": 14}
    assert json.loads(run(CLASSIFY, {"n": 2})["output"]) == {"size": "small", "value": 4}


def test_day_key_in_a_time_zone_from_start_time_and_now(run: Run) -> None:
    definition = machine(
        {
            "Keys": {
                "Type": "Pass",
                "Output": {
                    "start": "{% $states.context.Execution.StartTime %}",
                    "startDayJst": (
                        "{% $fromMillis($toMillis($states.context.Execution.StartTime),"
                        " '[Y0001]-[M01]-[D01]', '+0900') %}"
                    ),
                    "nowMillis": "{% $toMillis($now()) %}",
                },
                "End": True,
            }
        },
        "Keys",
    )
    result = run(definition)
    output = json.loads(result["output"])

    start = result["startDate"].astimezone(datetime.UTC)
    assert output["start"].endswith("Z")
    assert abs(datetime.datetime.fromisoformat(output["start"]) - start) < datetime.timedelta(
        seconds=1
    )
    assert output["startDayJst"] == (start + datetime.timedelta(hours=9)).strftime("%Y-%m-%d")
    assert abs(output["nowMillis"] / 1000 - start.timestamp()) < 5


def test_task_result_and_error_output_in_catch(
    run: Run, http_target: Any, api_key_connection: str
) -> None:
    definition = machine(
        {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::http:invoke",
                "Arguments": {
                    "ApiEndpoint": f"{http_target.url}/status/400",
                    "Method": "GET",
                    "Authentication": {"ConnectionArn": api_key_connection},
                },
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Output": {"caught": "{% $states.errorOutput.Error %}"},
                        "Next": "Done",
                    }
                ],
                "End": True,
            },
            "Done": {"Type": "Pass", "End": True},
        },
        "Call",
    )
    assert json.loads(run(definition)["output"]) == {"caught": "States.Http.StatusCode.400"}


def test_undefined_result_fails_with_query_evaluation_error(run: Run, sfn: Any) -> None:
    definition = machine(
        {"P": {"Type": "Pass", "Output": "{% $states.input.missing %}", "End": True}}, "P"
    )
    result = run(definition, {"present": 1})

    assert (result["status"], result["error"]) == ("FAILED", "States.QueryEvaluationError")
    types = [
        e["type"] for e in sfn.get_execution_history(executionArn=result["executionArn"])["events"]
    ]
    assert "EvaluationFailed" in types


def test_each_expression_is_compiled_once() -> None:
    expression = "$x + 40 + 0"  # unique to this test
    jsonata_eval.compile_expression.cache_clear()
    values = [jsonata_eval.evaluate(expression, {"x": i}) for i in range(3)]

    assert values == [40, 41, 42]
    info = jsonata_eval.compile_expression.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_null_is_kept_apart_from_undefined() -> None:
    assert jsonata_eval.evaluate("$v", {"v": None}) is None
    assert jsonata_eval.evaluate("{'k': $v}", {"v": [1, None]}) == {"k": [1, None]}


def test_variables_resolve_lexically_through_the_frame_loop() -> None:
    moto_extensions.install()  # replaces jsonata's recursive Frame.lookup
    assert Jsonata.Frame.lookup is jsonata_eval._lookup
    closure = "( $x := 1; $f := function() { $x }; ( $x := 2; [$f(), $x, $y] ) )"
    assert jsonata_eval.evaluate(closure, {"y": None}) == [1, 2, None]
    assert jsonata_eval.evaluate("( $x := 2; [$x, $exists($missing)] )", {"x": 1}) == [2, False]


def test_evaluation_hooks_are_bound_to_none_in_each_compiled_expression() -> None:
    """jsonata looks the hooks up per node: bound here, the search ends one frame up."""
    environment = jsonata_eval.compile_expression("$unhooked").environment
    for hook in ("__evaluate_entry", "__evaluate_exit"):
        assert hook in environment.bindings
        assert environment.lookup(hook) is None


FIELD_BINDINGS: dict[str, Any] = {
    "text": "board",
    "whole": 2.0,
    "count": 3,
    "flag": False,
    "nothing": None,
    "items": [1],
    "states": {
        "input": {"name": "ann", "score": 12.5, "tags": ["a"], "nested": {"n": [{"m": 1}]}},
        "result": {"Body": None, "list": [{"v": 1}, {"v": 2}], "and": 1},
    },
}


@pytest.mark.parametrize(
    "expression",
    [
        "$text",
        "$whole",
        "$count",
        "$flag",
        "$nothing",
        "$items",
        "$states",
        "$states.input.name",
        "$states.input.score",
        "$states.input.tags",
        "$states.input.nested",
        "$states.result.Body",
        "$states.result.list.v",
        "$states.result.`and`",
    ],
)
def test_field_paths_read_from_bindings_answer_as_jsonata_does(expression: str) -> None:
    read = jsonata_eval.evaluate(expression, FIELD_BINDINGS)
    evaluated = jsonata_eval.evaluate_compiled(expression, FIELD_BINDINGS)
    assert json.dumps(read) == json.dumps(evaluated)  # as text: 2.0 stays 2.0


@pytest.mark.parametrize(
    "expression", ["$missing", "$states.input.missing", "$text.length", "$nothing.field"]
)
def test_a_field_path_to_nothing_is_undefined_as_in_jsonata(expression: str) -> None:
    with pytest.raises(jsonata_eval.JsonataUndefinedError):
        jsonata_eval.evaluate(expression, FIELD_BINDINGS)


def test_a_field_path_result_is_the_callers_own() -> None:
    read = jsonata_eval.evaluate("$states.input", FIELD_BINDINGS)
    read["nested"]["n"].append("mine")
    assert FIELD_BINDINGS["states"]["input"]["nested"] == {"n": [{"m": 1}]}


def test_a_field_path_is_read_without_compiling_it() -> None:
    jsonata_eval.compile_expression.cache_clear()
    assert jsonata_eval.evaluate("$states.input.name", FIELD_BINDINGS) == "ann"
    assert jsonata_eval.compile_expression.cache_info().currsize == 0


@pytest.mark.parametrize(
    ("expression", "written"),
    [
        ("4 / 2", "2"),  # a whole number, as JavaScript writes it (Python would say 2.0)
        ("$score", "42"),  # a float64 score Momento answered, 42.0, passed through
        ("{'top': [{'score': $score * 1}]}", '{"top": [{"score": 42}]}'),
        ("7 / 2", "3.5"),
        ("-0.0 * 1", "0"),
        ("$big", "100000000000000000000"),  # JavaScript's plain digits reach 1e21
        ("$huge", "1e+21"),  # and its exponent form starts there: stays a float
    ],
)
def test_numbers_are_written_as_javascript_writes_them(expression: str, written: str) -> None:
    value = jsonata_eval.evaluate(expression, {"score": 42.0, "big": 1e20, "huge": 1e21})
    assert json.dumps(value) == written
