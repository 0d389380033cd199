"""Reading a stage from CDK context: defaults, the ssmStageName reuse and clear errors."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.momento_endpoints import MOMENTO_HTTP_ENDPOINTS
from stacks.stage_config import StageConfig


def test_defaults_to_dev_with_its_own_secret_and_the_regional_endpoint() -> None:
    config = StageConfig.from_context({}, region="eu-west-1")
    assert config.stage_name == "dev"
    assert config.ssm_stage_name == "dev"
    assert config.momento_api_key_secret_name == "/leaderboard/dev/momento-api-key"
    assert config.momento_endpoint == "https://api.cache.cell-1-eu-west-1-1.prod.a.momentohq.com"
    assert config.momento_sorted_set_endpoint is None  # served by the bridge Lambda
    assert config.cache_name == "leaderboard-dev"
    assert not config.is_production


def test_ephemeral_stage_reuses_the_ssm_stage_secret_and_cache() -> None:
    config = StageConfig.from_context(
        {"stageName": "feat-abp-1734", "ssmStageName": "dev"}, region="us-east-1"
    )
    assert config.resource_name("momento") == "leaderboard-feat-abp-1734-momento"
    assert config.momento_api_key_secret_name == "/leaderboard/dev/momento-api-key"
    assert config.cache_name == "leaderboard-dev"


def test_prod_is_production() -> None:
    assert StageConfig.from_context({"stageName": "prod"}, region="us-east-1").is_production


def test_bridge_is_the_default_and_can_be_named_explicitly() -> None:
    explicit = StageConfig.from_context({"momentoSortedSetEndpoint": "bridge"}, region="us-east-1")
    assert explicit.momento_sorted_set_endpoint is None
    assert StageConfig.from_context({}, region="us-east-1") == explicit


def test_explicit_endpoints_and_cache_win_over_defaults() -> None:
    config = StageConfig.from_context(
        {
            "momentoEndpoint": "https://momento.example.com/",
            "momentoSortedSetEndpoint": "https://bridge.example.com/v1",
            "cacheName": "games",
        },
        region="nowhere-1",
    )
    assert config.momento_endpoint == "https://momento.example.com"
    assert config.momento_sorted_set_endpoint == "https://bridge.example.com/v1"
    assert config.cache_name == "games"


@pytest.mark.parametrize(
    ("context", "region", "message"),
    [
        ({"stageName": "Dev"}, "us-east-1", "stageName: must be 1-32 lowercase"),
        ({"stageName": "-dev"}, "us-east-1", "stageName: must be 1-32 lowercase"),
        ({"stageName": "d" * 33}, "us-east-1", "stageName: must be 1-32 lowercase"),
        ({"stageName": ""}, "us-east-1", "stageName: must be a non-empty string"),
        ({"ssmStageName": "dev_1"}, "us-east-1", "ssmStageName: must be 1-32 lowercase"),
        ({"stageName": 7}, "us-east-1", "stageName: must be a non-empty string"),
        ({}, "nowhere-1", "momentoEndpoint: no Momento cell known in region 'nowhere-1'"),
        (
            {"momentoEndpoint": "http://x.example.com"},
            "us-east-1",
            "momentoEndpoint: must be an https",
        ),
        (
            {"momentoSortedSetEndpoint": "https://x?y=1"},
            "us-east-1",
            "momentoSortedSetEndpoint: must be",
        ),
        ({"momentoSortedSetEndpoint": "Bridge"}, "us-east-1", "momentoSortedSetEndpoint: must be"),
        ({"cacheName": "a/b"}, "us-east-1", "cacheName: must be 1-255"),
    ],
)
def test_bad_context_names_the_key(context: dict[str, Any], region: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("?", r"\?")):
        StageConfig.from_context(context, region=region)


def test_every_known_region_has_a_public_https_endpoint() -> None:
    for region, endpoint in MOMENTO_HTTP_ENDPOINTS.items():
        assert endpoint.startswith("https://api.cache.cell-")
        assert region in endpoint
