"""The HTTP Task (``arn:aws:states:::http:invoke``), which moto does not have.

Semantics follow AWS's HTTP Task: the connection named by ``Authentication.ConnectionArn``
(read from moto's EventBridge backend) supplies the credential and its invocation
parameters; on a key present in both, the connection's value wins. A JSON response body
arrives parsed; a non-2xx status fails the task with ``States.Http.StatusCode.<code>``;
network trouble fails it with ``States.Http.Socket``. Credentials never enter the history:
they are added only to the outgoing request, and scrubbed from any failure cause.

A state's ``TimeoutSeconds`` bounds the call itself (the socket gives up at the state's
deadline and the state fails with ``States.Timeout``), so the task runs in the execution's
own thread instead of the thread moto would start to watch the clock.
"""

import contextvars
import http
import json
import time
import urllib.parse
from collections.abc import Mapping
from typing import Any, Final

import urllib3
from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import (
    CustomErrorName,
)
from moto.stepfunctions.parser.asl.component.common.error_name.error_name import ErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEvent,
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import (
    StatesErrorName,
)
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
    StatesErrorNameType,
)
from moto.stepfunctions.parser.asl.component.common.timeouts.timeout import (
    EvalTimeoutError,
    TimeoutSeconds,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task import state_task_factory
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service,
)
from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

from leaderboard.local.patching import replace_attribute
from leaderboard.local.stepfunctions.http_connection import ConnectionAuth, resolve_connection
from leaderboard.local.stepfunctions.inline_execution import evaluate_in_caller_thread
from leaderboard.local.stepfunctions.url_encoding import url_encode

_PARAMETERS: Final = frozenset(
    {
        "ApiEndpoint",
        "Method",
        "Headers",
        "QueryParameters",
        "RequestBody",
        "Authentication",
        "Transform",
    }
)
_METHODS: Final = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"})
_BODY_METHODS: Final = frozenset({"POST", "PUT", "PATCH"})
_LOOPBACK_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})
_AWS_TIMEOUT_SECONDS: Final = 60.0  # AWS ends every HTTP Task call after 60 s
_SOCKET_ERROR: Final = "States.Http.Socket"
# AWS documents QueryParameters as string pairs only; how it writes an array or a number is
# undocumented, so the local task refuses them rather than guess (lists and exact numbers go
# in a JSON RequestBody).
_QUERY_VALUE_PROBLEM: Final = (
    "QueryParameters.{name}: must be a string (AWS documents query parameters as strings; "
    "send lists and numbers in a JSON RequestBody)"
)
_RUNTIME_ERROR: Final = "States.Runtime"

# One keep-alive pool for every execution: connection setup dominates small local calls.
_pool = urllib3.PoolManager(num_pools=64, maxsize=32, retries=False)
_timeout_seconds = _AWS_TIMEOUT_SECONDS
# The monotonic time at which the running state's TimeoutSeconds expires, if it has one.
_state_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "http_task_state_deadline", default=None
)


def set_timeout_seconds(seconds: float) -> None:
    """Change the per-call socket timeout (AWS: 60 s); tests shorten it to exercise timeouts."""
    global _timeout_seconds  # noqa: PLW0603 - one process-wide setting, like AWS's fixed limit
    if seconds <= 0:
        raise ValueError(f"seconds: must be positive, got {seconds}")
    _timeout_seconds = seconds


class HttpTaskError(Exception):
    """A task failure with AWS's error name and a cause free of credentials."""

    def __init__(self, error: str, cause: str) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


def _require_text(parameters: Mapping[str, Any], name: str) -> str:
    value = parameters.get(name)
    if not isinstance(value, str) or not value:
        raise HttpTaskError(_RUNTIME_ERROR, f"{name}: a non-empty string is required")
    return value


def _checked_endpoint(endpoint: str) -> str:
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme == "https" and parts.hostname:
        return endpoint
    if parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS:
        return endpoint
    raise HttpTaskError(
        _RUNTIME_ERROR,
        f"ApiEndpoint: must be https:// (plain http:// only for loopback hosts), got {endpoint!r}",
    )


