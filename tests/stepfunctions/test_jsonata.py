"""JSONata states evaluated by jsonata-python through the server."""

import datetime
import json
from collections.abc import Callable
from typing import Any

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
