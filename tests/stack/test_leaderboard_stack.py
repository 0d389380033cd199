"""The synthesized template of a stage: names, wiring, logging, tracing and the exact IAM grants."""

from __future__ import annotations

import json
import re
from typing import Any, cast

from aws_cdk import CfnResource
from constructs import IConstruct

from leaderboard.definitions import workflow
from stacks.leaderboard_stack import LeaderboardStack
from tests.stack.conftest import SynthesizedStage

DEV_ENDPOINT = "https://api.cache.cell-us-east-1-1.prod.a.momentohq.com"
TOKYO_ENDPOINT = "https://api.cache.cell-ap-northeast-1-1.prod.a.momentohq.com"
DEV_SECRET_REFERENCE = "{{resolve:secretsmanager:/leaderboard/dev/momento-api-key:SecretString:::}}"


def _logical_id(stack: LeaderboardStack, construct: IConstruct) -> str:
    """The logical id of the one CloudFormation resource an L2 construct wraps."""
    (resource,) = [child for child in construct.node.children if CfnResource.is_cfn_resource(child)]
    return stack.get_logical_id(cast(CfnResource, resource))


def _only(stage: SynthesizedStage, resource_type: str) -> dict[str, Any]:
    resources = stage.template.find_resources(resource_type)
    assert len(resources) == 1, f"expected one {resource_type}, got {sorted(resources)}"
    return cast(dict[str, Any], next(iter(resources.values())))


def _resource(stage: SynthesizedStage, construct: IConstruct) -> dict[str, Any]:
    """The template resource of one L2 construct (the stack holds a machine per workflow)."""
    return cast(
        dict[str, Any], stage.template_json["Resources"][_logical_id(stage.stack, construct)]
    )


def _submit_score(stage: SynthesizedStage) -> dict[str, Any]:
    state_machine = stage.stack.workflows["submit-score"].state_machine
    return cast(dict[str, Any], _resource(stage, state_machine)["Properties"])


def _submit_score_log_group(stage: SynthesizedStage) -> dict[str, Any]:
    return _resource(stage, stage.stack.workflows["submit-score"].log_group)


def _submit_score_policy(stage: SynthesizedStage) -> dict[str, Any]:
    """The one policy attached to submit-score's role."""
    role_ref = {"Ref": _logical_id(stage.stack, stage.stack.workflows["submit-score"].role)}
    policies = stage.template.find_resources("AWS::IAM::Policy")
    (policy,) = [each for each in policies.values() if each["Properties"]["Roles"] == [role_ref]]
    return cast(dict[str, Any], policy["Properties"])


def test_connection_sends_the_stage_secret_as_authorization_header(dev: SynthesizedStage) -> None:
    connection = _only(dev, "AWS::Events::Connection")["Properties"]
    assert connection["Name"] == "leaderboard-dev-momento"
    assert connection["AuthorizationType"] == "API_KEY"
    # (its invocation header, the bridge's caller secret: test_bridge_caller_secret.py)
    assert connection["AuthParameters"]["ApiKeyAuthParameters"] == {
        "ApiKeyName": "Authorization",
        "ApiKeyValue": DEV_SECRET_REFERENCE,
    }


def test_feature_stage_names_carry_its_stage_and_reuse_the_ssm_stage_secret_and_cache(
    feature: SynthesizedStage,
) -> None:
    connection = _only(feature, "AWS::Events::Connection")["Properties"]
    assert connection["Name"] == "leaderboard-feat-abp-1734-momento"
    api_key = connection["AuthParameters"]["ApiKeyAuthParameters"]["ApiKeyValue"]
    assert api_key == DEV_SECRET_REFERENCE
    assert (
        _only(feature, "AWS::Events::EventBus")["Properties"]["Name"] == "leaderboard-feat-abp-1734"
    )
    state_machine = _submit_score(feature)
    assert state_machine["StateMachineName"] == "leaderboard-feat-abp-1734-submit-score"
    assert state_machine["DefinitionSubstitutions"]["CacheName"] == "leaderboard-dev"
    log_group = _submit_score_log_group(feature)["Properties"]
    assert (
        log_group["LogGroupName"] == "/aws/vendedlogs/states/leaderboard-feat-abp-1734-submit-score"
    )
    assert feature.stack.stack_name == "leaderboard-feat-abp-1734"


