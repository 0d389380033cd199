"""Create, Update and ValidateStateMachineDefinition refuse what AWS refuses, in AWS's shapes.

Expected codes, messages and locations follow AWS's answers as recorded against real AWS
(LocalStack's validation snapshots and its issue #11978) where one exists; elsewhere the
codes are the documented `ValidateStateMachineDefinitionDiagnostic` codes.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from leaderboard.definitions import WORKFLOWS, DefinitionSettings, render_definition, substitutions
from tests.stepfunctions.conftest import ROLE_ARN

_names = itertools.count()

_VALID: dict[str, Any] = {
    "QueryLanguage": "JSONata",
    "StartAt": "A",
    "States": {"A": {"Type": "Pass", "Output": "{% $states.input %}", "End": True}},
}
# Recorded on AWS: a Next to a missing state, which leaves "pass2" unreachable.
_MISSING_NEXT: dict[str, Any] = {
    "StartAt": "pass1",
    "States": {
        "pass1": {"Type": "Pass", "Next": "pass3"},
        "pass2": {"Type": "Pass", "End": True},
    },
}


def _machine(states: dict[str, Any], start: str = "A", language: str = "JSONata") -> dict[str, Any]:
    return {"QueryLanguage": language, "StartAt": start, "States": states}


def _validate(sfn: Any, definition: Any, **extra: Any) -> dict[str, Any]:
    text = definition if isinstance(definition, str) else json.dumps(definition)
    answer: dict[str, Any] = sfn.validate_state_machine_definition(definition=text, **extra)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    return answer


def _codes(answer: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [(d["code"], d["message"], d.get("location")) for d in answer["diagnostics"]]


def _create(sfn: Any, definition: dict[str, Any], machine_type: str = "STANDARD") -> str:
    name = f"validation-{next(_names)}"
    sfn.create_state_machine(
        name=name, definition=json.dumps(definition), roleArn=ROLE_ARN, type=machine_type
    )
    return name


def test_create_refuses_a_next_to_a_missing_state_as_aws_words_it(sfn: Any) -> None:
    before = {m["name"] for m in sfn.list_state_machines()["stateMachines"]}
    with pytest.raises(ClientError) as refused:
        _create(sfn, _MISSING_NEXT)
    error = refused.value.response["Error"]
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error["Code"] == "InvalidDefinition"
    assert error["Message"] == (
        "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: "
        'pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not '
        "reachable. at /States/pass2'"
    )
    assert {m["name"] for m in sfn.list_state_machines()["stateMachines"]} == before


def test_update_refuses_an_invalid_definition_and_keeps_the_old_one(sfn: Any) -> None:
    name = _create(sfn, _VALID)
    arn = next(
        m["stateMachineArn"]
        for m in sfn.list_state_machines()["stateMachines"]
        if m["name"] == name
    )
    with pytest.raises(ClientError) as refused:
        sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(_MISSING_NEXT))
    assert refused.value.response["Error"]["Code"] == "InvalidDefinition"
    assert "Missing 'Next' target: pass3" in refused.value.response["Error"]["Message"]
    assert json.loads(sfn.describe_state_machine(stateMachineArn=arn)["definition"]) == _VALID


def test_create_refuses_a_waitfortasktoken_on_an_express_machine(sfn: Any) -> None:
    definition = _machine(
        {
            "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "End": True,
            }
        }
    )
    _create(sfn, definition, "STANDARD")
    with pytest.raises(ClientError) as refused:
        _create(sfn, definition, "EXPRESS")
    assert refused.value.response["Error"]["Message"] == (
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine "
        "does not support '.waitForTaskToken' service integration  at /States/A/Resource'"
    )


def test_validate_answers_ok_for_a_valid_definition(sfn: Any) -> None:
    answer = _validate(sfn, _VALID)
    assert (answer["result"], answer["diagnostics"], answer["truncated"]) == ("OK", [], False)


def test_every_product_definition_validates_and_creates(sfn: Any) -> None:
    settings = DefinitionSettings(
        momento_sorted_set_endpoint="http://127.0.0.1:1",
        momento_endpoint="http://127.0.0.1:1",
        cache_name="games",
        connection_arn="arn:aws:events:us-east-1:123456789012:connection/momento/1",
        event_bus_name="leaderboard-test",
        archive_bucket="leaderboard-test-archive",
    )
    for workflow in WORKFLOWS:
        definition = render_definition(workflow, substitutions(settings))
        answer = _validate(sfn, definition, type=workflow.type)
        assert (workflow.name, answer["result"], answer["diagnostics"]) == (workflow.name, "OK", [])


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        pytest.param(
            _MISSING_NEXT,
            [
                ("MISSING_TRANSITION_TARGET", "Missing 'Next' target: pass3", "/States/pass1/Next"),
                ("MISSING_TRANSITION_TARGET", 'State "pass2" is not reachable.', "/States/pass2"),
            ],
            id="missing-next",
        ),
        pytest.param(
            {},
            [("SCHEMA_VALIDATION_FAILED", "These fields are required: [States, StartAt]", "/")],
            id="empty-object",
        ),
        pytest.param(
            " ",
            [("SCHEMA_VALIDATION_FAILED", "Definition must be a valid JSON object", None)],
            id="blank",
        ),
        pytest.param(
            _machine({"A": {"Type": "Pass", "End": True}}, start="B"),
            [("MISSING_TRANSITION_TARGET", "Missing 'StartAt' target: B", "/StartAt")],
            id="missing-start",
        ),
        pytest.param(
            _machine({"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": True}}),
            [
                (
                    "SCHEMA_VALIDATION_FAILED",
                    "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole "
                    "state machine",
                    "/States/A",
                )
            ],
            id="jsonpath-state-in-jsonata-machine",
        ),
        pytest.param(
            _machine({"A": {"Type": "Pass", "Parameters": {"x.$": "$.y"}, "End": True}}),
            [
                (
                    "SCHEMA_VALIDATION_FAILED",
                    "Field 'Parameters' is not supported when QueryLanguage is JSONata",
                    "/States/A/Parameters",
                )
            ],
            id="parameters-on-jsonata",
        ),
        pytest.param(
            _machine(
                {
                    "A": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::http:invoke",
                        "Arguments": {},
                        "End": True,
                    }
                },
                language="JSONPath",
            ),
            [
                (
                    "SCHEMA_VALIDATION_FAILED",
                    "Field 'Arguments' is not supported when QueryLanguage is JSONPath",
                    "/States/A/Arguments",
                )
            ],
            id="arguments-on-jsonpath",
        ),
        pytest.param(
            _machine(
                {
                    "A": {
                        "Type": "Choice",
                        "Choices": [{"Condition": "{% true %}", "Next": "B"}],
                        "Default": "Nowhere",
                    },
                    "B": {"Type": "Succeed"},
                }
            ),
            [
                (
                    "MISSING_TRANSITION_TARGET",
                    "Missing 'Default' target: Nowhere",
                    "/States/A/Default",
                )
            ],
            id="choice-default",
        ),
        pytest.param(
            _machine(
                {
                    "A": {
                        "Type": "Choice",
                        "Choices": [{"Variable": "$.x", "BooleanEquals": True, "Next": "B"}],
                        "Default": "B",
                    },
                    "B": {"Type": "Succeed"},
                }
            ),
            [
                (
                    "SCHEMA_VALIDATION_FAILED",
                    f"Field '{field}' is not supported when QueryLanguage is JSONata",
                    f"/States/A/Choices/0/{field}",
                )
                for field in ("Variable", "BooleanEquals")
            ]
            + [
                (
                    "SCHEMA_VALIDATION_FAILED",
                    "These fields are required: [Condition]",
                    "/States/A/Choices/0",
                )
            ],
            id="jsonpath-choice-rule-on-jsonata",
        ),
        pytest.param(
            _machine(
                {
                    "A": {
                        "Type": "Parallel",
                        "Branches": [
                            {"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "A"}}}
                        ],
                        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Gone"}],
                        "End": True,
                    }
                }
            ),
            [
                (
                    "MISSING_TRANSITION_TARGET",
                    "Missing 'Next' target: Gone",
                    "/States/A/Catch/0/Next",
                ),
                (
                    "MISSING_TRANSITION_TARGET",
                    "Missing 'Next' target: A",
                    "/States/A/Branches/0/States/X/Next",
                ),
                ("MISSING_END_STATE", "Workflow has no terminal state", "/States/A/Branches/0"),
            ],
            id="catch-and-branch-targets",
        ),
        pytest.param(
            _machine({"A": {"Type": "Pass"}, "B": {"Type": "Pass", "Next": "B", "End": True}}),
            [
                (
                    "SCHEMA_VALIDATION_FAILED",
                    "A Pass state needs exactly one of 'Next' and 'End': true; it has neither "
                    "'Next' nor 'End': true",
                    "/States/A",
                ),
                (
                    "SCHEMA_VALIDATION_FAILED",
                    "A Pass state needs exactly one of 'Next' and 'End': true; it has both "
                    "'Next' and 'End'",
                    "/States/B",
                ),
                ("MISSING_TRANSITION_TARGET", 'State "B" is not reachable.', "/States/B"),
            ],
            id="next-or-end",
        ),
        pytest.param(
            _machine(
                {
                    "A": {
                        "Type": "Map",
                        "ItemProcessor": {
                            "StartAt": "A",
                            "States": {"A": {"Type": "Pass", "End": True}},
                        },
                        "End": True,
                    }
                }
            ),
            [
                (
                    "DUPLICATE_STATE_NAME",
                    "Duplicate State name: A",
                    "/States/A/ItemProcessor/States/A",
                )
            ],
            id="duplicate-name-across-scopes",
        ),
    ],
)
def test_validate_lists_what_aws_would_refuse(
    sfn: Any, definition: Any, expected: list[tuple[str, str, str | None]]
) -> None:
    answer = _validate(sfn, definition)
    assert answer["result"] == "FAIL"
    assert sorted(_codes(answer), key=str) == sorted(expected, key=str)
    assert all(d["severity"] == "ERROR" for d in answer["diagnostics"])
    assert answer["truncated"] is False


def test_validate_reports_json_syntax_errors(sfn: Any) -> None:
    answer = _validate(sfn, "not a definition")
    assert answer["result"] == "FAIL"
    [diagnostic] = answer["diagnostics"]
    assert diagnostic["code"] == "INVALID_JSON_DESCRIPTION"
    assert diagnostic["location"] == "line: 1, column: 1"


def test_validate_checks_express_rules_only_for_express(sfn: Any) -> None:
    definition = _machine(
        {
            "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution.sync:2",
                "End": True,
            }
        }
    )
    assert _validate(sfn, definition, type="STANDARD")["result"] == "OK"
    assert _codes(_validate(sfn, definition, type="EXPRESS")) == [
        (
            "SCHEMA_VALIDATION_FAILED",
            "Express state machine does not support '.sync' service integration ",
            "/States/A/Resource",
        )
    ]


def test_validate_truncates_at_max_results(sfn: Any) -> None:
    definition = _machine(
        {"A": {"Type": "Pass", "End": True}}
        | {f"Lost{index}": {"Type": "Pass", "End": True} for index in range(3)}
    )
    assert len(_validate(sfn, definition)["diagnostics"]) == 3
    answer = _validate(sfn, definition, maxResults=2)
    assert (answer["result"], len(answer["diagnostics"]), answer["truncated"]) == ("FAIL", 2, True)
