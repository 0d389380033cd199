"""The read workflows in the synthesized template, and the board rules map they all receive."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import pytest
from aws_cdk import CfnResource

from leaderboard.board_rules import BoardRulesError, load_board_rules, parse_board_rules
from leaderboard.definitions import DefinitionSettings, substitutions, workflow
from stacks.stage_config import StageConfig
from tests.stack.conftest import SynthesizedStage

READ_WORKFLOWS = ["get-standing", "get-leaderboard"]


def _properties(stage: SynthesizedStage, construct: Any) -> dict[str, Any]:
    (resource,) = [c for c in construct.node.children if CfnResource.is_cfn_resource(c)]
    logical_id = stage.stack.get_logical_id(resource)
    return cast(dict[str, Any], stage.template_json["Resources"][logical_id]["Properties"])


def _statements(stage: SynthesizedStage, name: str) -> list[dict[str, Any]]:
    """Every statement of the policy attached to the workflow's role."""
    role = stage.stack.workflows[name].role
    role_ref = {"Ref": stage.stack.get_logical_id(cast(CfnResource, role.node.default_child))}
    policies = stage.template.find_resources("AWS::IAM::Policy").values()
    (policy,) = [p for p in policies if p["Properties"]["Roles"] == [role_ref]]
    return cast(list[dict[str, Any]], policy["Properties"]["PolicyDocument"]["Statement"])


@pytest.mark.parametrize("name", READ_WORKFLOWS)
def test_read_workflows_are_traced_express_machines_named_for_the_stage(
    dev: SynthesizedStage, name: str
) -> None:
    machine = _properties(dev, dev.stack.workflows[name].state_machine)
    assert machine["StateMachineName"] == f"leaderboard-dev-{name}"
    assert machine["StateMachineType"] == "EXPRESS"
    assert machine["TracingConfiguration"] == {"Enabled": True}
    assert machine["LoggingConfiguration"]["Level"] == "ALL"
    asset = dev.outdir / f"asset.{machine['DefinitionS3Location']['Key']}"
    assert asset.read_text(encoding="utf-8") == workflow(name).file.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", READ_WORKFLOWS)
def test_prod_read_workflows_log_errors_without_data(prod: SynthesizedStage, name: str) -> None:
    logging = _properties(prod, prod.stack.workflows[name].state_machine)["LoggingConfiguration"]
    assert (logging["Level"], logging["IncludeExecutionData"]) == ("ERROR", False)


@pytest.mark.parametrize("name", READ_WORKFLOWS)
def test_read_roles_call_momento_and_may_not_put_events(dev: SynthesizedStage, name: str) -> None:
    own = _statements(dev, name)
    submit = _statements(dev, "submit-score")
    put_events = [s for s in submit if s["Action"] == "events:PutEvents"]
    assert len(put_events) == 1
    # Exactly submit-score's grants but for PutEvents, the submission receipts (GET/PUT on
    # /cache) and the standings topics (POST on /topics): the same Momento endpoint and
    # connection.
    writes = [s for s in submit if "StringEquals" in s.get("Condition", {})]
    assert len(writes) == 2
    assert [s for s in own if s["Action"] == "states:InvokeHTTPEndpoint"] != []
    assert [_without_own_arn(s) for s in own] == [
        _without_own_arn(s) for s in submit if s not in put_events + writes
    ]


def _without_own_arn(statement: dict[str, Any]) -> dict[str, Any]:
    """The statement with the state machine's own ARN (it differs per machine) left out."""
    if statement["Action"] == "states:InvokeHTTPEndpoint":
        return {key: value for key, value in statement.items() if key != "Resource"}
    return statement


def test_every_machine_gets_the_board_rules_of_boards_json(dev: SynthesizedStage) -> None:
    expected = substitutions(
        DefinitionSettings(
            momento_sorted_set_endpoint="https://unused",
            momento_endpoint="https://unused",
            cache_name="unused",
            connection_arn="unused",
            event_bus_name="unused",
            board_rules=load_board_rules(),
        )
    )["BoardRules"]
    for name, deployed in dev.stack.workflows.items():
        values = _properties(dev, deployed.state_machine)["DefinitionSubstitutions"]
        assert values["BoardRules"] == expected, name
    deployed = json.loads(json.loads(f'"{expected}"'))
    rules = parse_board_rules({key: deployed[key] for key in ("defaults", "boards", "prefixes")})
    # The example boards of boards.json: a lap-time prefix ranks ascending and keeps the best.
    assert rules.for_board("laps-monaco").order == "asc"
    assert rules.for_board("laps-monaco").update_mode == "best"
    assert rules.for_board("anything-else").default_page_size == 20


def test_a_boards_file_from_context_is_checked_before_synthesis(tmp_path: Path) -> None:
    boards = tmp_path / "boards.json"
    boards.write_text(json.dumps({"prefixes": {"laps-": {"order": "upwards"}}}), encoding="utf-8")
    with pytest.raises(BoardRulesError, match=r'boards.json: prefixes."laps-".order: must be'):
        StageConfig.from_context({"boardsFile": str(boards)}, region="us-east-1")
    boards.write_text(json.dumps({"boards": {"steps-jp": {"order": "asc"}}}), encoding="utf-8")
    config = StageConfig.from_context({"boardsFile": str(boards)}, region="us-east-1")
    assert config.board_rules.for_board("steps-jp").order == "asc"
