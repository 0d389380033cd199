"""close-period through the local runtime: a whole day, late submissions, re-runs, big boards."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest

from leaderboard.definitions import render_definition, substitutions, workflow
from leaderboard.local.history import parse_history
from leaderboard.local.stack import LocalStack
from leaderboard.local.stepfunctions.deploy import role_arn
from leaderboard.periods import period_bounds, period_of
from tests.archives import archive, archived_members
from tests.periods.conftest import Momento, Workflows, board_name, iso, period_rule


def _events_for(stack: LocalStack, board: str, *, wait_seconds: float = 2) -> list[dict[str, Any]]:
    return [
        event
        for event in stack.received_events(wait_seconds=wait_seconds)
        if event["detail-type"] == "PeriodClosed" and event["detail"]["leaderboard"] == board
    ]


def _start_of_a_fresh_period(stack: LocalStack, board: str) -> datetime:
    """Moves the clock to one minute into the board's next period and returns its start."""
    rule = period_rule(board)
    _, start = period_bounds(rule, period_of(rule, stack.clock.now()))
    stack.clock.advance_to(start + timedelta(minutes=1))
    return start


def _past_period_key(stack: LocalStack, board: str, days_ago: int = 3) -> str:
    return period_of(period_rule(board), stack.clock.now() - timedelta(days=days_ago))


def test_a_full_day_submissions_close_archive_event_reset_and_rerun(
    stack: LocalStack, workflows: Workflows, momento: Momento
) -> None:
    board = board_name("tokyo-")
    start = _start_of_a_fresh_period(stack, board)
    day = period_of(period_rule(board), start)
    scores = {"ann": 10.0, "bob": 30.0, "cat": 20.0, "dan": 5.0, "eve": 30.0}
    for name, score in scores.items():
        result = workflows.submit({"leaderboard": board, "name": name, "score": score})
        assert result["status"] == "SUCCEEDED", result
        assert json.loads(result["output"])["period"] == day
    final_board = momento.members(f"{board}#{day}")
    assert final_board is not None and len(final_board) == 5

    # The day ends: past the boundary and the settle time.
    _, end = period_bounds(period_rule(board), day)
    stack.clock.advance_to(end + timedelta(minutes=2))
    late = workflows.submit(
        {
            "leaderboard": board,
            "name": "zed",
            "score": 99,
            "occurredAt": iso(end - timedelta(seconds=1)),
        }
    )
    assert (late["status"], late["error"]) == ("FAILED", "Leaderboard.PeriodClosed")
    assert day in late["cause"]
    assert momento.members(f"{board}#{day}") == final_board  # nothing written

    closed = workflows.close({"leaderboard": board})  # default: the period that just ended
    assert closed["status"] == "SUCCEEDED", closed
    output = json.loads(closed["output"])
    top = [{"name": n, "score": s, "rank": r} for r, (n, s) in enumerate(final_board[:3])]
    location = f"s3://{stack.archive_bucket}/{board}/{day}.json"
    assert output == {
        "leaderboard": board,
        "period": day,
        "size": 5,
        "top": top,
        "archive": location,
    }
    manifest = archive(stack, location)
    assert archived_members(stack, location) == final_board
    assert manifest == {
        "leaderboard": board,
        "period": day,
        "timezone": "Asia/Tokyo",
        "cutoverHour": 0,
        "order": "desc",
        "size": 5,
        "top": top,
        "pageSize": 1000,
        "parts": [f"{board}/{day}/part-00000.json"],
    }
    events = _events_for(stack, board)
    assert len(events) == 1
    assert events[0]["detail"] | {"executionArn": None} == output | {"executionArn": None}
    assert events[0]["detail"]["executionArn"].endswith(f":{board}-{day}")
    assert momento.members(f"{board}#{day}") is None  # the board is reset

    # Re-runs: another unnamed run, and one naming the period, answer the same; no new event.
    again = workflows.close({"leaderboard": board, "period": day})
    assert again["status"] == "SUCCEEDED", again
    assert json.loads(again["output"]) == output
    assert archive(stack, location) == manifest
    assert _events_for(stack, board, wait_seconds=1) == []


