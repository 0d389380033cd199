"""The scheduled close in the synthesized template: schedules, DLQ, alarms, bucket, exact IAM.

Synthesized once per module through `build_stack` (cdk-nag runs at synthesis and fails on any
unacknowledged finding) with a boards file of its own, so the schedules under test do not
depend on the repository's example boards.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, cast

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App, CfnResource
from aws_cdk.assertions import Template
from constructs import IConstruct

from stacks.cdk_context import cdk_json_context
from stacks.leaderboard_app import build_stack
from stacks.leaderboard_stack import LeaderboardStack

BOARDS = {
    "boards": {
        "steps": {"period": "daily", "timezone": "Asia/Tokyo"},
        "steps-early": {"period": "daily", "timezone": "Asia/Tokyo", "cutoverHour": 3},
        "weekly-run": {"period": "weekly", "timezone": "America/New_York", "cutoverHour": 2},
        "season": {"period": "monthly", "timezone": "Pacific/Kiritimati"},
        "all-time": {"updateMode": "best"},
    },
    "prefixes": {"daily-": {"period": "daily"}},
}
ENDPOINT = "https://api.cache.cell-us-east-1-1.prod.a.momentohq.com"


class Synthesized:
    def __init__(self, stack: LeaderboardStack, template: Template) -> None:
        self.stack = stack
        self.template = template
        self.resources: dict[str, Any] = template.to_json()["Resources"]

    def logical_id(self, construct: IConstruct) -> str:
        if CfnResource.is_cfn_resource(construct):
            return self.stack.get_logical_id(cast(CfnResource, construct))
        (resource,) = [c for c in construct.node.children if CfnResource.is_cfn_resource(c)]
        return self.stack.get_logical_id(cast(CfnResource, resource))

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.resources.items() if v["Type"] == resource_type}

    def ref(self, construct: IConstruct) -> dict[str, str]:
        return {"Ref": self.logical_id(construct)}

    def arn(self, construct: IConstruct) -> dict[str, list[str]]:
        return {"Fn::GetAtt": [self.logical_id(construct), "Arn"]}


def _synthesize(tmp: Path, stage: str, region: str) -> Synthesized:
    boards_file = tmp / "boards.json"
    boards_file.write_text(json.dumps(BOARDS), encoding="utf-8")
    app = App(
        outdir=str(tmp / "cdk.out"),
        context=cdk_json_context(
            {"stageName": stage, "region": region, "boardsFile": str(boards_file)}
        ),
    )
    stack = build_stack(app)
    assembly = app.synth()  # raises on any unacknowledged cdk-nag finding
    template = Template.from_json(assembly.get_stack_by_name(stack.stack_name).template)
    return Synthesized(stack, template)


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return _synthesize(tmp_path_factory.mktemp("daily-close-dev"), "dev", "us-east-1")


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return _synthesize(tmp_path_factory.mktemp("daily-close-prod"), "prod", "ap-northeast-1")


def test_one_schedule_per_periodic_board_at_its_cutover_in_its_zone(dev: Synthesized) -> None:
    close = dev.stack.workflows["close-period"]
    daily = dev.stack.daily_close
    schedules = {
        props["Name"]: props
        for props in (r["Properties"] for r in dev.of_type("AWS::Scheduler::Schedule").values())
    }
    assert {
        name: (s["ScheduleExpression"], s["ScheduleExpressionTimezone"])
        for name, s in schedules.items()
    } == {
        "steps": ("cron(0 0 * * ? *)", "Asia/Tokyo"),
        "steps-early": ("cron(0 3 * * ? *)", "Asia/Tokyo"),
        "weekly-run": ("cron(0 2 ? * MON *)", "America/New_York"),
        "season": ("cron(0 0 1 * ? *)", "Pacific/Kiritimati"),
    }
    for name, schedule in schedules.items():
        assert schedule["GroupName"] == dev.ref(daily.schedule_group)
        assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
        target = schedule["Target"]
        assert target["Arn"] == dev.ref(close.state_machine)
        assert json.loads(target["Input"]) == {
            "leaderboard": name,
            "asOf": "<aws.scheduler.scheduled-time>",
        }
        assert target["RetryPolicy"] == {
            "MaximumEventAgeInSeconds": 21600,
            "MaximumRetryAttempts": 20,
        }
        assert target["DeadLetterConfig"] == {"Arn": dev.arn(daily.dead_letter_queue)}
        assert target["RoleArn"] == {
            "Fn::GetAtt": [dev.logical_id(daily.node.find_child("SchedulerRole")), "Arn"]
        }
    group = dev.resources[dev.logical_id(daily.schedule_group)]["Properties"]
    assert group["Name"] == "leaderboard-dev-close-period"


def test_the_dead_letter_queue_is_encrypted_and_keeps_messages_two_weeks(dev: Synthesized) -> None:
    queue = dev.resources[dev.logical_id(dev.stack.daily_close.dead_letter_queue)]["Properties"]
    assert queue["QueueName"] == "leaderboard-dev-close-period-dlq"
    assert queue["SqsManagedSseEnabled"] is True
    assert queue["MessageRetentionPeriod"] == 14 * 24 * 3600
    (policy,) = [
        r["Properties"]
        for r in dev.of_type("AWS::SQS::QueuePolicy").values()
        if dev.ref(dev.stack.daily_close.dead_letter_queue) in r["Properties"]["Queues"]
    ]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_alarms_fire_on_a_failed_close_and_on_a_dead_letter(dev: Synthesized) -> None:
    close = dev.stack.workflows["close-period"].state_machine
    alarms = {
        r["Properties"]["AlarmName"]: r["Properties"]
        for r in dev.of_type("AWS::CloudWatch::Alarm").values()
    }
    failed = alarms["leaderboard-dev-close-period-failed"]
    assert (failed["Threshold"], failed["EvaluationPeriods"]) == (1, 1)
    assert failed["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert failed["TreatMissingData"] == "notBreaching"
    metrics = {m["Id"]: m for m in failed["Metrics"]}
    assert metrics["expr_1"]["Expression"] == "failed + timedOut + aborted"
    for metric_id, name in [
        ("failed", "ExecutionsFailed"),
        ("timedOut", "ExecutionsTimedOut"),
        ("aborted", "ExecutionsAborted"),
    ]:
        stat = metrics[metric_id]["MetricStat"]
        assert stat["Metric"]["MetricName"] == name
        assert stat["Metric"]["Dimensions"] == [
            {"Name": "StateMachineArn", "Value": dev.ref(close)}
        ]
        assert (stat["Stat"], stat["Period"]) == ("Sum", 300)
    dead = alarms["leaderboard-dev-close-period-dlq"]
    assert dead["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert dead["Dimensions"] == [
        {
            "Name": "QueueName",
            "Value": {
                "Fn::GetAtt": [dev.logical_id(dev.stack.daily_close.dead_letter_queue), "QueueName"]
            },
        }
    ]


def test_the_archive_bucket_is_private_encrypted_tls_only_and_ages_out(
    dev: Synthesized, prod: Synthesized
) -> None:
    bucket_id = dev.logical_id(dev.stack.daily_close.archive_bucket)
    bucket = dev.resources[bucket_id]
    props = bucket["Properties"]
    assert props["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        ]
    }
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert props["LifecycleConfiguration"] == {
        "Rules": [
            {
                "Id": "age-out-archives",
                "Status": "Enabled",
                "Transitions": [{"StorageClass": "STANDARD_IA", "TransitionInDays": 30}],
                "ExpirationInDays": 400,
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
            }
        ]
    }
    (policy,) = dev.of_type("AWS::S3::BucketPolicy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert bucket["DeletionPolicy"] == "Delete"
    prod_bucket = prod.resources[prod.logical_id(prod.stack.daily_close.archive_bucket)]
    assert prod_bucket["DeletionPolicy"] == "Retain"


def test_the_definition_archives_to_the_stacks_bucket(dev: Synthesized) -> None:
    close = dev.resources[dev.logical_id(dev.stack.workflows["close-period"].state_machine)]
    assert close["Properties"]["StateMachineType"] == "STANDARD"
    assert close["Properties"]["StateMachineName"] == "leaderboard-dev-close-period"
    assert close["Properties"]["DefinitionSubstitutions"]["ArchiveBucket"] == dev.ref(
        dev.stack.daily_close.archive_bucket
    )


def _arn(region: str, kind: str, name: str) -> dict[str, Any]:
    return {
        "Fn::Join": [
            "",
            [
                f"arn:aws:states:{region}:",  # partition literal: the region is known
                {"Ref": "AWS::AccountId"},
                f":{kind}:{name}",
            ],
        ]
    }


def _statements(synthesized: Synthesized, role: IConstruct) -> list[dict[str, Any]]:
    role_ref = synthesized.ref(role)
    (policy,) = [
        r["Properties"]
        for r in synthesized.of_type("AWS::IAM::Policy").values()
        if role_ref in r["Properties"]["Roles"]
    ]
    return cast(list[dict[str, Any]], policy["PolicyDocument"]["Statement"])


def _canonical(statements: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(statement, sort_keys=True) for statement in statements)


def test_the_close_role_adds_exactly_archive_hand_over_and_reset(dev: Synthesized) -> None:
    close = dev.stack.workflows["close-period"]
    submit = dev.stack.workflows["submit-score"]
    name = "leaderboard-dev-close-period"
    bucket = dev.logical_id(dev.stack.daily_close.archive_bucket)
    own = _arn("us-east-1", "stateMachine", name)
    # Everything submit-score's role holds but its receipts (GET/PUT on /cache) and topics (POST),
    # pointed at this machine, plus the close's own.
    base = [
        statement | {"Resource": own}
        if statement["Action"] == "states:InvokeHTTPEndpoint"
        else statement
        for statement in _statements(dev, submit.role)
        if "StringEquals" not in statement.get("Condition", {})
    ]
    added = [
        {
            "Action": ["s3:GetObject", "s3:PutObject"],  # sorted by minimizePolicies
            "Effect": "Allow",
            "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/*"]]},
        },
        {"Action": "s3:ListBucket", "Effect": "Allow", "Resource": {"Fn::GetAtt": [bucket, "Arn"]}},
        {"Action": "states:StartExecution", "Effect": "Allow", "Resource": own},
        {
            "Action": "states:DescribeExecution",
            "Effect": "Allow",
            "Resource": _arn("us-east-1", "execution", f"{name}:*"),
        },
        {
            "Action": "states:InvokeHTTPEndpoint",
            "Effect": "Allow",
            "Resource": own,
            "Condition": {
                "StringEquals": {
                    "states:HTTPEndpoint": f"{ENDPOINT}/cache/leaderboard-dev",
                    "states:HTTPMethod": "DELETE",
                }
            },
        },
    ]
    assert _canonical(_statements(dev, close.role)) == _canonical(base + added)


def test_the_scheduler_role_may_only_start_the_close_and_dead_letter(dev: Synthesized) -> None:
    daily = dev.stack.daily_close
    role = daily.node.find_child("SchedulerRole")
    props = dev.resources[dev.logical_id(role)]["Properties"]
    assert props["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Condition": {
                "ArnEquals": {"aws:SourceArn": dev.arn(daily.schedule_group)},
                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
            },
            "Effect": "Allow",
            "Principal": {"Service": "scheduler.amazonaws.com"},
        }
    ]
    assert "ManagedPolicyArns" not in props
    assert _canonical(_statements(dev, role)) == _canonical(
        [
            {
                "Action": "states:StartExecution",
                "Effect": "Allow",
                "Resource": dev.ref(dev.stack.workflows["close-period"].state_machine),
            },
            {
                "Action": "sqs:SendMessage",
                "Effect": "Allow",
                "Resource": dev.arn(daily.dead_letter_queue),
            },
        ]
    )