def test_every_named_resource_carries_the_stage(prod: SynthesizedStage) -> None:
    names = [
        _only(prod, "AWS::Events::Connection")["Properties"]["Name"],
        _only(prod, "AWS::Events::EventBus")["Properties"]["Name"],
        _submit_score(prod)["StateMachineName"],
        _submit_score_log_group(prod)["Properties"]["LogGroupName"],
    ]
    assert all(re.search(r"(^|/)leaderboard-prod(-|$)", name) for name in names), names
    assert prod.stack.stack_name == "leaderboard-prod"


def test_submit_score_is_an_express_machine_with_tracing(dev: SynthesizedStage) -> None:
    state_machine = _submit_score(dev)
    assert state_machine["StateMachineName"] == "leaderboard-dev-submit-score"
    assert state_machine["StateMachineType"] == "EXPRESS"
    assert state_machine["TracingConfiguration"] == {"Enabled": True}


def test_definition_is_the_asl_file_with_every_placeholder_substituted(
    dev: SynthesizedStage,
) -> None:
    state_machine = _submit_score(dev)
    asset = dev.outdir / f"asset.{state_machine['DefinitionS3Location']['Key']}"
    source = workflow("submit-score").file.read_text(encoding="utf-8")
    assert asset.read_text(encoding="utf-8") == source
    placeholders = set(re.findall(r"\$\{([A-Za-z0-9_]+)\}", source))
    substitutions = state_machine["DefinitionSubstitutions"]
    assert placeholders <= set(substitutions)
    assert substitutions["MomentoSortedSetEndpoint"] == _bridge_url(dev)
    assert substitutions["MomentoEndpoint"] == DEV_ENDPOINT
    assert substitutions["CacheName"] == "leaderboard-dev"
    connection_id = _logical_id(dev.stack, dev.stack.momento_connection)
    assert substitutions["MomentoConnectionArn"] == {"Fn::GetAtt": [connection_id, "Arn"]}
    assert substitutions["EventBusName"] == {"Ref": _logical_id(dev.stack, dev.stack.event_bus)}
    # The rules arrive as JSON text escaped for the inside of a JSON string.
    rules = json.loads(json.loads(f'"{substitutions["BoardRules"]}"'))
    assert rules["defaults"]["order"] == "desc"


def test_momento_endpoint_defaults_to_the_cell_of_the_stack_region(prod: SynthesizedStage) -> None:
    substitutions = _submit_score(prod)["DefinitionSubstitutions"]
    assert substitutions["MomentoEndpoint"] == TOKYO_ENDPOINT
    # Momento's HTTP API has no sorted-set routes: by default the stage's bridge serves them.
    assert substitutions["MomentoSortedSetEndpoint"] == _bridge_url(prod)


def test_sorted_set_endpoint_context_overrides_the_momento_endpoint(
    feature: SynthesizedStage,
) -> None:
    substitutions = _submit_score(feature)["DefinitionSubstitutions"]
    assert substitutions["MomentoSortedSetEndpoint"] == "https://sorted-sets.example.com"
    assert substitutions["MomentoEndpoint"] == DEV_ENDPOINT


def test_outside_prod_logs_all_events_with_execution_data(dev: SynthesizedStage) -> None:
    logging = _submit_score(dev)["LoggingConfiguration"]
    assert logging["Level"] == "ALL"
    assert logging["IncludeExecutionData"] is True
    log_group = _submit_score_log_group(dev)
    assert log_group["Properties"]["RetentionInDays"] == 7
    assert log_group["DeletionPolicy"] == "Delete"


