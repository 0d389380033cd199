"""`clock show` / `clock advance` against a stack's AWS endpoint: the CLI moves the clock of a
running stack and the closes that became due run, as a user would do after `make up`.

The stack runs in this process (as `up` runs it: the control routes are the endpoint's), with
its own stage, since moving its clock must not move other tests' stacks. The board is
boards.json's daily `steps` board (Asia/Tokyo), the demo's.
"""

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta

import pytest

from leaderboard.local import cli
from leaderboard.local.durations import parse_duration
from leaderboard.local.stack import LocalStack

DAILY_BOARD = "steps"


@pytest.fixture(scope="module")
def clock_stack() -> Iterator[LocalStack]:
    with LocalStack(
        stage="clockcli", momento_grpc_port=0, momento_http_port=0, aws_port=0
    ) as running:
        yield running


def _cli(stack: LocalStack, *args: str) -> int:
    return cli.main([*args, "--endpoint-url", stack.endpoint_url])


def _post_advance(stack: LocalStack, body: bytes) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(
        f"{stack.endpoint_url}/_local/clock/advance", data=body, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_clock_show_prints_the_time_and_the_schedules(
    clock_stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(clock_stack, "clock", "show") == 0
    out = capsys.readouterr().out
    due = clock_stack.scheduler.next_due(DAILY_BOARD).isoformat().replace("+00:00", "Z")
    assert f"close schedule {DAILY_BOARD}: cron(0 0 * * ? *) Asia/Tokyo, next at {due}" in out


def test_bad_advances_are_refused_and_move_nothing(
    clock_stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    before = clock_stack.clock.offset
    assert _cli(clock_stack, "clock", "advance", "1x") == 1
    assert "DURATION: '1x' is not a duration like 1d" in capsys.readouterr().out
    for body in (b'{"seconds": -5}', b'{"seconds": true}', b"{}", b"not json"):
        status, answer = _post_advance(clock_stack, body)
        assert status == 400, body
        assert answer["message"].startswith(("seconds:", "body:")), answer
    assert clock_stack.clock.offset == before


def test_advancing_a_day_closes_the_daily_board(
    clock_stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        _cli(
            clock_stack,
            "start-execution",
            "submit-score",
            json.dumps({"leaderboard": DAILY_BOARD, "name": "peach", "score": 9000}),
            "--stage",
            clock_stack.stage,
        )
        == 0
    )
    submitted = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    period = submitted["period"]
    clock_stack.received_events()
    assert _cli(clock_stack, "clock", "advance", "1d") == 0
    out = capsys.readouterr().out
    assert f"fired close of {DAILY_BOARD}" in out
    closed = re.search(r"SUCCEEDED (\S+)\n(.*)", out, re.DOTALL)
    assert closed is not None, out
    output = json.loads(closed.group(2))
    assert (output["leaderboard"], output["period"], output["size"]) == (DAILY_BOARD, period, 1)
    archive = clock_stack.client("s3").get_object(
        Bucket=clock_stack.archive_bucket, Key=f"{DAILY_BOARD}/{period}.json"
    )
    assert archive["ContentLength"] > 0
    kinds = {event["detail-type"] for event in clock_stack.received_events(wait_seconds=1)}
    assert any("Closed" in kind for kind in kinds), kinds


@pytest.mark.parametrize(
    ("text", "seconds"), [("1d", 86400), ("12h", 43200), ("2h30m", 9000), ("90s", 90)]
)
def test_durations_read_as_typed(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "0s", "1x", "d", "-1d", "1h2d", "1.5d"])
def test_durations_that_are_not_forward_spans_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(text))):
        parse_duration(text)
