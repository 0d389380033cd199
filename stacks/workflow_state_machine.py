"""One product workflow deployed for a stage: its state machine, its own role and its log group.

The definition is the ASL file itself (`DefinitionBody.from_file`) with the substitutions that
`leaderboard.definitions.substitutions` also gives the local runtime, so AWS and a laptop run
the same text. The role grants exactly what the definitions call and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from aws_cdk import Acknowledgment, ArnFormat, RemovalPolicy, Stack, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from leaderboard.definitions import Workflow, task_resources
from leaderboard.naming import state_machine_log_group, state_machine_name
from stacks.stage_config import StageConfig

_PUT_EVENTS: Final = "arn:aws:states:::events:putEvents"


class WorkflowStateMachine(Construct):
    """A state machine for `workflow`, calling Momento through `connection`, publishing to `bus`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        workflow: Workflow,
        substitutions: Mapping[str, str],
        sorted_set_endpoint: str,
        connection: events.Connection,
        event_bus: events.IEventBus,
    ) -> None:
        super().__init__(scope, construct_id)
        name = state_machine_name(config.stage_name, workflow.name)
        # Only a workflow whose definition puts events may put them: the read workflows may not.
        publishes = _PUT_EVENTS in task_resources(workflow)
        self.role = self._role(
            config, name, sorted_set_endpoint, connection, event_bus if publishes else None
        )
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=state_machine_log_group(config.stage_name, workflow.name),
            retention=(
                logs.RetentionDays.ONE_YEAR if config.is_production else logs.RetentionDays.ONE_WEEK
            ),
            removal_policy=(
                RemovalPolicy.RETAIN if config.is_production else RemovalPolicy.DESTROY
            ),
        )
        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            state_machine_name=name,
            state_machine_type=sfn.StateMachineType(workflow.type),
            definition_body=sfn.DefinitionBody.from_file(str(workflow.file)),
            definition_substitutions=dict(substitutions),
            role=self.role,
            tracing_enabled=True,
            logs=sfn.LogOptions(
                destination=self.log_group,
                # Execution data holds player names and scores: full history outside prod for
                # debugging, only errors and no data in prod. X-Ray still traces every run.
                level=sfn.LogLevel.ERROR if config.is_production else sfn.LogLevel.ALL,
                include_execution_data=not config.is_production,
            ),
        )
        self._justify_findings(config)

    def _role(
        self,
        config: StageConfig,
        name: str,
        sorted_set_endpoint: str,
        connection: events.Connection,
        event_bus: events.IEventBus | None,
    ) -> iam.Role:
        # Named by CloudFormation from the stack name, which carries the stage: an explicit name
        # would need CAPABILITY_NAMED_IAM and could outgrow IAM's 64 characters.
        stack = Stack.of(self)
        role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal(
                "states.amazonaws.com",
                # Confused-deputy guard, as Step Functions documents it: only state machines
                # of this account and region may assume the role.
                conditions={
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="states",
                            resource="stateMachine",
                            resource_name="*",
                            arn_format=ArnFormat.COLON_RESOURCE_NAME,
                        )
                    },
                    "StringEquals": {"aws:SourceAccount": stack.account},
                },
            ),
        )
        # The state machine's ARN is built from its fixed name, not referenced, so the role
        # does not depend on the state machine it belongs to.
        own_arn = stack.format_arn(
            service="states",
            resource="stateMachine",
            resource_name=name,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        sorted_sets = f"{sorted_set_endpoint}/sortedset/{config.cache_name}"
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["states:InvokeHTTPEndpoint"],
                resources=[own_arn],
                conditions={
                    "StringLike": {"states:HTTPEndpoint": [sorted_sets, f"{sorted_sets}/*"]}
                },
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["events:RetrieveConnectionCredentials"],
                resources=[connection.connection_arn],
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                resources=[connection.connection_secret_arn],
            )
        )
        if event_bus is not None:
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["events:PutEvents"], resources=[event_bus.event_bus_arn]
                )
            )
        return role

    def _justify_findings(self, config: StageConfig) -> None:
        Validations.of(self.role).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-IAM5[Resource::*]",
                reason=(
                    "Added by CDK for X-Ray tracing and CloudWatch Logs delivery: these actions "
                    "(xray:PutTraceSegments, logs:CreateLogDelivery, ...) support no "
                    "resource-level permissions, so AWS documents Resource '*' for them."
                ),
            )
        )
        if config.is_production:
            Validations.of(self.state_machine).acknowledge(
                Acknowledgment(
                    id="AwsSolutions::AwsSolutions-SF1",
                    reason=(
                        "Production logs ERROR without execution data on purpose: execution data "
                        "carries player names and scores. X-Ray traces every execution and "
                        "non-production stages log ALL with data."
                    ),
                )
            )
