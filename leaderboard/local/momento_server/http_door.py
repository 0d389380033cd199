"""The HTTP front door: Momento's official HTTP routes plus the project's sorted-set routes.

The contract is `docs/momento-http.md`. The door is an aiohttp application on its own event
loop in a background thread, so it starts and stops from plain synchronous code (tests, CLI)
next to the gRPC door. Store calls are microseconds and lock-protected, so handlers call the
store directly instead of hopping to a thread pool.

Official and admin routes: authenticate, consult fault injection, parse, call the store,
render. Sorted-set routes are read by the contract's parser, the bridge's, in the bridge's
order (see `_SortedSetEndpoint`), so both answer every request alike. Official routes answer
errors as plain text (as Momento does); sorted-set and admin routes answer
`{"error": code, "message": text}` JSON. An unexpected exception is logged and answered 500
with a JSON body; it never escapes as aiohttp's HTML page.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Collection
from concurrent.futures import Future
from typing import Any, Final, Literal

from aiohttp import web
from multidict import MultiMapping

from leaderboard.local.momento_server.auth import ApiKeys
from leaderboard.local.momento_server.faults import FaultInjector, FaultRule, FaultRuleError
from leaderboard.local.momento_server.http_sorted_sets import OPERATIONS, execute
from leaderboard.local.momento_server.store import (
    CacheNotFound,
    Hit,
    Miss,
    NotStored,
    Ok,
    Store,
    WrongType,
)
from leaderboard.local.momento_server.topics import Published, TopicCacheNotFound
from leaderboard.momento_contract.arguments import MAX_ITEM_VALUE_BYTES, InvalidArgument
from leaderboard.momento_contract.http_params import (
    MAX_SORTED_SET_BODY_BYTES,
    BadRequestError,
    Query,
    parse_json,
)
from leaderboard.momento_contract.sorted_set_requests import (
    AUTH_PARAMETER,
    ROUTE_PREFIX,
    RequestError,
    api_key,
    match_route,
    parse_sorted_set_request,
    query_params,
)

logger = logging.getLogger(__name__)

Style = Literal["text", "json"]
Handler = Callable[[web.Request, Query], Awaitable[web.StreamResponse]]
Operation = Callable[[], Awaitable[web.StreamResponse]]

BODY_READ_TIMEOUT_SECONDS: Final = 30.0
KEEPALIVE_TIMEOUT_SECONDS: Final = 30.0
MAX_FAULT_RULE_BODY_BYTES: Final = 4096

_ERROR_CODES: Final = {
    400: "invalid_argument",
    401: "unauthenticated",
    404: "not_found",
    405: "method_not_allowed",
    429: "limit_exceeded",
    500: "internal",
    503: "unavailable",
}
_FAULT_TEXT: Final = {
    429: "Request rate exceeded the limits for this account",
    500: "Internal server error",
    503: "Service unavailable",
}
_KEY: Final = ("key", "key_base64")


def error_response(status: int, message: str, style: Style) -> web.Response:
    """An error in the route's style: plain text (official routes) or the JSON error body."""
    if style == "text":
        return web.Response(status=status, text=message)
    return web.json_response(
        {"error": _ERROR_CODES.get(status, "error"), "message": message}, status=status
    )


def _failure(result: CacheNotFound | Miss | WrongType | InvalidArgument) -> web.Response:
    """An official route's failure, as Momento answers it: plain text."""
    status = 404 if isinstance(result, CacheNotFound | Miss) else 400
    return error_response(status, result.message, "text")


def _done(
    result: Ok | NotStored | CacheNotFound | WrongType | InvalidArgument,
) -> web.Response:
    """204 for a write or delete that succeeded, else its failure. (The door's writes are
    unconditional, so `NotStored` cannot happen; it is accepted only to keep the types whole.)"""
    if isinstance(result, Ok | NotStored):
        return web.Response(status=204)
    return _failure(result)


