"""A score keeps the form the user sent: `42` stays `42` in every output and event.

Momento stores scores as float64 and its HTTP API answers `42.0`; AWS's JSONata computes
with JavaScript numbers, which write a whole number without a fraction. So on AWS every
value a workflow computes says `42`, and the local engine must too (it said `42.0` in
`top`, `leaderboard` and the standing, and `42` in the echoed input). The raw JSON text is
checked, since `42 == 42.0` once parsed.
"""

import json
import re
from typing import Any

from leaderboard.local.stack import LocalStack

BOARD = "score-types"
WHOLE = re.compile(r'"score":\s*42(?![\d.eE])')
FRACTION = re.compile(r'"score":\s*7\.5(?![\d])')


def _run(stack: LocalStack, workflow: str, execution_input: dict[str, Any]) -> str:
    sfn = stack.client("stepfunctions")
    result = sfn.start_sync_execution(
        stateMachineArn=stack.state_machine_arn(workflow), input=json.dumps(execution_input)
    )
    assert result["status"] == "SUCCEEDED", result
    output: str = result["output"]
    return output


def test_whole_scores_stay_whole_and_fractions_stay_fractions(stack: LocalStack) -> None:
    stack.received_events()  # start from an empty queue
    submitted = _run(stack, "submit-score", {"leaderboard": BOARD, "name": "ada", "score": 42})
    fraction = _run(stack, "submit-score", {"leaderboard": BOARD, "name": "bob", "score": 7.5})
    standing = _run(stack, "get-standing", {"leaderboard": BOARD, "name": "ada"})
    page = _run(stack, "get-leaderboard", {"leaderboard": BOARD})
    events = [json.dumps(event["detail"]) for event in stack.received_events(wait_seconds=5)]
    # ada's score appears in her submission (own score and the top list), her standing, the
    # page and the events; each time as 42, never 42.0.
    for text in (submitted, standing, page, *events):
        assert "42.0" not in text, text
    assert len(WHOLE.findall(submitted)) == 2  # the echoed score and the top entry
    assert len(WHOLE.findall(standing)) == 1
    assert len(WHOLE.findall(page)) == 1
    assert len(FRACTION.findall(fraction)) == 2  # 7.5 stays 7.5
    assert sum(len(WHOLE.findall(text)) for text in events) == 1  # ada's ScoreSubmitted
