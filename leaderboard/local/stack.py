"""The whole local stack in one object: what `up`, the demo and the tests start.

It wires the embedded Momento server to the AWS-compatible endpoint the way the CDK stack
wires Momento to AWS: a random API key kept in Secrets Manager and in an EventBridge
connection (never printed, never in a definition; the Momento server requires it only with
`require_key`, and is otherwise open on loopback as Momento's own local server is), the
bridge's caller secret sent by that connection as an invocation header, an event bus whose
every event lands in an SQS queue the CLI and tests read, every workflow deployed from
`statemachines/`, and the HTTP API's routes on a port of their own.

moto's state is process-wide, so two stacks in one process need different stages; a
stack removes what it created when it stops, so stacks can follow each other.
"""

import dataclasses
import json
import math
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Final, Self, cast

from momento import (
    CacheClient,
    Configurations,
    CredentialProvider,
    TopicClient,
    TopicConfigurations,
)

from leaderboard import score_events
from leaderboard.board_rules import BOARDS_FILE, load_board_rules
from leaderboard.definitions import WORKFLOWS, DefinitionSettings, substitutions, workflow
from leaderboard.local.aws_client import REGION
from leaderboard.local.clock import LocalClock
from leaderboard.local.control import ClockControl
from leaderboard.local.endpoints import (
    AWS_ENDPOINT_PORT,
    LOCAL_HOST,
    MOMENTO_GRPC_PORT,
    MOMENTO_HTTP_PORT,
)
from leaderboard.local.http_api import LocalHttpApi
from leaderboard.local.momento_server.server import MomentoServer
from leaderboard.local.scheduler import LocalScheduler
from leaderboard.local.scheduler_api import delete_schedules, sync_schedules
from leaderboard.local.stepfunctions.deploy import (
    Deployment,
    deploy_workflows,
    register_functions,
)
from leaderboard.local.stepfunctions.endpoint import AwsEndpoint, check_loopback
from leaderboard.momento_contract.bridge_settings import (
    CALLER_SECRET_ARN_VARIABLE,
    CALLER_SECRET_HEADER,
    LOCAL_ADDRESS_VARIABLE,
)
from leaderboard.naming import (
    SERVICE,
    api_key_secret_name,
    archive_bucket_name,
    caller_secret_name,
    check_stage,
    connection_name,
    events_queue_name,
    resource_name,
    score_reports_dead_letter_queue_name,
    stage_name,
)
from leaderboard.period_rules import CloseSchedule, close_schedules

API_KEY_BYTES: Final = 32
_MAX_SQS_BATCH: Final = 10
# How long the events queue keeps an event nobody drained (SQS's default is 4 days). Its
# readers (`events`, `received_events`) read what recent runs put on the bus; an hour keeps all
# of that, and a session that never drains holds at most an hour of events.
EVENTS_RETENTION_SECONDS: Final = 3600


