"""A JSONata expression that fails: the error, cause and history AWS records for it.

Written from AWS's recorded behaviour: the cause opens with the state and the id of its
entered event ("An error occurred while executing the state 'B' (entered at the event id
#4). "), then names the expression and the field it was written in, relative to the state
(`Output/result`, `Arguments/Payload/list[1]`, `Assign/y/z`, `Choices[1]/Condition`). One
`EvaluationFailed` event (error, cause, location, state) follows the state's entered event,
and a Catch sees the same cause in `$states.errorOutput`.
"""

import json
from collections.abc import Callable
from typing import Any

from tests.stepfunctions.conftest import history

Run = Callable[..., dict[str, Any]]
ERROR = "States.QueryEvaluationError"


def machine(states: dict[str, Any], start: str) -> dict[str, Any]:
    return {"QueryLanguage": "JSONata", "StartAt": start, "States": states}


def prefix(state: str, entered_id: int) -> str:
    return (
        f"An error occurred while executing the state '{state}'"
        f" (entered at the event id #{entered_id}). "
    )


def undefined(expression: str, field: str) -> str:
    return (
        f"The JSONata expression '{expression}' specified for the field '{field}'"
        " returned nothing (undefined)."
    )


def evaluation_failures(sfn: Any, execution_arn: str) -> list[dict[str, Any]]:
    return [e for e in history(sfn, execution_arn) if e["type"] == "EvaluationFailed"]


def test_undefined_output_field_names_the_field_and_the_entered_event(run: Run, sfn: Any) -> None:
    definition = machine(
        {
            "A": {"Type": "Pass", "Next": "B"},
            "B": {"Type": "Pass", "Output": {"result": "{% $states.input.missing %}"}, "End": True},
        },
        "A",
    )
    result = run(definition, {"present": 1})
    cause = prefix("B", 4) + undefined("$states.input.missing", "Output/result")

    assert (result["status"], result["error"], result["cause"]) == ("FAILED", ERROR, cause)
    events = history(sfn, result["executionArn"])
    assert [(e["id"], e["previousEventId"], e["type"]) for e in events[3:]] == [
        (4, 3, "PassStateEntered"),
        (5, 4, "EvaluationFailed"),
        (6, 5, "ExecutionFailed"),
    ]
    assert events[4]["evaluationFailedEventDetails"] == {
        "error": ERROR,
        "cause": cause,
        "location": "Output/result",
        "state": "B",
    }
    assert events[5]["executionFailedEventDetails"] == {"error": ERROR, "cause": cause}


def test_task_arguments_failure_is_logged_once_and_names_the_array_index(
    run: Run, sfn: Any
) -> None:
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {
            "FunctionName": "never-called",
            "Payload": {"list": [1, "{% $states.input.nope %}"]},
        },
        "End": True,
    }
    result = run(machine({"T": task}, "T"))
    cause = prefix("T", 2) + undefined("$states.input.nope", "Arguments/Payload/list[1]")

    assert (result["error"], result["cause"]) == (ERROR, cause)
    failures = evaluation_failures(sfn, result["executionArn"])
    assert len(failures) == 1
    assert failures[0]["previousEventId"] == 2
    assert failures[0]["evaluationFailedEventDetails"]["location"] == "Arguments/Payload/list[1]"


def test_catch_sees_the_same_cause(run: Run, sfn: Any) -> None:
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "{% $states.input.absent %}"},
        "Catch": [
            {
                "ErrorEquals": [ERROR],
                "Output": {
                    "error": "{% $states.errorOutput.Error %}",
                    "cause": "{% $states.errorOutput.Cause %}",
                },
                "Next": "Done",
            }
        ],
        "End": True,
    }
    result = run(machine({"T": task, "Done": {"Type": "Pass", "End": True}}, "T"))

    assert json.loads(result["output"]) == {
        "error": ERROR,
        "cause": prefix("T", 2) + undefined("$states.input.absent", "Arguments/FunctionName"),
    }
    assert len(evaluation_failures(sfn, result["executionArn"])) == 1


def test_assign_and_choice_fields_are_named(run: Run) -> None:
    assign = machine(
        {"P": {"Type": "Pass", "Assign": {"x": 1, "y": {"z": "{% $nothing %}"}}, "End": True}},
        "P",
    )
    choice = machine(
        {
            "C": {
                "Type": "Choice",
                "Choices": [
                    {"Condition": "{% $states.input.n = 0 %}", "Next": "Done"},
                    {"Condition": "{% $states.input.missing %}", "Next": "Done"},
                ],
                "Default": "Done",
            },
            "Done": {"Type": "Pass", "End": True},
        },
        "C",
    )

    assert run(assign)["cause"] == prefix("P", 2) + undefined("$nothing", "Assign/y/z")
    assert run(choice, {"n": 1})["cause"] == prefix("C", 2) + undefined(
        "$states.input.missing", "Choices[1]/Condition"
    )


