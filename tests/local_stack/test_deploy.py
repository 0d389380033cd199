"""Deploying renders the product's own files with the shared substitutions, idempotently."""

import json
from pathlib import Path

import pytest

from leaderboard.definitions import WORKFLOWS, Workflow, render_definition, substitutions
from leaderboard.local.stack import LocalStack
from leaderboard.local.stepfunctions.deploy import deploy_workflow, deploy_workflows


def test_every_workflow_is_deployed_from_its_file_with_the_shared_substitutions(
    stack: LocalStack,
) -> None:
    sfn = stack.client("stepfunctions")
    expected = substitutions(stack.definition_settings())
    for workflow in WORKFLOWS:
        described = sfn.describe_state_machine(
            stateMachineArn=stack.state_machine_arn(workflow.name)
        )
        assert described["definition"] == render_definition(workflow, expected)
        assert "${" not in described["definition"]
        assert described["type"] == workflow.type
        assert described["tracingConfiguration"] == {"enabled": True}
        assert described["loggingConfiguration"]["level"] == "ALL"


def test_redeploying_unchanged_files_changes_nothing(stack: LocalStack) -> None:
    assert {d.action for d in stack.deploy()} == {"unchanged"}


def _scratch(tmp_path: Path, result: object) -> Workflow:
    file = tmp_path / "scratch.asl.json"
    definition = {
        "StartAt": "Only",
        "States": {
            "Only": {
                "Type": "Pass",
                "Result": {"value": result, "bus": "${EventBusName}"},
                "End": True,
            }
        },
    }
    file.write_text(json.dumps(definition), encoding="utf-8")
    return Workflow(name="scratch", file=file, type="STANDARD")


def test_a_changed_file_updates_the_machine_in_place(stack: LocalStack, tmp_path: Path) -> None:
    sfn, logs = stack.client("stepfunctions"), stack.client("logs")
    values = substitutions(stack.definition_settings())
    first = deploy_workflow(
        sfn, logs, stage="scratch", workflow=_scratch(tmp_path, 1), substitutions=values
    )
    try:
        again = deploy_workflow(
            sfn, logs, stage="scratch", workflow=_scratch(tmp_path, 1), substitutions=values
        )
        changed = deploy_workflow(
            sfn, logs, stage="scratch", workflow=_scratch(tmp_path, 2), substitutions=values
        )
        assert (first.action, again.action, changed.action) == ("created", "unchanged", "updated")
        assert first.state_machine_arn == changed.state_machine_arn
        definition = json.loads(
            sfn.describe_state_machine(stateMachineArn=changed.state_machine_arn)["definition"]
        )
        assert definition["States"]["Only"]["Result"] == {"value": 2, "bus": stack.event_bus_name}
    finally:
        sfn.delete_state_machine(stateMachineArn=first.state_machine_arn)


def test_an_unresolved_placeholder_deploys_nothing(stack: LocalStack, tmp_path: Path) -> None:
    good = _scratch(tmp_path, 1)
    bad_file = tmp_path / "bad.asl.json"
    bad_file.write_text(
        '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Comment": "${Nope}", "End": true}}}'
    )
    bad = Workflow(name="bad", file=bad_file, type="EXPRESS")
    sfn = stack.client("stepfunctions")
    before = sfn.list_state_machines()["stateMachines"]
    with pytest.raises(ValueError, match=r"\$\{Nope\}"):
        deploy_workflows(
            sfn,
            stack.client("logs"),
            stage="scratch",
            workflows=[good, bad],
            substitutions=substitutions(stack.definition_settings()),
        )
    assert sfn.list_state_machines()["stateMachines"] == before
