"""A JSONata Map state's ItemBatcher: accepted at create time, and each iteration gets one
batch, `{"Items": [...], "BatchInput": ...}`, of at most MaxItemsPerBatch items in order (the
shape of AWS's ItemBatcher documentation)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.stepfunctions.conftest import ROLE_ARN


def _batching_map(batcher: dict[str, Any]) -> dict[str, Any]:
    """A Distributed Map whose iterations echo their input, so the output lists the batches."""
    return {
        "QueryLanguage": "JSONata",
        "StartAt": "Batches",
        "States": {
            "Batches": {
                "Type": "Map",
                "Items": "{% $states.input.items %}",
                "ItemBatcher": batcher,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                    "StartAt": "Echo",
                    "States": {"Echo": {"Type": "Pass", "End": True}},
                },
                "End": True,
            }
        },
    }


def test_items_reach_the_iterations_in_batches_with_the_batch_input(
    run_standard: Callable[..., dict[str, Any]],
) -> None:
    definition = _batching_map(
        {"MaxItemsPerBatch": 2, "BatchInput": {"board": "{% $states.input.board %}", "n": 1}}
    )
    described = run_standard(definition, {"items": [{"p": 1}, {"p": 2}, {"p": 3}], "board": "b"})
    assert described["status"] == "SUCCEEDED", described
    batch_input = {"board": "b", "n": 1}
    assert json.loads(described["output"]) == [
        {"Items": [{"p": 1}, {"p": 2}], "BatchInput": batch_input},
        {"Items": [{"p": 3}], "BatchInput": batch_input},
    ]


def test_max_items_per_batch_may_be_an_expression_and_batch_input_absent(
    run_standard: Callable[..., dict[str, Any]],
) -> None:
    definition = _batching_map({"MaxItemsPerBatch": "{% $states.input.size %}"})
    described = run_standard(definition, {"items": [1, 2, 3, 4, 5], "size": 3})
    assert json.loads(described["output"]) == [{"Items": [1, 2, 3]}, {"Items": [4, 5]}]
    single = run_standard(definition, {"items": [7], "size": 3})
    assert json.loads(single["output"]) == [{"Items": [7]}]
    empty = run_standard(definition, {"items": [], "size": 3})
    assert json.loads(empty["output"]) == []


def test_a_max_items_per_batch_below_one_fails_the_execution(
    run_standard: Callable[..., dict[str, Any]],
) -> None:
    definition = _batching_map({"MaxItemsPerBatch": "{% $states.input.size %}"})
    described = run_standard(definition, {"items": [1, 2], "size": 0})
    assert described["status"] == "FAILED"
    assert "MaxItemsPerBatch must be a positive integer, got 0" in described["cause"]


def test_the_stored_definition_keeps_its_item_batcher(sfn: Any) -> None:
    definition = _batching_map({"MaxItemsPerBatch": 2})
    text = json.dumps(definition)
    assert sfn.validate_state_machine_definition(definition=text)["result"] == "OK"
    arn = sfn.create_state_machine(
        name="item-batcher-kept", definition=text, roleArn=ROLE_ARN, type="STANDARD"
    )["stateMachineArn"]
    assert sfn.describe_state_machine(stateMachineArn=arn)["definition"] == text


def test_a_jsonpath_batcher_field_on_a_jsonata_map_is_refused(sfn: Any) -> None:
    definition = _batching_map({"MaxItemsPerBatchPath": "$.size"})
    answer = sfn.validate_state_machine_definition(definition=json.dumps(definition))
    assert [(d["code"], d["location"]) for d in answer["diagnostics"]] == [
        ("SCHEMA_VALIDATION_FAILED", "/States/Batches/ItemBatcher/MaxItemsPerBatchPath")
    ]