async def _read_body(request: web.Request, limit: int) -> bytes:
    """The whole body, at most `limit` bytes, within `BODY_READ_TIMEOUT_SECONDS`."""
    if request.content_length is not None and request.content_length > limit:
        raise BadRequestError(f"body: must be at most {limit} bytes")
    try:
        async with asyncio.timeout(BODY_READ_TIMEOUT_SECONDS):
            body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise BadRequestError(f"body: must be at most {limit} bytes") from None
    except TimeoutError:
        raise BadRequestError(
            f"body: not received within {BODY_READ_TIMEOUT_SECONDS:g} s"
        ) from None
    if len(body) > limit:
        raise BadRequestError(f"body: must be at most {limit} bytes")
    return body


class _Routes:
    """The handlers; each takes the request and its checked query and returns the response."""

    def __init__(self, store: Store, faults: FaultInjector) -> None:
        self.store = store
        self.faults = faults

    # -- official routes ------------------------------------------------------------------

    async def cache_get(self, request: web.Request, query: Query) -> web.StreamResponse:
        result = self.store.get(request.match_info["cache"], query.key())
        if isinstance(result, Hit):
            return web.Response(body=result.value, content_type="application/octet-stream")
        return _failure(result)

    async def cache_put(self, request: web.Request, query: Query) -> web.StreamResponse:
        key, ttl = query.key(), query.ttl_seconds()
        body = await _read_body(request, MAX_ITEM_VALUE_BYTES)
        result = self.store.set(request.match_info["cache"], key, body, ttl)
        return _done(result)

    async def cache_delete(self, request: web.Request, query: Query) -> web.StreamResponse:
        result = self.store.delete(request.match_info["cache"], query.key())
        return _done(result)

    async def topic_publish(self, request: web.Request, query: Query) -> web.StreamResponse:
        body = await _read_body(request, MAX_ITEM_VALUE_BYTES)
        payload: str | bytes = body
        # Text unless the publisher says binary (aiohttp's `content_type` defaults to binary).
        if not request.headers.get("Content-Type", "").startswith("application/octet-stream"):
            try:
                payload = body.decode()
            except UnicodeDecodeError:
                payload = body
        result = self.store.topics.publish(
            request.match_info["cache"], request.match_info["topic"], payload
        )
        if isinstance(result, Published):
            return web.Response(status=204)
        status = 404 if isinstance(result, TopicCacheNotFound) else 400
        return error_response(status, result.message, "text")

    # -- admin ----------------------------------------------------------------------------

    async def faults_list(self, request: web.Request, query: Query) -> web.StreamResponse:
        return web.json_response({"rules": [rule.to_json() for rule in self.faults.rules()]})

    async def faults_add(self, request: web.Request, query: Query) -> web.StreamResponse:
        document = parse_json(await _read_body(request, MAX_FAULT_RULE_BODY_BYTES))
        try:
            rule = FaultRule.from_json(document)
        except FaultRuleError as error:
            raise BadRequestError(str(error)) from None
        rule_id = self.faults.add(rule)
        return web.json_response({"id": rule_id, **rule.to_json()}, status=201)

    async def faults_clear(self, request: web.Request, query: Query) -> web.StreamResponse:
        self.faults.clear()
        return web.Response(status=204)

    async def faults_remove(self, request: web.Request, query: Query) -> web.StreamResponse:
        raw = request.match_info["rule_id"]
        # ASCII only: str.isdigit() also passes '²', which int() refuses.
        if not (raw.isascii() and raw.isdigit()) or not self.faults.remove(int(raw)):
            return error_response(404, "Fault Rule Not Found", "json")
        return web.Response(status=204)

    async def health(self, request: web.Request, query: Query) -> web.StreamResponse:
        return web.json_response({"status": "ok"})


