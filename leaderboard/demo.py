"""`make demo`: the product in one minute, on the embedded local stack.

Starts the local stack on free ports, has simulated players submit scores through the backend
client (the real state machine, calling the local Momento server over HTTP), prints the
standings, one execution's trace and the events the bus delivered, then shuts everything down.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import boto3
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from leaderboard.client import LeaderboardClient, RankedMember, SubmitScoreResult
from leaderboard.local.stack import LocalStack
from leaderboard.local.stepfunctions.endpoint import FAKE_CREDENTIALS, REGION
from leaderboard.local.trace import render_timeline

PLAYERS = ("mario", "luigi", "peach", "toad", "yoshi", "bowser", "daisy", "wario")
HIGH_SCORE_BOARD = "arcade-all-time"
SUBMISSIONS_PER_PLAYER = 3


def standings_table(title: str, rows: Sequence[RankedMember]) -> Table:
    table = Table(title=title)
    table.add_column("rank", justify="right")
    table.add_column("player")
    table.add_column("score", justify="right")
    for row in rows:
        table.add_row(str(row.rank), row.name, f"{row.score:g}")
    return table


def play(client: LeaderboardClient, console: Console, seed: int) -> list[SubmitScoreResult]:
    """Every player submits a few scores; the latest score replaces the previous one."""
    rng = random.Random(seed)  # noqa: S311 - a repeatable story, not a secret
    submissions = [(player, rng.randrange(100, 10_000)) for player in PLAYERS] * (
        SUBMISSIONS_PER_PLAYER
    )
    rng.shuffle(submissions)
    results = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("players submitting scores", total=len(submissions))
        for player, score in submissions:
            results.append(client.submit_score(HIGH_SCORE_BOARD, player, score))
            progress.advance(task)
    return results


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
        results = play(client, console, seed)
        last = results[-1]
        console.print(
            f"{len(results)} submissions through {client.state_machine_arn('submit-score')}"
        )
        console.print(standings_table(f"{HIGH_SCORE_BOARD}: top {len(last.top)}", last.top))
        console.print(
            f"last submission: {last.name} scored {last.score:g} -> rank {last.rank} of {last.size}"
        )
        history = stack.client("stepfunctions").get_execution_history(
            executionArn=last.execution_arn, maxResults=1000
        )["events"]
        console.print(render_timeline(history, title="trace of the last submission"))
        events = stack.received_events(wait_seconds=1.0)
        console.print(f"{len(events)} ScoreSubmitted events delivered by the bus; the last one:")
        console.print_json(data=events[-1]["detail"] if events else {})
        console.print("stopping the local stack")
    console.print("[green]done[/]: nothing left running.")


if __name__ == "__main__":
    main()
