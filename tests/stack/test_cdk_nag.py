"""cdk-nag's AwsSolutions pack runs on the app; every stage synthesizes with zero open findings."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from aws_cdk import App, Validations
from aws_cdk import aws_sqs as sqs

from stacks.leaderboard_app import build_stack
from tests.stack.conftest import STAGE_CONTEXTS, SynthesizedStage


@pytest.mark.parametrize("label", sorted(STAGE_CONTEXTS))
def test_stage_has_no_unacknowledged_finding(
    synthesize: Callable[[str], SynthesizedStage], label: str
) -> None:
    stage = synthesize(label)  # synthesis itself fails on an open finding
    report = json.loads((stage.outdir / "validation-report.json").read_text())
    violations = [
        violation["ruleName"]
        for plugin in report["pluginReports"]
        for violation in plugin.get("violations", [])
    ]
    assert violations == []


def _acknowledged(stage: SynthesizedStage) -> dict[str, str]:
    key = Validations.ACKNOWLEDGED_RULES_METADATA_KEY
    found: dict[str, str] = {}
    for construct in stage.stack.node.find_all():
        for entry in construct.node.metadata:
            if entry.type == key:
                for rule, reason in entry.data.items():
                    found[f"{construct.node.path}:{rule}"] = reason
    return found


def test_each_acknowledgement_is_justified(dev: SynthesizedStage, prod: SynthesizedStage) -> None:
    assert sorted(_acknowledged(dev)) == [
        "leaderboard-dev/SubmitScore/Role:AwsSolutions::AwsSolutions-IAM5[Resource::*]"
    ]
    prod_acknowledged = _acknowledged(prod)
    assert sorted(prod_acknowledged) == [
        "leaderboard-prod/SubmitScore/Role:AwsSolutions::AwsSolutions-IAM5[Resource::*]",
        "leaderboard-prod/SubmitScore/StateMachine:AwsSolutions::AwsSolutions-SF1",
    ]
    assert all(len(reason) > 40 for reason in prod_acknowledged.values())


def test_a_non_compliant_resource_fails_synthesis(tmp_path: Path) -> None:
    """Proves the pack is really wired in: an unencrypted, non-TLS queue must be refused."""
    app = App(outdir=str(tmp_path), context={"stageName": "dev", "region": "us-east-1"})
    stack = build_stack(app)
    sqs.Queue(stack, "CarelessQueue")
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    rules = {
        violation["ruleName"]
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
    }
    assert "AwsSolutions-SQS4" in rules
