"""Scores reported as events: a rule on the stage's bus starts submit-score, no code between.

The rule's target is the state machine (EventBridge calls StartExecution, asynchronously:
submit-score is EXPRESS and its answer goes nowhere) with the event's `detail` as the input.
A start that fails (throttled, state machine missing) is retried by EventBridge, then the
event goes to a dead-letter queue; an execution that starts and fails (a bad score) is the
workflow's, in its log group. Values shared with the local stack: `leaderboard.score_events`.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, Stack, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from leaderboard import score_events
from leaderboard.naming import score_reports_dead_letter_queue_name
from stacks.stage_config import StageConfig


class ScoreReports(Construct):
    """The `ScoreReported` rule, its submit-score target and the target's dead-letter queue."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        event_bus: events.IEventBus,
        submit_score: sfn.IStateMachine,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dead_letter_queue = sqs.Queue(
            self,
            "DeadLetterQueue",
            queue_name=score_reports_dead_letter_queue_name(config.stage_name),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        rule_name = config.resource_name("score-reported")
        stack = Stack.of(self)
        # The rule's role, trusted by this rule only (confused-deputy guard, as EventBridge
        # documents it); CDK's default role would trust any rule of any account.
        self.role = iam.Role(
            self,
            "StartRole",
            assumed_by=iam.ServicePrincipal(
                "events.amazonaws.com",
                conditions={
                    "ArnEquals": {
                        "aws:SourceArn": stack.format_arn(
                            service="events",
                            resource="rule",
                            resource_name=f"{config.event_bus_name}/{rule_name}",
                        )
                    },
                    "StringEquals": {"aws:SourceAccount": stack.account},
                },
            ),
        )
        self.rule = events.Rule(
            self,
            "Rule",
            rule_name=rule_name,
            description="ScoreReported events start submit-score with the event's detail",
            event_bus=event_bus,
            event_pattern=events.EventPattern(
                detail_type=list(score_events.EVENT_PATTERN["detail-type"])
            ),
            targets=[
                targets.SfnStateMachine(
                    submit_score,
                    input=events.RuleTargetInput.from_event_path(score_events.INPUT_PATH),
                    dead_letter_queue=self.dead_letter_queue,
                    retry_attempts=score_events.RETRY_ATTEMPTS,
                    max_event_age=Duration.seconds(score_events.MAX_EVENT_AGE_SECONDS),
                    role=self.role,
                )
            ],
        )
        Validations.of(self.dead_letter_queue).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-SQS3",
                reason=(
                    "This queue is the dead-letter queue of the ScoreReported rule's target: "
                    "a dead-letter queue has no dead-letter queue of its own."
                ),
            )
        )
