"""Fixtures: one moto server with the extensions installed, boto3 clients, an HTTP target."""

import itertools
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from leaderboard.local import moto_extensions
from tests.stepfunctions.http_target import HttpTarget, start_http_target

ROLE_ARN = "arn:aws:iam::123456789012:role/local"
_names = itertools.count()


@pytest.fixture(scope="session")
def endpoint_url() -> Iterator[str]:
    moto_extensions.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def aws(endpoint_url: str) -> Callable[[str], Any]:
    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=endpoint_url, region_name="us-east-1")

    return client


@pytest.fixture(scope="session")
def sfn(aws: Callable[[str], Any]) -> Any:
    return aws("stepfunctions")


@pytest.fixture(scope="session")
def http_target() -> Iterator[HttpTarget]:
    target = start_http_target()
    yield target
    target.server.shutdown()


@pytest.fixture(scope="session")
def api_key_connection(aws: Callable[[str], Any]) -> str:
    """An API-key connection that also adds a header, a query parameter and a body field."""
    response = aws("events").create_connection(
        Name="momento-test",
        AuthorizationType="API_KEY",
        AuthParameters={
            "ApiKeyAuthParameters": {"ApiKeyName": "Authorization", "ApiKeyValue": "sekret-key-42"},
            "InvocationHttpParameters": {
                "HeaderParameters": [
                    {"Key": "X-From-Connection", "Value": "conn", "IsValueSecret": False}
                ],
                "QueryStringParameters": [{"Key": "cq", "Value": "1", "IsValueSecret": False}],
                "BodyParameters": [
                    {"Key": "fromConnection", "Value": "yes", "IsValueSecret": False}
                ],
            },
        },
    )
    return str(response["ConnectionArn"])


@pytest.fixture
def run(sfn: Any) -> Callable[..., dict[str, Any]]:
    """Create a uniquely named machine from ``definition`` and StartSyncExecution it."""

    def run_definition(definition: dict[str, Any], payload: Any = None) -> dict[str, Any]:
        arn = sfn.create_state_machine(
            name=f"test-{next(_names)}",
            definition=json.dumps(definition),
            roleArn=ROLE_ARN,
            type="EXPRESS",
        )["stateMachineArn"]
        result: dict[str, Any] = sfn.start_sync_execution(
            stateMachineArn=arn, input=json.dumps(payload if payload is not None else {})
        )
        return result

    return run_definition


@pytest.fixture(scope="session")
def run_standard(sfn: Any) -> Callable[..., dict[str, Any]]:
    """Create a uniquely named STANDARD machine, start it, and DescribeExecution it once done."""

    def run_definition(definition: dict[str, Any], payload: Any = None) -> dict[str, Any]:
        arn = sfn.create_state_machine(
            name=f"test-{next(_names)}",
            definition=json.dumps(definition),
            roleArn=ROLE_ARN,
            type="STANDARD",
        )["stateMachineArn"]
        execution = sfn.start_execution(
            stateMachineArn=arn, input=json.dumps(payload if payload is not None else {})
        )["executionArn"]
        deadline = time.monotonic() + 120  # a safety stop, not a margin any test relies on
        while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
            assert time.monotonic() < deadline, f"{execution} never finished"
            time.sleep(0.05)
        result: dict[str, Any] = described
        return result

    return run_definition


def history(sfn: Any, execution_arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = sfn.get_execution_history(executionArn=execution_arn)["events"]
    return events
