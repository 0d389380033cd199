"""The stage's HTTP front door: an API Gateway REST API whose routes start the workflows with
Step Functions' `StartSyncExecution`, no Lambda in the path.

REST API, not HTTP API: an HTTP API's `StepFunctions-StartSyncExecution` integration passes
Step Functions' answer through (always 200, with `status` and `error` in the body) and cannot
map it, so a `Leaderboard.ValidationError` could not become a 400. A REST API's integration
response template can (`leaderboard.http_api.vtl`), and REST APIs have usage plans and API keys.

The write route needs an API key in a usage plan: the product has no user identity of its own
(players are names on a board, authenticated by the game's backend, if at all), so a JWT
authorizer would need an identity provider this stack does not have; a key per client app
meters and throttles each app and can be revoked, which is what protects the boards' writes
from a runaway client. An API key is not a secret in a browser: a game that must stop
players from forging scores submits from its own backend. Reads are open, with CORS.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Final

from aws_cdk import Acknowledgment, RemovalPolicy, Validations
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from leaderboard.http_api.routes import (
    FORBIDDEN_BODY,
    INTERNAL_ERROR_BODY,
    INVALID_REQUEST_BODY,
    NO_ROUTE_BODY,
    ROUTES,
)
from leaderboard.http_api.vtl import request_template, response_template
from stacks.stage_config import StageConfig

JSON: Final = "application/json"
API_STAGE: Final = "api"
# Whole-stage limits, and a write client's share of them (requests per second; burst).
STAGE_RATE_LIMIT: Final = 500
STAGE_BURST_LIMIT: Final = 1000
CLIENT_RATE_LIMIT: Final = 50
CLIENT_BURST_LIMIT: Final = 100
CLIENT_DAILY_QUOTA: Final = 1_000_000
_ALLOW_ORIGIN: Final = "method.response.header.Access-Control-Allow-Origin"
_CORS_HEADERS: Final = {"Access-Control-Allow-Origin": "'*'"}


class HttpApi(Construct):
    """The routes of `leaderboard.http_api.routes`, each integrated with its state machine."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: StageConfig,
        state_machines: Mapping[str, sfn.IStateMachine],
    ) -> None:
        super().__init__(scope, construct_id)
        self.access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=(
                logs.RetentionDays.ONE_YEAR if config.is_production else logs.RetentionDays.ONE_WEEK
            ),
            removal_policy=RemovalPolicy.RETAIN if config.is_production else RemovalPolicy.DESTROY,
        )
        self.api = apigw.RestApi(
            self,
            "Api",
            rest_api_name=config.resource_name("http"),
            description="Leaderboard routes, each starting its workflow (StartSyncExecution)",
            deploy_options=apigw.StageOptions(
                stage_name=API_STAGE,
                throttling_rate_limit=STAGE_RATE_LIMIT,
                throttling_burst_limit=STAGE_BURST_LIMIT,
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=False,
                ),
                # Execution logs hold errors only: request data carries player names and scores.
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,
                tracing_enabled=True,
            ),
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=apigw.Cors.ALL_ORIGINS,
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Content-Type", "X-Api-Key"],
            ),
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=RemovalPolicy.DESTROY,
        )
        self._gateway_responses()
        self.role = iam.Role(
            self,
            "StartRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            description="API Gateway starts the leaderboard workflows synchronously",
        )
        body_validator = self.api.add_request_validator(
            "Validator", validate_request_body=True, validate_request_parameters=True
        )
        for route in ROUTES:
            state_machine = state_machines[route.workflow]
            state_machine.grant(self.role, "states:StartSyncExecution")
            resource = self.api.root.resource_for_path(route.path)
            schema = route.body_schema
            resource.add_method(
                route.method,
                self._integration(request_template(route, state_machine.state_machine_arn)),
                api_key_required=route.api_key_required,
                request_validator=body_validator if schema else None,
                request_models={JSON: self._model(route.workflow, schema)} if schema else None,
                method_responses=[
                    apigw.MethodResponse(
                        status_code=status, response_parameters={_ALLOW_ORIGIN: True}
                    )
                    for status in ("200", "400", "500")
                ],
            )
        self.usage_plan = self.api.add_usage_plan(
            "WriteClients",
            name=config.resource_name("write-clients"),
            description="Each client app's key: its share of the stage's throttle and a quota",
            throttle=apigw.ThrottleSettings(
                rate_limit=CLIENT_RATE_LIMIT, burst_limit=CLIENT_BURST_LIMIT
            ),
            quota=apigw.QuotaSettings(limit=CLIENT_DAILY_QUOTA, period=apigw.Period.DAY),
        )
        self.usage_plan.add_api_stage(stage=self.api.deployment_stage)
        self._justify_findings()

    def _integration(self, request: str) -> apigw.AwsIntegration:
        return apigw.AwsIntegration(
            service="states",
            action="StartSyncExecution",
            integration_http_method="POST",
            options=apigw.IntegrationOptions(
                credentials_role=self.role,
                # Only JSON (or no body) reaches the template; anything else is refused (415).
                passthrough_behavior=apigw.PassthroughBehavior.NEVER,
                request_templates={JSON: request},
                integration_responses=[
                    apigw.IntegrationResponse(
                        status_code="200",
                        response_templates={JSON: response_template()},
                        response_parameters={_ALLOW_ORIGIN: "'*'"},
                    ),
                    # StartSyncExecution refused the call: the input was not JSON (a value the
                    # template could not carry) or the payload too large.
                    apigw.IntegrationResponse(
                        selection_pattern="4\\d{2}",
                        status_code="400",
                        response_templates={JSON: json.dumps(INVALID_REQUEST_BODY)},
                        response_parameters={_ALLOW_ORIGIN: "'*'"},
                    ),
                    apigw.IntegrationResponse(
                        selection_pattern="5\\d{2}",
                        status_code="500",
                        response_templates={JSON: json.dumps(INTERNAL_ERROR_BODY)},
                        response_parameters={_ALLOW_ORIGIN: "'*'"},
                    ),
                ],
            ),
        )

    def _model(self, workflow: str, schema: Mapping[str, object]) -> apigw.Model:
        return self.api.add_model(
            "".join(part.capitalize() for part in workflow.split("-")) + "Body",
            content_type=JSON,
            schema=apigw.JsonSchema(
                schema=apigw.JsonSchemaVersion.DRAFT4,
                title=str(schema["title"]),
                type=apigw.JsonSchemaType.OBJECT,
                properties={str(name): apigw.JsonSchema() for name in schema["properties"]},  # type: ignore[attr-defined]
                additional_properties=False,
            ),
        )

    def _gateway_responses(self) -> None:
        """API Gateway's own refusals, in the routes' error shape and with CORS headers."""
        bad_body = {"error": "BadRequest", "message": "$context.error.validationErrorString"}
        for response_id, kind, status, body in (
            ("NoRoute", apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, "404", NO_ROUTE_BODY),
            ("NoApiKey", apigw.ResponseType.INVALID_API_KEY, "403", FORBIDDEN_BODY),
            ("BadBody", apigw.ResponseType.BAD_REQUEST_BODY, "400", bad_body),
        ):
            self.api.add_gateway_response(
                response_id,
                type=kind,
                status_code=status,
                response_headers=_CORS_HEADERS,
                templates={JSON: json.dumps(body)},
            )
        for response_id, kind in (
            ("Default4xx", apigw.ResponseType.DEFAULT_4_XX),
            ("Default5xx", apigw.ResponseType.DEFAULT_5_XX),
        ):
            self.api.add_gateway_response(response_id, type=kind, response_headers=_CORS_HEADERS)

    def _justify_findings(self) -> None:
        for rule, reason in (
            (
                "AwsSolutions-APIG4",
                "Reads are public by design (a leaderboard is shown to anyone); the write "
                "route requires an API key in a usage plan (docs/http-api.md says why).",
            ),
            (
                "AwsSolutions-COG4",
                "No user pool: players have no identity in this product; the write route is "
                "metered per client app with API keys instead.",
            ),
        ):
            Validations.of(self.api).acknowledge(
                Acknowledgment(id=f"AwsSolutions::{rule}", reason=reason)
            )
        Validations.of(self.api.deployment_stage).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-APIG3",
                reason="Throttled per stage and per client key; a WAF web ACL is an account-wide "
                "choice (and cost) attached outside this stack.",
            )
        )
        cloud_watch_role = self.api.node.find_child("CloudWatchRole")
        Validations.of(cloud_watch_role).acknowledge(
            Acknowledgment(
                id="AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
                "service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
                reason="The account-level role API Gateway writes access logs with: AWS's "
                "managed policy for it is what AWS documents.",
            )
        )
