"""One AWS-compatible HTTP endpoint on loopback, served by the pinned moto.

Backends and the AWS CLI reach it with `endpoint_url` / `AWS_ENDPOINT_URL` and fake credentials.
It serves every moto service; the local runtime relies on Step Functions, EventBridge,
EventBridge Scheduler, S3, SQS, Secrets Manager, SSM and CloudWatch Logs. moto keeps its
backends in process-wide state, so two endpoints in one process share their resources.
"""

import ipaddress
import logging
import socket
from threading import Thread
from types import TracebackType
from typing import Any, Final, Self

import boto3
from botocore.config import Config
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server

from leaderboard.local.endpoints import AWS_ENDPOINT_PORT, LOCAL_HOST
from leaderboard.local.stepfunctions.extensions import install_extensions

# moto maps any unknown access key to its default account; the local runtime never sets another.
ACCOUNT_ID: Final[str] = DEFAULT_ACCOUNT_ID
REGION: Final = "us-east-1"
SERVICES: Final = (
    "stepfunctions",
    "events",
    "scheduler",
    "s3",
    "sqs",
    "secretsmanager",
    "ssm",
    "logs",
)
# StartSyncExecution's "sync-" host prefix would turn 127.0.0.1 into a name that resolves nowhere.
_CLIENT_CONFIG: Final = Config(inject_host_prefix=False)
# Credentials moto accepts and AWS rejects: a misrouted call fails instead of reaching an account.
FAKE_CREDENTIALS: Final = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}

_INTERPRETER_LOGGER: Final = "moto.stepfunctions.parser.asl.component.eval_component"
_logger = logging.getLogger(__name__)


class _QuietRequestHandler(MotoRequestHandler):
    """Sends werkzeug's per-request access log to debug level instead of stderr."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        _logger.debug("%s %s %s", self.command, self.path, code)


def enable_execution() -> None:
    """Makes moto run state machines with its ASL interpreter, patched by our extensions."""
    install_extensions()  # also switches moto from recording executions to running them
    # The interpreter logs every failed state (caught ones too) at ERROR with its parse tree;
    # a failed state is a workflow outcome, shown by the execution history and the trace.
    logging.getLogger(_INTERPRETER_LOGGER).setLevel(logging.CRITICAL)


def check_loopback(host: str) -> None:
    """Refuses to listen beyond this machine: the local runtime has no authentication."""
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError as error:
        raise ValueError(f"host: {host!r} is not an IP address or 'localhost'") from error
    if not loopback:
        raise ValueError(f"host: {host!r} is not a loopback address")


class AwsEndpoint:
    """moto's server app on a werkzeug thread, like moto's `ThreadedMotoServer`.

    Unlike `ThreadedMotoServer`, the socket is bound here, in the caller's thread, so a busy
    port raises `OSError` at `start()` (werkzeug's own bind would exit the process, and
    `ThreadedMotoServer` would leave the caller waiting forever).
    """

    def __init__(self, *, host: str = LOCAL_HOST, port: int = AWS_ENDPOINT_PORT) -> None:
        check_loopback(host)
        self._host = host
        self._port = port
        self._server: BaseWSGIServer | None = None
        self._thread: Thread | None = None

    @property
    def port(self) -> int:
        """The bound port (the ephemeral one when constructed with port 0)."""
        if self._server is None:
            raise RuntimeError("endpoint not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}"

    def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("endpoint already started")
        enable_execution()
        app = DomainDispatcherApplication(create_backend_app)
        with socket.create_server((self._host, self._port)) as listener:
            # werkzeug serves a duplicate of this descriptor; ours closes on leaving the block.
            self._server = make_server(
                self._host,
                self._port,
                app,
                threaded=True,
                request_handler=_QuietRequestHandler,
                fd=listener.fileno(),
            )
        self._thread = Thread(target=self._server.serve_forever, name="aws-endpoint", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = None
        self._thread = None

    def client(self, service: str) -> Any:
        """A boto3 client bound to this endpoint with the fixed region and fake credentials."""
        return local_client(service, self.url)

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


def local_client(service: str, endpoint_url: str) -> Any:
    """A boto3 client for `service` at `endpoint_url`: never AWS, whatever the environment says."""
    return boto3.session.Session(region_name=REGION, **FAKE_CREDENTIALS).client(
        service, endpoint_url=endpoint_url, config=_CLIENT_CONFIG
    )
