"""API Gateway's mapping templates give the workflow the same input, and the caller the same
answer, as the local router: both come from `leaderboard.http_api.routes`.

The templates are rendered with airspeed-ext (the Velocity engine LocalStack renders API
Gateway templates with). API Gateway's `$input`, `$util` and `$context` are stand-ins here,
written from AWS's mapping template reference: a real API Gateway cannot run offline.
"""

import json
from typing import Any

import airspeed
import pytest

from leaderboard.http_api.routes import ROUTES, Route, http_answer, workflow_input
from leaderboard.http_api.vtl import request_template, response_template

ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:leaderboard-dev-x"


class _JavaMap(dict[str, Any]):
    """A Java Map as VTL sees it (`containsKey`, `get`)."""

    def containsKey(self, key: str) -> bool:  # noqa: N802 (Java's name)
        return key in self


def _escape_javascript(text: Any) -> str:
    """`$util.escapeJavaScript`: commons-lang's StringEscapeUtils.escapeJavaScript, over Java's
    UTF-16 code units (a character beyond the BMP becomes two escaped surrogates)."""
    units = str(text).encode("utf-16-be", "surrogatepass")
    out = []
    for index in range(0, len(units), 2):
        code = int.from_bytes(units[index : index + 2], "big")
        char = chr(code)
        if char in "\"'\\/":
            out.append("\\" + char)
        elif char in "\b\n\t\f\r":
            out.append({"\b": "\\b", "\n": "\\n", "\t": "\\t", "\f": "\\f", "\r": "\\r"}[char])
        elif code < 0x20 or code > 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(char)
    return "".join(out)


class _Util:
    def escapeJavaScript(self, text: Any) -> str:  # noqa: N802 (VTL's name)
        return _escape_javascript(text)


class _Input:
    def __init__(self, path: dict[str, str], query: dict[str, str], body: Any) -> None:
        self._params = _JavaMap(path=_JavaMap(path), querystring=_JavaMap(query))
        self._body = body

    def params(self) -> _JavaMap:
        return self._params

    def path(self, expression: str) -> Any:
        assert expression == "$"
        return _JavaMap(self._body) if isinstance(self._body, dict) else self._body

    def json(self, expression: str) -> str:
        assert expression.startswith("$.")
        return json.dumps(self._body[expression[2:]])


def _render(template: str, namespace: dict[str, Any]) -> str:
    return str(airspeed.Template(template).merge(namespace))


def _api_gateway_input(route: Route, path: dict[str, str], query: dict[str, str], body: Any) -> Any:
    rendered = _render(
        request_template(route, ARN),
        {"input": _Input(path, query, body or {}), "util": _Util(), "context": {}},
    )
    request = json.loads(rendered)
    assert request["stateMachineArn"] == ARN
    return json.loads(request["input"])


_ROUTE = {(route.method, route.workflow): route for route in ROUTES}
_SUBMIT, _STANDING, _PAGE = (
    _ROUTE["POST", "submit-score"],
    _ROUTE["GET", "get-standing"],
    _ROUTE["GET", "get-leaderboard"],
)
_ODD = "q\"u\\o't/e é \n 🎮"


@pytest.mark.parametrize(
    ("route", "path", "query", "body"),
    [
        (_SUBMIT, {"leaderboard": "mario-kart", "name": "mario"}, {}, {"score": 42}),
        (_SUBMIT, {"leaderboard": _ODD, "name": _ODD}, {}, {"score": _ODD, "submissionId": "a"}),
        (_SUBMIT, {"leaderboard": "b", "name": "n"}, {}, {"score": {"x": [1, None, 2.5]}}),
        (_SUBMIT, {"leaderboard": "b", "name": "n"}, {}, {}),
        (_STANDING, {"leaderboard": "b", "name": "n"}, {"period": "2026-11"}, None),
        (_STANDING, {"leaderboard": "b", "name": "n"}, {"ignored": "x"}, None),
        (_PAGE, {"leaderboard": "b"}, {"startRank": "20", "endRank": "40"}, None),
        (_PAGE, {"leaderboard": "b"}, {"startRank": "-3", "endRank": "007"}, None),
        (_PAGE, {"leaderboard": "b"}, {"view": "around_me", "name": _ODD, "limit": "x1"}, None),
    ],
)
def test_request_template_builds_the_routers_input(
    route: Route, path: dict[str, str], query: dict[str, str], body: dict[str, Any] | None
) -> None:
    expected = workflow_input(route, path, query, body)
    assert _api_gateway_input(route, path, query, body) == expected


@pytest.mark.parametrize(
    ("execution", "status", "message"),
    [
        ({"status": "SUCCEEDED", "output": '{"score": 42, "rank": 0}'}, 200, None),
        (
            {"status": "FAILED", "error": "Leaderboard.ValidationError", "cause": f"name: {_ODD}"},
            400,
            f"name: {_ODD}",
        ),
        (
            {
                "status": "FAILED",
                "error": "Leaderboard.StoreUnavailable",
                "cause": 'standing unavailable: States.Http.StatusCode.503: {"x": 1}',
            },
            503,
            "standing unavailable",
        ),
        (
            {"status": "FAILED", "error": "States.Runtime", "cause": "secret internals"},
            500,
            "internal error",
        ),
        ({"status": "TIMED_OUT"}, 504, "the workflow did not finish in time"),
    ],
)
def test_response_template_answers_as_the_router(
    execution: dict[str, Any], status: int, message: str | None
) -> None:
    context: dict[str, Any] = {"responseOverride": {}}
    rendered = _render(
        response_template(),
        {"input": _Input({}, {}, execution), "util": _Util(), "context": context},
    )
    expected = http_answer(execution)
    assert expected.status == status
    assert json.loads(expected.body).get("message") == message
    assert context["responseOverride"].get("status", 200) == expected.status
    assert json.loads(rendered) == json.loads(expected.body)
    assert "internals" not in rendered
