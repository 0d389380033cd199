"""The AWS-compatible endpoint serves each service the local runtime relies on, via boto3."""

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from leaderboard.local.aws_client import ACCOUNT_ID
from leaderboard.local.stack import EVENTS_RETENTION_SECONDS, LocalStack
from leaderboard.local.stepfunctions.endpoint import AwsEndpoint
from leaderboard.naming import events_queue_name


def test_step_functions_lists_the_deployed_machines(stack: LocalStack) -> None:
    names = [
        m["name"] for m in stack.client("stepfunctions").list_state_machines()["stateMachines"]
    ]
    assert f"leaderboard-{stack.stage}-submit-score" in names
    assert stack.state_machine_arn("submit-score").startswith(
        f"arn:aws:states:us-east-1:{ACCOUNT_ID}:stateMachine:"
    )


def test_eventbridge_serves_the_connection_bus_and_rule(stack: LocalStack) -> None:
    events = stack.client("events")
    connection = events.describe_connection(Name=f"leaderboard-{stack.stage}-momento")
    assert connection["AuthorizationType"] == "API_KEY"
    assert connection["ConnectionArn"] == stack.connection_arn
    buses = [bus["Name"] for bus in events.list_event_buses()["EventBuses"]]
    assert stack.event_bus_name in buses
    rules = events.list_rules(EventBusName=stack.event_bus_name)["Rules"]
    assert sorted(rule["Name"] for rule in rules) == [
        f"leaderboard-{stack.stage}-all-events",
        f"leaderboard-{stack.stage}-score-reported",
    ]


def test_events_put_on_the_bus_reach_the_queue(stack: LocalStack) -> None:
    stack.received_events()  # start from an empty queue
    stack.client("events").put_events(
        Entries=[
            {
                "EventBusName": stack.event_bus_name,
                "Source": "tests.local-stack",
                "DetailType": "Probe",
                "Detail": json.dumps({"n": 1}),
            }
        ]
    )
    received = stack.received_events(wait_seconds=2)
    assert [(e["source"], e["detail-type"], e["detail"]) for e in received] == [
        ("tests.local-stack", "Probe", {"n": 1})
    ]
    assert stack.received_events() == []  # drained


def test_the_events_queue_keeps_an_undrained_event_for_an_hour(stack: LocalStack) -> None:
    sqs = stack.client("sqs")
    url = sqs.get_queue_url(QueueName=events_queue_name(stack.stage))["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["MessageRetentionPeriod"])
    assert attributes["Attributes"]["MessageRetentionPeriod"] == str(EVENTS_RETENTION_SECONDS)
    assert EVENTS_RETENTION_SECONDS == 3600  # what docs/local.md promises


def test_scheduler_s3_sqs_ssm_and_logs_answer(stack: LocalStack) -> None:
    scheduler = stack.client("scheduler")
    scheduler.create_schedule_group(Name="probe-group")
    groups = [g["Name"] for g in scheduler.list_schedule_groups()["ScheduleGroups"]]
    assert "probe-group" in groups

    s3 = stack.client("s3")
    s3.create_bucket(Bucket="probe-bucket")
    s3.put_object(Bucket="probe-bucket", Key="k", Body=b"v")
    assert s3.get_object(Bucket="probe-bucket", Key="k")["Body"].read() == b"v"

    sqs = stack.client("sqs")
    queue = sqs.create_queue(QueueName="probe-queue")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="hello")
    messages = sqs.receive_message(QueueUrl=queue)["Messages"]
    assert [m["Body"] for m in messages] == ["hello"]

    ssm = stack.client("ssm")
    ssm.put_parameter(Name="/probe/p", Value="x", Type="SecureString")
    assert ssm.get_parameter(Name="/probe/p", WithDecryption=True)["Parameter"]["Value"] == "x"

    groups = stack.client("logs").describe_log_groups(logGroupNamePrefix="/aws/vendedlogs/states/")
    names = [g["logGroupName"] for g in groups["logGroups"]]
    assert f"/aws/vendedlogs/states/leaderboard-{stack.stage}-submit-score" in names


