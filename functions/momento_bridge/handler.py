"""The bridge Lambda: the project's sorted-set HTTP routes, answered with the Momento SDK.

Momento's HTTP API has no sorted-set routes (docs/momento-bridge.md). Step Functions HTTP
Tasks call this function's URL with the same routes the local server serves, and the same
`Authorization` header (the Momento key, from the EventBridge connection) they send Momento.

Order of work per request: the caller secret header (401 for anyone but the stage's
EventBridge connection, before anything else: `caller_secret.py`), the route and query
(400/404/405, like the local door), then the key (401 before any network call, and for any
key that names another endpoint than the stage's), then one SDK call on the client lent for
that key (`clients.py`: kept only once Momento accepted the key). The key is never logged,
traced or put in a metric: the logger does not log the event, and only the route, the cache
name and the status are recorded.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable
from typing import Any, Final

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import LambdaFunctionUrlEvent, event_source
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
from aws_lambda_powertools.utilities.typing import LambdaContext

from functions.momento_bridge.answers import HttpAnswer, error_answer
from functions.momento_bridge.api_keys import InvalidKey
from functions.momento_bridge.caller_secret import CallerSecret
from functions.momento_bridge.clients import (
    DEFAULT_POOL_SIZE,
    ClientPool,
    ConnectionSettings,
    KeyVerdict,
)
from functions.momento_bridge.operations import execute
from leaderboard.momento_contract.bridge_settings import CALLER_SECRET_HEADER
from leaderboard.momento_contract.sorted_set_requests import (
    RequestError,
    api_key,
    match_route,
    parse_sorted_set_request,
    query_params,
)

SERVICE: Final = "momento-bridge"
POOL_SIZE_VARIABLE: Final = "BRIDGE_CLIENT_POOL_SIZE"

logger = Logger(service=SERVICE)
tracer = Tracer(service=SERVICE)
metrics = Metrics(
    service=SERVICE, namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Leaderboard")
)

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

_pool: ClientPool | None = None
_caller_secret: CallerSecret | None = None


def client_pool() -> ClientPool:
    """The module's pool, built on first use so it reads the environment the function runs with."""
    global _pool  # noqa: PLW0603 - one pool per execution environment is the point
    if _pool is None:
        size = int(os.environ.get(POOL_SIZE_VARIABLE, DEFAULT_POOL_SIZE))
        _pool = ClientPool(ConnectionSettings.from_environment(), size=size)
    return _pool


def caller_secret() -> CallerSecret:
    """The module's caller secret (and its cache), built on first use like the pool."""
    global _caller_secret  # noqa: PLW0603 - one cache per execution environment
    if _caller_secret is None:
        _caller_secret = CallerSecret.from_environment()
    return _caller_secret


def answer(event: LambdaFunctionUrlEvent, pool: ClientPool, secret: CallerSecret) -> HttpAnswer:
    """The answer to one function-URL request, using (and filling) `pool`.

    The caller secret first (401), then the local door's order: route (404/405), key (401,
    before any network call), parameters (400), then one SDK call on the client for that key.
    """
    headers = {name.lower(): value for name, value in event.headers.items()}
    try:
        admitted = secret.admits(headers)
    except GetParameterError:
        metrics.add_metric(name="CallerSecretUnavailable", unit=MetricUnit.Count, value=1)
        return error_answer(503, "unavailable", "The bridge cannot read its caller secret")
    if not admitted:
        metrics.add_metric(name="RequestsFromStrangers", unit=MetricUnit.Count, value=1)
        return error_answer(
            401,
            "unauthenticated",
            f"{CALLER_SECRET_HEADER}: missing or wrong (the stage's connection sends it)",
        )
    route = match_route(event.request_context.http.method, event.raw_path)
    if isinstance(route, RequestError):
        return _refused(route)
    params = query_params(event.raw_query_string)
    key = api_key(headers, params)
    if isinstance(key, RequestError):
        return _refused(key)
    if key is None:
        metrics.add_metric(name="RequestsWithoutKey", unit=MetricUnit.Count, value=1)
        return error_answer(401, "unauthenticated", "Missing API key")
    body = _body(event) if route.reads_body else b""  # ignored, as by the local door
    request = parse_sorted_set_request(route, params, body)
    if isinstance(request, RequestError):
        return _refused(request)
    leased = pool.lease(key)
    if isinstance(leased, InvalidKey):
        return error_answer(401, "unauthenticated", leased.message)
    logger.append_keys(cache_name=request.cache_name, operation=type(request).__name__)
    with leased as lease:
        result = execute(lease.client, request)
        lease.verdict = key_verdict(result)
    return result


def key_verdict(result: HttpAnswer) -> KeyVerdict:
    """What the answer says of the key: 401/403 come only from Momento's auth errors; 2xx,
    404 (misses) and 429 (limits) only from a Momento that authenticated it. A 400 may come
    from the bridge or the SDK before any call, so it tells nothing, nor does a 5xx."""
    if result.status in (401, 403):
        return KeyVerdict.REFUSED
    if result.status < 300 or result.status in (404, 429):
        return KeyVerdict.ACCEPTED
    return KeyVerdict.UNKNOWN


def _refused(problem: RequestError) -> HttpAnswer:
    return error_answer(problem.status, problem.error, problem.message)


@logger.inject_lambda_context(log_event=False, clear_state=True)  # the event holds the key
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
@event_source(data_class=LambdaFunctionUrlEvent)
def handler(event: LambdaFunctionUrlEvent, context: LambdaContext) -> dict[str, Any]:
    """Lambda entry point (function URL, payload format 2.0)."""
    result = answer(event, client_pool(), caller_secret())
    metrics.add_metric(name=f"Status{result.status // 100}xx", unit=MetricUnit.Count, value=1)
    logger.info("answered", extra={"status": result.status, "route": event.raw_path})
    return to_function_url_response(result)


def to_function_url_response(result: HttpAnswer) -> dict[str, Any]:
    if result.body is None:
        return {"statusCode": result.status}
    return {
        "statusCode": result.status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(result.body),
    }


def _body(event: LambdaFunctionUrlEvent) -> bytes:
    """The raw body bytes: function URLs base64-encode bodies that are not text."""
    if event.body is None:
        return b""
    if event.is_base64_encoded:
        return base64.b64decode(event.body)
    return event.body.encode("utf-8")
