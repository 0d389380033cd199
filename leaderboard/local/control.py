"""Local control routes on the AWS endpoint: what a client asks a running `up` that no AWS
API covers (the local clock and its schedules).

They live under `/_local/`, a path no AWS service uses (an S3 bucket name cannot start with
`_`), so the CLI reaches them at the `AWS_ENDPOINT_URL` it already knows; every other path
goes to moto unchanged. Like the rest of the endpoint they listen on loopback only.

- `GET /_local/clock`: `{"now", "offsetSeconds", "schedules": [{"leaderboard", "expression",
  "timezone", "nextFiring"}]}`
- `POST /_local/clock/advance` with `{"seconds": N}` (N > 0): moves the clock forward, starts
  the close of every schedule whose time passed (as Scheduler would have, once per boundary)
  and answers the clock as above plus `"fired": [{"leaderboard", "scheduledTime",
  "executionArn"}]`. A bad body is `400 {"message": ...}` naming the field; nothing moves.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:  # the CLI imports the paths: nothing of moto at run time
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from leaderboard.local.clock import LocalClock
    from leaderboard.local.scheduler import Firing, LocalScheduler

CONTROL_PREFIX: Final = "/_local/"
CLOCK_PATH: Final = "/_local/clock"
ADVANCE_PATH: Final = "/_local/clock/advance"
_MAX_BODY_BYTES: Final = 4096


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class ClockControl:
    """Serves the clock routes for one stack; `scheduler` is read per request, since the
    stack creates it after its endpoint is listening."""

    def __init__(self, clock: LocalClock, scheduler: Callable[[], LocalScheduler]) -> None:
        self._clock = clock
        self._scheduler = scheduler

    def state(self) -> dict[str, Any]:
        scheduler = self._scheduler()
        return {
            "now": _iso(self._clock.now()),
            "offsetSeconds": self._clock.offset.total_seconds(),
            "schedules": [
                {
                    "leaderboard": schedule.leaderboard,
                    "expression": schedule.expression,
                    "timezone": schedule.timezone,
                    "nextFiring": _iso(scheduler.next_due(schedule.leaderboard)),
                }
                for schedule in scheduler.schedules
            ],
        }

    def advance(self, body: Any) -> dict[str, Any]:
        """Raises ValueError naming the field when `body` is not `{"seconds": N > 0}`."""
        seconds = body.get("seconds") if isinstance(body, dict) else None
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not math.isfinite(seconds)
            or seconds <= 0
        ):
            raise ValueError(f"seconds: must be a positive number (got {seconds!r})")
        self._clock.advance(timedelta(seconds=seconds))
        fired = self._scheduler().fire_due()
        return {**self.state(), "fired": [_firing(each) for each in fired]}


def _firing(firing: Firing) -> dict[str, str]:
    return {
        "leaderboard": firing.leaderboard,
        "scheduledTime": _iso(firing.scheduled_time),
        "executionArn": firing.execution_arn,
    }


def with_control(aws: WSGIApplication, control: ClockControl) -> WSGIApplication:
    """`aws` with the `/_local/` routes in front of it."""

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(CONTROL_PREFIX):
            return aws(environ, start_response)
        status, answer = _route(control, environ, path)
        body = json.dumps(answer).encode()
        start_response(
            status,
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]

    return application


def _route(
    control: ClockControl, environ: WSGIEnvironment, path: str
) -> tuple[str, dict[str, Any]]:
    method = environ.get("REQUEST_METHOD", "GET")
    if path == CLOCK_PATH and method == "GET":
        return "200 OK", control.state()
    if path == ADVANCE_PATH and method == "POST":
        try:
            return "200 OK", control.advance(_json_body(environ))
        except ValueError as error:
            return "400 Bad Request", {"message": str(error)}
    if path in (CLOCK_PATH, ADVANCE_PATH):
        return "405 Method Not Allowed", {"message": f"{method} {path}: method not allowed"}
    return "404 Not Found", {"message": f"{path}: no such local route"}


def _json_body(environ: WSGIEnvironment) -> Any:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError as error:
        raise ValueError("body: Content-Length is not a number") from error
    if length > _MAX_BODY_BYTES:
        raise ValueError(f"body: larger than {_MAX_BODY_BYTES} bytes")
    raw = environ["wsgi.input"].read(length) if length else b""
    try:
        return json.loads(raw or b"null")
    except ValueError as error:
        raise ValueError(f"body: not valid JSON ({error})") from error
