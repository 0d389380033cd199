"""The CLI against a running stack: in-process via `main([...])`, and `up` as a real process."""

import os
import re
import signal
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from momento import CacheClient, Configurations, CredentialProvider
from momento.responses import CacheGet, CacheSet

from leaderboard.local import cli
from leaderboard.local.aws_client import local_client
from leaderboard.local.stack import LocalStack


def _run(stack: LocalStack, *args: str) -> int:
    return cli.main([*args, "--endpoint-url", stack.endpoint_url, "--stage", stack.stage])


def test_start_execution_prints_the_outcome_and_sets_the_exit_status(
    stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    status = _run(
        stack,
        "start-execution",
        "submit-score",
        '{"leaderboard": "cli-board", "name": "ada", "score": 7}',
    )
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    described = stack.client("stepfunctions").describe_execution(executionArn=first.split()[1])
    assert first.split()[0] == described["status"]
    assert status == (0 if described["status"] == "SUCCEEDED" else 1)
    assert ("error:" in out) == (status == 1)


def test_start_execution_refuses_bad_input_before_any_call(
    stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(stack, "start-execution", "submit-score", "{not json") == 1
    assert "INPUT_JSON: not valid JSON" in capsys.readouterr().out
    assert _run(stack, "start-execution", "no-such-workflow", "{}") == 1
    assert "WORKFLOW: unknown workflow 'no-such-workflow'" in capsys.readouterr().out


def test_trace_prints_the_timeline_and_writes_the_html_page(
    stack: LocalStack, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _run(
        stack,
        "start-execution",
        "submit-score",
        '{"leaderboard": "cli-board", "name": "bo", "score": 3}',
    )
    arn = capsys.readouterr().out.splitlines()[0].split()[1]
    page = tmp_path / "run.html"
    assert _run(stack, "trace", arn, "--html", str(page)) == 0
    out = capsys.readouterr().out
    assert "Validate" in out and "execution " in out
    assert 'data-state="Validate"' in page.read_text(encoding="utf-8")


def test_events_prints_what_the_bus_delivered(
    stack: LocalStack, capsys: pytest.CaptureFixture[str]
) -> None:
    stack.received_events()
    stack.client("events").put_events(
        Entries=[
            {
                "EventBusName": stack.event_bus_name,
                "Source": "tests.cli",
                "DetailType": "Ping",
                "Detail": '{"cli": true}',
            }
        ]
    )
    assert _run(stack, "events", "--wait", "2") == 0
    out = capsys.readouterr().out
    assert '"source": "tests.cli"' in out and '"cli": true' in out


def test_commands_say_when_no_stack_is_running(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{free_port}"
    assert (
        cli.main(
            ["trace", "arn:aws:states:us-east-1:123456789012:execution:x:y", "--endpoint-url", url]
        )
        == 1
    )
    assert f"no local stack at {url}" in capsys.readouterr().out


def _sdk_round_trip_without_a_key(grpc_port: int, cache_name: str) -> None:
    """The official SDK as a new user writes it: `for_momento_local()`, no key of its own."""
    credentials = CredentialProvider.for_momento_local("127.0.0.1", grpc_port)
    with CacheClient.create(
        Configurations.Laptop.v1(), credentials, timedelta(seconds=60)
    ) as client:
        assert isinstance(client.set(cache_name, "hello", "world"), CacheSet.Success)
        got = client.get(cache_name, "hello")
        assert isinstance(got, CacheGet.Hit) and got.value_string == "world"


def test_up_starts_prints_the_endpoints_and_stops_on_ctrl_c() -> None:
    """No deadline of its own (pytest-timeout guards a hang): a busy laptop only makes it slower.

    Ctrl-C comes while this test's client holds an idle keep-alive connection to the endpoint.
    """
    env = {**os.environ, "COLUMNS": "250", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "leaderboard.local",
            "up",
            "--stage",
            "cliup",
            "--aws-port",
            "0",
            "--momento-grpc-port",
            "0",
            "--momento-http-port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while not any("Ctrl-C" in line for line in lines):
            line = process.stdout.readline()
            assert line, "".join(lines)  # `up` ended before it was ready
            lines.append(line)
        output = "".join(lines)
        endpoint = re.search(r"export AWS_ENDPOINT_URL=(\S+)", output)
        assert endpoint is not None, output
        sfn = local_client("stepfunctions", endpoint.group(1))
        machines = sfn.list_state_machines()["stateMachines"]
        assert "leaderboard-cliup-submit-score" in [m["name"] for m in machines]
        assert machines[0]["stateMachineArn"] in output
        assert "AWS_DISABLE_HOST_PREFIX_INJECTION=true" in output
        key = local_client("secretsmanager", endpoint.group(1)).get_secret_value(
            SecretId="/leaderboard/cliup/momento-api-key"
        )["SecretString"]
        assert key not in output  # the API key is never printed
        grpc = re.search(r"Momento gRPC\s+127\.0\.0\.1:(\d+)", output)
        assert grpc is not None, output
        _sdk_round_trip_without_a_key(int(grpc.group(1)), "leaderboard-cliup")
        process.send_signal(signal.SIGINT)  # `sfn` still holds its connection, idle
        rest, _ = process.communicate()
        assert process.returncode == 0, rest
        assert "stopped" in rest
        sfn.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
