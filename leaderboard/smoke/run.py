"""The smoke run: each workflow once on a throwaway board, its answers and events checked.

The board is `smoke-<random>`, matched by the `smoke-` prefix of boards.json: a daily board
(UTC) whose scores expire after an hour. Steps:

1. submit-score twice (two members): rank, size and top as the second write left them, and
   both standings published to the board's live topic;
2. get-standing and get-leaderboard of that period: the same two members in order;
3. close-period of the previous (ended, empty) period: archived, announced, reset;
4. the bus carried one ScoreSubmitted per submission and one PeriodClosed, with the
   execution ARNs the calls returned.

Cleanup: the tap's rule and queue and the board's archive objects are deleted; the scores
expire with the board's one-hour TTL (the workflows hold the only Momento access), and the
named close execution stays in the history as every execution does.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final

import boto3

from leaderboard.client import LeaderboardClient
from leaderboard.client.results import ClosedPeriod, RankedMember, SubmitScoreResult
from leaderboard.naming import resource_name, stage_name
from leaderboard.smoke.errors import SmokeCheckError
from leaderboard.smoke.event_tap import EventTap

BOARD_PREFIX: Final = "smoke-"
DEFAULT_EVENT_WAIT_SECONDS: Final = 60.0
# (member, score): the second outranks the first on the board's `desc` order.
_FIRST: Final = ("smoke-first", 10.0)
_SECOND: Final = ("smoke-second", 20.0)


@dataclass
class SmokeReport:
    """What ran, one line per check that passed."""

    stage: str
    board: str
    passed: list[str] = field(default_factory=list)


def run_smoke(
    stage: str,
    *,
    session: boto3.Session | None = None,
    endpoint_url: str | None = None,
    region_name: str | None = None,
    event_wait_seconds: float = DEFAULT_EVENT_WAIT_SECONDS,
    progress: Callable[[str], None] = lambda _: None,
) -> SmokeReport:
    """Runs every check against `stage`; SmokeCheckError names the first that failed.

    `endpoint_url` points every AWS call elsewhere (the local stack); by default they go
    where boto3's usual configuration says.
    """
    session = session or boto3.Session()

    def clients(service: str) -> Any:
        return session.client(service, endpoint_url=endpoint_url, region_name=region_name)

    board = f"{BOARD_PREFIX}{uuid.uuid4().hex[:12]}"
    report = SmokeReport(stage=stage, board=board)

    def passed(line: str) -> None:
        report.passed.append(line)
        progress(line)

    client = LeaderboardClient(
        stage, session=session, endpoint_url=endpoint_url, region_name=region_name
    )
    with EventTap(
        clients,
        bus_name=stage_name(stage),
        board=board,
        name=resource_name(stage, board),
        wait_seconds=event_wait_seconds,
    ) as tap:
        passed(f"events: a rule on {stage_name(stage)} delivers {board}'s events")
        submitted = _check_submissions(client, board, passed)
        period = submitted[0].period
        if period is None:
            raise SmokeCheckError(f"submit-score: {board} has no period (is boards.json deployed?)")
        _check_reads(client, board, period, passed)
        previous = (date.fromisoformat(period) - timedelta(days=1)).isoformat()
        closed = _check_close(client, clients, board, previous, passed)
        tap.wait_for(
            lambda events: _submission_events(events, submitted) and _close_event(events, closed),
            "ScoreSubmitted for each submission and PeriodClosed",
        )
        passed("events: ScoreSubmitted x2 and PeriodClosed, with the calls' execution ARNs")
    return report


def _check_submissions(
    client: LeaderboardClient, board: str, passed: Callable[[str], None]
) -> list[SubmitScoreResult]:
    first = client.submit_score(board, *_FIRST)
    _expect("submit-score (first)", (first.score, first.rank, first.size), (_FIRST[1], 0, 1))
    second = client.submit_score(board, *_SECOND)
    _expect(
        "submit-score (second)",
        (second.rank, second.size, second.top, second.period),
        (0, 2, _standings(), first.period),
    )
    # The POST to the board's topic is best effort, so only its report shows a broken grant.
    _expect(
        "submit-score live standings (published, publish_error)",
        [(result.published, result.publish_error) for result in (first, second)],
        [(True, None), (True, None)],
    )
    passed(
        f"submit-score: two members on {board}, period {first.period}, ranked in order, "
        f"both standings published to its topic"
    )
    return [first, second]


def _check_reads(
    client: LeaderboardClient, board: str, period: str, passed: Callable[[str], None]
) -> None:
    standing = client.get_standing(board, _FIRST[0], period=period)
    _expect("get-standing", (standing.score, standing.rank), (_FIRST[1], 1))
    passed("get-standing: the first member's score and rank")
    page = client.get_leaderboard(board, period=period)
    _expect("get-leaderboard", page.entries, _standings())
    passed("get-leaderboard: both members in board order")


def _check_close(
    client: LeaderboardClient,
    clients: Callable[[str], Any],
    board: str,
    period: str,
    passed: Callable[[str], None],
) -> ClosedPeriod:
    closed = client.close_period(board, period)
    bucket, key = _s3_location(closed.archive)
    try:
        _expect("close-period", (closed.period, closed.size, closed.top), (period, 0, ()))
        _expect("close-period archive", key, f"{board}/{period}.json")
        clients("s3").head_object(Bucket=bucket, Key=key)  # the manifest exists
    finally:
        _remove_archive(clients, bucket, board)
    passed(f"close-period: {period} (empty) archived at {closed.archive}, archive removed")
    return closed


def _remove_archive(clients: Callable[[str], Any], bucket: str, board: str) -> None:
    s3 = clients("s3")
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{board}/"):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])


def _standings() -> tuple[RankedMember, ...]:
    return (
        RankedMember(name=_SECOND[0], score=_SECOND[1], rank=0),
        RankedMember(name=_FIRST[0], score=_FIRST[1], rank=1),
    )


def _submission_events(events: list[dict[str, Any]], submitted: list[SubmitScoreResult]) -> bool:
    seen = {
        event["detail"].get("executionArn")
        for event in events
        if event["detail-type"] == "ScoreSubmitted"
    }
    return all(result.execution_arn in seen for result in submitted)


def _close_event(events: list[dict[str, Any]], closed: ClosedPeriod) -> bool:
    return any(
        event["detail-type"] == "PeriodClosed"
        and event["detail"].get("period") == closed.period
        and event["detail"].get("archive") == closed.archive
        and event["detail"].get("executionArn") == closed.execution_arn
        for event in events
    )


def _s3_location(url: str) -> tuple[str, str]:
    if not url.startswith("s3://") or "/" not in url[len("s3://") :]:
        raise SmokeCheckError(f"close-period: archive {url!r} is not an s3:// URL")
    bucket, _, key = url[len("s3://") :].partition("/")
    return bucket, key


def _expect(check: str, actual: object, expected: object) -> None:
    if actual != expected:
        raise SmokeCheckError(f"{check}: expected {expected!r}, got {actual!r}")
