"""`make demo`: the product in one minute, on the embedded local stack.

Starts the local stack on free ports and tells three boards' stories through the backend
client (the real state machines, calling the local Momento server over HTTP): an all-time
high-score board, a lap-time board where lower is better and a player's best lap counts, and a
daily step board that the scheduled close archives and resets. A live feed subscribed to the
high-score board's topic before anyone plays prints each standing as the workflow publishes it.
Prints the standings, one execution's trace and the events the bus delivered, then shuts
everything down.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import boto3
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from leaderboard.client import LeaderboardClient, RankedMember, SubmitScoreResult
from leaderboard.local.aws_client import FAKE_CREDENTIALS, REGION
from leaderboard.local.live_feed import LiveFeed
from leaderboard.local.stack import LocalStack
from leaderboard.local.trace import render_timeline

PLAYERS = ("mario", "luigi", "peach", "toad", "yoshi", "bowser", "daisy", "wario")
HIGH_SCORE_BOARD = "arcade-all-time"  # default rules: higher is better, latest replaces
LAP_TIME_BOARD = "mario-kart-lap-times"  # boards.json: lower is better, best lap kept
STEP_BOARD = "steps"  # boards.json: one board per day in Asia/Tokyo
ROUNDS = 3
# Every message the workflow published is already on its way when the submissions return; the
# wait only bounds a feed that lost its stream.
FEED_WAIT_SECONDS = 30.0


def standings_table(rows: Sequence[RankedMember]) -> Table:
    table = Table()
    table.add_column("rank", justify="right")
    table.add_column("player")
    table.add_column("score", justify="right")
    for row in rows:
        table.add_row(str(row.rank), row.name, f"{row.score:g}")
    return table


def play(
    client: LeaderboardClient,
    console: Console,
    submissions: Sequence[tuple[str, str, float]],
) -> list[SubmitScoreResult]:
    """Submits (board, player, score) in order, with a progress bar."""
    results = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("players submitting", total=len(submissions))
        for board, player, score in submissions:
            results.append(client.submit_score(board, player, score))
            progress.advance(task)
    return results


def live_line(message: dict[str, Any]) -> str:
    return (
        f"[cyan]live[/] {message['leaderboard']}: {message['name']} {message['score']:g} "
        f"-> rank {message['rank']} of {message['size']}"
    )


def simulated_submissions(seed: int) -> list[tuple[str, str, float]]:
    rng = random.Random(seed)  # noqa: S311 - a repeatable story, not a secret
    rounds: list[tuple[str, str, float]] = []
    for _ in range(ROUNDS):
        for player in PLAYERS:
            rounds.append((HIGH_SCORE_BOARD, player, rng.randrange(100, 10_000)))
            rounds.append((LAP_TIME_BOARD, player, round(rng.uniform(58.0, 75.0), 3)))
            rounds.append((STEP_BOARD, player, rng.randrange(2_000, 15_000)))
    rng.shuffle(rounds)
    return rounds


def main(seed: int = 7) -> None:
    console = Console()
    console.print("starting the local stack (Momento server + AWS endpoint) on free ports")
    with LocalStack(stage="demo", momento_grpc_port=0, momento_http_port=0, aws_port=0) as stack:
        console.print(
            f"[bold]local stack up[/]: AWS endpoint {stack.endpoint_url}, "
            f"Momento HTTP {stack.momento.http_url}, gRPC 127.0.0.1:{stack.momento.grpc_port}"
        )
        session = boto3.Session(region_name=REGION, **FAKE_CREDENTIALS)
        client = LeaderboardClient(
            stage=stack.stage, session=session, endpoint_url=stack.endpoint_url
        )
        console.print(
            f"[bold]live feed[/]: subscribed to {HIGH_SCORE_BOARD}'s topic with the Momento SDK"
        )
        with LiveFeed(
            stack.momento_credentials(),
            stack.cache_name,
            HIGH_SCORE_BOARD,
            lambda message: console.print(live_line(message)),
        ) as feed:
            results = play(client, console, simulated_submissions(seed))
            published = [r for r in results if r.leaderboard == HIGH_SCORE_BOARD and r.published]
            received = feed.wait_for(len(published), FEED_WAIT_SECONDS)
        console.print(f"{len(results)} submissions through the submit-score state machine")
        console.print(
            f"live feed: {len(received)} standings of {HIGH_SCORE_BOARD} received "
            f"({len(published)} published)"
        )

        high_scores = client.get_leaderboard(HIGH_SCORE_BOARD, view="top", limit=5)
        console.print(f"[bold]{HIGH_SCORE_BOARD}[/]: top 5")
        console.print(standings_table(high_scores.entries))
        laps = client.get_leaderboard(
            LAP_TIME_BOARD, view="top_and_around_me", name="yoshi", limit=1
        )
        console.print(f"[bold]{LAP_TIME_BOARD}[/]: the leader and yoshi's neighbours")
        console.print(standings_table(laps.entries))
        standing = client.get_standing(STEP_BOARD, "peach")
        console.print(f"peach's steps today: {standing.score:g}, rank {standing.rank}")

        last = results[-1]
        history = stack.client("stepfunctions").get_execution_history(
            executionArn=last.execution_arn, maxResults=1000
        )["events"]
        console.print(render_timeline(history, title=f"trace: {last.name} on {last.leaderboard}"))

        today = next(result.period for result in results if result.leaderboard == STEP_BOARD)
        assert today is not None
        closes_at = stack.scheduler.next_due(STEP_BOARD)
        console.print(
            f"moving the local clock past the close of {STEP_BOARD} {today} ({closes_at})"
        )
        stack.clock.advance_to(closes_at + timedelta(minutes=2))
        closed = client.close_period(STEP_BOARD, today)
        console.print(f"[bold]{STEP_BOARD} {today}[/]: final top 3")
        console.print(standings_table(closed.top))
        console.print(f"{closed.size} members archived at {closed.archive}")
        after = client.get_leaderboard(STEP_BOARD, period=today)
        console.print(f"{STEP_BOARD} {today} after the close: {len(after.entries)} members")

        events = stack.received_events(wait_seconds=1.0)
        kinds = sorted({event["detail-type"] for event in events})
        console.print(f"{len(events)} events delivered by the bus ({', '.join(kinds)}); the last:")
        console.print_json(json.dumps(events[-1]["detail"]) if events else "{}")
        console.print("stopping the local stack")
    console.print("[green]done[/]: nothing left running.")


if __name__ == "__main__":
    main()