def test_a_close_that_finds_its_archive_but_no_board_answers_from_the_archive(
    stack: LocalStack, workflows: Workflows, momento: Momento
) -> None:
    """What a redriven close sees when an earlier attempt archived and reset the board: it
    answers from the archive, without a second event and without overwriting it."""
    board = board_name("tokyo-")
    day = _past_period_key(stack, board)
    top = [{"name": "bob", "score": 2.0, "rank": 0}, {"name": "ann", "score": 1.0, "rank": 1}]
    part_key = f"{board}/{day}/part-00000.json"
    part = {
        "leaderboard": board,
        "period": day,
        "firstRank": 0,
        "columns": ["name", "score"],
        "members": [["bob", 2.0], ["ann", 1.0]],
    }
    earlier = {
        "leaderboard": board,
        "period": day,
        "timezone": "Asia/Tokyo",
        "cutoverHour": 0,
        "order": "desc",
        "size": 2,
        "top": top,
        "pageSize": 1000,
        "parts": [part_key],
    }
    # As close-period writes it: the part, then the manifest.
    s3 = stack.client("s3")
    s3.put_object(Bucket=stack.archive_bucket, Key=part_key, Body=json.dumps(part))
    s3.put_object(Bucket=stack.archive_bucket, Key=f"{board}/{day}.json", Body=json.dumps(earlier))
    assert momento.members(f"{board}#{day}") is None
    closed = workflows.close({"leaderboard": board, "period": day}, name=f"{board}-{day}")
    assert closed["status"] == "SUCCEEDED", closed
    assert json.loads(closed["output"]) == {
        "leaderboard": board,
        "period": day,
        "size": 2,
        "top": top,
        "archive": f"s3://{stack.archive_bucket}/{board}/{day}.json",
    }
    assert archive(stack, json.loads(closed["output"])["archive"]) == earlier
    assert archived_members(stack, json.loads(closed["output"])["archive"]) == [
        ("bob", 2.0),
        ("ann", 1.0),
    ]
    assert _events_for(stack, board, wait_seconds=1) == []


def test_a_close_answered_from_its_archive_keeps_scores_past_15_digits(
    stack: LocalStack, workflows: Workflows, momento: Momento
) -> None:
    """A second attempt, after the first archived and reset the board, answers from the
    manifest: the same top 3 to the last bit (0.1 + 0.2, not the 0.3 of $string's 15 digits)."""
    board = board_name("tokyo-")
    day = _past_period_key(stack, board)
    momento.seed(f"{board}#{day}", {"ann": 0.1 + 0.2, "bob": 1 / 3, "cat": 2 / 3, "dan": 0.1})
    held = momento.members(f"{board}#{day}")
    assert held is not None
    top = [{"name": n, "score": s, "rank": r} for r, (n, s) in enumerate(held[:3])]
    assert [row["score"] for row in top] == [2 / 3, 1 / 3, 0.1 + 0.2]

    first = workflows.close({"leaderboard": board, "period": day}, name=f"{board}-{day}")
    assert first["status"] == "SUCCEEDED", first
    assert momento.members(f"{board}#{day}") is None  # archived and reset
    second = workflows.close({"leaderboard": board, "period": day}, name=f"{board}-{day}-r2")
    assert second["status"] == "SUCCEEDED", second

    runs = _runs_per_state(workflows, second["executionArn"])
    assert (runs["ReadEarlierArchive"], runs["WriteManifest"]) == (1, 0)
    answered = json.loads(second["output"])
    assert answered == json.loads(first["output"])
    assert (answered["size"], answered["top"]) == (4, top)


def test_a_period_without_submissions_closes_with_an_empty_archive(
    stack: LocalStack, workflows: Workflows
) -> None:
    board = board_name("tokyo-")
    day = _past_period_key(stack, board)
    closed = workflows.close({"leaderboard": board, "period": day})
    assert closed["status"] == "SUCCEEDED", closed
    output = json.loads(closed["output"])
    assert (output["size"], output["top"]) == (0, [])
    manifest = archive(stack, output["archive"])
    assert (manifest["size"], manifest["top"], manifest["parts"]) == (0, [], [])


def test_an_ascending_board_is_archived_lowest_first(
    stack: LocalStack, workflows: Workflows, momento: Momento
) -> None:
    board = board_name("asc-tokyo-")
    day = _past_period_key(stack, board)
    momento.seed(f"{board}#{day}", {"slow": 90.5, "fast": 61.2, "mid": 75.0})
    closed = workflows.close({"leaderboard": board, "period": day})
    assert closed["status"] == "SUCCEEDED", closed
    members = archived_members(stack, json.loads(closed["output"])["archive"])
    assert members == [("fast", 61.2), ("mid", 75.0), ("slow", 90.5)]


def _runs_per_state(workflows: Workflows, execution_arn: str) -> Counter[str]:
    events = workflows.sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)
    return Counter(run.name for run in parse_history(events["events"]).runs)


