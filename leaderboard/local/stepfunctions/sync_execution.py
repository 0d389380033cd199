"""``StartSyncExecution`` for EXPRESS state machines, which moto does not serve.

moto's interpreter already has a synchronous execution type; this adds the backend method,
the API action and the ``sync-states.`` hostname boto3 uses for the call. The execution is
kept with the machine's executions, so ``DescribeExecution`` and ``GetExecutionHistory``
work on it locally. AWS keeps no history for EXPRESS executions (it goes to CloudWatch
Logs); the local copy exists so operators can trace runs on a laptop.
"""

import datetime
import json
import re
import uuid
from typing import Any, Final, cast

from botocore.handlers import BUILTIN_HANDLERS
from moto import backend_index
from moto.core.exceptions import AWSError
from moto.core.responses import ActionResult
from moto.stepfunctions import urls
from moto.stepfunctions.exceptions import InvalidExecutionInput
from moto.stepfunctions.models import StepFunctionBackend
from moto.stepfunctions.parser.api import StateMachineType
from moto.stepfunctions.parser.backend.execution import SyncExecution
from moto.stepfunctions.parser.models import StepFunctionsParserBackend
from moto.stepfunctions.responses import StepFunctionResponse

from leaderboard.local.patching import add_attribute, append_item, replace_attribute

_BILLING_STEP: Final = datetime.timedelta(milliseconds=100)
_SYNC_URL_BASE: Final = r"https?://sync-states\.(.+)\.amazonaws\.com"
# AWS names EXPRESS executions ...:express:<machine>:<name>:<id>; moto only knows :execution:.
_EXECUTION_ARN: Final = re.compile(
    r"arn:aws[-a-z]*:states:[-0-9a-zA-Z]+:(?P<account_id>[0-9]{12}):(?:execution|express):.+"
)
_LOOPBACK_SYNC_HOST: Final = re.compile(
    r"^(https?://)sync-((?:127\.\d+\.\d+\.\d+|localhost)(?::\d+)?/)"
)


class StateMachineTypeNotSupportedError(AWSError):
    """AWS's error for StartSyncExecution on a STANDARD machine."""

    TYPE = "StateMachineTypeNotSupported"
    STATUS = 400


def start_sync_execution(
    self: StepFunctionsParserBackend,
    state_machine_arn: str,
    name: str | None,
    execution_input: str | None,
    trace_header: str | None = None,
) -> SyncExecution:
    """Run an EXPRESS execution to its end in the caller's thread."""
    state_machine = self.describe_state_machine(state_machine_arn)
    if state_machine.type != "EXPRESS":
        raise StateMachineTypeNotSupportedError(
            "This operation is not supported by this type of state machine"
        )
    input_data = execution_input if execution_input is not None else "{}"
    try:
        json.loads(input_data)
    except json.JSONDecodeError as error:
        raise InvalidExecutionInput(f"input: not valid JSON ({error})") from error
    name = name or str(uuid.uuid4())
    self._validate_name(name)
    arn = (
        f"arn:{self.partition}:states:{self.region_name}:{self.account_id}"
        f":express:{state_machine.name}:{name}:{uuid.uuid4()}"
    )
    execution = SyncExecution(
        name=name,
        sm_type=StateMachineType.EXPRESS,
        role_arn=state_machine.roleArn,
        exec_arn=arn,
        account_id=self.account_id,
        region_name=self.region_name,
        state_machine=cast(Any, state_machine),  # moto's two StateMachine classes, one object
        start_date=datetime.datetime.now(tz=datetime.UTC),
        cloud_watch_logging_session=None,
        input_data=input_data,
        trace_header=trace_header,
        activity_store={},
    )
    state_machine.executions.append(cast(Any, execution))
    execution.start()
    return execution


def _billing_details(execution: SyncExecution) -> dict[str, int]:
    """AWS bills EXPRESS duration in 100 ms steps (at least one) and reports 64 MB for sync."""
    stop = execution.stop_date or datetime.datetime.now(tz=datetime.UTC)
    steps = -(-(stop - execution.start_date) // _BILLING_STEP)  # ceiling division
    return {"billedMemoryUsedInMB": 64, "billedDurationInMilliseconds": max(1, steps) * 100}


def _response(self: StepFunctionResponse) -> ActionResult:
    backend = self.stepfunction_backend
    if not isinstance(backend, StepFunctionsParserBackend):
        raise StateMachineTypeNotSupportedError("StartSyncExecution needs execute_state_machine")
    execution = start_sync_execution(
        backend,
        self._get_param("stateMachineArn"),
        self._get_param("name"),
        self._get_param("input"),
        self._get_param("traceHeader"),
    )
    output: dict[str, Any] = dict(execution.to_start_sync_execution_output())
    output["billingDetails"] = _billing_details(execution)
    return ActionResult({key: value for key, value in output.items() if value is not None})


def _strip_loopback_sync_prefix(params: dict[str, Any], **_: Any) -> None:
    """boto3 prefixes ``sync-`` to the endpoint host; a loopback endpoint has no such name."""
    params["url"] = _LOOPBACK_SYNC_HOST.sub(r"\1\2", params["url"])


def install() -> None:
    """Add the backend method, the action, the hostname, and the in-process client fix."""
    add_attribute(StepFunctionsParserBackend, "start_sync_execution", start_sync_execution)
    add_attribute(StepFunctionResponse, "start_sync_execution", _response)
    replace_attribute(StepFunctionBackend, "accepted_exec_arn_format", _EXECUTION_ARN)
    append_item(urls.url_bases, _SYNC_URL_BASE)
    append_item(backend_index.backend_url_patterns, ("stepfunctions", re.compile(_SYNC_URL_BASE)))
    append_item(
        BUILTIN_HANDLERS, ("before-call.sfn.StartSyncExecution", _strip_loopback_sync_prefix)
    )
