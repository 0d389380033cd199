"""Definitions are parsed once per version, not per execution."""

import json
from typing import Any

from leaderboard.local.stepfunctions import definition_cache
from tests.stepfunctions.conftest import ROLE_ARN


def test_definition_parsed_once_across_executions_and_again_after_update(sfn: Any) -> None:
    first = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "End": True}}}
    second = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 2, "End": True}}}
    arn = sfn.create_state_machine(
        name="cached", definition=json.dumps(first), roleArn=ROLE_ARN, type="EXPRESS"
    )["stateMachineArn"]
    before = definition_cache.parse_definition.cache_info()

    outputs = [sfn.start_sync_execution(stateMachineArn=arn)["output"] for _ in range(3)]
    sfn.update_state_machine(stateMachineArn=arn, definition=json.dumps(second))
    updated = sfn.start_sync_execution(stateMachineArn=arn)["output"]

    after = definition_cache.parse_definition.cache_info()
    assert outputs == ["1", "1", "1"]
    assert updated == "2"
    assert after.misses - before.misses == 1  # only the new version's text was parsed
    assert after.hits - before.hits >= 4
