"""The HTTP front door: Momento's official HTTP routes plus the project's sorted-set routes.

The contract is `docs/momento-http.md`. The door is an aiohttp application on its own event
loop in a background thread, so it starts and stops from plain synchronous code (tests, CLI)
next to the gRPC door. Store calls are microseconds and lock-protected, so handlers call the
store directly instead of hopping to a thread pool.

Every request goes through one wrapper: authenticate, consult fault injection, parse, call
the store, render. Official routes answer errors as plain text (as Momento does); sorted-set
and admin routes answer `{"error": code, "message": text}` JSON. An unexpected exception is
logged and answered 500 with a JSON body; it never escapes as aiohttp's HTML page.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Collection
from concurrent.futures import Future
from typing import Any, Final, Literal

from aiohttp import web

from leaderboard.local.momento_server.auth import ApiKeys
from leaderboard.local.momento_server.faults import FaultInjector, FaultRule, FaultRuleError
from leaderboard.local.momento_server.store import (
    CacheNotFound,
    Elements,
    Hit,
    Length,
    Miss,
    NotStored,
    Ok,
    Rank,
    Score,
    Scores,
    Store,
    WrongType,
)
from leaderboard.local.momento_server.topics import Published, TopicCacheNotFound
from leaderboard.momento_contract.arguments import MAX_ITEM_VALUE_BYTES, InvalidArgument
from leaderboard.momento_contract.http_params import (
    MAX_SORTED_SET_BODY_BYTES,
    BadRequestError,
    Query,
    element_json,
    parse_elements,
    parse_json,
    value_json,
)

logger = logging.getLogger(__name__)

Style = Literal["text", "json"]
Handler = Callable[[web.Request, Query], Awaitable[web.StreamResponse]]

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
_VALUE: Final = ("value", "value_base64")
_MIN: Final = ("min_score", "min_score_exclusive")
_MAX: Final = ("max_score", "max_score_exclusive")


def error_response(status: int, message: str, style: Style) -> web.Response:
    """An error in the route's style: plain text (official routes) or the JSON error body."""
    if style == "text":
        return web.Response(status=status, text=message)
    return web.json_response(
        {"error": _ERROR_CODES.get(status, "error"), "message": message}, status=status
    )


def _failure(
    result: CacheNotFound | Miss | WrongType | InvalidArgument, style: Style
) -> web.Response:
    if isinstance(result, CacheNotFound | Miss):
        return error_response(404, result.message, style)
    if isinstance(result, WrongType) and style == "json":
        return web.json_response({"error": "wrong_type", "message": result.message}, status=400)
    return error_response(400, result.message, style)


def _done(
    result: Ok | NotStored | CacheNotFound | WrongType | InvalidArgument, style: Style
) -> web.Response:
    """204 for a write or delete that succeeded, else its failure. (The door's writes are
    unconditional, so `NotStored` cannot happen; it is accepted only to keep the types whole.)"""
    if isinstance(result, Ok | NotStored):
        return web.Response(status=204)
    return _failure(result, style)


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
        return _failure(result, "text")

    async def cache_put(self, request: web.Request, query: Query) -> web.StreamResponse:
        key, ttl = query.key(), query.ttl_seconds()
        body = await _read_body(request, MAX_ITEM_VALUE_BYTES)
        result = self.store.set(request.match_info["cache"], key, body, ttl)
        return _done(result, "text")

    async def cache_delete(self, request: web.Request, query: Query) -> web.StreamResponse:
        result = self.store.delete(request.match_info["cache"], query.key())
        return _done(result, "text")

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

    # -- sorted-set routes ----------------------------------------------------------------

    async def put(self, request: web.Request, query: Query) -> web.StreamResponse:
        key, ttl = query.key(), query.collection_ttl()
        elements = parse_elements(await _read_body(request, MAX_SORTED_SET_BODY_BYTES))
        result = self.store.sorted_set_put(request.match_info["cache"], key, elements, ttl)
        return _done(result, "json")

    async def remove(self, request: web.Request, query: Query) -> web.StreamResponse:
        key, values = query.key(), query.values()
        result = self.store.sorted_set_remove(request.match_info["cache"], key, values)
        return _done(result, "json")

    async def increment(self, request: web.Request, query: Query) -> web.StreamResponse:
        key, value, ttl = query.key(), query.value(), query.collection_ttl()
        amount = query.number("amount")
        if amount is None:
            raise BadRequestError("amount: is required")
        result = self.store.sorted_set_increment(
            request.match_info["cache"], key, value, amount, ttl
        )
        if isinstance(result, Score):
            return web.json_response(element_json(result.value, result.score))
        return _failure(result, "json")

    async def by_rank(self, request: web.Request, query: Query) -> web.StreamResponse:
        result = self.store.sorted_set_fetch_by_rank(
            request.match_info["cache"],
            query.key(),
            query.integer("start_rank"),
            query.integer("end_rank"),
            query.order(),
        )
        return _elements(result)

    async def by_score(self, request: web.Request, query: Query) -> web.StreamResponse:
        offset = query.integer("offset")
        result = self.store.sorted_set_fetch_by_score(
            request.match_info["cache"],
            query.key(),
            min_score=query.score_bound("min_score"),
            max_score=query.score_bound("max_score"),
            order=query.order(),
            offset=0 if offset is None else offset,
            count=query.integer("count"),
        )
        return _elements(result)

    async def rank(self, request: web.Request, query: Query) -> web.StreamResponse:
        result = self.store.sorted_set_get_rank(
            request.match_info["cache"], query.key(), query.value(), query.order()
        )
        if isinstance(result, Rank):
            return web.json_response({**value_json(result.value), "rank": result.rank})
        return _failure(result, "json")

    async def score(self, request: web.Request, query: Query) -> web.StreamResponse:
        result = self.store.sorted_set_get_score(
            request.match_info["cache"], query.key(), query.value()
        )
        if isinstance(result, Score):
            return web.json_response(element_json(result.value, result.score))
        return _failure(result, "json")

    async def scores(self, request: web.Request, query: Query) -> web.StreamResponse:
        result = self.store.sorted_set_get_scores(
            request.match_info["cache"], query.key(), query.values()
        )
        if isinstance(result, Scores):
            return web.json_response({"elements": [element_json(v, s) for v, s in result.elements]})
        return _failure(result, "json")

    async def length(self, request: web.Request, query: Query) -> web.StreamResponse:
        cache, key = request.match_info["cache"], query.key()
        low, high = query.score_bound("min_score"), query.score_bound("max_score")
        if low is None and high is None:
            result = self.store.sorted_set_length(cache, key)
        else:
            result = self.store.sorted_set_length_by_score(cache, key, low, high)
        if isinstance(result, Length):
            return web.json_response({"length": result.length})
        return _failure(result, "json")

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
        if not raw.isdigit() or not self.faults.remove(int(raw)):
            return error_response(404, "Fault Rule Not Found", "json")
        return web.Response(status=204)

    async def health(self, request: web.Request, query: Query) -> web.StreamResponse:
        return web.json_response({"status": "ok"})