def test_prod_logs_errors_only_without_execution_data(prod: SynthesizedStage) -> None:
    logging = _submit_score(prod)["LoggingConfiguration"]
    assert logging["Level"] == "ERROR"
    assert logging["IncludeExecutionData"] is False
    log_group = _submit_score_log_group(prod)
    assert log_group["Properties"]["RetentionInDays"] == 365
    assert log_group["DeletionPolicy"] == "Retain"
    assert logging["Destinations"] == [
        {
            "CloudWatchLogsLogGroup": {
                "LogGroupArn": {
                    "Fn::GetAtt": [
                        _logical_id(prod.stack, prod.stack.workflows["submit-score"].log_group),
                        "Arn",
                    ]
                }
            }
        }
    ]


def _bridge_url(stage: SynthesizedStage) -> dict[str, Any]:
    """`https://` + the host of the stage's bridge function URL (no trailing slash)."""
    assert stage.stack.bridge is not None
    url_id = _logical_id(stage.stack, stage.stack.bridge.function_url)
    url = {"Fn::GetAtt": [url_id, "FunctionUrl"]}
    return {"Fn::Join": ["", ["https://", {"Fn::Select": [2, {"Fn::Split": ["/", url]}]}]]}


def _under(endpoint: str | dict[str, Any], suffix: str) -> str | dict[str, Any]:
    """`endpoint + suffix` as CloudFormation renders it: a string, or the join extended."""
    if isinstance(endpoint, str):
        return endpoint + suffix
    parts = endpoint["Fn::Join"][1]
    return {"Fn::Join": ["", [*parts, suffix]]}


def _expected_statements(
    stage: SynthesizedStage, sorted_set_endpoint: str | dict[str, Any]
) -> list[dict[str, Any]]:
    stack = stage.stack
    connection_id = _logical_id(stack, stack.momento_connection)
    cache_name = _submit_score(stage)["DefinitionSubstitutions"]["CacheName"]
    momento_endpoint = _submit_score(stage)["DefinitionSubstitutions"]["MomentoEndpoint"]
    sorted_sets = _under(sorted_set_endpoint, f"/sortedset/{cache_name}")
    sorted_sets_below = _under(sorted_set_endpoint, f"/sortedset/{cache_name}/*")
    own_arn = {
        "Fn::Join": [
            "",
            [
                f"arn:aws:states:{stack.region}:",  # partition literal: the region is known
                {"Ref": "AWS::AccountId"},
                f":stateMachine:{_submit_score(stage)['StateMachineName']}",
            ],
        ]
    }
    return [
        {
            "Action": "states:InvokeHTTPEndpoint",
            "Condition": {"StringLike": {"states:HTTPEndpoint": [sorted_sets, sorted_sets_below]}},
            "Effect": "Allow",
            "Resource": own_arn,
        },
        {
            "Action": "events:RetrieveConnectionCredentials",
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [connection_id, "Arn"]},
        },
        # @aws-cdk/aws-iam:minimizePolicies sorts each statement's actions and merges
        # statements that differ only in actions (log delivery and X-Ray, both on "*").
        {
            "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [connection_id, "SecretArn"]},
        },
        {
            "Action": "events:PutEvents",
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [_logical_id(stack, stack.event_bus), "Arn"]},
        },
        {
            "Action": [
                "logs:CreateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:DescribeLogGroups",
                "logs:DescribeResourcePolicies",
                "logs:GetLogDelivery",
                "logs:ListLogDeliveries",
                "logs:PutResourcePolicy",
                "logs:UpdateLogDelivery",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
                "xray:PutTelemetryRecords",
                "xray:PutTraceSegments",
            ],
            "Effect": "Allow",
            "Resource": "*",
        },
        {  # the receipts of increments with a submissionId, on Momento's own /cache route
            "Action": "states:InvokeHTTPEndpoint",
            "Condition": {
                "StringEquals": {
                    "states:HTTPEndpoint": f"{momento_endpoint}/cache/{cache_name}",
                    "states:HTTPMethod": ["GET", "PUT"],
                }
            },
            "Effect": "Allow",
            "Resource": own_arn,
        },
        {  # live standings: a POST to the board's topic, on Momento's own /topics route
            "Action": "states:InvokeHTTPEndpoint",
            "Condition": {
                "StringLike": {
                    "states:HTTPEndpoint": f"{momento_endpoint}/topics/{cache_name}/standings.*"
                },
                "StringEquals": {"states:HTTPMethod": "POST"},
            },
            "Effect": "Allow",
            "Resource": own_arn,
        },
    ]


