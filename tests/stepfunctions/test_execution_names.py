"""An unnamed StartExecution gets a generated name, as on AWS, so unnamed runs never collide."""

import uuid
from typing import Any

from tests.stepfunctions.test_sync_execution import PASS, create


def test_unnamed_executions_get_distinct_uuid_names(sfn: Any) -> None:
    arn = create(sfn, "unnamed-runs", PASS, kind="STANDARD")
    first = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    second = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]

    names = [sfn.describe_execution(executionArn=each)["name"] for each in (first, second)]
    assert names[0] != names[1]
    for name in names:
        assert str(uuid.UUID(name)) == name


def test_a_given_name_is_kept(sfn: Any) -> None:
    arn = create(sfn, "named-runs", PASS, kind="STANDARD")
    execution = sfn.start_execution(stateMachineArn=arn, name="close-1", input="{}")
    assert execution["executionArn"].endswith(":named-runs:close-1")
