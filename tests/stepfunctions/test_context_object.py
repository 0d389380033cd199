"""`$states.context` as AWS documents it: RedriveCount, and times in one ISO-8601 form.

AWS writes `Execution.StartTime` and `State.EnteredTime` alike, UTC with milliseconds and a
`Z` (`2024-01-01T00:00:00.000Z`); `Execution.RedriveCount` is 0 until an execution is redriven.
"""

import json
import re
from collections.abc import Callable
from typing import Any

Run = Callable[..., dict[str, Any]]
AWS_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


def test_context_times_and_redrive_count(run: Run) -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "First",
        "States": {
            "First": {
                "Type": "Pass",
                "Assign": {"first": "{% $states.context %}"},
                "Next": "Second",
            },
            "Second": {
                "Type": "Pass",
                "Output": {"first": "{% $first %}", "second": "{% $states.context %}"},
                "End": True,
            },
        },
    }
    output = json.loads(run(definition)["output"])
    first, second = output["first"], output["second"]

    assert first["Execution"]["RedriveCount"] == 0
    assert AWS_TIME.fullmatch(first["Execution"]["StartTime"])
    assert AWS_TIME.fullmatch(first["State"]["EnteredTime"])
    assert AWS_TIME.fullmatch(second["State"]["EnteredTime"])
    assert first["Execution"]["StartTime"] <= first["State"]["EnteredTime"]
    assert first["State"]["EnteredTime"] <= second["State"]["EnteredTime"]
    assert second["State"]["Name"] == "Second"


def test_jsonpath_context_has_the_same_fields(run: Run) -> None:
    definition = {
        "StartAt": "Read",
        "States": {
            "Read": {
                "Type": "Pass",
                "Parameters": {
                    "redrives.$": "$$.Execution.RedriveCount",
                    "entered.$": "$$.State.EnteredTime",
                },
                "End": True,
            }
        },
    }
    output = json.loads(run(definition)["output"])

    assert output["redrives"] == 0
    assert AWS_TIME.fullmatch(output["entered"])
