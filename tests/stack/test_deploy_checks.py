"""The checks AWS applies when a stage deploys, run before it does.

Every definition, rendered as CloudFormation would render it, passes the npm `asl-validator`
(pinned in package.json; it knows JSONata), and the synthesized template passes `cfn-lint`
with no error. Both are the real tools, so a definition or template that AWS would refuse at
deploy time fails `make test` instead.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import ManualArgs, lint

from leaderboard.definitions import (
    WORKFLOWS,
    DefinitionSettings,
    render_definition,
    substitutions,
)
from tests.stack.conftest import STAGE_CONTEXTS, SynthesizedStage

_REPOSITORY = Path(__file__).resolve().parents[2]
_ASL_VALIDATOR = _REPOSITORY / "node_modules" / ".bin" / "asl-validator"

# What the dev stage substitutes, with names as the stack gives them (the real values are
# CloudFormation tokens, resolved only at deploy time).
_DEV_SETTINGS = DefinitionSettings(
    momento_sorted_set_endpoint="https://api.cache.cell-us-east-1-1.prod.a.momentohq.com",
    momento_endpoint="https://api.cache.cell-us-east-1-1.prod.a.momentohq.com",
    cache_name="leaderboard-dev",
    connection_arn="arn:aws:events:us-east-1:123456789012:connection/leaderboard-dev-momento/1",
    event_bus_name="leaderboard-dev",
    archive_bucket="leaderboard-dev-archive",
)


def _asl_validator(*definitions: Path) -> subprocess.CompletedProcess[str]:
    if not _ASL_VALIDATOR.exists():
        pytest.fail(f"{_ASL_VALIDATOR} is missing: run `npm ci` (make test does)")
    arguments = [argument for path in definitions for argument in ("--json-path", str(path))]
    return subprocess.run(
        [str(_ASL_VALIDATOR), *arguments], capture_output=True, text=True, timeout=60, check=False
    )


def test_every_rendered_definition_passes_the_asl_validator(tmp_path: Path) -> None:
    values = substitutions(_DEV_SETTINGS)
    rendered = []
    for workflow in WORKFLOWS:
        path = tmp_path / f"{workflow.name}.asl.json"
        path.write_text(render_definition(workflow, values), encoding="utf-8")
        rendered.append(path)
    finished = _asl_validator(*rendered)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert finished.stdout.count("is valid") == len(WORKFLOWS)


def test_the_asl_validator_refuses_a_missing_target(tmp_path: Path) -> None:
    """The validator is live: a `Next` to a state that does not exist fails it."""
    path = tmp_path / "broken.asl.json"
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "Next": "Missing"}, "B": {"Type": "Succeed"}},
    }
    path.write_text(json.dumps(definition), encoding="utf-8")
    finished = _asl_validator(path)
    assert finished.returncode == 1
    assert "MISSING_TRANSITION_TARGET" in finished.stderr


def _cfn_lint_errors(template: dict[str, Any], region: str) -> list[str]:
    """cfn-lint's errors (warnings left out: CDK's own DependsOn pattern raises W3005)."""
    matches = lint(json.dumps(template), regions=[region], config=ManualArgs(regions=[region]))
    return [
        f"{match.rule.id} {'/'.join(map(str, match.path))}: {match.message}"
        for match in matches
        if match.rule.severity == "error"
    ]


@pytest.mark.parametrize("label", sorted(STAGE_CONTEXTS))
def test_synthesized_template_has_no_cfn_lint_error(
    synthesize: Callable[[str], SynthesizedStage], label: str
) -> None:
    stage = synthesize(label)
    assert _cfn_lint_errors(stage.template_json, str(STAGE_CONTEXTS[label]["region"])) == []


def test_cfn_lint_refuses_a_broken_state_machine() -> None:
    """cfn-lint is live: a state machine without its required RoleArn is an error."""
    template = {
        "Resources": {
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {"DefinitionString": "{}", "StateMachineType": "EXPRESS"},
            }
        }
    }
    errors = _cfn_lint_errors(template, "us-east-1")
    assert any("'RoleArn' is a required property" in error for error in errors), errors
