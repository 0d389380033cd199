"""GetExecutionHistory pages as AWS does: 100 events by default, up to 1,000, newest first
on `reverseOrder`, continued by `nextToken` (boto3's paginator included)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

ITEMS = 60  # a Map of 60 Pass iterations logs well over two default pages of events
_MAP = {
    "QueryLanguage": "JSONata",
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "Items": "{% $states.input.items %}",
            "ItemProcessor": {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}},
            "End": True,
        }
    },
}


@pytest.fixture(scope="module")
def execution(run_standard: Callable[..., dict[str, Any]]) -> str:
    return str(run_standard(_MAP, {"items": list(range(ITEMS))})["executionArn"])


@pytest.fixture(scope="module")
def all_ids(sfn: Any, execution: str) -> list[int]:
    answer = sfn.get_execution_history(executionArn=execution, maxResults=1000)
    assert "nextToken" not in answer
    ids = [event["id"] for event in answer["events"]]
    assert len(ids) > 2 * 100
    assert ids == list(range(1, len(ids) + 1))
    return ids


def test_a_call_without_max_results_answers_100_events_and_a_token(
    sfn: Any, execution: str, all_ids: list[int]
) -> None:
    first = sfn.get_execution_history(executionArn=execution)
    assert [event["id"] for event in first["events"]] == all_ids[:100]
    second = sfn.get_execution_history(executionArn=execution, nextToken=first["nextToken"])
    assert [event["id"] for event in second["events"]] == all_ids[100:200]


def test_the_paginator_reads_every_event_once_in_order(
    sfn: Any, execution: str, all_ids: list[int]
) -> None:
    pages = list(
        sfn.get_paginator("get_execution_history").paginate(
            executionArn=execution, PaginationConfig={"PageSize": 50}
        )
    )
    assert [len(page["events"]) for page in pages[:-1]] == [50] * (len(pages) - 1)
    assert [event["id"] for page in pages for event in page["events"]] == all_ids
    assert "nextToken" not in pages[-1]


def test_reverse_order_pages_newest_first(sfn: Any, execution: str, all_ids: list[int]) -> None:
    first = sfn.get_execution_history(executionArn=execution, reverseOrder=True, maxResults=7)
    assert [event["id"] for event in first["events"]] == all_ids[::-1][:7]
    assert first["events"][0]["type"] == "ExecutionSucceeded"
    pages = sfn.get_paginator("get_execution_history").paginate(
        executionArn=execution, reverseOrder=True, PaginationConfig={"PageSize": 7}
    )
    assert [event["id"] for page in pages for event in page["events"]] == all_ids[::-1]


def test_max_results_above_1000_is_refused(sfn: Any, execution: str) -> None:
    with pytest.raises(ClientError) as refused:
        sfn.get_execution_history(executionArn=execution, maxResults=1001)
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert "'maxResults'" in refused.value.response["Error"]["Message"]


def test_a_token_of_another_execution_or_garbage_is_refused(
    sfn: Any, execution: str, run_standard: Callable[..., dict[str, Any]]
) -> None:
    token = sfn.get_execution_history(executionArn=execution, maxResults=1)["nextToken"]
    other = run_standard(_MAP, {"items": [1]})["executionArn"]
    for bad in (token, "not-a-token"):
        with pytest.raises(ClientError) as refused:
            sfn.get_execution_history(executionArn=other, nextToken=bad)
        assert refused.value.response["Error"]["Code"] == "InvalidToken"
