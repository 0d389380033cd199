"""`MomentoBridge`: the Lambda that serves the sorted-set HTTP routes with Momento's SDK.

Step Functions HTTP Tasks reach it through a function URL (HTTPS, publicly trusted
certificate). The URL's auth type is NONE because the caller cannot sign: the HTTP Task
authenticates through an EventBridge connection, which supports Basic, OAuth and API-key
headers, not SigV4. The bridge is not open for all that: the construct creates a random
caller secret in Secrets Manager, the stage's connection sends it as an invocation header
(`connection_headers`), and the bridge refuses any request without it (401) before it looks
at anything else; it reads the value from Secrets Manager (only the ARN is in its
environment). Keys then reach only the stage's Momento endpoint, and Momento checks them on
every call. Reserved concurrency caps what a flood can cost. See docs/momento-bridge.md.
"""

from __future__ import annotations

from typing import Final

from aws_cdk import (
    Acknowledgment,
    AssetHashType,
    BundlingOptions,
    CfnOutput,
    Duration,
    RemovalPolicy,
    Validations,
)
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from leaderboard import naming
from leaderboard.momento_contract.bridge_settings import (
    CALLER_SECRET_ARN_VARIABLE,
    CALLER_SECRET_HEADER,
    ENDPOINT_VARIABLE,
)
from stacks.momento_bridge_bundling import BRIDGE_DIR, BridgeBundle, LocalPipBundling

RUNTIME: Final = lambda_.Runtime.PYTHON_3_14  # the newest Python runtime CDK 2.275 offers
HANDLER: Final = "functions.momento_bridge.handler.handler"
DEFAULT_RESERVED_CONCURRENCY: Final = 10
CALLER_SECRET_LENGTH: Final = 64


class MomentoBridge(Construct):
    """The bridge function and its URL; `url` is the base URL serving `/sortedset/...`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: str,
        momento_endpoint: str,
        reserved_concurrency: int = DEFAULT_RESERVED_CONCURRENCY,
        architecture: lambda_.Architecture = lambda_.Architecture.ARM_64,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
        log_level: str = "INFO",
    ) -> None:
        """`momento_endpoint` (e.g. `cell-ap-northeast-1-1.prod.a.momentohq.com`) is the only
        endpoint the bridge connects to, whatever a key claims; it is not a secret."""
        super().__init__(scope, construct_id)
        if reserved_concurrency < 1:
            raise ValueError("reserved_concurrency: must be at least 1")
        if not momento_endpoint or "/" in momento_endpoint or ":" in momento_endpoint:
            raise ValueError(
                "momento_endpoint: a host name such as cell-us-east-1-1.prod.a.momentohq.com, "
                f"got {momento_endpoint!r}"
            )
        bundle = BridgeBundle(RUNTIME.name.removeprefix("python"), architecture.name)
        function_name = naming.function_name(stage, "momento_bridge")
        # CloudFormation generates the value: it is in no template, variable or definition. No
        # fixed name: a deleted secret's name stays taken for its recovery window.
        self.caller_secret = secretsmanager.Secret(
            self,
            "CallerSecret",
            description=f"Sent by the stage's EventBridge connection as {CALLER_SECRET_HEADER}",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                exclude_punctuation=True, password_length=CALLER_SECRET_LENGTH
            ),
            removal_policy=RemovalPolicy.DESTROY,
        )
        environment = {
            "POWERTOOLS_SERVICE_NAME": "momento-bridge",
            "POWERTOOLS_METRICS_NAMESPACE": "Leaderboard",
            "POWERTOOLS_LOG_LEVEL": log_level,
            ENDPOINT_VARIABLE: momento_endpoint,
            CALLER_SECRET_ARN_VARIABLE: self.caller_secret.secret_arn,
        }
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=function_name,
            runtime=RUNTIME,
            architecture=architecture,
            handler=HANDLER,
            code=lambda_.Code.from_asset(
                str(BRIDGE_DIR),
                asset_hash_type=AssetHashType.CUSTOM,
                asset_hash=bundle.fingerprint(),
                bundling=BundlingOptions(
                    image=RUNTIME.bundling_image,  # required by the type; never used
                    local=LocalPipBundling(bundle),
                ),
            ),
            memory_size=256,
            # The SDK's Lambda configuration: 1.1 s deadline, 3 attempts; the HTTP Task waits 60 s.
            timeout=Duration.seconds(10),
            reserved_concurrent_executions=reserved_concurrency,
            tracing=lambda_.Tracing.ACTIVE,
            environment=environment,
            log_group=logs.LogGroup(
                self,
                "Logs",
                log_group_name=f"/aws/lambda/{function_name}",
                retention=log_retention,
                removal_policy=RemovalPolicy.DESTROY,
            ),
        )
        self.caller_secret.grant_read(self.function)
        self.function_url = self.function.add_function_url(
            auth_type=lambda_.FunctionUrlAuthType.NONE
        )
        self.url: str = self.function_url.url
        CfnOutput(self, "Url", value=self.url, description="Base URL of the sorted-set routes")
        CfnOutput(
            self,
            "CallerSecretArn",
            value=self.caller_secret.secret_arn,
            description=(
                f"The secret sent as {CALLER_SECRET_HEADER}: rotate it as in docs/momento-bridge.md"
            ),
        )
        self._justify_findings()

    def connection_headers(self) -> dict[str, events.HttpParameter]:
        """The invocation header the stage's connection must send: the caller secret."""
        return {
            CALLER_SECRET_HEADER: events.HttpParameter.from_secret(self.caller_secret.secret_value)
        }

    def _justify_findings(self) -> None:
        Validations.of(self.caller_secret).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-SMG4",
                reason=(
                    "Rotated by hand (docs/momento-bridge.md): the connection copies the value "
                    "at deploy time, so an automatic rotation would lock the workflows out."
                ),
            )
        )
        role = self.function.role
        assert role is not None  # a Function always creates its role when none is given
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
                reason="AWSLambdaBasicExecutionRole only lets the function write its own logs.",
            ),
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-IAM5[Resource::*]",
                reason=(
                    "Added by CDK for X-Ray tracing: xray:PutTraceSegments and "
                    "xray:PutTelemetryRecords support no resource-level permissions."
                ),
            ),
        )
