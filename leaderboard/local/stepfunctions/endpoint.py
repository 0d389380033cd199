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

from cheroot import wsgi
from moto.core.request import (
    PRESERVED_HEADER_NAMES_ENVIRON_KEY,
    environ_key_for_header,
    should_preserve_original_header_name,
)
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

from leaderboard.local import moto_extensions
from leaderboard.local.aws_client import local_client
from leaderboard.local.cheroot_thread import serve_in_thread, stop_serving
from leaderboard.local.control import ClockControl, with_control
from leaderboard.local.endpoints import AWS_ENDPOINT_PORT, LOCAL_HOST

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

# StartSyncExecution holds a worker for the whole execution: enough workers that short calls
# (and executions of other callers) are not queued behind a few long ones.
_WORKER_THREADS: Final = 32
# Idle client connections kept open (cheroot's default, 10, closes the 11th caller's after
# each response; a boto3 client alone may hold 10).
_KEEP_ALIVE_CONNECTIONS: Final = 256
# At stop, a worker still reading a request (a client that sent part of one and went quiet) is
# cut off at once instead of after cheroot's 5 s: shutdown never waits on a client. Workers
# running a request still finish it.
_SHUTDOWN_GRACE_SECONDS: Final = 0
_INTERPRETER_LOGGER: Final = "moto.stepfunctions.parser.asl.component.eval_component"
_logger = logging.getLogger(__name__)


class _Gateway(wsgi.Gateway_10):
    """Keeps the spelling of S3 metadata headers holding `_`, as moto's own server does.

    WSGI folds `-` and `_` alike into `_` in environ keys, but S3 tells `my_key` from
    `my-key`: moto reads the names as sent from an environ entry its server fills.
    """

    # cheroot's stub declares the base `get_environ` as returning None; it returns the environ.
    def get_environ(self) -> dict[str, Any]:  # type: ignore[override]
        environ: dict[str, Any] = super().get_environ()  # type: ignore[no-untyped-call]
        names = (name.decode("iso-8859-1") for name in self.req.inheaders)
        environ[PRESERVED_HEADER_NAMES_ENVIRON_KEY] = {
            environ_key_for_header(name): name
            for name in names
            if should_preserve_original_header_name(name)
        }
        return environ


class _Server(wsgi.Server):
    """cheroot's WSGI server, logging through `logging` instead of writing to stderr."""

    def error_log(self, msg: str = "", level: int = logging.INFO, traceback: bool = False) -> None:
        _logger.log(level, "%s", msg, exc_info=traceback)


def enable_execution() -> None:
    """Makes moto run state machines with its ASL interpreter, patched by our extensions."""
    moto_extensions.install()  # also switches moto from recording executions to running them
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
    """moto's server app on cheroot, a thread-pooled WSGI server that keeps connections alive.

    werkzeug's server (moto's own) closes the connection after every response and starts a
    thread per connection, so every boto3 call paid a TCP connect and a thread start; here a
    client's connection and the worker threads are reused. A busy port raises `OSError`
    at `start()`. With `control`, it also serves the local control routes (`/_local/`).
    """

    def __init__(
        self,
        *,
        host: str = LOCAL_HOST,
        port: int = AWS_ENDPOINT_PORT,
        control: ClockControl | None = None,
    ) -> None:
        check_loopback(host)
        self._host = host
        self._port = port
        self._control = control
        self._server: _Server | None = None
        self._thread: Thread | None = None

    @property
    def port(self) -> int:
        """The bound port (the ephemeral one when constructed with port 0)."""
        if self._server is None:
            raise RuntimeError("endpoint not started")
        return int(self._server.bind_addr[1])

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}"

    def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("endpoint already started")
        enable_execution()
        application = DomainDispatcherApplication(create_backend_app)
        server = _Server(
            (self._host, self._port),
            application if self._control is None else with_control(application, self._control),
            numthreads=_WORKER_THREADS,
            request_queue_size=socket.SOMAXCONN,  # cheroot's 5 would drop bursts of connects
        )
        server.gateway = _Gateway
        server.keep_alive_conn_limit = _KEEP_ALIVE_CONNECTIONS
        server.shutdown_timeout = _SHUTDOWN_GRACE_SECONDS
        self._thread = serve_in_thread(server, "aws-endpoint")
        self._server = server

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        stop_serving(self._server, self._thread)
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
