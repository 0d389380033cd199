"""Turns a CDK app's context into the stage's stack, with cdk-nag's AwsSolutions checks on."""

from __future__ import annotations

import os
from typing import Final

from aws_cdk import App, Environment, Tags, Validations
from cdk_nag import AwsSolutionsChecks

from leaderboard.naming import SERVICE, stage_name
from stacks.leaderboard_stack import LeaderboardStack
from stacks.stage_config import CONTEXT_KEYS, StageConfig

# Used when neither the `region` context nor the CDK CLI (CDK_DEFAULT_REGION) names one, so
# `python app.py` synthesizes offline with no AWS profile at all.
DEFAULT_REGION: Final = "us-east-1"


def build_stack(app: App) -> LeaderboardStack:
    """The stack for the stage the app's context names, checked by cdk-nag at synthesis."""
    region = _region(app)
    config = StageConfig.from_context(
        {key: app.node.try_get_context(key) for key in CONTEXT_KEYS}, region=region
    )
    stack = LeaderboardStack(
        app,
        stage_name(config.stage_name),
        config=config,
        env=Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=region),
        description=f"Leaderboards on Step Functions and Momento, stage {config.stage_name}",
    )
    Tags.of(stack).add("service", SERVICE)
    Tags.of(stack).add("stage", config.stage_name)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, verbose=True))
    return stack


def _region(app: App) -> str:
    region = app.node.try_get_context("region") or os.environ.get("CDK_DEFAULT_REGION")
    if region is None:
        return DEFAULT_REGION
    if not isinstance(region, str):
        raise ValueError(f"region: must be a string such as 'us-east-1' (got {region!r})")
    return region
