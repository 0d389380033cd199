"""Reading a close-period archive from the local S3 as a consumer would: the manifest, then
its parts (the layout is in docs/daily-boards.md)."""

from __future__ import annotations

import json
from typing import Any

from leaderboard.local.stack import LocalStack


def archive(stack: LocalStack, location: str) -> dict[str, Any]:
    """The JSON document at an `s3://bucket/key` location in the local S3 (for an archive,
    its manifest)."""
    bucket, _, key = location.removeprefix("s3://").partition("/")
    body = stack.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    return dict(json.loads(body))


def archived_members(stack: LocalStack, location: str) -> list[tuple[str, float]]:
    """The standings an archive holds: the rows of the manifest's parts, in rank order. Each
    part must start at the rank the parts before it end at."""
    bucket = location.removeprefix("s3://").partition("/")[0]
    members: list[tuple[str, float]] = []
    for part_key in archive(stack, location)["parts"]:
        part = archive(stack, f"s3://{bucket}/{part_key}")
        assert part["firstRank"] == len(members), part_key
        members.extend((name, score) for name, score in part["members"])
    return members
