"""API Gateway mapping templates (VTL) generated from `leaderboard.http_api.routes`.

The request template builds StartSyncExecution's body (`stateMachineArn` and the workflow
input as a JSON string, so every value is escaped twice: once for the input's JSON, once for
the string holding it); the response template turns the execution's `status`/`error` into the
HTTP status, as `routes.http_answer` does for the local router.
"""

from __future__ import annotations

import json
from typing import Final

from leaderboard.http_api.routes import (
    CAUSE_DETAIL,
    ERROR_STATUSES,
    INTEGER_TEXT,
    INTERNAL_ERROR_BODY,
    TIMED_OUT_BODY,
    TIMED_OUT_STATUS,
    VALIDATION_ERROR,
    Route,
)

# escapeJavaScript also escapes ' as \', which JSON does not allow: undone, as AWS documents.
_JSON_ESCAPE: Final = '$util.escapeJavaScript({}).replaceAll("\\\\\'", "\'")'


def _escaped(expression: str, times: int) -> str:
    for _ in range(times):
        expression = _JSON_ESCAPE.format(expression)
    return expression


def request_template(route: Route, state_machine_arn: str) -> str:
    """The integration request template: `{"stateMachineArn", "input"}` for the route."""
    fields = [
        f'\\"{name}\\": \\"{_escaped(f"$input.params().path.get({name!r})", 2)}\\"'
        for name in route.path_parameters
    ]
    # The input is one JSON string: its parts follow each other on one line (a line break
    # inside it would be a raw control character, which JSON refuses).
    setup = ["#set($query = $input.params().querystring)"]
    if route.body_fields:
        setup.append("#set($body = $input.path('$'))")
    parts = [f'{{"stateMachineArn": "{state_machine_arn}", "input": "{{{", ".join(fields)}']
    for parameter in route.query:
        value = f"$query.get({parameter.name!r})"
        text = f'\\"{_escaped(value, 2)}\\"'
        if parameter.kind == "integer":
            text = f"#if({value}.matches('{INTEGER_TEXT}')){value}#else{text}#end"
        present = f"$query.containsKey({parameter.name!r})"
        parts.append(f'#if({present}), \\"{parameter.name}\\": {text}#end')
    for field in route.body_fields:
        raw = _escaped(f"$input.json('$.{field}')", 1)
        parts.append(f'#if($body.containsKey({field!r})), \\"{field}\\": {raw}#end')
    parts.append('}"}')
    return "\n".join([*setup, "".join(parts)])


def response_template() -> str:
    """The integration response template: the output on success, else the error's status."""
    branches = []
    for error, status in ERROR_STATUSES.items():
        message = (
            _escaped("$execution.cause", 1)
            if error == VALIDATION_ERROR
            else _escaped(f"$execution.cause.replaceAll('{CAUSE_DETAIL}', '')", 1)
        )
        branches.append(
            f"#elseif($execution.error == '{error}')\n"
            f"#set($context.responseOverride.status = {status})\n"
            f'{{"error": "{error}", "message": "{message}"}}'
        )
    return "\n".join(
        [
            "#set($execution = $input.path('$'))",
            "#if($execution.status == 'SUCCEEDED')",
            "$execution.output",
            "#elseif($execution.status == 'TIMED_OUT')",
            f"#set($context.responseOverride.status = {TIMED_OUT_STATUS})",
            json.dumps(TIMED_OUT_BODY),
            *branches,
            "#else",
            "#set($context.responseOverride.status = 500)",
            json.dumps(INTERNAL_ERROR_BODY),
            "#end",
        ]
    )
