"""Function-URL plumbing for the bridge tests: HTTP requests in, Lambda payload v2 events out.

`FunctionUrlTransport` is an httpx transport that does what AWS does in front of the bridge:
sorted-set paths become function-URL events for the real handler (the Authorization and
caller secret headers the EventBridge connection adds included), every other path goes to
the Momento endpoint (here the local server's HTTP door), as the stack routes them. Not a
mock: real requests, the real handler and a real server behind it; only the Lambda service's
envelope is built here.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from leaderboard.momento_contract.bridge_settings import CALLER_SECRET_HEADER

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass
class LambdaContext:
    """The attributes Powertools reads from the Lambda context."""

    function_name: str = "leaderboard-test-momento-bridge"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = (
        "arn:aws:lambda:us-east-1:123456789012:function:leaderboard-test-momento-bridge"
    )
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))


def function_url_event(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    base64_body: bool = False,
) -> dict[str, Any]:
    """A Lambda function URL (payload format 2.0) event as AWS delivers it: the body as text,
    or base64-encoded if it is not UTF-8 or `base64_body` (as AWS does for a body it does
    not take for text)."""
    text: str | None = None
    encoded = False
    if body and not base64_body:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            base64_body = True
    if body and base64_body:
        text, encoded = base64.b64encode(body).decode(), True
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {name.lower(): value for name, value in (headers or {}).items()},
        "requestContext": {
            "accountId": "anonymous",
            "domainName": "bridge.lambda-url.us-east-1.on.aws",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
        },
        "body": text,
        "isBase64Encoded": encoded,
    }


class FunctionUrlTransport(httpx.BaseTransport):
    def __init__(
        self, handler: Handler, momento_http: httpx.Client, api_key: str | None, caller_secret: str
    ) -> None:
        self._handler = handler
        self._momento_http = momento_http
        self._api_key = api_key
        self._caller_secret = caller_secret

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        if not request.url.path.startswith("/sortedset/"):
            return self._momento_http.send(
                self._momento_http.build_request(
                    request.method, request.url.raw_path.decode(), content=body,
                    headers=self._with_key(dict(request.headers)),
                )
            )  # fmt: skip
        event = function_url_event(
            request.method,
            request.url.raw_path.decode().partition("?")[0],
            query=request.url.query.decode(),
            headers=self._with_key(dict(request.headers)),
            body=body,
        )
        result = self._handler(event, LambdaContext())
        return httpx.Response(
            result["statusCode"],
            headers=result.get("headers", {}),
            content=result.get("body", "").encode(),
        )

    def _with_key(self, headers: dict[str, str]) -> dict[str, str]:
        headers[CALLER_SECRET_HEADER] = (
            self._caller_secret
        )  # the connection's invocation header wins
        if self._api_key is not None and "authorization" not in {h.lower() for h in headers}:
            headers["authorization"] = self._api_key
        return headers
