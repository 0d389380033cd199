"""The one stage rule and the resource names every part of the product takes from it."""

import pytest

from leaderboard import naming
from leaderboard.client import LeaderboardClient
from leaderboard.local.stack import LocalStack
from stacks.stage_config import StageConfig

LONGEST_STAGE = "s" * 32
# AWS's documented limits on the names the stage goes into.
NAME_LIMITS = {
    "state machine": (naming.state_machine_name(LONGEST_STAGE, "get-leaderboard"), 80),
    "log group": (naming.state_machine_log_group(LONGEST_STAGE, "get-leaderboard"), 512),
    "Lambda function": (naming.function_name(LONGEST_STAGE, "momento_bridge"), 64),
    "secret": (naming.api_key_secret_name(LONGEST_STAGE), 512),
    "EventBridge connection": (naming.connection_name(LONGEST_STAGE), 64),
    "event bus": (naming.stage_name(LONGEST_STAGE), 256),
    "CloudFormation stack": (naming.stage_name(LONGEST_STAGE), 128),
    "SQS queue": (naming.resource_name(LONGEST_STAGE, "close-period-dlq"), 80),
    "schedule group": (naming.resource_name(LONGEST_STAGE, "close-period"), 64),
    "IAM role": (naming.resource_name(LONGEST_STAGE, "state-machine"), 64),
    "S3 bucket": (naming.archive_bucket_name(LONGEST_STAGE), 63),
}


@pytest.mark.parametrize("kind", NAME_LIMITS)
def test_the_longest_stage_keeps_every_name_within_its_aws_limit(kind: str) -> None:
    name, limit = NAME_LIMITS[kind]
    assert LONGEST_STAGE in name
    assert len(name) <= limit


def test_names_follow_one_pattern() -> None:
    assert naming.state_machine_name("dev", "submit-score") == "leaderboard-dev-submit-score"
    assert naming.function_name("dev", "momento_bridge") == "leaderboard-dev-momento-bridge"
    assert naming.api_key_secret_name("dev") == "/leaderboard/dev/momento-api-key"
    assert naming.stage_name("dev") == "leaderboard-dev"
    assert naming.events_queue_name("dev") == "leaderboard-dev-events"


@pytest.mark.parametrize("stage", ["dev", "7-day", "pr-1734", LONGEST_STAGE])
def test_cdk_the_local_stack_and_the_client_accept_the_same_stages(stage: str) -> None:
    assert naming.check_stage(stage) == stage
    assert StageConfig.from_context({"stageName": stage}, region="us-east-1").stage_name == stage
    local = LocalStack(stage=stage, aws_port=0, momento_grpc_port=0, momento_http_port=0)
    assert local.cache_name == f"leaderboard-{stage}"
    assert LeaderboardClient(stage, region_name="us-east-1").stage == stage


@pytest.mark.parametrize("stage", ["Dev", "-dev", "dev_1", "", LONGEST_STAGE + "s", "dév"])
def test_cdk_the_local_stack_and_the_client_refuse_the_same_stages(stage: str) -> None:
    expected = rf"must be 1-32 lowercase letters, digits or hyphens, .* \(got '{stage}'\)"
    with pytest.raises(ValueError, match="stage: " + expected):
        naming.check_stage(stage)
    with pytest.raises(ValueError, match="stage: " + expected):
        LocalStack(stage=stage)
    with pytest.raises(ValueError, match="stage: " + expected):
        LeaderboardClient(stage, region_name="us-east-1")
    context_error = "stageName: must be a non-empty string" if stage == "" else "stageName: "
    with pytest.raises(ValueError, match=context_error + ("" if stage == "" else expected)):
        StageConfig.from_context({"stageName": stage}, region="us-east-1")