class _Endpoint(ABC):
    """What every route does around its own work: the key check, fault injection, and the
    rendering of a 400 (`BadRequestError`) or of an unexpected exception (a logged 500)."""

    def __init__(self, *, style: Style, auth: ApiKeys, faults: FaultInjector) -> None:
        self.style = style
        self.auth = auth
        self.faults = faults

    async def handle(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._answer(request)
        except BadRequestError as error:
            return error_response(400, str(error), self.style)
        except Exception:
            logger.exception("unexpected error in %s %s", request.method, request.path)
            return web.json_response(
                {"error": "internal", "message": "Internal server error"}, status=500
            )

    @abstractmethod
    async def _answer(self, request: web.Request) -> web.StreamResponse: ...

    def _key(self, request: web.Request, params: MultiMapping[str]) -> str | web.Response | None:
        """The request's key (the contract's rule, as the bridge reads it), None for no key, or
        the answer refusing it."""
        key = api_key(request.headers, params)
        if isinstance(key, RequestError):
            return error_response(key.status, key.message, self.style)
        return key

    def _refused(self, key: str | None) -> web.Response | None:
        if self.auth.accepts(key):
            return None
        return error_response(401, "Invalid API key" if key else "Missing API key", self.style)

    async def _run_with_fault(
        self, request: web.Request, operation: str, run: Operation
    ) -> web.StreamResponse:
        """`run` the operation, disturbed by the fault injected into this call, if any."""
        fault = self.faults.check(operation)
        if fault is None:
            return await run()
        if fault.latency_seconds:
            await asyncio.sleep(fault.latency_seconds)
        if fault.drop:
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=503)  # never reaches the client: the connection is gone
        if fault.status is None:
            return await run()
        if fault.applied:
            # Whatever the operation answered, even a refusal, is the answer lost.
            with contextlib.suppress(BadRequestError):
                await run()
        return error_response(fault.status, _FAULT_TEXT[fault.status], self.style)


class _RouteEndpoint(_Endpoint):
    """An official or admin route: key, fault, then the handler reads its checked query."""

    def __init__(
        self,
        handler: Handler,
        *,
        operation: str | None,
        style: Style,
        params: Collection[str],
        auth: ApiKeys,
        faults: FaultInjector,
    ) -> None:
        super().__init__(style=style, auth=auth, faults=faults)
        self.handler = handler
        self.operation = operation
        self.params = frozenset(params) | {AUTH_PARAMETER}

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        key = self._key(request, request.query)
        if isinstance(key, web.Response):
            return key
        refused = self._refused(key)
        if refused is not None:
            return refused

        def run() -> Awaitable[web.StreamResponse]:
            return self.handler(request, Query(request.query, self.params))

        if self.operation is None:
            return await run()
        return await self._run_with_fault(request, self.operation, run)


class _SortedSetEndpoint(_Endpoint):
    """Every sorted-set route, read with the contract's parser in the bridge's order: route
    (404/405), key given (401), request (400), key valid (401: the bridge learns it only from
    Momento's answer), fault, then the store."""

    def __init__(self, store: Store, *, auth: ApiKeys, faults: FaultInjector) -> None:
        super().__init__(style="json", auth=auth, faults=faults)
        self.store = store

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        path, _, raw_query = request.raw_path.partition("?")
        route = match_route(request.method, path)
        if isinstance(route, RequestError):
            return _request_error(route)
        params = query_params(raw_query)
        key = self._key(request, params)
        if isinstance(key, web.Response):
            return key
        if key is None and (refused := self._refused(key)) is not None:
            return refused
        body = await self._body(request) if route.reads_body else b""
        parsed = parse_sorted_set_request(route, params, body)
        if isinstance(parsed, RequestError):
            return _request_error(parsed)
        if (refused := self._refused(key)) is not None:
            return refused

        async def run() -> web.StreamResponse:
            return execute(self.store, parsed)

        return await self._run_with_fault(request, OPERATIONS[type(parsed)], run)

    @staticmethod
    async def _body(request: web.Request) -> bytes:
        """The body, read whole (the parser checks its size where the bridge does)."""
        if (request.content_length or 0) > MAX_ITEM_VALUE_BYTES:
            raise BadRequestError(f"body: must be at most {MAX_SORTED_SET_BODY_BYTES} bytes")
        return await _read_body(request, MAX_ITEM_VALUE_BYTES)


