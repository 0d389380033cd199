"""The local close schedules are visible through the EventBridge Scheduler API (boto3)."""

import json

from leaderboard.local.stack import LocalStack


def test_list_and_get_schedules_show_what_the_local_scheduler_fires(stack: LocalStack) -> None:
    scheduler = stack.client("scheduler")
    group = f"leaderboard-{stack.stage}-close-period"
    listed = scheduler.list_schedules(GroupName=group)["Schedules"]
    fired_by_the_local_scheduler = sorted(each.leaderboard for each in stack.scheduler.schedules)
    assert sorted(each["Name"] for each in listed) == fired_by_the_local_scheduler == ["steps"]
    assert {each["GroupName"] for each in listed} == {group}
    assert {each["Target"]["Arn"] for each in listed} == {stack.state_machine_arn("close-period")}

    schedule = scheduler.get_schedule(GroupName=group, Name="steps")
    assert (schedule["ScheduleExpression"], schedule["ScheduleExpressionTimezone"]) == (
        "cron(0 0 * * ? *)",
        "Asia/Tokyo",
    )
    assert schedule["State"] == "ENABLED"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    target = schedule["Target"]
    assert target["Arn"] == stack.state_machine_arn("close-period")
    assert json.loads(target["Input"]) == {
        "leaderboard": "steps",
        "asOf": "<aws.scheduler.scheduled-time>",
    }
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 21600, "MaximumRetryAttempts": 20}
