"""Lambda tasks run registered Python handlers in-process, shaped like the Lambda Invoke API.

moto's own Lambda needs Docker. The interpreter reaches Lambda only through a client's
``invoke(**params)`` (both ``lambda:invoke`` and bare function ARNs), so the local client
returned for the ``lambda`` service answers it from this registry.
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
# os.environ is process-wide: handlers with different environments must not overlap.
_environment_lock = threading.RLock()


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


@contextmanager
def _environment(variables: Mapping[str, str]) -> Iterator[None]:
    with _environment_lock:
        saved = {name: os.environ.get(name) for name in variables}
        os.environ.update(variables)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _not_found(name: str, region: str) -> ClientError:
    arn = f"arn:aws:lambda:{region}:{_DEFAULT_ACCOUNT}:function:{name}"
    return ClientError(
        {
            "Error": {"Code": "ResourceNotFoundException", "Message": f"Function not found: {arn}"},
            "ResponseMetadata": {"HTTPStatusCode": 404, "RequestId": str(uuid.uuid4())},
        },
        "Invoke",
    )


def _error_payload(error: BaseException) -> dict[str, Any]:
    return {
        "errorMessage": str(error),
        "errorType": type(error).__name__,
        "stackTrace": traceback.format_tb(error.__traceback__),
    }


class LocalLambdaClient:
    """The subset of a boto3 Lambda client the interpreter calls: ``invoke``."""

    def __init__(self, region: str) -> None:
        self._region = region

    def invoke(self, **params: Any) -> dict[str, Any]:
        name = _function_name(str(params["FunctionName"]))
        function = _registry.get(name)
        if function is None:
            raise _not_found(name, self._region)
        raw = params.get("Payload") or b"{}"
        event = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        context = LambdaContext(
            function_name=name,
            invoked_function_arn=f"arn:aws:lambda:{self._region}:{_DEFAULT_ACCOUNT}:function:{name}",
            memory_limit_in_mb=function.memory_limit_in_mb,
            timeout_seconds=function.timeout_seconds,
        )
        response: dict[str, Any] = {"StatusCode": 200, "ExecutedVersion": "$LATEST"}
        try:
            with _environment(function.environment):
                result = function.handler(event, context)
        except Exception as error:  # a handler's exception is the function's error, as in Lambda
            result = _error_payload(error)
            response["FunctionError"] = "Unhandled"
        response["Payload"] = io.BytesIO(json.dumps(result).encode("utf-8"))
        response["ResponseMetadata"] = {"HTTPStatusCode": 200, "RequestId": context.aws_request_id}
        return response
