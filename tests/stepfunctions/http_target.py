"""A tiny recording HTTP server used as the HTTP Task's target (stdlib, loopback, port 0)."""

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class SeenRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpTarget:
    """Routes: /json, /text, /status/<code>, /flaky/<key>/<failures>, /slow/<seconds>, /token."""

    server: ThreadingHTTPServer
    seen: list[SeenRequest] = field(default_factory=list)
    attempts: dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def last(self, path_prefix: str) -> SeenRequest:
        return next(r for r in reversed(self.seen) if r.path.startswith(path_prefix))


def start_http_target() -> HttpTarget:
    target: HttpTarget

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            return None

        def _reply(self, status: int, body: Any, content_type: str = "application/json") -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the caller gave up first (timeout tests); nothing to tell it

        def _handle(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            target.seen.append(
                SeenRequest(
                    self.command,
                    parts.path,
                    urllib.parse.parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
            )
            segments = parts.path.strip("/").split("/")
            if segments[0] == "json":
                self._reply(200, {"method": self.command, "path": parts.path, "ok": True})
            elif segments[0] == "text":
                self._reply(200, b"plain words", "text/plain")
            elif segments[0] == "status":
                self._reply(int(segments[1]), {"error": "nope", "message": f"status {segments[1]}"})
            elif segments[0] == "flaky":
                key, failures = segments[1], int(segments[2])
                target.attempts[key] = target.attempts.get(key, 0) + 1
                if target.attempts[key] <= failures:
                    self._reply(503, {"error": "unavailable"})
                else:
                    self._reply(200, {"attempt": target.attempts[key]})
            elif segments[0] == "slow":
                time.sleep(float(segments[1]))
                self._reply(200, {"slow": True})
            elif segments[0] == "token":
                self._reply(200, {"access_token": "oauth-token-123", "expires_in": 3600})
            else:
                self._reply(404, {"error": "not_found"})

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle  # noqa: N815 - stdlib names

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    target = HttpTarget(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return target
