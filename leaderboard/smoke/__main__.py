"""`python -m leaderboard.smoke --stage dev`: exit 0 when every check passed, 1 otherwise."""

import argparse
import sys

from botocore.exceptions import BotoCoreError, ClientError

from leaderboard.client import LeaderboardError
from leaderboard.smoke.errors import SmokeCheckError
from leaderboard.smoke.run import DEFAULT_EVENT_WAIT_SECONDS, run_smoke


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m leaderboard.smoke", description=__doc__)
    parser.add_argument("--stage", required=True, help="the deployed stage, e.g. dev")
    parser.add_argument("--region", help="default: boto3's configuration")
    parser.add_argument("--endpoint-url", help="another AWS endpoint (the local stack)")
    parser.add_argument(
        "--event-wait",
        type=float,
        default=DEFAULT_EVENT_WAIT_SECONDS,
        help="seconds to wait for the bus's events",
    )
    args = parser.parse_args(argv)
    try:
        report = run_smoke(
            args.stage,
            endpoint_url=args.endpoint_url,
            region_name=args.region,
            event_wait_seconds=args.event_wait,
            progress=lambda line: print(f"ok  {line}", flush=True),
        )
    except (SmokeCheckError, LeaderboardError, ClientError, BotoCoreError) as error:
        print(f"FAILED  {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(f"smoke passed: stage {report.stage}, board {report.board}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
