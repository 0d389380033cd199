"""moto's SQS reads the clock through ``time.time()`` instead of naive-datetime arithmetic.

Every ``ScoreSubmitted`` event the local bus delivers lands in an SQS queue that the CLI and
tests read later. When the queue is received from or counted, moto asks every message in it
whether it is visible or delayed, each answer a fresh ``unix_time_millis()`` built from two
datetimes. The same milliseconds since the epoch from ``time.time()`` cost a tenth, which keeps
reading a long backlog of events cheap.
"""

import time

from moto.sqs import models as sqs_models

from leaderboard.local.patching import replace_attribute


def unix_time_millis() -> float:
    """Milliseconds since the Unix epoch, as moto's ``unix_time_millis()`` with no argument."""
    return time.time() * 1000.0


def sqs_now_millis() -> float:
    """The milliseconds moto's SQS reads as now: through its models, so that every reader
    (moto's visibility and delays, the retention extensions) follows a clock a test moves."""
    return float(sqs_models.unix_time_millis())  # type: ignore[attr-defined]  # imported there


def install() -> None:
    """Point moto's SQS models at the fast clock (SQS is the only user patched)."""
    replace_attribute(sqs_models, "unix_time_millis", unix_time_millis)
