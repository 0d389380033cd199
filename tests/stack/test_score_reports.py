"""The ScoreReported rule: submit-score as its target, no function, a retry policy and a DLQ."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Match

from leaderboard import score_events
from tests.stack.conftest import SynthesizedStage


def _rule(stage: SynthesizedStage) -> dict[str, Any]:
    rules = stage.template.find_resources(
        "AWS::Events::Rule", {"Properties": {"Name": "leaderboard-dev-score-reported"}}
    )
    (rule,) = rules.values()
    return dict(rule["Properties"])


def test_rule_on_the_stage_bus_starts_submit_score_with_the_detail(dev: SynthesizedStage) -> None:
    rule = _rule(dev)
    assert rule["EventPattern"] == score_events.EVENT_PATTERN
    (bus,) = dev.template.find_resources("AWS::Events::EventBus")
    assert rule["EventBusName"] == {"Ref": bus}
    (target,) = rule["Targets"]
    (submit_score,) = dev.template.find_resources(
        "AWS::StepFunctions::StateMachine",
        {"Properties": {"StateMachineName": "leaderboard-dev-submit-score"}},
    )
    assert target["Arn"] == {"Ref": submit_score}
    assert target["InputPath"] == score_events.INPUT_PATH
    assert target["RetryPolicy"] == {
        "MaximumRetryAttempts": score_events.RETRY_ATTEMPTS,
        "MaximumEventAgeInSeconds": score_events.MAX_EVENT_AGE_SECONDS,
    }
    (queue,) = dev.template.find_resources(
        "AWS::SQS::Queue", {"Properties": {"QueueName": "leaderboard-dev-score-reports-dlq"}}
    )
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [queue, "Arn"]}}


def test_the_rules_role_may_start_submit_score_only(dev: SynthesizedStage) -> None:
    role_ref = _rule(dev)["Targets"][0]["RoleArn"]["Fn::GetAtt"][0]
    policies = dev.template.find_resources(
        "AWS::IAM::Policy", {"Properties": {"Roles": [{"Ref": role_ref}]}}
    )
    (policy,) = policies.values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "states:StartExecution"
    assert statement["Resource"] == {"Ref": _rule(dev)["Targets"][0]["Arn"]["Ref"]}


def test_only_the_rule_may_send_to_the_dead_letter_queue(dev: SynthesizedStage) -> None:
    dev.template.has_resource_properties(
        "AWS::SQS::QueuePolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": "sqs:SendMessage",
                                "Principal": {"Service": "events.amazonaws.com"},
                                "Condition": {"ArnEquals": {"aws:SourceArn": Match.any_value()}},
                            }
                        )
                    ]
                )
            }
        },
    )
