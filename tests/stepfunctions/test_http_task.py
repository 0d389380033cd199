"""HTTP Task through boto3 -> moto server -> our extension -> a real local HTTP server."""

import json
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from leaderboard.local.stepfunctions import http_task
from tests.stepfunctions.conftest import history
from tests.stepfunctions.http_target import HttpTarget

Run = Callable[..., dict[str, Any]]
HTTP = "arn:aws:states:::http:invoke"


def http_state(connection: str, endpoint: str, **extra: Any) -> dict[str, Any]:
    parameters = {
        "ApiEndpoint": endpoint,
        "Method": "GET",
        "Authentication": {"ConnectionArn": connection},
    }
    return {"Type": "Task", "Resource": HTTP, "Parameters": {**parameters, **extra}, "End": True}


def test_success_returns_parsed_json_and_aws_result_shape(
    run: Run, http_target: HttpTarget, api_key_connection: str
) -> None:
    state = http_state(
        api_key_connection, f"{http_target.url}/json", Method="POST", RequestBody={"a": 1}
    )
    result = run({"StartAt": "Call", "States": {"Call": state}})

    assert result["status"] == "SUCCEEDED"
    output = json.loads(result["output"])
    assert output["StatusCode"] == 200
    assert output["StatusText"] == "OK"
    assert output["ResponseBody"] == {"method": "POST", "path": "/json", "ok": True}
    assert output["Headers"]["content-type"] == ["application/json"]
    seen = http_target.last("/json")
    assert json.loads(seen.body) == {"a": 1, "fromConnection": "yes"}
    assert seen.headers["content-type"].startswith("application/json")


def test_jsonata_arguments_and_text_body(
    run: Run, http_target: HttpTarget, api_key_connection: str
) -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": HTTP,
                "Arguments": {
                    "ApiEndpoint": "{% $states.input.base & '/text' %}",
                    "Method": "GET",
                    "QueryParameters": {"who": "{% $states.input.who %}"},
                    "Authentication": {"ConnectionArn": api_key_connection},
                },
                "Output": "{% $states.result.ResponseBody %}",
                "End": True,
            }
        },
    }
    result = run(definition, {"base": http_target.url, "who": "mario"})

    assert json.loads(result["output"]) == "plain words"
    assert http_target.last("/text").query == {"who": ["mario"], "cq": ["1"]}


def test_connection_auth_is_merged_and_key_never_in_history(
    run: Run, sfn: Any, http_target: HttpTarget, api_key_connection: str
) -> None:
    state = http_state(
        api_key_connection,
        f"{http_target.url}/json",
        Headers={"X-From-Task": "task", "x-from-connection": "task-loses"},
        QueryParameters={"tq": "2"},
    )
    result = run({"StartAt": "Call", "States": {"Call": state}})

    seen = http_target.last("/json")
    assert seen.headers["authorization"] == "sekret-key-42"
    assert seen.headers["x-from-task"] == "task"
    assert seen.headers["x-from-connection"] == "conn"
    assert seen.query == {"tq": ["2"], "cq": ["1"]}
    events = history(sfn, result["executionArn"])
    assert {e["type"] for e in events} >= {"TaskScheduled", "TaskSucceeded"}
    assert "sekret-key-42" not in json.dumps(events, default=str)


def test_basic_auth_connection(
    run: Run, aws: Callable[[str], Any], http_target: HttpTarget
) -> None:
    arn = aws("events").create_connection(
        Name="basic-test",
        AuthorizationType="BASIC",
        AuthParameters={"BasicAuthParameters": {"Username": "u", "Password": "p4ss"}},
    )["ConnectionArn"]
    run({"StartAt": "Call", "States": {"Call": http_state(arn, f"{http_target.url}/json")}})

    assert http_target.last("/json").headers["authorization"] == "Basic dTpwNHNz"


def test_oauth_client_credentials_connection(
    run: Run, aws: Callable[[str], Any], http_target: HttpTarget
) -> None:
    arn = aws("events").create_connection(
        Name="oauth-test",
        AuthorizationType="OAUTH_CLIENT_CREDENTIALS",
        AuthParameters={
            "OAuthParameters": {
                "ClientParameters": {"ClientID": "id", "ClientSecret": "client-secret"},
                "AuthorizationEndpoint": f"{http_target.url}/token",
                "HttpMethod": "POST",
            }
        },
    )["ConnectionArn"]
    run({"StartAt": "Call", "States": {"Call": http_state(arn, f"{http_target.url}/json")}})

    assert http_target.last("/json").headers["authorization"] == "Bearer oauth-token-123"
    assert b"grant_type=client_credentials" in http_target.last("/token").body


def test_4xx_fails_with_status_error_and_cause_carries_body(
    run: Run, http_target: HttpTarget, api_key_connection: str
) -> None:
    result = run(
        {
            "StartAt": "Call",
            "States": {"Call": http_state(api_key_connection, f"{http_target.url}/status/404")},
        }
    )

    assert result["status"] == "FAILED"
    assert result["error"] == "States.Http.StatusCode.404"
    cause = json.loads(result["cause"])
    assert cause["StatusCode"] == 404
    assert cause["ResponseBody"] == {"error": "nope", "message": "status 404"}