def test_an_expression_that_throws_names_the_field_and_the_jsonata_error_code(run: Run) -> None:
    definition = machine(
        {"P": {"Type": "Pass", "Output": {"v": "{% $abs('x') %}"}, "End": True}}, "P"
    )
    cause = run(definition)["cause"]

    expected = (
        prefix("P", 2) + "The JSONata expression '$abs('x')' specified for the field 'Output/v'"
        " threw an error during evaluation. T0410: "
    )
    assert cause.startswith(expected)


def test_wait_with_an_unparsable_jsonata_timestamp_is_an_evaluation_failure(
    run: Run, sfn: Any
) -> None:
    definition = machine(
        {"W": {"Type": "Wait", "Timestamp": "{% $states.input.when %}", "End": True}}, "W"
    )
    result = run(definition, {"when": "next tuesday"})

    assert (result["status"], result["error"]) == ("FAILED", ERROR)
    assert result["cause"].startswith(prefix("W", 2))
    assert "'Timestamp'" in result["cause"]
    failures = evaluation_failures(sfn, result["executionArn"])
    assert [
        (f["previousEventId"], f["evaluationFailedEventDetails"]["location"]) for f in failures
    ] == [(2, "Timestamp")]


def test_a_branch_failure_keeps_the_innermost_state_prefix_once(run: Run, sfn: Any) -> None:
    branch = {
        "StartAt": "Undef",
        "States": {
            "Undef": {"Type": "Pass", "Output": {"v": "{% $states.input.missing %}"}, "End": True}
        },
    }
    definition = machine({"P": {"Type": "Parallel", "Branches": [branch], "End": True}}, "P")
    result = run(definition)
    cause = prefix("Undef", 4) + undefined("$states.input.missing", "Output/v")

    assert (result["error"], result["cause"]) == (ERROR, cause)
    assert [
        (e["id"], e["previousEventId"], e["type"]) for e in history(sfn, result["executionArn"])
    ][3:] == [
        (4, 3, "PassStateEntered"),
        (5, 4, "EvaluationFailed"),
        (6, 5, "ParallelStateFailed"),
        (7, 6, "ExecutionFailed"),
    ]


def test_map_over_a_non_array_names_the_json_value(run: Run) -> None:
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "ItemsPath": "$.n",
                "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": True}}},
                "End": True,
            }
        },
    }
    result = run(definition, {"n": 1})

    assert (result["error"], result["cause"]) == (
        ERROR,
        prefix("M", 2) + "Map state input must be an array but was: 1",
    )


def test_a_function_failing_inside_the_engine_is_the_expressions_failure(run: Run) -> None:
    definition = machine(
        {"P": {"Type": "Pass", "Output": "{% $parse('{bad') %}", "End": True}}, "P"
    )
    result = run(definition)

    assert result["error"] == ERROR
    assert result["cause"].startswith(
        prefix("P", 2) + "The JSONata expression '$parse('{bad')' specified for the field 'Output'"
        " threw an error during evaluation."
    )


def test_a_catcher_and_a_choice_rule_name_their_own_fields(run: Run) -> None:
    catching = machine(
        {
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {"FunctionName": "not-registered"},
                "Catch": [
                    {"ErrorEquals": ["Other"], "Next": "Done"},
                    {"ErrorEquals": ["States.ALL"], "Output": {"v": "{% $nope %}"}, "Next": "Done"},
                ],
                "End": True,
            },
            "Done": {"Type": "Pass", "End": True},
        },
        "T",
    )
    choosing = machine(
        {
            "C": {
                "Type": "Choice",
                "Choices": [
                    {"Condition": "{% true %}", "Output": {"a": [1, "{% $nope %}"]}, "Next": "Done"}
                ],
                "Default": "Done",
            },
            "Done": {"Type": "Pass", "End": True},
        },
        "C",
    )

    assert run(catching)["cause"].endswith(undefined("$nope", "Catch[1]/Output/v"))
    assert run(choosing)["cause"] == prefix("C", 2) + undefined("$nope", "Choices[0]/Output/a[1]")
