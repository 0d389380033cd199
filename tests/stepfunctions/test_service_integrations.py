"""Service integrations land in the local backends, in-process."""

import json
from collections.abc import Callable
from typing import Any

import pytest

from leaderboard.local.stepfunctions.service_clients import client_for

Run = Callable[..., dict[str, Any]]


def test_put_events_reaches_sqs_through_a_rule(run: Run, aws: Callable[[str], Any]) -> None:
    sqs, events = aws("sqs"), aws("events")
    queue_url = sqs.create_queue(QueueName="scores-seen")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    events.create_event_bus(Name="leaderboard-test")
    events.put_rule(
        Name="scores",
        EventBusName="leaderboard-test",
        EventPattern=json.dumps({"source": ["leaderboard"]}),
    )
    events.put_targets(
        Rule="scores", EventBusName="leaderboard-test", Targets=[{"Id": "q", "Arn": queue_arn}]
    )
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::events:putEvents",
        "Parameters": {
            "Entries": [
                {
                    "EventBusName": "leaderboard-test",
                    "Source": "leaderboard",
                    "DetailType": "ScoreSubmitted",
                    "Detail": {"name.$": "$.name", "score.$": "$.score"},
                }
            ]
        },
        "End": True,
    }

    result = run({"StartAt": "Emit", "States": {"Emit": task}}, {"name": "mario", "score": 42})

    assert result["status"] == "SUCCEEDED"
    assert json.loads(result["output"])["FailedEntryCount"] == 0
    messages = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=1)["Messages"]
    event = json.loads(messages[0]["Body"])
    assert (event["detail-type"], event["detail"]) == (
        "ScoreSubmitted",
        {"name": "mario", "score": 42},
    )


def test_aws_sdk_s3_put_object_writes_local_s3(run: Run, aws: Callable[[str], Any]) -> None:
    s3 = aws("s3")
    s3.create_bucket(Bucket="archive-test")
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
        "Parameters": {"Bucket": "archive-test", "Key": "day/2026-01-01.json", "Body.$": "$"},
        "End": True,
    }

    result = run({"StartAt": "Put", "States": {"Put": task}}, {"top": ["mario"]})

    assert result["status"] == "SUCCEEDED"
    body = s3.get_object(Bucket="archive-test", Key="day/2026-01-01.json")["Body"].read()
    assert json.loads(body) == {"top": ["mario"]}


def test_aws_sdk_s3_get_object_answers_the_body_as_text(
    run: Run, aws: Callable[[str], Any]
) -> None:
    """AWS returns getObject's Body as the object's text, so `$parse` reads a JSON object
    back exactly (moto's stock engine left botocore's unread stream, shown by its repr)."""
    s3 = aws("s3")
    s3.create_bucket(Bucket="archive-read")
    text = '{"top":[{"name":"ann","score":0.30000000000000004}],"note":"\u00fc"}'
    s3.put_object(Bucket="archive-read", Key="day.json", Body=text.encode())
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
        "Arguments": {"Bucket": "archive-read", "Key": "day.json"},
        "Output": "{% {'body': $states.result.Body, 'parsed': $parse($states.result.Body)} %}",
        "End": True,
    }

    result = run({"QueryLanguage": "JSONata", "StartAt": "Get", "States": {"Get": task}})

    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    assert output["body"] == text
    assert output["parsed"] == json.loads(text)
    assert output["parsed"]["top"][0]["score"] == 0.1 + 0.2


def test_integration_clients_ignore_the_shells_endpoint(
    endpoint_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`up` started from a shell holding its own exports (AWS_ENDPOINT_URL) still answers
    integrations in-process: botocore would otherwise aim them at that address, path-style,
    where moto's dispatcher answers no S3 request (a close-period failed so)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint_url)
    # A region no other test uses: the client is built now, under this environment.
    s3 = client_for("eu-south-2", "s3")

    s3.create_bucket(
        Bucket="shell-endpoint", CreateBucketConfiguration={"LocationConstraint": "eu-south-2"}
    )

    listed = s3.list_objects_v2(Bucket="shell-endpoint", Prefix="steps/")
    assert listed["KeyCount"] == 0