def test_role_holds_exactly_the_statements_the_workflow_needs(dev: SynthesizedStage) -> None:
    role_id = _logical_id(dev.stack, dev.stack.workflows["submit-score"].role)
    role = _resource(dev, dev.stack.workflows["submit-score"].role)["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Condition": {
                "ArnLike": {
                    "aws:SourceArn": {
                        "Fn::Join": [
                            "",
                            [
                                "arn:aws:states:us-east-1:",
                                {"Ref": "AWS::AccountId"},
                                ":stateMachine:*",
                            ],
                        ]
                    }
                },
                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
            },
            "Effect": "Allow",
            "Principal": {"Service": "states.amazonaws.com"},
        }
    ]
    assert "ManagedPolicyArns" not in role
    assert "Policies" not in role
    policy = _submit_score_policy(dev)
    assert policy["PolicyDocument"]["Statement"] == _expected_statements(dev, _bridge_url(dev))
    assert _submit_score(dev)["RoleArn"] == {"Fn::GetAtt": [role_id, "Arn"]}


def test_http_permission_follows_the_sorted_set_endpoint(feature: SynthesizedStage) -> None:
    policy = _submit_score_policy(feature)
    assert policy["PolicyDocument"]["Statement"] == _expected_statements(
        feature, "https://sorted-sets.example.com"
    )


def test_no_secret_is_created_or_embedded(dev: SynthesizedStage, prod: SynthesizedStage) -> None:
    for stage in (dev, prod):
        # The one secret the stack makes is the bridge's caller secret, generated at deploy.
        secrets = stage.template.find_resources("AWS::SecretsManager::Secret")
        assert [
            (
                logical_id.startswith("MomentoBridgeCallerSecret"),
                "SecretString" in each["Properties"],
            )
            for logical_id, each in secrets.items()
        ] == [(True, False)]
        text = json.dumps(stage.template_json)
        # The only mention of the key is the dynamic reference CloudFormation resolves at deploy.
        mentions = re.findall(r"[^\"]*momento-api-key[^\"]*", text)
        assert mentions == [
            "{{resolve:secretsmanager:/leaderboard/"
            f"{stage.stack.stack_name.removeprefix('leaderboard-')}"
            "/momento-api-key:SecretString:::}}"
        ]


# AWS documents aws:SourceAccount/aws:SourceArn trust conditions for these service principals.
_CONFUSED_DEPUTY_PRINCIPALS = {
    "states.amazonaws.com",
    "scheduler.amazonaws.com",
    "events.amazonaws.com",
}


def test_service_roles_trust_only_this_accounts_own_resources(
    dev: SynthesizedStage, prod: SynthesizedStage
) -> None:
    for stage in (dev, prod):
        guarded: list[str] = []
        for resource in stage.template_json["Resources"].values():
            if resource["Type"] != "AWS::IAM::Role":
                continue
            for statement in resource["Properties"]["AssumeRolePolicyDocument"]["Statement"]:
                service = statement["Principal"].get("Service")
                if service not in _CONFUSED_DEPUTY_PRINCIPALS:
                    continue
                guarded.append(service)
                conditions = statement.get("Condition", {})
                keys = {key for condition in conditions.values() for key in condition}
                assert keys == {"aws:SourceAccount", "aws:SourceArn"}, statement
                assert conditions["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
        # One role per workflow, the close schedules' role and the ScoreReported rule's role.
        assert sorted(guarded) == [
            "events.amazonaws.com",
            "scheduler.amazonaws.com",
            *["states.amazonaws.com"] * 4,
        ]