def test_a_board_far_over_one_states_data_closes_part_by_part(
    stack: LocalStack, workflows: Workflows, momento: Momento
) -> None:
    """12,345 members with 128-character names: 1.8 MB of standings, seven times what one
    state may carry, archived one 1,000-member page at a time."""
    board = board_name("tokyo-")
    day = _past_period_key(stack, board)
    key = f"{board}#{day}"
    momento.seed(
        key, {f"{index:05d}-" + "x" * 122: float((index * 7919) % 10007) for index in range(12_345)}
    )
    expected = momento.members(key)
    assert expected is not None and len(expected) == 12_345

    closed = workflows.close({"leaderboard": board, "period": day}, name=f"{board}-{day}")
    assert closed["status"] == "SUCCEEDED", closed
    output = json.loads(closed["output"])
    top = [{"name": n, "score": s, "rank": r} for r, (n, s) in enumerate(expected[:3])]
    assert (output["size"], output["top"]) == (12_345, top)
    manifest = archive(stack, output["archive"])
    assert manifest["parts"] == [f"{board}/{day}/part-{index:05d}.json" for index in range(13)]
    assert archived_members(stack, output["archive"]) == expected
    # Twelve full pages and the short one that ends the loop, each written as it was read.
    runs = _runs_per_state(workflows, closed["executionArn"])
    assert (runs["FetchPage"], runs["WritePart"]) == (13, 13)
    assert momento.members(key) is None


def test_a_board_of_whole_pages_ends_on_an_empty_page_without_an_empty_part(
    stack: LocalStack, workflows: Workflows, momento: Momento
) -> None:
    board = board_name("tokyo-")
    day = _past_period_key(stack, board)
    key = f"{board}#{day}"
    momento.seed(key, {f"player-{index:04d}": float(index) for index in range(2000)})
    expected = momento.members(key)

    closed = workflows.close({"leaderboard": board, "period": day}, name=f"{board}-{day}")
    assert closed["status"] == "SUCCEEDED", closed
    location = json.loads(closed["output"])["archive"]
    assert archive(stack, location)["parts"] == [
        f"{board}/{day}/part-00000.json",
        f"{board}/{day}/part-00001.json",
    ]
    assert archived_members(stack, location) == expected
    runs = _runs_per_state(workflows, closed["executionArn"])
    assert (runs["FetchPage"], runs["WritePart"]) == (3, 2)


def test_a_board_over_the_archive_limit_fails_before_the_manifest_event_or_reset(
    stack: LocalStack, workflows: Workflows, momento: Momento
) -> None:
    """The limit is 1,000,000 members in the definition; this runs a copy of close-period
    with only that number lowered to 2,000, so the guard is reached with 2,500 members."""
    sfn = workflows.sfn
    definition = render_definition(
        workflow("close-period"), substitutions(stack.definition_settings())
    )
    assert definition.count('"archiveLimit": 1000000') == 1
    limited = sfn.create_state_machine(
        name=f"close-period-limit-{uuid.uuid4().hex[:8]}",
        definition=definition.replace('"archiveLimit": 1000000', '"archiveLimit": 2000'),
        roleArn=role_arn(stack.stage),
    )["stateMachineArn"]
    board = board_name("tokyo-")
    day = _past_period_key(stack, board)
    key = f"{board}#{day}"
    momento.seed(key, {f"player-{index:04d}": float(index) for index in range(2500)})

    started = sfn.start_execution(
        stateMachineArn=limited,
        name=f"{board}-{day}",
        input=json.dumps({"leaderboard": board, "period": day}),
    )
    closed = workflows.wait(started["executionArn"])
    assert (closed["status"], closed["error"]) == ("FAILED", "Leaderboard.ArchiveTooLarge")
    assert f"{key} exceed 2000 members" in closed["cause"]
    members = momento.members(key)
    assert members is not None and len(members) == 2500
    s3 = stack.client("s3")
    with pytest.raises(s3.exceptions.NoSuchKey):
        s3.get_object(Bucket=stack.archive_bucket, Key=f"{board}/{day}.json")
    assert _events_for(stack, board, wait_seconds=1) == []


