"""The stack of one stage: the event bus, the Momento connection and every product workflow."""

from __future__ import annotations

from typing import Any

from aws_cdk import ArnFormat, CfnOutput, Fn, SecretValue, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from constructs import Construct

from leaderboard.definitions import WORKFLOWS, DefinitionSettings, substitutions
from leaderboard.naming import STANDINGS_TOPIC_PREFIX, state_machine_name
from leaderboard.period_rules import close_schedules
from stacks.daily_close import DailyClose
from stacks.http_api import HttpApi
from stacks.momento_bridge import MomentoBridge
from stacks.score_reports import ScoreReports
from stacks.stage_config import StageConfig
from stacks.workflow_state_machine import WorkflowStateMachine


class LeaderboardStack(Stack):
    """Everything a stage needs; the Momento key itself lives outside, in Secrets Manager."""

    def __init__(
        self, scope: Construct, construct_id: str, *, config: StageConfig, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.event_bus = events.EventBus(self, "EventBus", event_bus_name=config.event_bus_name)
        # Sorted sets go to the configured URL, or to the bridge Lambda when the stage routes
        # them there: switching is a context change, the definitions stay as they are.
        sorted_set_endpoint = config.momento_sorted_set_endpoint
        self.bridge: MomentoBridge | None = None
        if sorted_set_endpoint is None:
            self.bridge = self._bridge(config)
            # The function URL ends in "/"; the definitions append "/sortedset/...".
            sorted_set_endpoint = "https://" + Fn.select(2, Fn.split("/", self.bridge.url))
        self.momento_connection = events.Connection(
            self,
            "MomentoConnection",
            connection_name=config.resource_name("momento"),
            description="Momento API key for the state machines' HTTP Tasks",
            # A dynamic reference: CloudFormation resolves it at deploy time, so the key never
            # appears in the template. The secret is created outside the stack (see
            # docs/architecture.md).
            authorization=events.Authorization.api_key(
                "Authorization", SecretValue.secrets_manager(config.momento_api_key_secret_name)
            ),
            # The bridge admits only requests carrying its caller secret (a dynamic reference
            # too); every HTTP Task of the stage sends it, Momento's own routes ignore it.
            header_parameters=self.bridge.connection_headers() if self.bridge else None,
        )
        # The archive bucket's name goes into the definitions; the schedules follow the workflows.
        self.daily_close = DailyClose(
            self, "DailyClose", config=config, schedules=close_schedules(config.board_rules)
        )
        values = substitutions(
            DefinitionSettings(
                momento_sorted_set_endpoint=sorted_set_endpoint,
                momento_endpoint=config.momento_endpoint,
                cache_name=config.cache_name,
                connection_arn=self.momento_connection.connection_arn,
                event_bus_name=self.event_bus.event_bus_name,
                board_rules=config.board_rules,
                archive_bucket=self.daily_close.archive_bucket.bucket_name,
            )
        )
        self.workflows = {
            workflow.name: WorkflowStateMachine(
                self,
                _construct_id(workflow.name),
                config=config,
                workflow=workflow,
                substitutions=values,
                sorted_set_endpoint=sorted_set_endpoint,
                connection=self.momento_connection,
                event_bus=self.event_bus,
            )
            for workflow in WORKFLOWS
        }
        self.daily_close.bind(self.workflows["close-period"])
        self._grant_submission_receipts(config, self.workflows["submit-score"])
        self._grant_standings_topics(config, self.workflows["submit-score"])
        self.score_reports = ScoreReports(
            self,
            "ScoreReports",
            config=config,
            event_bus=self.event_bus,
            submit_score=self.workflows["submit-score"].state_machine,
        )
        self.http_api = HttpApi(
            self,
            "HttpApi",
            config=config,
            state_machines={
                name: deployed.state_machine for name, deployed in self.workflows.items()
            },
        )
        for name, deployed in self.workflows.items():
            CfnOutput(
                self,
                f"{_construct_id(name)}StateMachineArn",
                value=deployed.state_machine.state_machine_arn,
            )
        CfnOutput(self, "HttpApiUrl", value=self.http_api.api.url)
        CfnOutput(self, "EventBusName", value=self.event_bus.event_bus_name)
        CfnOutput(self, "ArchiveBucketName", value=self.daily_close.archive_bucket.bucket_name)

    @staticmethod
    def _grant_submission_receipts(config: StageConfig, submit_score: WorkflowStateMachine) -> None:
        """submit-score reads and writes the receipts of increments with a submissionId
        (scalar items, Momento's own /cache route): GET and PUT there, nothing else."""
        own_arn = _submit_score_arn(config, submit_score)
        receipts = f"{config.momento_endpoint}/cache/{config.cache_name}"
        submit_score.role.add_to_policy(
            iam.PolicyStatement(
                actions=["states:InvokeHTTPEndpoint"],
                resources=[own_arn],
                conditions={
                    "StringEquals": {
                        "states:HTTPEndpoint": receipts,
                        "states:HTTPMethod": ["GET", "PUT"],
                    }
                },
            )
        )

    @staticmethod
    def _grant_standings_topics(config: StageConfig, submit_score: WorkflowStateMachine) -> None:
        """submit-score publishes each new standing to its board's topic (Momento's own
        /topics route, docs/workflows.md#live-standings): POST there, on standings topics only."""
        own_arn = _submit_score_arn(config, submit_score)
        topics = f"{config.momento_endpoint}/topics/{config.cache_name}/{STANDINGS_TOPIC_PREFIX}*"
        submit_score.role.add_to_policy(
            iam.PolicyStatement(
                actions=["states:InvokeHTTPEndpoint"],
                resources=[own_arn],
                conditions={
                    "StringLike": {"states:HTTPEndpoint": topics},
                    "StringEquals": {"states:HTTPMethod": "POST"},
                },
            )
        )

    def _bridge(self, config: StageConfig) -> MomentoBridge:
        return MomentoBridge(
            self,
            "MomentoBridge",
            stage=config.stage_name,
            # v2 keys do not embed their endpoint: the bridge's SDK uses the stage's cell.
            momento_endpoint=config.momento_endpoint.removeprefix("https://api.cache."),
            log_level="INFO" if config.is_production else "DEBUG",
        )


def _construct_id(workflow_name: str) -> str:
    """`submit-score` -> `SubmitScore`, the conventional shape of a construct id."""
    return "".join(part.capitalize() for part in workflow_name.split("-"))


def _submit_score_arn(config: StageConfig, submit_score: WorkflowStateMachine) -> str:
    """submit-score's own ARN, built from its name: the state machine's Ref would make its
    role's policy depend on the machine, which depends on the role."""
    return Stack.of(submit_score).format_arn(
        service="states",
        resource="stateMachine",
        resource_name=state_machine_name(config.stage_name, "submit-score"),
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )
