"""The scheduled close of periodic boards: archive bucket, schedules, dead-letter queue, alarms.

Built in two steps because the definitions need the bucket's name before the state machines
exist: `DailyClose(...)` creates the bucket (its name goes into the `ArchiveBucket`
substitution), then `bind(close_period)` adds what needs the `close-period` state machine:
one EventBridge Scheduler schedule per periodic board (cron at the board's cutover in its
own time zone), the permissions the workflow needs beyond its base role, and the alarms.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, cast

from aws_cdk import Acknowledgment, ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from leaderboard.definitions import workflow
from leaderboard.naming import state_machine_name
from leaderboard.period_rules import (
    SCHEDULE_MAX_EVENT_AGE_SECONDS,
    SCHEDULE_RETRY_ATTEMPTS,
    CloseSchedule,
)
from stacks.stage_config import StageConfig
from stacks.workflow_state_machine import WorkflowStateMachine

# Archives move to infrequent access after a month and expire after about 13 months: a year
# of history stays comparable with the same day of the previous year.
ARCHIVE_INFREQUENT_ACCESS_AFTER: Final = Duration.days(30)
ARCHIVE_EXPIRES_AFTER: Final = Duration.days(400)


class DailyClose(Construct):
    """Archive bucket + close schedules + DLQ + alarms for one stage."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        schedules: Sequence[CloseSchedule],
    ) -> None:
        super().__init__(scope, construct_id)
        self._config = config
        self._schedules = tuple(schedules)
        self.archive_bucket = s3.Bucket(
            self,
            "ArchiveBucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=False,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="age-out-archives",
                    transitions=[
                        s3.Transition(
                            storage_class=s3.StorageClass.INFREQUENT_ACCESS,
                            transition_after=ARCHIVE_INFREQUENT_ACCESS_AFTER,
                        )
                    ],
                    expiration=ARCHIVE_EXPIRES_AFTER,
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
            removal_policy=(
                RemovalPolicy.RETAIN if config.is_production else RemovalPolicy.DESTROY
            ),
        )
        self.dead_letter_queue = sqs.Queue(
            self,
            "ScheduleDeadLetterQueue",
            queue_name=config.resource_name("close-period-dlq"),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        self.schedule_group = scheduler.CfnScheduleGroup(
            self, "ScheduleGroup", name=config.resource_name("close-period")
        )
        self.schedules: list[scheduler.CfnSchedule] = []
        self._justify_findings()

    def bind(self, close_period: WorkflowStateMachine) -> None:
        """Schedules, permissions and alarms for the deployed `close-period` workflow."""
        state_machine = close_period.state_machine
        self._grant_workflow(close_period)
        scheduler_role = iam.Role(
            self,
            "SchedulerRole",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                # Confused-deputy guard, as EventBridge Scheduler documents it: only schedules
                # of this stage's group (the ARN must be the group's) in this account.
                conditions={
                    "ArnEquals": {"aws:SourceArn": self.schedule_group.attr_arn},
                    "StringEquals": {"aws:SourceAccount": Stack.of(self).account},
                },
            ),
        )
        scheduler_role.add_to_policy(
            iam.PolicyStatement(
                actions=["states:StartExecution"], resources=[state_machine.state_machine_arn]
            )
        )
        scheduler_role.add_to_policy(
            iam.PolicyStatement(
                actions=["sqs:SendMessage"], resources=[self.dead_letter_queue.queue_arn]
            )
        )
        for schedule in self._schedules:
            self.schedules.append(
                scheduler.CfnSchedule(
                    self,
                    f"Close-{schedule.leaderboard}",
                    name=schedule.leaderboard,
                    group_name=self.schedule_group.ref,
                    description=schedule.description,
                    schedule_expression=schedule.expression,
                    schedule_expression_timezone=schedule.timezone,
                    flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(
                        mode="OFF"
                    ),
                    target=scheduler.CfnSchedule.TargetProperty(
                        arn=state_machine.state_machine_arn,
                        role_arn=scheduler_role.role_arn,
                        input=schedule.target_input,
                        retry_policy=scheduler.CfnSchedule.RetryPolicyProperty(
                            maximum_event_age_in_seconds=SCHEDULE_MAX_EVENT_AGE_SECONDS,
                            maximum_retry_attempts=SCHEDULE_RETRY_ATTEMPTS,
                        ),
                        dead_letter_config=scheduler.CfnSchedule.DeadLetterConfigProperty(
                            arn=self.dead_letter_queue.queue_arn
                        ),
                    ),
                )
            )
        self.failed_alarm = cloudwatch.Alarm(
            self,
            "ClosePeriodFailedAlarm",
            alarm_name=self._config.resource_name("close-period-failed"),
            alarm_description="A close-period execution failed, timed out or was aborted",
            metric=cloudwatch.MathExpression(
                expression="failed + timedOut + aborted",
                using_metrics={
                    "failed": state_machine.metric_failed(statistic="Sum"),
                    "timedOut": state_machine.metric_timed_out(statistic="Sum"),
                    "aborted": state_machine.metric_aborted(statistic="Sum"),
                },
                period=Duration.minutes(5),
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.dead_letter_alarm = cloudwatch.Alarm(
            self,
            "ScheduleDeadLetterAlarm",
            alarm_name=self._config.resource_name("close-period-dlq"),
            alarm_description="A scheduled close could not be started after all retries",
            metric=self.dead_letter_queue.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(5), statistic="Maximum"
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )

    def _grant_workflow(self, close_period: WorkflowStateMachine) -> None:
        """What close-period calls beyond the base role: S3, its own executions, /cache DELETE."""
        role = close_period.role
        name = state_machine_name(self._config.stage_name, workflow("close-period").name)
        stack = Stack.of(self)
        own_arn = stack.format_arn(
            service="states",
            resource="stateMachine",
            resource_name=name,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        # Writes the parts and the manifest; reads an earlier attempt's manifest back.
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:PutObject", "s3:GetObject"],
                resources=[self.archive_bucket.arn_for_objects("*")],
            )
        )
        # listObjectsV2 with the archive's key as prefix: "is this period archived?"
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:ListBucket"], resources=[self.archive_bucket.bucket_arn]
            )
        )
        # The hand-over to the execution named {leaderboard}-{period}: the machine starts and
        # describes executions of itself only. ARNs are built from the fixed name, so the role
        # does not depend on the state machine.
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["states:StartExecution"],
                resources=[own_arn],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["states:DescribeExecution"],
                resources=[
                    stack.format_arn(
                        service="states",
                        resource="execution",
                        resource_name=f"{name}:*",
                        arn_format=ArnFormat.COLON_RESOURCE_NAME,
                    )
                ],
            )
        )
        cache_route = f"{self._config.momento_endpoint}/cache/{self._config.cache_name}"
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["states:InvokeHTTPEndpoint"],
                resources=[own_arn],
                conditions={
                    "StringEquals": {
                        "states:HTTPEndpoint": cache_route,
                        "states:HTTPMethod": "DELETE",
                    }
                },
            )
        )
        self._justify_workflow_wildcards(role, name)

    def _justify_workflow_wildcards(self, role: iam.IRole, name: str) -> None:
        stack = Stack.of(self)
        bucket = stack.get_logical_id(cast(s3.CfnBucket, self.archive_bucket.node.default_child))
        # cdk-nag names the resource as it appears in the template, tokens rendered <...>; the
        # partition is a literal where the region is known (@aws-cdk/core:enablePartitionLiterals).
        partition = "<AWS::Partition>" if Token.is_unresolved(stack.partition) else stack.partition
        account = "<AWS::AccountId>"
        executions = f"arn:{partition}:states:{stack.region}:{account}:execution:{name}:*"
        Validations.of(role).acknowledge(
            Acknowledgment(
                id=f"AwsSolutions::AwsSolutions-IAM5[Resource::<{bucket}.Arn>/*]",
                reason=(
                    "Archives are keyed {leaderboard}/{period}.json for boards and periods not "
                    "known at deploy time; the wildcard covers this one bucket's objects only."
                ),
            ),
            Acknowledgment(
                id=f"AwsSolutions::AwsSolutions-IAM5[Resource::{executions}]",
                reason=(
                    "DescribeExecution of the close's own executions, named {leaderboard}-"
                    "{period} at run time; the wildcard is limited to this state machine."
                ),
            ),
        )

    def _justify_findings(self) -> None:
        Validations.of(self.archive_bucket).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-S1",
                reason=(
                    "Only the close-period workflow writes and reads the archive, through its "
                    "own role; CloudTrail records those API calls. Server access logs would "
                    "need a second bucket with the same finding."
                ),
            )
        )
        Validations.of(self.dead_letter_queue).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-SQS3",
                reason=(
                    "This queue is the dead-letter queue of the close schedules (EventBridge "
                    "Scheduler's DeadLetterConfig), which cdk-nag cannot see."
                ),
            )
        )
