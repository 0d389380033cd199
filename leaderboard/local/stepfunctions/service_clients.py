"""Service integrations reach moto's in-process backends, never the network.

Stock moto builds a fresh boto3 client per task (tens of milliseconds) and, outside the
decorator, points it at ``localhost:$MOTO_PORT``, or at real AWS when that is not set.
Here every integration gets a cached client whose requests are answered in-process by
moto's own dispatcher (the same one ``mock_aws`` uses), and ``lambda`` gets the local
handler registry and ``events`` sends ``PutEvents`` straight to the backend. ``aws-sdk:*``
arguments and results are shaped as AWS shapes them (a blob argument given as JSON is sent as
its text; a streamed result such as S3 getObject's ``Body`` arrives as its text).
"""

import importlib
import threading
from typing import Any, Final

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from botocore.response import StreamingBody
from moto.core.botocore_stubber import BotocoreStubber
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_aws_sdk,
)

from leaderboard.local.patching import replace_attribute
from leaderboard.local.stepfunctions.events_client import LocalEventsClient
from leaderboard.local.stepfunctions.lambda_task import LocalLambdaClient

_PARSER: Final = "moto.stepfunctions.parser."
# Every module of moto 5.2.5 that imported ``boto_client_for`` by name.
_CLIENT_USERS: Final = (
    "asl.component.state.exec.state_map.result_writer.resource_eval.resource_eval_s3",
    "asl.component.state.exec.state_map.item_reader.eval.resource_eval_s3",
    "asl.component.state.exec.state_task.lambda_eval_utils",
    "asl.component.state.exec.state_task.service.state_task_service_unsupported",
    "asl.component.state.exec.state_task.service.state_task_service_glue",
    "asl.component.state.exec.state_task.service.state_task_service_events",
    "asl.component.state.exec.state_task.service.state_task_service_ecs",
    "asl.component.state.exec.state_task.service.state_task_service_sqs",
    "asl.component.state.exec.state_task.service.state_task_service_sfn",
    "asl.component.state.exec.state_task.service.state_task_service_dynamodb",
    "asl.component.state.exec.state_task.service.state_task_service_batch",
    "asl.component.state.exec.state_task.service.state_task_service_sns",
    "asl.component.state.exec.state_task.service.state_task_service_aws_sdk",
    "asl.utils.boto_client",
)
_MODEL_REGION: Final = "us-east-1"  # API models are the same in every region
_CLIENT_CONFIG: Final = Config(
    parameter_validation=False,
    retries={"max_attempts": 0, "total_max_attempts": 1},
    # A shell holding `up`'s exports (AWS_ENDPOINT_URL) must not send integrations to the
    # endpoint's address, which moto's in-process dispatcher does not answer for S3.
    ignore_configured_endpoint_urls=True,
)

_in_process = BotocoreStubber()
_in_process.enabled = True
_session = boto3.session.Session(
    aws_access_key_id="local",
    aws_secret_access_key="local",  # noqa: S106 - never leaves the process
)
_clients: dict[tuple[str, str], Any] = {}
_clients_lock = threading.Lock()  # boto3 sessions are not safe to share while creating clients


class LocalOnlyError(RuntimeError):
    """A service request moto cannot answer in-process; it is refused rather than sent."""


def _answer_in_process(request: Any, **kwargs: Any) -> Any:
    response = _in_process(request=request, **kwargs)
    if response is None:
        raise LocalOnlyError(f"no local backend answers {request.method} {request.url}")
    return response


def _in_process_client(region: str, service: str) -> BaseClient:
    client: BaseClient = _session.client(service, region_name=region, config=_CLIENT_CONFIG)
    # Answered by moto before anything is sent: the default AWS hostname is never resolved.
    client.meta.events.register("before-send", _answer_in_process)
    return client


def _local_client(region: str, service: str) -> Any:
    if service == "lambda":
        return LocalLambdaClient(region)
    if service == "events":
        return LocalEventsClient(region, fallback=_in_process_client(region, service))
    return _in_process_client(region, service)


def client_for(region: str, service: str, state_credentials: Any = None) -> Any:
    """Drop-in for moto's ``boto_client_for``: a cached client served in-process."""
    key = (region, service)
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _local_client(region, service)
                _clients[key] = client
    return client


def _normalise_aws_sdk_parameters(
    self: state_task_service_aws_sdk.StateTaskServiceAwsSdk,
    parameters: dict[str, Any],
    boto_service_name: str | None = None,
    service_action_name: str | None = None,
) -> None:
    """Shape ``aws-sdk:*`` arguments as AWS does, e.g. a JSON object given for a blob ``Body``
    becomes its JSON text (stock moto passes the object through and botocore cannot send it)."""
    action = service_action_name or self.resource.api_action
    model = client_for(
        _MODEL_REGION, self._get_boto_service_name(boto_service_name)
    ).meta.service_model
    operation = model.operation_model(action[0].upper() + action[1:])
    self._to_boto_request(parameters, operation.input_shape)


def _normalise_aws_sdk_response(
    self: state_task_service_aws_sdk.StateTaskServiceAwsSdk,
    response: Any,
    boto_service_name: str | None = None,
    service_action_name: str | None = None,
) -> None:
    """Shape ``aws-sdk:*`` results as AWS does: a streamed member (S3 getObject's ``Body``)
    arrives as its UTF-8 text. Stock moto keeps botocore's unread stream, which the task's
    output then shows by its repr."""
    if isinstance(response, dict):
        for name, value in response.items():
            if isinstance(value, StreamingBody):
                response[name] = value.read().decode("utf-8")


def install() -> None:
    """Shape aws-sdk arguments and results; replace every reference to ``boto_client_for``."""
    replace_attribute(
        state_task_service_aws_sdk.StateTaskServiceAwsSdk,
        "_normalise_parameters",
        _normalise_aws_sdk_parameters,
    )
    replace_attribute(
        state_task_service_aws_sdk.StateTaskServiceAwsSdk,
        "_normalise_response",
        _normalise_aws_sdk_response,
    )
    for module_name in _CLIENT_USERS:
        replace_attribute(
            importlib.import_module(_PARSER + module_name), "boto_client_for", client_for
        )
