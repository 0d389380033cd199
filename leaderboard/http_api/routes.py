"""The HTTP routes and how each becomes a workflow input and an HTTP answer.

This is the one description of the mapping: `leaderboard.http_api.vtl` turns it into API
Gateway's request and response templates and the local router applies it directly, so a
route behaves the same on AWS and on a laptop. The rules are deliberately ones a mapping
template can express (no code runs on AWS between API Gateway and Step Functions):

- path parameters become string fields; query parameters are forwarded only when present,
  an integer one as a JSON number when it is written as one (`-?(0|[1-9][0-9]*)`), else as
  the string it is, so the workflow names the field and the problem;
- a body is a JSON object holding only the route's body fields (checked against
  `body_schema` before the workflow runs), forwarded as they are;
- the workflow's own validation decides everything else, with the messages of
  docs/workflows.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

INTEGER_TEXT: Final = "-?(0|[1-9][0-9]*)"
# What a StoreUnavailable cause says after its first colon: the last Momento error.
CAUSE_DETAIL: Final = "(?s):.*"
VALIDATION_ERROR: Final = "Leaderboard.ValidationError"
STORE_UNAVAILABLE: Final = "Leaderboard.StoreUnavailable"
# Answers that say what failed without internals (Momento statuses, state names).
INTERNAL_ERROR_BODY: Final = {"error": "InternalError", "message": "internal error"}
TIMED_OUT_BODY: Final = {"error": "Timeout", "message": "the workflow did not finish in time"}
INVALID_REQUEST_BODY: Final = {
    "error": "BadRequest",
    "message": "the request could not be turned into a workflow input",
}
NO_ROUTE_BODY: Final = {"error": "NotFound", "message": "no such route"}
FORBIDDEN_BODY: Final = {"error": "Forbidden", "message": "a valid x-api-key header is required"}


@dataclass(frozen=True)
class QueryParameter:
    name: str
    kind: Literal["integer", "string"]


@dataclass(frozen=True)
class Route:
    """One HTTP route: its method and path, the workflow it starts and where the input comes
    from. `api_key_required` routes answer 403 without a valid `x-api-key`."""

    method: Literal["GET", "POST"]
    path: str
    workflow: str
    query: tuple[QueryParameter, ...] = ()
    body_fields: tuple[str, ...] = ()
    api_key_required: bool = False

    @property
    def path_parameters(self) -> tuple[str, ...]:
        return tuple(re.findall(r"\{([A-Za-z]+)\}", self.path))

    @property
    def body_schema(self) -> dict[str, Any] | None:
        """JSON Schema (draft 4, API Gateway's) of the body: an object of the body fields only.
        Their types are left to the workflow, whose messages name the field."""
        if not self.body_fields:
            return None
        return {
            "$schema": "http://json-schema.org/draft-04/schema#",
            "title": f"{self.workflow} body",
            "type": "object",
            "properties": {field: {} for field in self.body_fields},
            "additionalProperties": False,
        }


ROUTES: Final[tuple[Route, ...]] = (
    Route(
        method="POST",
        path="/{leaderboard}/{name}",
        workflow="submit-score",
        body_fields=("score", "submissionId", "occurredAt"),
        api_key_required=True,
    ),
    Route(
        method="GET",
        path="/{leaderboard}/{name}",
        workflow="get-standing",
        query=(QueryParameter("period", "string"),),
    ),
    Route(
        method="GET",
        path="/{leaderboard}",
        workflow="get-leaderboard",
        query=(
            QueryParameter("startRank", "integer"),
            QueryParameter("endRank", "integer"),
            QueryParameter("view", "string"),
            QueryParameter("name", "string"),
            QueryParameter("limit", "integer"),
            QueryParameter("period", "string"),
        ),
    ),
)

# Workflow errors with their own status; every other failure is a 500 without its cause.
ERROR_STATUSES: Final[Mapping[str, int]] = {VALIDATION_ERROR: 400, STORE_UNAVAILABLE: 503}
TIMED_OUT_STATUS: Final = 504


def workflow_input(
    route: Route,
    path: Mapping[str, str],
    query: Mapping[str, str],
    body: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The workflow input of a request (the body already checked against `body_schema`)."""
    result: dict[str, Any] = {name: path[name] for name in route.path_parameters}
    for parameter in route.query:
        if parameter.name in query:
            text = query[parameter.name]
            integer = parameter.kind == "integer" and re.fullmatch(INTEGER_TEXT, text)
            result[parameter.name] = int(text) if integer else text
    for field in route.body_fields:
        if body is not None and field in body:
            result[field] = body[field]
    return result


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    body: str


def http_answer(execution: Mapping[str, Any]) -> HttpAnswer:
    """The answer to a finished StartSyncExecution: the output, or the error's status."""
    status = execution.get("status")
    if status == "SUCCEEDED":
        return HttpAnswer(200, str(execution["output"]))
    if status == "TIMED_OUT":
        return HttpAnswer(TIMED_OUT_STATUS, json.dumps(TIMED_OUT_BODY))
    error = execution.get("error")
    if error not in ERROR_STATUSES:
        return HttpAnswer(500, json.dumps(INTERNAL_ERROR_BODY))
    cause = str(execution.get("cause", ""))
    # A store failure's cause is "what: the last Momento error": only the part before the
    # first colon reaches the caller (docs/workflows.md lists them).
    message = cause if error == VALIDATION_ERROR else re.sub(CAUSE_DETAIL, "", cause)
    return HttpAnswer(ERROR_STATUSES[str(error)], json.dumps({"error": error, "message": message}))
