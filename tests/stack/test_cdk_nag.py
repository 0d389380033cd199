"""cdk-nag's AwsSolutions pack runs on the app; every stage synthesizes with zero open findings."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from aws_cdk import App, Validations
from aws_cdk import aws_sqs as sqs

from leaderboard.definitions import WORKFLOWS
from stacks.cdk_context import cdk_json_context
from stacks.leaderboard_app import build_stack
from stacks.leaderboard_stack import _construct_id
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


def _stage_wide(stack: str, region: str) -> list[str]:
    """Acknowledgements outside the workflows: the bridge Lambda, the daily close, the
    ScoreReported rule's dead-letter queue and the HTTP API (public reads, API keys instead of
    a user pool, no WAF, API Gateway's log role)."""
    close_role = f"{stack}/ClosePeriod/Role:AwsSolutions::AwsSolutions-IAM5"
    api = f"{stack}/HttpApi/Api"
    return [
        f"{stack}/ScoreReports/DeadLetterQueue:AwsSolutions::AwsSolutions-SQS3",
        f"{api}:AwsSolutions::AwsSolutions-APIG4",
        f"{api}:AwsSolutions::AwsSolutions-COG4",
        f"{api}/DeploymentStage.api:AwsSolutions::AwsSolutions-APIG3",
        f"{api}/CloudWatchRole:AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:"
        "iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
        f"{stack}/MomentoBridge/Function/ServiceRole:AwsSolutions::AwsSolutions-IAM4"
        "[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        f"{stack}/MomentoBridge/Function/ServiceRole:AwsSolutions::AwsSolutions-IAM5[Resource::*]",
        f"{stack}/MomentoBridge/CallerSecret:AwsSolutions::AwsSolutions-SMG4",
        f"{stack}/DailyClose/ArchiveBucket:AwsSolutions::AwsSolutions-S1",
        f"{stack}/DailyClose/ScheduleDeadLetterQueue:AwsSolutions::AwsSolutions-SQS3",
        f"{close_role}[Resource::<DailyCloseArchiveBucket466DC442.Arn>/*]",
        f"{close_role}[Resource::arn:aws:states:{region}:<AWS::AccountId>:"
        f"execution:{stack}-close-period:*]",
    ]


def test_each_acknowledgement_is_justified(dev: SynthesizedStage, prod: SynthesizedStage) -> None:
    # One acknowledgement per workflow role (X-Ray and log delivery), plus SF1 per machine in
    # prod, plus the bridge's and the daily close's own.
    workflows = [_construct_id(each.name) for each in WORKFLOWS]
    iam5 = "Role:AwsSolutions::AwsSolutions-IAM5[Resource::*]"
    dev_acknowledged = _acknowledged(dev)
    assert sorted(dev_acknowledged) == sorted(
        [f"leaderboard-dev/{w}/{iam5}" for w in workflows]
        + _stage_wide("leaderboard-dev", "us-east-1")
    )
    prod_acknowledged = _acknowledged(prod)
    assert sorted(prod_acknowledged) == sorted(
        [f"leaderboard-prod/{w}/{iam5}" for w in workflows]
        + [f"leaderboard-prod/{w}/StateMachine:AwsSolutions::AwsSolutions-SF1" for w in workflows]
        + _stage_wide("leaderboard-prod", "ap-northeast-1")
    )
    for reason in (*dev_acknowledged.values(), *prod_acknowledged.values()):
        assert len(reason) > 40


def test_a_non_compliant_resource_fails_synthesis(tmp_path: Path) -> None:
    """Proves the pack is really wired in: an unencrypted, non-TLS queue must be refused."""
    app = App(
        outdir=str(tmp_path), context=cdk_json_context({"stageName": "dev", "region": "us-east-1"})
    )
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