@pytest.mark.parametrize(
    ("request_", "cause"),
    [
        ({}, "leaderboard: is required"),
        ({"leaderboard": "tokyo-x", "colour": "red"}, "colour: unknown field"),
        ({"leaderboard": "tokyo-x", "period": "yesterday"}, "period: must be a period key"),
        ({"leaderboard": "tokyo-x", "period": "2026-W47"}, "period: 2026-W47 is not a daily"),
        ({"leaderboard": "tokyo-x", "asOf": "2026-11-22"}, "asOf: must be an ISO-8601"),
        ({"leaderboard": "tokyo-x", "asOf": "2026-11-22T00:00:00Z\n"}, "asOf: must be an ISO-8601"),
        (
            {"leaderboard": "tokyo-x", "asOf": "0001-01-01T00:00:00Z"},
            "asOf: year must be 1970-2999",
        ),
        (
            {"leaderboard": "tokyo-x", "asOf": "9999-12-31T23:59:59Z"},
            "asOf: year must be 1970-2999",
        ),
        ({"leaderboard": "tokyo-x", "period": "2026-12-04\n"}, "period: must be a period key"),
        ({"leaderboard": "alltime-x"}, "leaderboard: alltime-x has no periods"),
        ({"leaderboard": "tokyo-x", "period": "9999-01-01"}, "period: 9999-01-01 has not ended"),
    ],
)
def test_bad_close_requests_fail_naming_the_field(
    workflows: Workflows, request_: dict[str, Any], cause: str
) -> None:
    result = workflows.close(request_)
    assert (result["status"], result["error"]) == ("FAILED", "Leaderboard.ValidationError")
    assert cause in result["cause"]


def test_a_close_as_of_the_future_is_refused_and_cannot_block_the_real_close(
    stack: LocalStack, workflows: Workflows, momento: Momento
) -> None:
    # Accepted, asOf two days ahead named tomorrow as the period to close: its named close
    # {board}-{tomorrow} started early, failed (not ended) and blocked tomorrow's real close.
    board = board_name("tokyo-")
    rule = period_rule(board)
    _start_of_a_fresh_period(stack, board)
    tomorrow = period_of(rule, stack.clock.now() + timedelta(days=1))
    ahead = workflows.close(
        {"leaderboard": board, "asOf": iso(stack.clock.now() + timedelta(days=2))}
    )
    assert (ahead["status"], ahead["error"], ahead["cause"]) == (
        "FAILED",
        "Leaderboard.ValidationError",
        "asOf: is in the future (more than 60 seconds after the close started)",
    )
    momento.seed(f"{board}#{tomorrow}", {"ann": 1.0})
    _, end = period_bounds(rule, tomorrow)
    stack.clock.advance_to(end + timedelta(minutes=2))
    closed = workflows.close({"leaderboard": board})
    assert closed["status"] == "SUCCEEDED", closed
    assert json.loads(closed["output"])["period"] == tomorrow
    assert json.loads(closed["output"])["size"] == 1


def test_a_submission_from_the_future_is_rejected(
    stack: LocalStack, workflows: Workflows, momento: Momento
) -> None:
    board = board_name("tokyo-")
    ahead = stack.clock.now() + timedelta(minutes=5)
    result = workflows.submit(
        {"leaderboard": board, "name": "ann", "score": 1, "occurredAt": iso(ahead)}
    )
    assert (result["status"], result["error"]) == ("FAILED", "Leaderboard.ValidationError")
    assert "occurredAt: is in the future" in result["cause"]
    assert momento.members(f"{board}#{period_of(period_rule(board), ahead)}") is None


def test_a_close_whose_named_run_failed_closes_under_the_next_name(
    stack: LocalStack, workflows: Workflows, momento: Momento
) -> None:
    """The named run meets a missing cache (an outage: it fails, archiving nothing); once the
    cache is back, the next close runs as {board}-{period}-r2 and archives the period."""
    board = board_name("tokyo-")
    day = _past_period_key(stack, board)
    store = stack.momento.store
    store.delete_cache(stack.cache_name)
    try:
        failed = workflows.close({"leaderboard": board, "period": day}, name=f"{board}-{day}")
    finally:
        store.create_cache(stack.cache_name)
    assert (failed["status"], failed["error"]) == ("FAILED", "Leaderboard.StoreUnavailable")
    assert "Cache Not Found" in failed["cause"]
    assert _listed(stack, board) == []  # nothing archived

    momento.seed(f"{board}#{day}", {"ann": 1.0, "bob": 2.0})
    closed = workflows.close({"leaderboard": board, "period": day})
    assert closed["status"] == "SUCCEEDED", closed
    output = json.loads(closed["output"])
    assert (output["period"], output["size"]) == (day, 2)
    assert archived_members(stack, output["archive"]) == [("bob", 2.0), ("ann", 1.0)]
    assert momento.members(f"{board}#{day}") is None
    second = failed["executionArn"] + "-r2"
    assert workflows.sfn.describe_execution(executionArn=second)["status"] == "SUCCEEDED"
    # Closing again answers the same from the succeeded attempt; nothing runs a third time.
    again = workflows.close({"leaderboard": board, "period": day})
    assert json.loads(again["output"]) == output


def _listed(stack: LocalStack, board: str) -> list[str]:
    listing = stack.client("s3").list_objects_v2(Bucket=stack.archive_bucket, Prefix=f"{board}/")
    return [item["Key"] for item in listing.get("Contents", [])]