def _text_map(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise HttpTaskError(_RUNTIME_ERROR, f"{name}: must be an object")
    return dict(value)


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _merged_headers(task_headers: Mapping[str, Any], auth: ConnectionAuth) -> dict[str, str]:
    headers = {name: _as_text(value) for name, value in task_headers.items()}
    for name, value in auth.headers.items():  # the connection wins, whatever the case
        for existing in [key for key in headers if key.lower() == name.lower()]:
            del headers[existing]
        headers[name] = value
    return headers


def _set_default_header(headers: dict[str, str], name: str, value: str) -> None:
    if not any(key.lower() == name.lower() for key in headers):
        headers[name] = value


def _encoded_body(
    parameters: Mapping[str, Any], method: str, auth: ConnectionAuth, headers: dict[str, str]
) -> bytes | None:
    body = parameters.get("RequestBody")
    transform = _text_map(parameters.get("Transform"), "Transform")
    if isinstance(body, Mapping) or (body is None and auth.body and method in _BODY_METHODS):
        body = {**(body or {}), **auth.body}
    if body is None:
        return None
    if transform.get("RequestBodyEncoding", "NONE") == "URL_ENCODED":
        if not isinstance(body, Mapping):
            raise HttpTaskError(
                _RUNTIME_ERROR, "RequestBody: URL_ENCODED encoding needs a JSON object body"
            )
        options = _text_map(transform.get("RequestEncodingOptions"), "RequestEncodingOptions")
        array_format = options.get("ArrayFormat", "INDICES")
        try:
            encoded = url_encode(body, array_format)
        except ValueError as error:
            raise HttpTaskError(_RUNTIME_ERROR, str(error)) from error
        _set_default_header(headers, "Content-Type", "application/x-www-form-urlencoded")
        return encoded.encode("utf-8")
    if isinstance(body, str):
        return body.encode("utf-8")
    _set_default_header(headers, "Content-Type", "application/json; charset=UTF-8")
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


def _url(endpoint: str, query: Mapping[str, Any]) -> str:
    if not query:
        return endpoint
    for name, value in query.items():
        if not isinstance(value, str):
            raise HttpTaskError(_RUNTIME_ERROR, _QUERY_VALUE_PROBLEM.format(name=name))
    separator = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return endpoint + separator + urllib.parse.urlencode(query)


def _response_body(response: urllib3.BaseHTTPResponse) -> Any:
    text = response.data.decode("utf-8", errors="replace")
    if text and "json" in (response.headers.get("Content-Type") or "").lower():
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    return text


def _status_text(status: int, reason: str | None) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return reason or ""


def _call_timeout() -> tuple[float, bool]:
    """Seconds the call may take, and whether the state's deadline (not AWS's cap) sets them."""
    deadline = _state_deadline.get()
    if deadline is None:
        return _timeout_seconds, False
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise EvalTimeoutError()
    return min(remaining, _timeout_seconds), remaining < _timeout_seconds


def invoke(parameters: Mapping[str, Any], region: str) -> dict[str, Any]:
    """Perform one HTTP Task call; the task result, or HttpTaskError as AWS would fail it."""
    endpoint = _checked_endpoint(_require_text(parameters, "ApiEndpoint"))
    method = _require_text(parameters, "Method").upper()
    if method not in _METHODS:
        raise HttpTaskError(_RUNTIME_ERROR, f"Method: must be one of {sorted(_METHODS)}")
    authentication = _text_map(parameters.get("Authentication"), "Authentication")
    connection_arn = authentication.get("ConnectionArn")
    if not isinstance(connection_arn, str):
        raise HttpTaskError(_RUNTIME_ERROR, "Authentication.ConnectionArn: is required")
    try:
        auth = resolve_connection(connection_arn, region, _pool, _timeout_seconds)
    except (LookupError, ValueError) as error:
        raise HttpTaskError(_RUNTIME_ERROR, f"Authentication.ConnectionArn: {error}") from error
    headers = _merged_headers(_text_map(parameters.get("Headers"), "Headers"), auth)
    body = _encoded_body(parameters, method, auth, headers)
    query = {**_text_map(parameters.get("QueryParameters"), "QueryParameters"), **auth.query}
    timeout, state_limited = _call_timeout()
    try:
        response = _pool.request(
            method,
            _url(endpoint, query),
            body=body,
            headers=headers,
            timeout=urllib3.Timeout(total=timeout),
            redirect=False,
        )
    except urllib3.exceptions.NewConnectionError as error:
        # A refused or unresolvable connection: urllib3 files it under ConnectTimeoutError,
        # but no time ran out, and AWS fails it with States.Http.Socket.
        raise _socket_error(error, auth) from error
    except (urllib3.exceptions.TimeoutError, TimeoutError) as error:
        if state_limited:  # the state's TimeoutSeconds ran out, not AWS's limit per call
            raise EvalTimeoutError() from error
        raise _socket_error(error, auth) from error
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise _socket_error(error, auth) from error
    result = {
        "Headers": {name.lower(): response.headers.getlist(name) for name in response.headers},
        "ResponseBody": _response_body(response),
        "StatusCode": response.status,
        "StatusText": _status_text(response.status, response.reason),
    }
    if not 200 <= response.status < 300:
        cause = auth.scrub(json.dumps(result, separators=(",", ":")))
        raise HttpTaskError(f"States.Http.StatusCode.{response.status}", cause)
    return result


def _socket_error(error: Exception, auth: ConnectionAuth) -> HttpTaskError:
    return HttpTaskError(_SOCKET_ERROR, auth.scrub(f"{type(error).__name__}: {error}"))


def _error_name(error: str) -> ErrorName:
    if error == _RUNTIME_ERROR:
        return StatesErrorName(typ=StatesErrorNameType.StatesRuntime)
    return CustomErrorName(error)


class StateTaskServiceHttp(state_task_service.StateTaskService):
    """The ``http`` service integration, built by moto's task factory."""

    def _get_supported_parameters(self) -> set[str] | None:
        return set(_PARAMETERS) if self.resource.api_action.lower() == "invoke" else None

    def _evaluate_with_timeout(self, env: Any) -> None:
        timeout = self.timeout
        if not isinstance(timeout, TimeoutSeconds):  # computed at run time: moto's watch thread
            super()._evaluate_with_timeout(env)
            return
        token = _state_deadline.set(time.monotonic() + timeout.timeout_seconds)
        try:
            evaluate_in_caller_thread(self, env)
        finally:
            _state_deadline.reset(token)

    def _eval_service_task(
        self,
        env: Any,
        resource_runtime_part: Any,
        normalised_parameters: dict[str, Any],
        state_credentials: Any,
    ) -> None:
        try:
            result = invoke(normalised_parameters, resource_runtime_part.region)
        except HttpTaskError as failure:
            raise FailureEventException(
                failure_event=FailureEvent(
                    env=env,
                    error_name=_error_name(failure.error),
                    event_type=HistoryEventType.TaskFailed,
                    # moto declares EventDetails total but fills one key, as here.
                    event_details=EventDetails(  # type: ignore[typeddict-item]
                        taskFailedEventDetails=TaskFailedEventDetails(
                            error=failure.error,
                            cause=failure.cause,
                            resource=self._get_sfn_resource(),
                            resourceType=self._get_sfn_resource_type(),
                        )
                    ),
                )
            ) from failure
        env.stack.append(result)


_stock_service_for = state_task_factory.state_task_service_for  # type: ignore[attr-defined]


def _service_for(service_name: str) -> Any:
    if service_name == "http":
        return StateTaskServiceHttp()  # type: ignore[no-untyped-call]
    return _stock_service_for(service_name)


def install() -> None:
    """Teach moto's task factory the ``http`` service."""
    replace_attribute(state_task_factory, "state_task_service_for", _service_for)