def _list_state_machines(connection: http.client.HTTPConnection) -> http.client.HTTPResponse:
    connection.request(
        "POST",
        "/",
        body="{}",
        headers={
            "X-Amz-Target": "AWSStepFunctions.ListStateMachines",
            "Content-Type": "application/x-amz-json-1.0",
            "Authorization": "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/states/"
            "aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    response = connection.getresponse()
    response.read()
    return response


def test_a_connection_serves_many_requests(stack: LocalStack) -> None:
    url = urllib.parse.urlsplit(stack.endpoint_url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=5)
    try:
        first = _list_state_machines(connection)
        assert connection.sock is not None  # http.client drops the socket on "Connection: close"
        client_address = connection.sock.getsockname()
        second = _list_state_machines(connection)
        assert (first.status, second.status) == (200, 200)
        assert connection.sock.getsockname() == client_address
    finally:
        connection.close()


def test_s3_metadata_names_keep_their_underscores(stack: LocalStack) -> None:
    s3 = stack.client("s3")
    s3.create_bucket(Bucket="probe-metadata")
    s3.put_object(Bucket="probe-metadata", Key="k", Body=b"v", Metadata={"my_key": "a"})
    metadata = s3.head_object(Bucket="probe-metadata", Key="k")["Metadata"]
    assert metadata == {"my_key": "a"}  # not "my-key", as WSGI's environ would fold it


def test_long_executions_do_not_queue_each_other(stack: LocalStack) -> None:
    sfn = stack.client("stepfunctions")
    arn = sfn.create_state_machine(
        name="probe-wait",
        definition=json.dumps(
            {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": True}}}
        ),
        roleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/probe",
        type="EXPRESS",
    )["stateMachineArn"]
    callers = 16  # each holds a server worker for the whole second of its execution
    clients = [stack.client("stepfunctions") for _ in range(callers)]
    started = time.perf_counter()
    with ThreadPoolExecutor(callers) as pool:
        statuses = list(
            pool.map(lambda c: c.start_sync_execution(stateMachineArn=arn)["status"], clients)
        )
    assert statuses == ["SUCCEEDED"] * callers
    assert time.perf_counter() - started < 2.5


def test_an_xml_response_carries_its_request_id(stack: LocalStack) -> None:
    request = urllib.request.Request(
        f"{stack.endpoint_url}/",
        data=b"Action=ListQueues&Version=2012-11-05",  # SQS's XML protocol
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/sqs/"
            "aws4_request, SignedHeaders=host, Signature=0",
        },
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        request_id = response.headers["x-amzn-requestid"]
        body = response.read().decode()
    assert f"<RequestId>{request_id}</RequestId>" in body


def test_stop_closes_open_connections_and_leaves_no_threads() -> None:
    before = set(threading.enumerate())
    endpoint = AwsEndpoint(port=0)
    endpoint.start()
    port = endpoint.port
    endpoint.client("stepfunctions").list_state_machines()  # keeps its connection open
    idle = http.client.HTTPConnection("127.0.0.1", port)
    assert _list_state_machines(idle).status == 200  # kept alive, then idle
    quiet = socket.create_connection(("127.0.0.1", port))
    quiet.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")  # part of a request, then nothing
    try:
        # No timeout of its own: stop() must not wait on either client (pytest-timeout guards).
        endpoint.stop()
        assert set(threading.enumerate()) - before == set()
        assert idle.sock is not None and idle.sock.recv(1) == b""  # closed by the server
        with quiet.makefile("rb") as answer:
            assert not answer.read().startswith(b"HTTP/1.1 2")  # cut off (read to EOF)
    finally:
        idle.close()
        quiet.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1)


def test_a_process_that_never_stops_its_endpoint_still_exits() -> None:
    script = (
        "from leaderboard.local.stepfunctions.endpoint import AwsEndpoint\n"
        "endpoint = AwsEndpoint(port=0)\n"
        "endpoint.start()\n"
        "endpoint.client('stepfunctions').list_state_machines()\n"
    )
    # No deadline of its own (pytest-timeout guards a hang): exiting a process that loaded
    # moto takes seconds on a busy machine.
    finished = subprocess.run([sys.executable, "-c", script], check=False)
    assert finished.returncode == 0


def test_endpoint_refuses_non_loopback_hosts() -> None:
    with pytest.raises(ValueError, match=r"host: '0\.0\.0\.0' is not a loopback address"):
        AwsEndpoint(host="0.0.0.0", port=0)
    with pytest.raises(ValueError, match=r"host: 'example\.com' is not an IP address"):
        AwsEndpoint(host="example.com", port=0)


def test_a_busy_port_fails_start_instead_of_hanging() -> None:
    before = set(threading.enumerate())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        endpoint = AwsEndpoint(port=taken.getsockname()[1])
        with pytest.raises(OSError):
            endpoint.start()
    assert set(threading.enumerate()) - before == set()


def test_a_second_stack_with_the_same_stage_is_refused(stack: LocalStack) -> None:
    twin = LocalStack(stage=stack.stage, momento_grpc_port=0, momento_http_port=0, aws_port=0)
    with pytest.raises(RuntimeError, match=f"stage: '{stack.stage}' already runs"):
        twin.start()


def test_bad_stage_names_are_refused() -> None:
    with pytest.raises(ValueError, match=r"stage: must be 1-32 lowercase .* \(got 'Bad_Stage'\)"):
        LocalStack(stage="Bad_Stage")