def _request_error(problem: RequestError) -> web.Response:
    return web.json_response(
        {"error": problem.error, "message": problem.message}, status=problem.status
    )


@web.middleware
async def _unmatched_routes_as_json(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Unknown paths and methods answer the JSON error body, not aiohttp's text page."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status not in (404, 405):
            raise
        message = "No such route" if error.status == 404 else f"Method {request.method} not allowed"
        return web.json_response(
            {"error": _ERROR_CODES[error.status], "message": message},
            status=error.status,
            headers={"Allow": error.headers["Allow"]} if "Allow" in error.headers else None,
        )


def build_app(store: Store, faults: FaultInjector, auth: ApiKeys) -> web.Application:
    """The aiohttp application serving the whole contract."""
    routes = _Routes(store, faults)
    app = web.Application(
        middlewares=[_unmatched_routes_as_json], client_max_size=MAX_ITEM_VALUE_BYTES + 1
    )

    def add(
        method: str, path: str, handler: Handler, operation: str | None, style: Style, *params: str
    ) -> None:
        endpoint = _RouteEndpoint(
            handler, operation=operation, style=style, params=params, auth=auth, faults=faults
        )
        app.router.add_route(method, path, endpoint.handle)

    add("GET", "/cache/{cache}", routes.cache_get, "cache.get", "text", *_KEY)
    add("PUT", "/cache/{cache}", routes.cache_put, "cache.set", "text", *_KEY, "ttl_seconds")
    add("DELETE", "/cache/{cache}", routes.cache_delete, "cache.delete", "text", *_KEY)
    add("POST", "/topics/{cache}/{topic}", routes.topic_publish, "topics.publish", "text")
    # One endpoint for every sorted-set path: the contract's parser matches the route itself,
    # so the door answers unknown routes and methods there exactly as the bridge does.
    sorted_sets = _SortedSetEndpoint(store, auth=auth, faults=faults)
    # `[\s\S]`, not `.`: a decoded path may hold a newline (`%0A`), which `.` does not match.
    app.router.add_route("*", ROUTE_PREFIX + "{tail:[\\s\\S]*}", sorted_sets.handle)
    add("GET", "/_admin/faults", routes.faults_list, None, "json")
    add("POST", "/_admin/faults", routes.faults_add, None, "json")
    add("DELETE", "/_admin/faults", routes.faults_clear, None, "json")
    add("DELETE", "/_admin/faults/{rule_id}", routes.faults_remove, None, "json")
    add("GET", "/_admin/health", routes.health, None, "json")
    return app


class HttpDoor:
    """The HTTP door running on its own event loop thread; `start()` returns the bound port."""

    def __init__(
        self, store: Store, faults: FaultInjector, auth: ApiKeys, host: str, port: int
    ) -> None:
        self._app = build_app(store, faults, auth)
        self._host = host
        self._requested_port = port
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="momento-http-door", daemon=True
        )
        self._runner: web.AppRunner | None = None
        self.port = 0

    def start(self) -> int:
        self._thread.start()
        future: Future[int] = asyncio.run_coroutine_threadsafe(self._serve(), self._loop)
        try:
            self.port = future.result(timeout=30)
        except BaseException:
            self._stop_loop()
            raise
        return self.port

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=30)
            self._runner = None
        self._stop_loop()

    async def _serve(self) -> int:
        runner = web.AppRunner(
            self._app,
            access_log=None,
            keepalive_timeout=KEEPALIVE_TIMEOUT_SECONDS,
            handle_signals=False,
            shutdown_timeout=1.0,
        )
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._requested_port)
        await site.start()
        self._runner = runner
        address: Any = runner.addresses[0]
        return int(address[1])

    def _stop_loop(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
        self._loop.close()
