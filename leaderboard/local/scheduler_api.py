"""The local close schedules, registered in the EventBridge Scheduler API (moto's backend).

The local scheduler (`leaderboard.local.scheduler`) fires the closes; moto's Scheduler never
fires anything. Registering the same schedules there, as the CDK stack declares them (group
`leaderboard-{stage}-close-period`, named after the board, cron and time zone, target
`close-period` with Scheduler's input), lets `aws scheduler list-schedules` / `get-schedule`
show what runs. Locally there is no dead-letter queue and the role is a name only (the local
endpoint checks no IAM).
"""

from collections.abc import Sequence
from typing import Any

from leaderboard.local.aws_client import ACCOUNT_ID
from leaderboard.naming import resource_name
from leaderboard.period_rules import (
    SCHEDULE_MAX_EVENT_AGE_SECONDS,
    SCHEDULE_RETRY_ATTEMPTS,
    CloseSchedule,
)


def schedule_group_name(stage: str) -> str:
    return resource_name(stage, "close-period")


def _schedule(stage: str, schedule: CloseSchedule, close_period_arn: str) -> dict[str, Any]:
    return {
        "Name": schedule.leaderboard,
        "GroupName": schedule_group_name(stage),
        "Description": schedule.description,
        "ScheduleExpression": schedule.expression,
        "ScheduleExpressionTimezone": schedule.timezone,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED",
        "Target": {
            "Arn": close_period_arn,
            "RoleArn": f"arn:aws:iam::{ACCOUNT_ID}:role/{resource_name(stage, 'scheduler')}",
            "Input": schedule.target_input,
            "RetryPolicy": {
                "MaximumEventAgeInSeconds": SCHEDULE_MAX_EVENT_AGE_SECONDS,
                "MaximumRetryAttempts": SCHEDULE_RETRY_ATTEMPTS,
            },
        },
    }


def sync_schedules(
    scheduler: Any, stage: str, schedules: Sequence[CloseSchedule], close_period_arn: str
) -> None:
    """Makes the stage's group hold exactly `schedules`: creates the group if missing, creates
    or updates each schedule, deletes the ones whose board is no longer periodic."""
    group = schedule_group_name(stage)
    existing_groups = scheduler.list_schedule_groups(NamePrefix=group)["ScheduleGroups"]
    if group not in [each["Name"] for each in existing_groups]:
        scheduler.create_schedule_group(Name=group)
    pages = scheduler.get_paginator("list_schedules").paginate(GroupName=group)
    registered = {each["Name"] for page in pages for each in page["Schedules"]}
    wanted = {schedule.leaderboard: schedule for schedule in schedules}
    for name in sorted(registered - wanted.keys()):
        scheduler.delete_schedule(GroupName=group, Name=name)
    for name, schedule in wanted.items():
        request = _schedule(stage, schedule, close_period_arn)
        if name in registered:
            scheduler.update_schedule(**request)
        else:
            scheduler.create_schedule(**request)


def delete_schedules(scheduler: Any, stage: str) -> None:
    """Deletes the stage's group and, with it, its schedules (as Scheduler does)."""
    scheduler.delete_schedule_group(Name=schedule_group_name(stage))