def _elements(
    result: Elements | Miss | CacheNotFound | WrongType | InvalidArgument,
) -> web.Response:
    if isinstance(result, Elements):
        return web.json_response({"elements": [element_json(v, s) for v, s in result.elements]})
    return _failure(result, "json")


class _Endpoint:
    """One route's wrapper: auth, faults, parameter check, error rendering."""

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
        self.handler = handler
        self.operation = operation
        self.style = style
        self.params = frozenset(params) | {"token"}
        self.auth = auth
        self.faults = faults

    async def handle(self, request: web.Request) -> web.StreamResponse:
        try:
            refused = self._authenticate(request)
            if refused is not None:
                return refused
            if self.operation is not None:
                disturbed = await self._inject_fault(request, self.operation)
                if disturbed is not None:
                    return disturbed
            return await self.handler(request, Query(request.query, self.params))
        except BadRequestError as error:
            return error_response(400, str(error), self.style)
        except Exception:
            logger.exception("unexpected error in %s %s", request.method, request.path)
            return web.json_response(
                {"error": "internal", "message": "Internal server error"}, status=500
            )

    def _authenticate(self, request: web.Request) -> web.Response | None:
        header = request.headers.get("Authorization")
        in_query = request.query.getall("token", [])
        if header is not None and in_query:
            raise BadRequestError(
                "token: give the Authorization header or the token parameter, not both"
            )
        if len(in_query) > 1:
            raise BadRequestError("token: given more than once")
        token = header if header is not None else (in_query[0] if in_query else None)
        if self.auth.accepts(token):
            return None
        return error_response(401, "Invalid API key" if token else "Missing API key", self.style)

    async def _inject_fault(
        self, request: web.Request, operation: str
    ) -> web.StreamResponse | None:
        fault = self.faults.check(operation)
        if fault is None:
            return None
        if fault.latency_seconds:
            await asyncio.sleep(fault.latency_seconds)
        if fault.drop:
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=503)  # never reaches the client: the connection is gone
        if fault.status is not None:
            return error_response(fault.status, _FAULT_TEXT[fault.status], self.style)
        return None


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
        endpoint = _Endpoint(
            handler, operation=operation, style=style, params=params, auth=auth, faults=faults
        )
        app.router.add_route(method, path, endpoint.handle)

    ss = "/sortedset/{cache}"
    add("GET", "/cache/{cache}", routes.cache_get, "cache.get", "text", *_KEY)
    add("PUT", "/cache/{cache}", routes.cache_put, "cache.set", "text", *_KEY, "ttl_seconds")
    add("DELETE", "/cache/{cache}", routes.cache_delete, "cache.delete", "text", *_KEY)
    add("POST", "/topics/{cache}/{topic}", routes.topic_publish, "topics.publish", "text")
    add("PUT", ss, routes.put, "sortedset.put", "json", *_KEY, "ttl_seconds", "refresh_ttl")
    add("DELETE", ss, routes.remove, "sortedset.remove", "json", *_KEY, *_VALUE)
    add(
        "POST", f"{ss}/increment", routes.increment, "sortedset.increment", "json",
        *_KEY, *_VALUE, "amount", "ttl_seconds", "refresh_ttl",
    )  # fmt: skip
    add(
        "GET", f"{ss}/by-rank", routes.by_rank, "sortedset.fetch_by_rank", "json",
        *_KEY, "start_rank", "end_rank", "order",
    )  # fmt: skip
    add(
        "GET", f"{ss}/by-score", routes.by_score, "sortedset.fetch_by_score", "json",
        *_KEY, *_MIN, *_MAX, "order", "offset", "count",
    )  # fmt: skip
    add("GET", f"{ss}/rank", routes.rank, "sortedset.rank", "json", *_KEY, *_VALUE, "order")
    add("GET", f"{ss}/score", routes.score, "sortedset.score", "json", *_KEY, *_VALUE)
    add("GET", f"{ss}/scores", routes.scores, "sortedset.scores", "json", *_KEY, *_VALUE)
    add("GET", f"{ss}/length", routes.length, "sortedset.length", "json", *_KEY, *_MIN, *_MAX)
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
