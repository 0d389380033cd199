"""What a Task attempt did, read from its history events, in the words an operator looks for.

A `TaskScheduled` event holds the request (for an HTTP Task: `Method`, `ApiEndpoint`,
`QueryParameters`), a `TaskSucceeded` event the result, and a `TaskFailed` event an error
whose cause, for an HTTP Task, is the whole response as JSON (`{"Headers": ..., "ResponseBody":
..., "StatusCode": ...}`). The trace views show the method, URL, status and body, and put the
message a service sent first, instead of a wall of headers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode

# Members of a response body (Momento's HTTP API, the bridge, Lambda) that carry its message.
_MESSAGE_KEYS: Final = ("message", "errorMessage", "error", "Message")


@dataclass
class Attempt:
    """One scheduling of a Task: its request, and the response or error it ended with."""

    resource: str  # "http:invoke", "lambda:invoke", "events:putEvents", ...
    request: str | None  # "PUT http://host/path?key=a" for an HTTP Task
    status: int | None = None
    body: str | None = None  # an HTTP Task's response body: its text, or its JSON if parsed
    error: str | None = None
    cause: str | None = None
    ok: bool = False  # the attempt succeeded


def _parsed(text: Any) -> Any:
    if not isinstance(text, str):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def scheduled(details: Mapping[str, Any]) -> Attempt:
    """The attempt a `TaskScheduled` (or `LambdaFunctionScheduled`) event opens."""
    resource = str(details.get("resource", "?"))  # a LambdaFunctionScheduled's function ARN
    if "resourceType" in details:
        resource = f"{details['resourceType']}:{resource}"
    parameters = _parsed(details.get("parameters"))
    request = None
    if details.get("resourceType") == "http" and isinstance(parameters, Mapping):
        url = str(parameters.get("ApiEndpoint", ""))
        query = parameters.get("QueryParameters")
        if isinstance(query, Mapping) and query:
            url += "?" + urlencode({str(k): str(v) for k, v in query.items()})
        request = f"{parameters.get('Method', '?')} {url}"
    return Attempt(resource, request)


def succeeded(attempt: Attempt, details: Mapping[str, Any]) -> None:
    """Records a `TaskSucceeded` event's result on its attempt."""
    attempt.ok = True
    result = _parsed(details.get("output"))
    if isinstance(result, Mapping) and "StatusCode" in result:
        attempt.status = int(result["StatusCode"])
        attempt.body = _body_text(result.get("ResponseBody"))


def failed(attempt: Attempt, details: Mapping[str, Any]) -> None:
    """Records a `TaskFailed`/`TaskTimedOut` event's error, and the response it carries."""
    attempt.error = details.get("error")
    attempt.cause = details.get("cause")
    response = _parsed(attempt.cause)
    if isinstance(response, Mapping) and "StatusCode" in response:
        attempt.status = int(response["StatusCode"])
        attempt.body = _body_text(response.get("ResponseBody"))


def _body_text(body: Any) -> str | None:
    """The body as AWS hands it over: text as is, a parsed JSON body as JSON (None if empty)."""
    if body in (None, ""):
        return None
    return body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)


def message(cause: str | None) -> str | None:
    """The human part of a cause first: a response's status and message, a Lambda's message.

    `{"Headers":…,"ResponseBody":{"message":"cache not found"},"StatusCode":404,…}` reads
    `404 Not Found: cache not found`, also at the end of a workflow's own cause
    (`score not stored: States.Http.StatusCode.404: {"Headers":…}`); any other cause is
    returned unchanged.
    """
    if cause is None:
        return None
    start = cause.find("{")
    if start < 0:
        return cause
    try:
        parsed, end = json.JSONDecoder().raw_decode(cause, start)
    except ValueError:
        return cause
    readable = _readable(parsed) if end == len(cause.rstrip()) else None
    return cause if readable is None else cause[:start] + readable


def _readable(parsed: Any) -> str | None:
    """An HTTP response or error document in a few words, or None if it is neither."""
    if not isinstance(parsed, Mapping):
        return None
    if "StatusCode" in parsed:
        head = f"{parsed['StatusCode']} {parsed.get('StatusText', '')}".rstrip()
        said = _said(parsed.get("ResponseBody"))
        return f"{head}: {said}" if said else head
    return next(
        (str(parsed[key]) for key in _MESSAGE_KEYS if isinstance(parsed.get(key), str)), None
    )


def _said(body: Any) -> str | None:
    """A body's message member, or the body itself on one line (None if empty)."""
    if body in (None, "", {}):
        return None
    if isinstance(body, Mapping):
        said = next((body[key] for key in _MESSAGE_KEYS if isinstance(body.get(key), str)), None)
        if said is not None:
            return str(said)
    return body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
