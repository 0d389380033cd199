"""The HTTP API: REST routes integrated with StartSyncExecution, no Lambda in the path."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match

from leaderboard.http_api.routes import ROUTES
from leaderboard.http_api.vtl import response_template
from stacks.http_api import CLIENT_RATE_LIMIT, STAGE_BURST_LIMIT, STAGE_RATE_LIMIT
from tests.stack.conftest import SynthesizedStage


def _resources(stage: SynthesizedStage, kind: str) -> dict[str, dict[str, Any]]:
    return {key: dict(value) for key, value in stage.template.find_resources(kind).items()}


def _route_methods(stage: SynthesizedStage) -> list[dict[str, Any]]:
    methods = _resources(stage, "AWS::ApiGateway::Method").values()
    return [m["Properties"] for m in methods if m["Properties"]["HttpMethod"] != "OPTIONS"]


def test_every_route_starts_its_state_machine_synchronously(dev: SynthesizedStage) -> None:
    methods = _route_methods(dev)
    assert sorted(m["HttpMethod"] for m in methods) == sorted(r.method for r in ROUTES)
    machines = {
        key: props["Properties"]["StateMachineName"]
        for key, props in _resources(dev, "AWS::StepFunctions::StateMachine").items()
    }
    started = set()
    for method in methods:
        integration = method["Integration"]
        assert integration["Type"] == "AWS"
        # A literal partition: the stage's region is known (enablePartitionLiterals).
        assert integration["Uri"] == "arn:aws:apigateway:us-east-1:states:action/StartSyncExecution"
        assert integration["PassthroughBehavior"] == "NEVER"
        template = json.dumps(integration["RequestTemplates"]["application/json"])
        started |= {name for key, name in machines.items() if f'"Ref": "{key}"' in template}
        (success,) = [r for r in integration["IntegrationResponses"] if r["StatusCode"] == "200"]
        assert success["ResponseTemplates"]["application/json"] == response_template()
    assert started == {f"leaderboard-dev-{r.workflow}" for r in ROUTES}
    # No Lambda in the path: API Gateway may invoke no function.
    permissions = _resources(dev, "AWS::Lambda::Permission").values()
    assert all(p["Properties"]["Principal"] != "apigateway.amazonaws.com" for p in permissions)


def test_only_the_write_route_needs_an_api_key_in_a_usage_plan(dev: SynthesizedStage) -> None:
    keyed = {m["HttpMethod"]: m["ApiKeyRequired"] for m in _route_methods(dev)}
    assert keyed == {"POST": True, "GET": False}
    dev.template.has_resource_properties(
        "AWS::ApiGateway::UsagePlan",
        {
            "Throttle": {"RateLimit": CLIENT_RATE_LIMIT, "BurstLimit": Match.any_value()},
            "Quota": {"Period": "DAY", "Limit": Match.any_value()},
            "ApiStages": Match.array_with([Match.object_like({"Stage": Match.any_value()})]),
        },
    )


def test_the_start_role_may_start_only_the_three_workflows(dev: SynthesizedStage) -> None:
    (policy,) = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for key, p in _resources(dev, "AWS::IAM::Policy").items()
        if key.startswith("HttpApiStartRole")
    ]
    # One statement (minimizePolicies merges them) naming each route's state machine.
    (statement,) = policy
    assert statement["Action"] == "states:StartSyncExecution"
    machines = {
        key
        for key, props in _resources(dev, "AWS::StepFunctions::StateMachine").items()
        if props["Properties"]["StateMachineName"]
        in {f"leaderboard-dev-{r.workflow}" for r in ROUTES}
    }
    assert {ref["Ref"] for ref in statement["Resource"]} == machines


def test_stage_throttles_and_writes_access_logs(dev: SynthesizedStage) -> None:
    dev.template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "AccessLogSetting": {
                "DestinationArn": Match.any_value(),
                "Format": Match.string_like_regexp("requestId"),
            },
            "MethodSettings": Match.array_with(
                [
                    Match.object_like(
                        {
                            "ThrottlingRateLimit": STAGE_RATE_LIMIT,
                            "ThrottlingBurstLimit": STAGE_BURST_LIMIT,
                            "LoggingLevel": "ERROR",
                            "DataTraceEnabled": False,
                        }
                    )
                ]
            ),
            "TracingEnabled": True,
        },
    )


def test_body_model_and_gateway_errors_carry_cors(dev: SynthesizedStage) -> None:
    dev.template.has_resource_properties(
        "AWS::ApiGateway::Model",
        {"Schema": Match.object_like({"type": "object", "additionalProperties": False})},
    )
    responses = _resources(dev, "AWS::ApiGateway::GatewayResponse").values()
    by_type = {r["Properties"]["ResponseType"]: r["Properties"] for r in responses}
    assert by_type["MISSING_AUTHENTICATION_TOKEN"]["StatusCode"] == "404"
    assert by_type["INVALID_API_KEY"]["StatusCode"] == "403"
    for response in by_type.values():
        origin = response["ResponseParameters"][
            "gatewayresponse.header.Access-Control-Allow-Origin"
        ]
        assert origin == "'*'"
