"""`MomentoBridge`: the Lambda that serves the sorted-set HTTP routes with Momento's SDK.

Step Functions HTTP Tasks reach it through a function URL (HTTPS, publicly trusted
certificate). The URL's auth type is NONE because the caller cannot sign: the HTTP Task
authenticates through an EventBridge connection, which supports Basic, OAuth and API-key
headers, not SigV4. The bridge is not open for all that: it refuses any request without a
Momento key (401, before any Momento call) and Momento checks the key on every call, so a
caller without a valid key reaches nothing. Reserved concurrency caps what a flood can cost.
See docs/momento-bridge.md.
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
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from leaderboard import naming
from stacks.momento_bridge_bundling import BRIDGE_DIR, BridgeBundle, LocalPipBundling

RUNTIME: Final = lambda_.Runtime.PYTHON_3_14  # the newest Python runtime CDK 2.275 offers
HANDLER: Final = "functions.momento_bridge.handler.handler"
DEFAULT_RESERVED_CONCURRENCY: Final = 10


class MomentoBridge(Construct):
    """The bridge function and its URL; `url` is the base URL serving `/sortedset/...`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: str,
        reserved_concurrency: int = DEFAULT_RESERVED_CONCURRENCY,
        momento_endpoint: str | None = None,
        architecture: lambda_.Architecture = lambda_.Architecture.ARM_64,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
        log_level: str = "INFO",
    ) -> None:
        """`momento_endpoint` (e.g. `cell-ap-northeast-1-1.prod.a.momentohq.com`) is needed
        only for v2 API keys, which do not embed their endpoint; it is not a secret."""
        super().__init__(scope, construct_id)
        if reserved_concurrency < 1:
            raise ValueError("reserved_concurrency: must be at least 1")
        bundle = BridgeBundle(RUNTIME.name.removeprefix("python"), architecture.name)
        function_name = naming.function_name(stage, "momento_bridge")
        environment = {
            "POWERTOOLS_SERVICE_NAME": "momento-bridge",
            "POWERTOOLS_METRICS_NAMESPACE": "Leaderboard",
            "POWERTOOLS_LOG_LEVEL": log_level,
        }
        if momento_endpoint:
            environment["MOMENTO_ENDPOINT"] = momento_endpoint
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
        self.function_url = self.function.add_function_url(
            auth_type=lambda_.FunctionUrlAuthType.NONE
        )
        self.url: str = self.function_url.url
        CfnOutput(self, "Url", value=self.url, description="Base URL of the sorted-set routes")
        self._justify_findings()

    def _justify_findings(self) -> None:
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
