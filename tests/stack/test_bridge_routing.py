"""`momentoSortedSetEndpoint` routes the workflows' sorted-set calls: bridge (default) or a URL."""

from __future__ import annotations

from typing import Any

from stacks.momento_bridge import MomentoBridge
from tests.stack.conftest import SynthesizedStage


def _logical_id(stage: SynthesizedStage, construct: Any) -> str:
    return str(stage.stack.get_logical_id(construct.node.default_child))


def _sorted_set_substitution(stage: SynthesizedStage) -> Any:
    machines = stage.template.find_resources("AWS::StepFunctions::StateMachine")
    endpoints = [
        machine["Properties"]["DefinitionSubstitutions"]["MomentoSortedSetEndpoint"]
        for machine in machines.values()
    ]
    assert all(endpoint == endpoints[0] for endpoint in endpoints)
    return endpoints[0]


def test_default_stage_deploys_the_bridge_and_routes_sorted_sets_to_its_url(
    dev: SynthesizedStage,
) -> None:
    bridge = dev.stack.bridge
    assert isinstance(bridge, MomentoBridge)
    url_id = _logical_id(dev, bridge.function_url)
    # https:// + the host of the function URL, without its trailing slash.
    assert _sorted_set_substitution(dev) == {
        "Fn::Join": [
            "",
            [
                "https://",
                {"Fn::Select": [2, {"Fn::Split": ["/", {"Fn::GetAtt": [url_id, "FunctionUrl"]}]}]},
            ],
        ]
    }
    function = dev.template.find_resources(
        "AWS::Lambda::Function", {"Properties": {"FunctionName": "leaderboard-dev-momento-bridge"}}
    )
    assert len(function) == 1
    (properties,) = (resource["Properties"] for resource in function.values())
    assert properties["ReservedConcurrentExecutions"] >= 1
    # v2 keys need the stage's cell; the key itself never reaches the function's settings.
    variables = properties["Environment"]["Variables"]
    assert variables["MOMENTO_ENDPOINT"] == "cell-us-east-1-1.prod.a.momentohq.com"
    assert not any("KEY" in name for name in variables)


def test_http_permission_is_narrowed_to_the_bridge_url(dev: SynthesizedStage) -> None:
    policies = dev.template.find_resources("AWS::IAM::Policy")
    # Sorted-set calls are granted by endpoint prefix (StringLike) for every method; the calls
    # to Momento's own routes (the close's DELETE of a key, submit-score's receipts on /cache
    # and its POST to the standings topics) are granted for their method only, not the bridge.
    conditions = [
        statement["Condition"]["StringLike"]["states:HTTPEndpoint"]
        for policy in policies.values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement["Action"] == "states:InvokeHTTPEndpoint"
        and "StringLike" in statement["Condition"]
        and "StringEquals" not in statement["Condition"]
    ]
    assert conditions
    url_id = _logical_id(dev, dev.stack.bridge.function_url)  # type: ignore[union-attr]
    for endpoints in conditions:
        for endpoint in endpoints:
            assert {"Fn::GetAtt": [url_id, "FunctionUrl"]} in _flatten(endpoint)


def test_a_url_switches_the_bridge_off(feature: SynthesizedStage) -> None:
    assert feature.stack.bridge is None
    assert _sorted_set_substitution(feature) == "https://sorted-sets.example.com"
    names = [
        resource["Properties"].get("FunctionName")
        for resource in feature.template.find_resources("AWS::Lambda::Function").values()
    ]
    assert "leaderboard-feat-abp-1734-momento-bridge" not in names


def _flatten(value: Any) -> list[Any]:
    """Every nested value of an intrinsic-function tree, the tree itself included."""
    found = [value]
    if isinstance(value, dict):
        for item in value.values():
            found.extend(_flatten(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_flatten(item))
    return found
