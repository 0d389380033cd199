"""Scores reported as events: the rule on the stage's bus that starts submit-score.

Another service puts `{"detail-type": "ScoreReported", "detail": {...}}` on the bus; the
rule's target is the submit-score state machine with the event's `detail` as its input, so
the detail is exactly submit-score's input (`leaderboard`, `name`, `score`, and a
`submissionId` that makes a redelivered event add once on an increment board). Both the CDK
stack and the local stack build the rule from these values.
"""

from typing import Any, Final

DETAIL_TYPE: Final = "ScoreReported"
EVENT_PATTERN: Final[dict[str, Any]] = {"detail-type": [DETAIL_TYPE]}
# The target's InputPath: submit-score receives the detail alone.
INPUT_PATH: Final = "$.detail"
# EventBridge's own retry of a failed StartExecution (throttled, state machine missing), then
# the dead-letter queue; the execution's own failures are its workflow's (docs/score-events.md).
RETRY_ATTEMPTS: Final = 8
MAX_EVENT_AGE_SECONDS: Final = 3600
WORKFLOW: Final = "submit-score"
