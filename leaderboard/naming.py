"""Every resource name of a stage, and the one rule a stage name follows.

The CDK app (`stacks/`), the local runtime and the backend client all name resources here, so
a stage on AWS and the same stage on a laptop cannot disagree on a name, and the client finds
what either deployed. Standard library only: the client imports this module.
"""

from __future__ import annotations

import re
from typing import Final

SERVICE: Final = "leaderboard"
# Lowercase and 1-32 characters so every name below is valid and within its AWS limit
# (tests/test_naming.py checks the longest stage against each). A leading digit is fine:
# every name starts with `leaderboard-` or `/leaderboard/`.
STAGE_PATTERN: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")


def check_stage(stage: object, *, key: str = "stage") -> str:
    """`stage` when it follows the stage rule; a ValueError naming `key` otherwise."""
    if not isinstance(stage, str) or not STAGE_PATTERN.fullmatch(stage):
        raise ValueError(
            f"{key}: must be 1-32 lowercase letters, digits or hyphens, "
            f"starting with a letter or digit (got {stage!r})"
        )
    return stage


def resource_prefix(stage: str) -> str:
    """`leaderboard-{stage}-`: what every per-resource name of the stage starts with."""
    return f"{SERVICE}-{stage}-"


def resource_name(stage: str, suffix: str) -> str:
    """`leaderboard-{stage}-{suffix}`: every resource name carries the stage."""
    return resource_prefix(stage) + suffix


def stage_name(stage: str) -> str:
    """`leaderboard-{stage}`: the stack, and the default cache and event bus of the stage."""
    return f"{SERVICE}-{stage}"


def state_machine_name(stage: str, workflow: str) -> str:
    """`leaderboard-{stage}-{workflow}`, e.g. `leaderboard-dev-submit-score`."""
    return resource_name(stage, workflow)


def state_machine_log_group(stage: str, workflow: str) -> str:
    """The vendedlogs prefix keeps CloudWatch's resource policy small as stages multiply."""
    return f"/aws/vendedlogs/states/{state_machine_name(stage, workflow)}"


def function_name(stage: str, directory: str) -> str:
    """`functions/momento_bridge` deploys as `leaderboard-{stage}-momento-bridge`."""
    return resource_name(stage, directory.replace("_", "-"))


def api_key_secret_name(stage: str) -> str:
    """The Secrets Manager secret holding the stage's Momento key: `/leaderboard/{stage}/...`."""
    return f"/{SERVICE}/{stage}/momento-api-key"


def caller_secret_name(stage: str) -> str:
    """The local stack's bridge caller secret (the CDK stack lets CloudFormation name it; a
    fixed name locally, since moto frees a deleted name at once)."""
    return f"/{SERVICE}/{stage}/bridge-caller-secret"


def connection_name(stage: str) -> str:
    """The EventBridge connection that carries the Momento key to the HTTP Tasks."""
    return resource_name(stage, "momento")


def events_queue_name(stage: str) -> str:
    """The local SQS queue that receives every event put on the stage's bus."""
    return resource_name(stage, "events")


def archive_bucket_name(stage: str) -> str:
    """The local stack's archive bucket (on AWS, CloudFormation picks a unique name)."""
    return resource_name(stage, "archive")


def score_reports_dead_letter_queue_name(stage: str) -> str:
    """The queue where `ScoreReported` events go when submit-score could not be started."""
    return resource_name(stage, "score-reports-dlq")


# Topics live in the stage's cache, so they need no stage; the prefix keeps the standings apart
# from any other topic of the cache. Board names are URL-safe ([A-Za-z0-9_.~-], at most 64), so
# the topic goes into the publish URL as it is and stays far below Momento's 255 characters.
STANDINGS_TOPIC_PREFIX: Final = "standings."


def standings_topic(leaderboard: str) -> str:
    """`standings.{leaderboard}`: the topic submit-score publishes the board's standings to
    (one per board, every period: the message carries the period)."""
    return STANDINGS_TOPIC_PREFIX + leaderboard
