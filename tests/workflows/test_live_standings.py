"""Live standings: submit-score publishes each new standing to the board's Momento topic.

A subscriber holds the official SDK's `TopicClient` on the local server's gRPC door, while the
real workflow publishes over the HTTP door (Momento's `POST /topics/{cache}/{topic}`). The
subscription is opened before submitting, and a test reads exactly the messages the workflow
reported as published: the sync SDK waits forever on a stream with nothing more to read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from momento import TopicClient
from momento.responses import TopicSubscribe, TopicSubscriptionItem

from leaderboard.local.momento_server.faults import FaultInjector, FaultRule
from leaderboard.local.stack import LocalStack
from leaderboard.naming import standings_topic
from tests.workflows.board_model import expected_output
from tests.workflows.board_rules_for_tests import board_name
from tests.workflows.conftest import Board, EventLog, SubmitScore


@pytest.fixture(scope="module")
def topics(stack: LocalStack) -> Iterator[TopicClient]:
    with stack.topic_client() as client:
        yield client


def _subscribe(topics: TopicClient, cache_name: str, leaderboard: str) -> Any:
    subscription = topics.subscribe(cache_name, standings_topic(leaderboard))
    assert isinstance(subscription, TopicSubscribe.Subscription), subscription
    return subscription


def _message(subscription: Any) -> dict[str, Any]:
    item = next(subscription)
    assert isinstance(item, TopicSubscriptionItem.Text), item
    message: dict[str, Any] = json.loads(item.value)
    return message


def _attempts(submit: SubmitScore, result: Any, state: str) -> int:
    (run,) = [run for run in submit.history(result).all_runs() if run.name == state]
    return run.attempts


def test_a_subscriber_receives_each_new_standing(
    submit: SubmitScore, board: Board, stack: LocalStack, topics: TopicClient
) -> None:
    subscription = _subscribe(topics, stack.cache_name, board.name)
    try:
        first = submit({"leaderboard": board.name, "name": "ann", "score": 10})
        second = submit({"leaderboard": board.name, "name": "bob", "score": 30})
        assert (first.status, second.status) == ("SUCCEEDED", "SUCCEEDED"), second.cause
        assert first.output == expected_output(board.name, "ann", 10, {"ann": 10})
        assert (first.output["published"], second.output["published"]) == (True, True)
        messages = [_message(subscription), _message(subscription)]
    finally:
        subscription.unsubscribe()
    # The standing as the output reports it, without the top: small, one per submission.
    assert messages == [
        {"leaderboard": board.name, "name": "ann", "score": 10, "rank": 0, "size": 1},
        {"leaderboard": board.name, "name": "bob", "score": 30, "rank": 0, "size": 2},
    ]


def test_a_periodic_board_publishes_the_period_on_the_board_topic(
    submit: SubmitScore, stack: LocalStack, topics: TopicClient
) -> None:
    # A daily board: its topic has no period in its name, its messages carry the period.
    leaderboard = board_name("daily-utc-")
    subscription = _subscribe(topics, stack.cache_name, leaderboard)
    try:
        result = submit({"leaderboard": leaderboard, "name": "walker", "score": 9000})
        assert result.status == "SUCCEEDED", result.cause
        message = _message(subscription)
    finally:
        subscription.unsubscribe()
    assert result.output["period"] is not None
    assert message == {
        "leaderboard": leaderboard,
        "name": "walker",
        "score": 9000,
        "rank": 0,
        "size": 1,
        "period": result.output["period"],
    }


def test_a_failed_publish_keeps_the_stored_submission_and_says_why(
    submit: SubmitScore, board: Board, events: EventLog, faults: FaultInjector
) -> None:
    faults.add(FaultRule(operation="topics.publish", status=503))
    result = submit({"leaderboard": board.name, "name": "quiet", "score": 5})
    assert result.status == "SUCCEEDED", result.cause
    expected = expected_output(board.name, "quiet", 5, {"quiet": 5})
    assert {k: v for k, v in result.output.items() if k != "publishError"} == {
        **expected,
        "published": False,
    }
    assert result.output["publishError"].startswith("States.Http.StatusCode.503")
    assert len(result.output["publishError"]) <= 300
    # Retried twice with backoff first, then given up on; the score and its event stand.
    assert _attempts(submit, result, "PublishStanding") == 3
    assert board.members() == [("quiet", 5)]
    (event,) = events.for_board(board.name, count=1)
    assert (event["detail"]["score"], event["detail"]["rank"]) == (5, 0)


def test_a_throttled_publish_is_retried_and_delivered(
    submit: SubmitScore, board: Board, stack: LocalStack, topics: TopicClient, faults: FaultInjector
) -> None:
    faults.add(FaultRule(operation="topics.publish", status=429, times=1))
    subscription = _subscribe(topics, stack.cache_name, board.name)
    try:
        result = submit({"leaderboard": board.name, "name": "again", "score": 2})
        assert result.status == "SUCCEEDED", result.cause
        assert result.output["published"] is True
        message = _message(subscription)
    finally:
        subscription.unsubscribe()
    assert _attempts(submit, result, "PublishStanding") == 2
    assert message["name"] == "again"
