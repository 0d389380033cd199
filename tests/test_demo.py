"""`make demo`'s entry point, run as a newcomer runs it: a fresh process that must tell the
whole story and exit on its own, leaving nothing running."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_demo_tells_the_story_and_exits() -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "leaderboard.demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    out = finished.stdout
    assert finished.returncode == 0, finished.stderr[-2000:]
    submissions = re.search(r"(\d+) submissions through the submit-score state machine", out)
    assert submissions is not None
    assert int(submissions.group(1)) == 72  # 8 players x 3 boards x 3 rounds
    # The live feed, subscribed before anyone played, got every standing of its board.
    feed = re.search(
        r"live feed: (\d+) standings of arcade-all-time received \((\d+) published\)", out
    )
    assert feed is not None
    assert (int(feed.group(1)), int(feed.group(2))) == (24, 24)
    assert re.search(r"live arcade-all-time: \w+ \d+ -> rank \d of \d", out)
    assert "arcade-all-time: top 5" in out
    assert "mario-kart-lap-times: the leader and yoshi's neighbours" in out
    assert re.search(r"peach's steps today: \d+, rank \d", out)
    assert "execution SUCCEEDED" in out  # the trace of one execution
    archived = re.search(r"(\d+) members archived at s3://leaderboard-demo-archive/steps/", out)
    assert archived is not None
    assert int(archived.group(1)) == 8
    assert re.search(r"steps \S+ after the close: 0 members", out)
    assert re.search(r"events delivered by the bus \(PeriodClosed, ScoreSubmitted\)", out)
    assert out.rstrip().endswith("done: nothing left running.")
