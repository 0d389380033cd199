"""Synthesizes the CDK app once per stage per session, through the same path as `app.py`."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

# jsii reads this when aws_cdk is first imported: it silences the Node 20 end-of-life banner.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App
from aws_cdk.assertions import Template

from stacks.cdk_context import cdk_json_context
from stacks.leaderboard_app import build_stack
from stacks.leaderboard_stack import LeaderboardStack

# The stages the tests look at: a plain dev stage, prod, and an ephemeral feature stage that
# reuses dev's secret and routes sorted sets to another endpoint.
STAGE_CONTEXTS: Mapping[str, Mapping[str, Any]] = {
    "dev": {"stageName": "dev", "region": "us-east-1"},
    "prod": {"stageName": "prod", "region": "ap-northeast-1"},
    "feature": {
        "stageName": "feat-abp-1734",
        "ssmStageName": "dev",
        "region": "us-east-1",
        "momentoSortedSetEndpoint": "https://sorted-sets.example.com/",
    },
}


@dataclass(frozen=True)
class SynthesizedStage:
    """A synthesized stage: its template, its stack object and its cloud assembly directory."""

    template: Template
    stack: LeaderboardStack
    outdir: Path

    @property
    def template_json(self) -> dict[str, Any]:
        return dict(self.template.to_json())


@pytest.fixture(scope="session")
def synthesize(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], SynthesizedStage]:
    """`synthesize(label)`: each stage of STAGE_CONTEXTS synthesized at most once per session."""

    @cache
    def synthesize_stage(label: str) -> SynthesizedStage:
        outdir = tmp_path_factory.mktemp(f"cdk-{label}")
        app = App(outdir=str(outdir), context=cdk_json_context(STAGE_CONTEXTS[label]))
        stack = build_stack(app)
        # app.synth() runs the cdk-nag plugin and raises on any unacknowledged finding.
        assembly = app.synth()
        template = Template.from_json(assembly.get_stack_by_name(stack.stack_name).template)
        return SynthesizedStage(template=template, stack=stack, outdir=outdir)

    return synthesize_stage


@pytest.fixture(scope="session")
def dev(synthesize: Callable[[str], SynthesizedStage]) -> SynthesizedStage:
    return synthesize("dev")


@pytest.fixture(scope="session")
def prod(synthesize: Callable[[str], SynthesizedStage]) -> SynthesizedStage:
    return synthesize("prod")


@pytest.fixture(scope="session")
def feature(synthesize: Callable[[str], SynthesizedStage]) -> SynthesizedStage:
    return synthesize("feature")
