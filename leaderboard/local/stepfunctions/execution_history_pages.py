"""`GetExecutionHistory` pages as AWS pages it: `reverseOrder`, `maxResults`, `nextToken`.

moto answered every call with the whole history, oldest first, whatever was asked, so a
caller reading the newest events first or a page at a time (boto3's paginator) saw
something AWS never sends. AWS's page size is 1..1000 events, 100 when `maxResults` is
absent or 0; a `nextToken` is answered while events remain. The token names the execution
and the id of the next event to send, so it stays valid while the history grows and a
token from another execution is refused (`InvalidToken`).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Final

from moto.core.responses import ActionResult
from moto.stepfunctions.exceptions import InvalidToken, ValidationException
from moto.stepfunctions.responses import StepFunctionResponse

from leaderboard.local.patching import replace_attribute

DEFAULT_PAGE_SIZE: Final = 100
MAX_PAGE_SIZE: Final = 1000


def _page_size(requested: Any) -> int:
    size = int(requested or 0)
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise ValidationException(
            f"1 validation error detected: Value '{size}' at 'maxResults' failed to satisfy "
            f"constraint: Member must have value less than or equal to {MAX_PAGE_SIZE}"
        )
    return size or DEFAULT_PAGE_SIZE


def _token(execution_arn: str, next_event_id: int) -> str:
    payload = json.dumps({"executionArn": execution_arn, "nextEventId": next_event_id})
    return base64.urlsafe_b64encode(payload.encode()).decode()


def _next_event_id(token: str, execution_arn: str) -> int:
    """The id of the first event a token's page starts at; InvalidToken for anything else."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(token.encode()))
        next_event_id = payload["nextEventId"]
        issued_for = payload["executionArn"]
    except (binascii.Error, ValueError, TypeError, KeyError) as error:
        raise InvalidToken(f"'{token}' is not a GetExecutionHistory token") from error
    if issued_for != execution_arn or not isinstance(next_event_id, int):
        raise InvalidToken(f"'{token}' was issued for another execution")
    return next_event_id


def _history_page(
    events: list[dict[str, Any]],
    execution_arn: str,
    *,
    reverse: bool,
    max_results: Any,
    next_token: str | None,
) -> dict[str, Any]:
    """One page of `events` (ordered by id), with a `nextToken` while any remain."""
    size = _page_size(max_results)
    ordered = list(reversed(events)) if reverse else events
    if next_token:
        start = _next_event_id(next_token, execution_arn)
        ordered = [e for e in ordered if (e["id"] <= start if reverse else e["id"] >= start)]
    page: dict[str, Any] = {"events": ordered[:size]}
    if len(ordered) > size:
        page["nextToken"] = _token(execution_arn, ordered[size]["id"])
    return page


def _get_execution_history(self: StepFunctionResponse) -> ActionResult:
    execution_arn = self._get_param("executionArn")
    history = self.stepfunction_backend.get_execution_history(execution_arn)
    return ActionResult(
        _history_page(
            list(history["events"]),
            execution_arn,
            reverse=bool(self._get_param("reverseOrder")),
            max_results=self._get_param("maxResults"),
            next_token=self._get_param("nextToken"),
        )
    )


def install() -> None:
    replace_attribute(StepFunctionResponse, "get_execution_history", _get_execution_history)
