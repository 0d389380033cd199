"""Lambda tasks run registered Python handlers in-process, shaped like the Lambda Invoke API.

moto's own Lambda needs Docker. The interpreter reaches Lambda only through a client's
``invoke(**params)`` (both ``lambda:invoke`` and bare function ARNs), so the local client
returned for the ``lambda`` service answers it from this registry, as the Python runtime
would: an exception becomes an ``Unhandled`` error payload (``errorMessage``, ``errorType``,
``requestId``, ``stackTrace`` from the handler down), a result with no JSON form a
``Runtime.MarshalError``, and an unknown function ``Function not found: <arn>:$LATEST``.
"""

import io
import json
import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final

from botocore.exceptions import ClientError

Handler = Callable[[Any, Any], Any]

_DEFAULT_ACCOUNT: Final = "123456789012"


@dataclass(frozen=True)
class RegisteredFunction:
    """One handler and the environment the stack gives its function."""

    name: str
    handler: Handler
    environment: Mapping[str, str]
    timeout_seconds: int
    memory_limit_in_mb: int


@dataclass
class LambdaContext:
    """The attributes of AWS's Python Lambda context object that handlers use."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    timeout_seconds: int
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = ""
    _deadline: float = 0.0

    def __post_init__(self) -> None:
        self.log_group_name = self.log_group_name or f"/aws/lambda/{self.function_name}"
        self.log_stream_name = self.log_stream_name or f"local/[$LATEST]{self.aws_request_id}"
        self._deadline = time.monotonic() + self.timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


_registry: dict[str, RegisteredFunction] = {}


class _SharedEnvironment:
    """``os.environ`` shared by handlers running at once, as far as their variables agree.

    ``os.environ`` is process-wide, so a handler needing a different value for a variable
    another running handler set waits for it; handlers whose variables agree (every
    invocation of one function) run together. No handler holds anything the others need
    for longer than it runs, so a task Step Functions timed out stalls nothing that agrees
    with it.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._values: dict[str, str] = {}
        self._users: dict[str, int] = {}
        self._saved: dict[str, str | None] = {}

    def _agrees(self, variables: Mapping[str, str]) -> bool:
        return all(self._values.get(name, value) == value for name, value in variables.items())

    @contextmanager
    def applied(self, variables: Mapping[str, str]) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: self._agrees(variables))
            for name, value in variables.items():
                if name not in self._users:
                    self._saved[name] = os.environ.get(name)
                    self._values[name] = value
                    self._users[name] = 0
                    os.environ[name] = value
                self._users[name] += 1
        try:
            yield
        finally:
            with self._changed:
                for name in variables:
                    self._users[name] -= 1
                    if self._users[name] == 0:
                        self._restore(name)
                self._changed.notify_all()

    def _restore(self, name: str) -> None:
        del self._users[name], self._values[name]
        saved = self._saved.pop(name)
        if saved is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = saved


_environment = _SharedEnvironment()


def register_lambda(
    function_name: str,
    handler: Handler,
    environment: Mapping[str, str],
    *,
    timeout_seconds: int = 30,
    memory_limit_in_mb: int = 128,
) -> None:
    """Make ``function_name`` invocable from state machines (replaces an earlier registration)."""
    if not function_name or ":" in function_name:
        raise ValueError(f"function_name: must be a bare function name, got {function_name!r}")
    if not callable(handler):
        raise TypeError(f"handler: must be callable, got {type(handler).__name__}")
    _registry[function_name] = RegisteredFunction(
        function_name, handler, dict(environment), timeout_seconds, memory_limit_in_mb
    )


def unregister_lambda(function_name: str) -> None:
    """Forget a registration (tests use it to stay independent)."""
    _registry.pop(function_name, None)


def _function_name(name_or_arn: str) -> str:
    # Accepts name, name:qualifier, partial ARN (account:function:name) and full ARN.
    parts = name_or_arn.split(":")
    if "function" in parts:
        return parts[parts.index("function") + 1]
    return parts[0]


def _qualifier(name_or_arn: str) -> str:
    # name:qualifier, account:function:name:qualifier or a full ARN with a qualifier.
    parts = name_or_arn.split(":")
    after_name = parts.index("function") + 2 if "function" in parts else 1
    return parts[after_name] if len(parts) > after_name else "$LATEST"


def _not_found(name: str, qualifier: str, region: str) -> ClientError:
    arn = f"arn:aws:lambda:{region}:{_DEFAULT_ACCOUNT}:function:{name}:{qualifier}"
    return ClientError(
        {
            "Error": {"Code": "ResourceNotFoundException", "Message": f"Function not found: {arn}"},
            "ResponseMetadata": {"HTTPStatusCode": 404, "RequestId": str(uuid.uuid4())},
        },
        "Invoke",
    )


def _error_payload(error: BaseException, request_id: str) -> dict[str, Any]:
    # The first frame is this module calling the handler, which Lambda's runtime leaves out.
    handler_frames = error.__traceback__.tb_next if error.__traceback__ else None
    return {
        "errorMessage": str(error),
        "errorType": type(error).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_tb(handler_frames),
    }


def _marshal_error(error: Exception, request_id: str) -> dict[str, Any]:
    return {
        "errorMessage": f"Unable to marshal response: {error}",
        "errorType": "Runtime.MarshalError",
        "requestId": request_id,
        "stackTrace": [],
    }


class LocalLambdaClient:
    """The subset of a boto3 Lambda client the interpreter calls: ``invoke``."""

    def __init__(self, region: str) -> None:
        self._region = region

    def invoke(self, **params: Any) -> dict[str, Any]:
        name_or_arn = str(params["FunctionName"])
        name = _function_name(name_or_arn)
        function = _registry.get(name)
        if function is None:
            raise _not_found(name, _qualifier(name_or_arn), self._region)
        raw = params.get("Payload") or b"{}"
        event = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        context = LambdaContext(
            function_name=name,
            invoked_function_arn=f"arn:aws:lambda:{self._region}:{_DEFAULT_ACCOUNT}:function:{name}",
            memory_limit_in_mb=function.memory_limit_in_mb,
            timeout_seconds=function.timeout_seconds,
        )
        request_id = context.aws_request_id
        response: dict[str, Any] = {"StatusCode": 200, "ExecutedVersion": "$LATEST"}
        with _environment.applied(function.environment):
            try:
                result = function.handler(event, context)
            except Exception as error:  # a handler's exception is the function's error
                result = _error_payload(error, request_id)
                response["FunctionError"] = "Unhandled"
        try:
            body = json.dumps(result)
        except (TypeError, ValueError) as error:  # the runtime cannot serialize the result
            body = json.dumps(_marshal_error(error, request_id))
            response["FunctionError"] = "Unhandled"
        response["Payload"] = io.BytesIO(body.encode("utf-8"))
        response["ResponseMetadata"] = {
            "HTTPStatusCode": 200,
            "RequestId": request_id,
            "HTTPHeaders": {
                "content-type": "application/json",
                "content-length": str(len(body.encode("utf-8"))),
                "x-amzn-requestid": request_id,
                "x-amz-executed-version": "$LATEST",
            },
        }
        return response