class LocalStack:
    """Momento server + AWS endpoint + connection, bus, queue and deployed workflows.

    Ports 0 pick free ports (tests); the defaults are the fixed ports the docs print. The HTTP
    API is served only with an `http_api_port` (`up` gives it HTTP_API_PORT): a stack started
    for tests or the demo does not hold a fixed port it does not use.
    `momento_clock` is what Momento's TTLs run on (tests move it to see a board expire).
    `require_key`: the Momento server accepts only the stack's key; without it the server
    accepts any key (or none), so `CredentialProvider.for_momento_local()` works as is, and
    the connection still sends the key (harmless, and the same wiring either way).
    """

    _running_stages: ClassVar[set[str]] = set()
    _stages_lock: ClassVar = threading.Lock()

    def __init__(
        self,
        *,
        stage: str = "local",
        host: str = LOCAL_HOST,
        momento_grpc_port: int = MOMENTO_GRPC_PORT,
        momento_http_port: int = MOMENTO_HTTP_PORT,
        aws_port: int = AWS_ENDPOINT_PORT,
        http_api_port: int | None = None,
        momento_clock: Callable[[], float] = time.monotonic,
        require_key: bool = False,
        boards_file: Path = BOARDS_FILE,
    ) -> None:
        check_loopback(host)
        self._host = host
        self.stage: Final = check_stage(stage)
        self.cache_name: Final = stage_name(stage)
        self.event_bus_name: Final = stage_name(stage)
        self.archive_bucket: Final = archive_bucket_name(stage)
        # Executions of this stage start at the clock's time; tests and demos move it forward.
        self.clock: Final = LocalClock()
        self._scheduler: LocalScheduler | None = None
        self._api_key = secrets.token_urlsafe(API_KEY_BYTES)
        self.require_key: Final = require_key
        # Read at every deploy(): editing it and redeploying applies the new rules.
        self.boards_file: Final = boards_file
        self._caller_secret = secrets.token_urlsafe(API_KEY_BYTES)
        self._caller_secret_arn = ""
        self.momento: Final = MomentoServer(
            host=host,
            grpc_port=momento_grpc_port,
            http_port=momento_http_port,
            api_keys=[self._api_key] if require_key else [],
            caches=[self.cache_name],
            clock=momento_clock,
        )
        self._endpoint = AwsEndpoint(
            host=host, port=aws_port, control=ClockControl(self.clock, lambda: self.scheduler)
        )
        self._http_api_port = http_api_port
        self._http_api: LocalHttpApi | None = None
        self._exit_stack = ExitStack()
        self._deployments: dict[str, Deployment] = {}
        self._queue_url = ""
        self.score_reports_dead_letter_queue_url = ""
        self.connection_arn = ""

    @property
    def endpoint_url(self) -> str:
        return self._endpoint.url

    @property
    def http_api_url(self) -> str:
        """The HTTP API's routes (docs/http-api.md), as API Gateway serves them on AWS."""
        if self._http_api is None:
            raise RuntimeError("the stack serves no HTTP API (started without http_api_port)")
        return self._http_api.url

    @property
    def deployments(self) -> tuple[Deployment, ...]:
        return tuple(self._deployments.values())

    def client(self, service: str) -> Any:
        """A boto3 client bound to the local endpoint (fixed region, fake credentials)."""
        return self._endpoint.client(service)

    def state_machine_arn(self, workflow_name: str) -> str:
        deployment = self._deployments.get(workflow(workflow_name).name)
        if deployment is None:
            raise KeyError(f"workflow_name: {workflow_name!r} is not deployed")
        return deployment.state_machine_arn

    def definition_settings(self) -> DefinitionSettings:
        """The values the definitions' placeholders take locally, with the boards file as it
        is now (ValueError naming the field when it is not valid)."""
        return DefinitionSettings(
            momento_sorted_set_endpoint=self.momento.http_url,
            momento_endpoint=self.momento.http_url,
            cache_name=self.cache_name,
            connection_arn=self.connection_arn,
            event_bus_name=self.event_bus_name,
            archive_bucket=self.archive_bucket,
            board_rules=load_board_rules(self.boards_file),
        )

    @property
    def scheduler(self) -> LocalScheduler:
        """The close schedules on the stack's clock: `fire_due()`, or `start()` a thread."""
        if self._scheduler is None:
            raise RuntimeError("the stack is not started")
        return self._scheduler

    def function_environment(self) -> dict[str, str]:
        """What the stack gives its Lambda functions: names and addresses, never a secret value.

        Like Lambda's, it holds a region and credentials (fake ones: the endpoint checks none).
        """
        return {
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "STAGE": self.stage,
            "POWERTOOLS_SERVICE_NAME": SERVICE,
            "POWERTOOLS_LOG_LEVEL": "DEBUG",
            "CACHE_NAME": self.cache_name,
            "MOMENTO_API_KEY_SECRET_NAME": api_key_secret_name(self.stage),
            "MOMENTO_ENDPOINT": self.momento.http_url,
            # The bridge: the local server's gRPC door, and where its caller secret is.
            LOCAL_ADDRESS_VARIABLE: f"{self._host}:{self.momento.grpc_port}",
            CALLER_SECRET_ARN_VARIABLE: self._caller_secret_arn,
            "AWS_ENDPOINT_URL": self.endpoint_url,
        }

    def deploy(self) -> list[Deployment]:
        """(Re)deploys every workflow with the definitions and boards file as they are now;
        unchanged definitions are left alone, and the close schedules follow the new rules.

        Only the machines and schedules change: Momento's data, archives and events stay. A
        bad boards file raises ValueError (naming the field) before anything changes.
        """
        settings = self.definition_settings()
        deployments = deploy_workflows(
            self.client("stepfunctions"),
            self.client("logs"),
            stage=self.stage,
            workflows=WORKFLOWS,
            substitutions=substitutions(settings),
        )
        self._deployments.update({each.workflow.name: each for each in deployments})
        if self._scheduler is not None:
            self._schedule(close_schedules(settings.board_rules))
        return deployments

    def momento_client(self) -> CacheClient:
        """The official SDK's client for the embedded server, holding the stack's key as a
        Lambda or a backend would (the caller closes it)."""
        return CacheClient.create(
            Configurations.Laptop.v1(), self.momento_credentials(), timedelta(seconds=60)
        )

    def topic_client(self) -> TopicClient:
        """The official SDK's topic client for the embedded server (the caller closes it):
        what a subscriber to the live standings holds."""
        return TopicClient(TopicConfigurations.Default.v1(), self.momento_credentials())

    def momento_credentials(self) -> CredentialProvider:
        """What the official SDK needs to reach the embedded server with the stack's key."""
        local = CredentialProvider.for_momento_local(self._host, self.momento.grpc_port)
        return dataclasses.replace(local, auth_token=self._api_key)

    def received_events(self, wait_seconds: float = 0) -> list[dict[str, Any]]:
        """Drains the queue the bus rule feeds: every event put on the bus, oldest first.

        With `wait_seconds`, waits up to that long for the first event to arrive.
        """
        sqs = self.client("sqs")
        events: list[dict[str, Any]] = []
        wait = math.ceil(wait_seconds)
        while True:
            messages = sqs.receive_message(
                QueueUrl=self._queue_url,
                MaxNumberOfMessages=_MAX_SQS_BATCH,
                WaitTimeSeconds=0 if events else wait,
            ).get("Messages", [])
            if not messages:
                return events
            for message in messages:
                events.append(cast(dict[str, Any], json.loads(message["Body"])))
                sqs.delete_message(QueueUrl=self._queue_url, ReceiptHandle=message["ReceiptHandle"])

    def start(self) -> None:
        with self._stages_lock:
            if self.stage in self._running_stages:
                raise RuntimeError(
                    f"stage: {self.stage!r} already runs in this process "
                    "(moto's state is process-wide; give each stack its own stage)"
                )
            self._running_stages.add(self.stage)
        self._exit_stack.callback(self._release_stage)
        try:
            self._exit_stack.enter_context(self.momento)
            self._exit_stack.enter_context(self._endpoint)
            self._provision()
        except BaseException:
            self._exit_stack.close()
            raise

    def stop(self) -> None:
        self._exit_stack.close()

    def _release_stage(self) -> None:
        with self._stages_lock:
            self._running_stages.discard(self.stage)

    def _provision(self) -> None:
        self._create_secrets()
        self._create_connection()
        self._create_bus_to_queue()
        register_functions(self.stage, self.function_environment())
        self._create_archive_bucket()
        self.clock.attach(self.stage)
        self._exit_stack.callback(self.clock.detach, self.stage)
        self.deploy()
        self._exit_stack.callback(self._delete_state_machines)
        self._create_score_reports_rule()
        self._start_scheduler()
        if self._http_api_port is not None:
            self._http_api = self._exit_stack.enter_context(
                LocalHttpApi(
                    aws_endpoint_url=self.endpoint_url,
                    arn_of=self.state_machine_arn,
                    host=self._host,
                    port=self._http_api_port,
                )
            )

    def _create_secrets(self) -> None:
        self._create_secret(api_key_secret_name(self.stage), self._api_key)
        self._caller_secret_arn = self._create_secret(
            caller_secret_name(self.stage), self._caller_secret
        )

    def _create_secret(self, name: str, value: str) -> str:
        """Creates the secret, deleted when the stack stops; returns its ARN."""
        secretsmanager = self.client("secretsmanager")
        created = secretsmanager.create_secret(Name=name, SecretString=value)
        self._exit_stack.callback(
            secretsmanager.delete_secret, SecretId=name, ForceDeleteWithoutRecovery=True
        )
        return str(created["ARN"])

    def _create_connection(self) -> None:
        events = self.client("events")
        name = connection_name(self.stage)
        self.connection_arn = events.create_connection(
            Name=name,
            AuthorizationType="API_KEY",
            AuthParameters={
                "ApiKeyAuthParameters": {
                    "ApiKeyName": "Authorization",
                    "ApiKeyValue": self._api_key,
                },
                # As the CDK stack's connection: every HTTP Task sends the bridge's caller secret.
                "InvocationHttpParameters": {
                    "HeaderParameters": [
                        {
                            "Key": CALLER_SECRET_HEADER,
                            "Value": self._caller_secret,
                            "IsValueSecret": True,
                        }
                    ]
                },
            },
        )["ConnectionArn"]
        self._exit_stack.callback(events.delete_connection, Name=name)

    def _create_bus_to_queue(self) -> None:
        events, sqs = self.client("events"), self.client("sqs")
        bus, rule = self.event_bus_name, resource_name(self.stage, "all-events")
        self._queue_url = sqs.create_queue(
            QueueName=events_queue_name(self.stage),
            Attributes={"MessageRetentionPeriod": str(EVENTS_RETENTION_SECONDS)},
        )["QueueUrl"]
        self._exit_stack.callback(sqs.delete_queue, QueueUrl=self._queue_url)
        queue_arn = sqs.get_queue_attributes(QueueUrl=self._queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        events.create_event_bus(Name=bus)
        self._exit_stack.callback(events.delete_event_bus, Name=bus)
        # Every event of this account: EventBridge has no match-all pattern.
        account = queue_arn.split(":")[4]
        events.put_rule(
            Name=rule, EventBusName=bus, EventPattern=json.dumps({"account": [account]})
        )
        self._exit_stack.callback(events.delete_rule, Name=rule, EventBusName=bus)
        events.put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": "queue", "Arn": queue_arn}])
        self._exit_stack.callback(events.remove_targets, Rule=rule, EventBusName=bus, Ids=["queue"])

    def _create_score_reports_rule(self) -> None:
        """`ScoreReported` on the bus starts submit-score (leaderboard.score_events), with the
        CDK rule's retry policy and a dead-letter queue of its own."""
        events, sqs = self.client("events"), self.client("sqs")
        bus, rule = self.event_bus_name, resource_name(self.stage, "score-reported")
        queue_url = sqs.create_queue(QueueName=score_reports_dead_letter_queue_name(self.stage))[
            "QueueUrl"
        ]
        self._exit_stack.callback(sqs.delete_queue, QueueUrl=queue_url)
        self.score_reports_dead_letter_queue_url = queue_url
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        events.put_rule(
            Name=rule, EventBusName=bus, EventPattern=json.dumps(score_events.EVENT_PATTERN)
        )
        self._exit_stack.callback(events.delete_rule, Name=rule, EventBusName=bus)
        events.put_targets(
            Rule=rule,
            EventBusName=bus,
            Targets=[
                {
                    "Id": score_events.WORKFLOW,
                    "Arn": self.state_machine_arn(score_events.WORKFLOW),
                    "InputPath": score_events.INPUT_PATH,
                    "RetryPolicy": {
                        "MaximumRetryAttempts": score_events.RETRY_ATTEMPTS,
                        "MaximumEventAgeInSeconds": score_events.MAX_EVENT_AGE_SECONDS,
                    },
                    "DeadLetterConfig": {"Arn": queue_arn},
                }
            ],
        )
        self._exit_stack.callback(
            events.remove_targets, Rule=rule, EventBusName=bus, Ids=[score_events.WORKFLOW]
        )

    def _create_archive_bucket(self) -> None:
        s3 = self.client("s3")
        s3.create_bucket(Bucket=self.archive_bucket)
        self._exit_stack.callback(self._delete_archive_bucket)

    def _delete_archive_bucket(self) -> None:
        s3 = self.client("s3")
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.archive_bucket):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=self.archive_bucket, Key=item["Key"])
        s3.delete_bucket(Bucket=self.archive_bucket)

    def _start_scheduler(self) -> None:
        """The schedules exist from the start, also in the Scheduler API (`list-schedules`);
        their thread runs only when asked (`up`)."""
        schedules = close_schedules(self.definition_settings().board_rules)
        self._scheduler = LocalScheduler(
            self.client("stepfunctions"), self.state_machine_arn("close-period"), (), self.clock
        )
        self._exit_stack.callback(self._scheduler.stop)
        self._exit_stack.callback(delete_schedules, self.client("scheduler"), self.stage)
        self._schedule(schedules)

    def _schedule(self, schedules: Sequence[CloseSchedule]) -> None:
        """The local scheduler and the Scheduler API both hold exactly `schedules`."""
        self.scheduler.replace_schedules(schedules)
        sync_schedules(
            self.client("scheduler"), self.stage, schedules, self.state_machine_arn("close-period")
        )

    def _delete_state_machines(self) -> None:
        sfn = self.client("stepfunctions")
        for deployment in self._deployments.values():
            sfn.delete_state_machine(stateMachineArn=deployment.state_machine_arn)
        self._deployments.clear()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