def test_4xx_caught_by_catch(run: Run, http_target: HttpTarget, api_key_connection: str) -> None:
    call = http_state(api_key_connection, f"{http_target.url}/status/429")
    del call["End"]
    call["Next"] = "Done"
    call["Catch"] = [
        {
            "ErrorEquals": ["States.Http.StatusCode.429"],
            "ResultPath": "$.failure",
            "Next": "Handled",
        }
    ]
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": call,
            "Done": {"Type": "Succeed"},
            "Handled": {"Type": "Pass", "End": True},
        },
    }
    result = run(definition, {"in": 1})

    assert result["status"] == "SUCCEEDED"
    output = json.loads(result["output"])
    assert output["in"] == 1
    assert output["failure"]["Error"] == "States.Http.StatusCode.429"


def test_5xx_retried_until_success(
    run: Run, http_target: HttpTarget, api_key_connection: str
) -> None:
    call = http_state(api_key_connection, f"{http_target.url}/flaky/retry5xx/1")
    call["Retry"] = [
        {"ErrorEquals": ["States.Http.StatusCode.503"], "IntervalSeconds": 1, "MaxAttempts": 2}
    ]
    result = run({"StartAt": "Call", "States": {"Call": call}})

    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"])["ResponseBody"] == {"attempt": 2}


def test_state_timeout_is_states_timeout(
    run: Run, http_target: HttpTarget, api_key_connection: str
) -> None:
    call = http_state(api_key_connection, f"{http_target.url}/slow/3")
    call["TimeoutSeconds"] = 1
    result = run({"StartAt": "Call", "States": {"Call": call}})

    assert (result["status"], result["error"]) == ("FAILED", "States.Timeout")


@pytest.fixture
def short_socket_timeout() -> Iterator[None]:
    http_task.set_timeout_seconds(0.3)
    yield
    http_task.set_timeout_seconds(60)


@pytest.mark.usefixtures("short_socket_timeout")
def test_socket_read_timeout_is_http_socket(
    run: Run, http_target: HttpTarget, api_key_connection: str
) -> None:
    result = run(
        {
            "StartAt": "Call",
            "States": {"Call": http_state(api_key_connection, f"{http_target.url}/slow/1")},
        }
    )

    assert (result["status"], result["error"]) == ("FAILED", "States.Http.Socket")


def test_refused_connection_is_http_socket(run: Run, api_key_connection: str) -> None:
    result = run(
        {
            "StartAt": "Call",
            "States": {"Call": http_state(api_key_connection, "http://127.0.0.1:9/x")},
        }
    )

    assert (result["status"], result["error"]) == ("FAILED", "States.Http.Socket")
    assert "sekret-key-42" not in result["cause"]


def test_refused_connection_within_a_state_timeout_is_http_socket(
    run: Run, api_key_connection: str
) -> None:
    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    call = http_state(api_key_connection, f"http://127.0.0.1:{closed_port}/x")
    call["TimeoutSeconds"] = 30  # below the call's own limit: the state's deadline bounds it
    result = run({"StartAt": "Call", "States": {"Call": call}})

    assert (result["status"], result["error"]) == ("FAILED", "States.Http.Socket")
    assert "refused" in result["cause"]


def test_plain_http_to_non_loopback_host_is_refused(run: Run, api_key_connection: str) -> None:
    result = run(
        {
            "StartAt": "Call",
            "States": {"Call": http_state(api_key_connection, "http://example.com/x")},
        }
    )

    assert result["status"] == "FAILED"
    assert "ApiEndpoint" in result["cause"]


@pytest.mark.parametrize("value", [["a", "b"], 0.30000000000000004, 7, True, None])
def test_query_values_other_than_strings_are_refused(
    run: Run, http_target: HttpTarget, api_key_connection: str, value: object
) -> None:
    """AWS documents query parameters as strings; the local task does not guess the rest."""
    state = http_state(
        api_key_connection, f"{http_target.url}/unsent", QueryParameters={"ok": "x", "bad": value}
    )
    result = run({"StartAt": "Call", "States": {"Call": state}})

    assert (result["status"], result["error"]) == ("FAILED", "States.Runtime")
    assert "QueryParameters.bad: must be a string" in result["cause"]
    assert not any(seen.path.startswith("/unsent") for seen in http_target.seen)


def test_missing_connection_is_a_clear_error(run: Run, http_target: HttpTarget) -> None:
    state = {
        "Type": "Task",
        "Resource": HTTP,
        "Parameters": {"ApiEndpoint": f"{http_target.url}/json", "Method": "GET"},
        "End": True,
    }
    result = run({"StartAt": "Call", "States": {"Call": state}})

    assert result["status"] == "FAILED"
    assert "Authentication.ConnectionArn" in result["cause"]


@pytest.mark.parametrize(
    ("array_format", "expected"),
    [
        ("BRACKETS", "a%5B%5D=x&a%5B%5D=y&n=1&fromConnection=yes"),
        ("COMMAS", "a=x%2Cy&n=1&fromConnection=yes"),
        ("INDICES", "a%5B0%5D=x&a%5B1%5D=y&n=1&fromConnection=yes"),
        ("REPEAT", "a=x&a=y&n=1&fromConnection=yes"),
    ],
)
def test_url_encoded_body_array_formats(
    run: Run, http_target: HttpTarget, api_key_connection: str, array_format: str, expected: str
) -> None:
    state = http_state(
        api_key_connection,
        f"{http_target.url}/json",
        Method="POST",
        RequestBody={"a": ["x", "y"], "n": 1},
        Transform={
            "RequestBodyEncoding": "URL_ENCODED",
            "RequestEncodingOptions": {"ArrayFormat": array_format},
        },
    )
    run({"StartAt": "Call", "States": {"Call": state}})

    seen = http_target.last("/json")
    assert seen.body.decode() == expected
    assert seen.headers["content-type"] == "application/x-www-form-urlencoded"
