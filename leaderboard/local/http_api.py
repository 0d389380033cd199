"""The HTTP API's routes on a local port, as API Gateway serves them on AWS.

Each request becomes a StartSyncExecution on the local AWS endpoint through
`leaderboard.http_api.routes`, the table API Gateway's mapping templates are generated from,
and the execution's result becomes the HTTP answer by the same rules. What API Gateway
itself does before the integration is copied too: the body model check (400), JSON only
(415), the write route's API key (403), unknown routes (404, as the stage's gateway response
says), CORS headers and preflight.
"""

import json
import logging
import socket
from collections.abc import Callable, Iterable, Mapping
from threading import Thread
from types import TracebackType
from typing import Any, Final, Self

import jsonschema
from botocore.exceptions import ClientError
from cheroot import wsgi
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from leaderboard.http_api.routes import (
    FORBIDDEN_BODY,
    INTERNAL_ERROR_BODY,
    INVALID_REQUEST_BODY,
    NO_ROUTE_BODY,
    ROUTES,
    Route,
    http_answer,
    workflow_input,
)
from leaderboard.local.aws_client import local_client
from leaderboard.local.cheroot_thread import serve_in_thread, stop_serving
from leaderboard.local.endpoints import HTTP_API_LOCAL_KEY, HTTP_API_PORT, LOCAL_HOST

_JSON: Final = "application/json"
_WORKER_THREADS: Final = 16  # each StartSyncExecution holds its worker for the whole run
_CORS: Final = {"Access-Control-Allow-Origin": "*"}
_PREFLIGHT: Final = {
    **_CORS,
    "Access-Control-Allow-Methods": "GET,POST,OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type,X-Api-Key",
}
_logger = logging.getLogger(__name__)


def _json_response(status: int, body: str | Mapping[str, Any]) -> Response:
    text = body if isinstance(body, str) else json.dumps(body)
    return Response(text, status=status, mimetype=_JSON, headers=_CORS)


class HttpApiApp:
    """The WSGI application: the routes, and API Gateway's checks in front of them."""

    def __init__(self, start_sync_execution: Callable[..., Any], arn_of: Callable[[str], str]):
        self._start = start_sync_execution
        self._arn_of = arn_of
        self._map = Map(
            [
                Rule(route.path.replace("{", "<").replace("}", ">"), methods=[route.method])
                for route in ROUTES
            ]
        )
        self._routes: dict[tuple[str, str], Route] = {
            (route.path.replace("{", "<").replace("}", ">"), route.method): route
            for route in ROUTES
        }

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        response = self._answer(request)
        return response(environ, start_response)

    def _answer(self, request: Request) -> Response:
        adapter = self._map.bind_to_environ(request.environ)
        try:
            rule, path = adapter.match(return_rule=True)
        except MethodNotAllowed:
            if request.method == "OPTIONS":
                return Response(status=204, headers=_PREFLIGHT)
            return _json_response(404, NO_ROUTE_BODY)  # API Gateway: no such method, same answer
        except NotFound:
            return _json_response(404, NO_ROUTE_BODY)
        route = self._routes[(rule.rule, request.method)]
        if route.api_key_required and request.headers.get("x-api-key") != HTTP_API_LOCAL_KEY:
            return _json_response(403, FORBIDDEN_BODY)
        body, problem = self._body(route, request)
        if problem is not None:
            return problem
        execution_input = workflow_input(route, path, request.args.to_dict(), body)
        try:
            execution = self._start(
                stateMachineArn=self._arn_of(route.workflow), input=json.dumps(execution_input)
            )
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 500)
            _logger.info("StartSyncExecution refused: %s", error)
            if 400 <= status < 500:  # the integration's 4xx selection pattern
                return _json_response(400, INVALID_REQUEST_BODY)
            return _json_response(500, INTERNAL_ERROR_BODY)
        answer = http_answer(execution)
        return _json_response(answer.status, answer.body)

    @staticmethod
    def _body(route: Route, request: Request) -> tuple[dict[str, Any] | None, Response | None]:
        """The request body as the route's model admits it, or API Gateway's refusal."""
        schema = route.body_schema
        raw = request.get_data(as_text=True)
        if raw and request.mimetype != _JSON:
            return None, _json_response(415, {"message": "Unsupported Media Type"})
        if schema is None:
            return None, None
        try:
            body = json.loads(raw or "{}")
            jsonschema.Draft4Validator(schema).validate(body)
        except (ValueError, jsonschema.ValidationError) as error:
            message = error.message if isinstance(error, jsonschema.ValidationError) else str(error)
            return None, _json_response(400, {"error": "BadRequest", "message": message})
        return dict(body), None


class LocalHttpApi:
    """`HttpApiApp` on cheroot at `host:port`, starting executions at `aws_endpoint_url`."""

    def __init__(
        self,
        *,
        aws_endpoint_url: str,
        arn_of: Callable[[str], str],
        host: str = LOCAL_HOST,
        port: int = HTTP_API_PORT,
    ) -> None:
        self._host = host
        self._port = port
        stepfunctions = local_client("stepfunctions", aws_endpoint_url)
        self._app = HttpApiApp(stepfunctions.start_sync_execution, arn_of)
        self._server: wsgi.Server | None = None
        self._thread: Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("HTTP API not started")
        return f"http://{self._host}:{self._server.bind_addr[1]}"

    def start(self) -> None:
        server = wsgi.Server(
            (self._host, self._port),
            self._app,
            numthreads=_WORKER_THREADS,
            request_queue_size=socket.SOMAXCONN,
        )
        server.shutdown_timeout = 0
        self._server, self._thread = server, serve_in_thread(server, "http-api")

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            stop_serving(self._server, self._thread)
        self._server, self._thread = None, None

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
