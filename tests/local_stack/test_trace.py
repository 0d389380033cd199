"""The trace views on a real execution: Parallel branches, a retried HTTP Task, a Catch, a Fail."""

import json
import re
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from leaderboard.local import task_calls
from leaderboard.local.history import parse_history
from leaderboard.local.momento_server.faults import FaultRule
from leaderboard.local.stack import LocalStack
from leaderboard.local.stepfunctions.lambda_task import register_lambda, unregister_lambda
from leaderboard.local.trace import render_timeline
from leaderboard.local.trace_html import render_trace_html, write_trace_html


def _definition(stack: LocalStack) -> dict[str, Any]:
    """Fork: one branch GETs a cache that does not exist (404, retried once), one succeeds."""
    missing = {
        "Type": "Task",
        "Resource": "arn:aws:states:::http:invoke",
        "Parameters": {
            "ApiEndpoint": f"{stack.momento.http_url}/cache/no-such-cache",
            "Method": "GET",
            "QueryParameters": {"key": "k"},
            "Authentication": {"ConnectionArn": stack.connection_arn},
        },
        "Retry": [
            {"ErrorEquals": ["States.Http.StatusCode.404"], "IntervalSeconds": 1, "MaxAttempts": 1}
        ],
        "End": True,
    }
    return {
        "StartAt": "Prepare",
        "States": {
            "Prepare": {"Type": "Pass", "Result": {"player": "mario"}, "Next": "Fork"},
            "Fork": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "ReadMissing", "States": {"ReadMissing": missing}},
                    {"StartAt": "Quick", "States": {"Quick": {"Type": "Pass", "End": True}}},
                ],
                "Catch": [
                    {"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Recover"}
                ],
                "Next": "Done",
            },
            "Recover": {"Type": "Pass", "Next": "GiveUp"},
            "GiveUp": {
                "Type": "Fail",
                "Error": "Test.GaveUp",
                "Cause": "recovered, then failed on purpose",
            },
            "Done": {"Type": "Succeed"},
        },
    }


@pytest.fixture(scope="module")
def run(stack: LocalStack) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], str]]:
    sfn = stack.client("stepfunctions")
    definition = _definition(stack)
    machine = sfn.create_state_machine(
        name="trace-probe",
        definition=json.dumps(definition),
        roleArn="arn:aws:iam::123456789012:role/trace-probe",
        type="STANDARD",
    )["stateMachineArn"]
    arn = sfn.start_execution(stateMachineArn=machine, name="trace-probe-1", input="{}")[
        "executionArn"
    ]
    deadline = time.monotonic() + 20
    while sfn.describe_execution(executionArn=arn)["status"] == "RUNNING":
        assert time.monotonic() < deadline, "execution did not finish"
        time.sleep(0.05)
    events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    yield definition, events, arn
    sfn.delete_state_machine(stateMachineArn=machine)


def test_history_is_grouped_per_branch_with_retries_and_errors(run: Any) -> None:
    _, events, _ = run
    execution = parse_history(events)
    assert (execution.status, execution.error) == ("FAILED", "Test.GaveUp")
    assert [r.name for r in execution.runs] == ["Prepare", "Fork", "Recover", "GiveUp"]
    fork = execution.runs[1]
    branches = {branch.runs[0].name: branch for branch in fork.branches}
    assert set(branches) == {"ReadMissing", "Quick"}
    read = branches["ReadMissing"].runs[0]
    assert (read.attempts, read.retries, read.error) == (2, 1, "States.Http.StatusCode.404")
    assert read.duration is not None and read.duration >= 1.0  # the retry waited 1 s
    assert fork.error is None and fork.ended is not None  # caught: the Parallel exited
    assert json.loads(fork.output or "")["error"]["Error"] == "States.Http.StatusCode.404"
    assert execution.runs[3].failed


def _text(renderable: Any, width: int = 220) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_terminal_timeline_shows_states_branches_retries_and_errors(run: Any) -> None:
    _, events, arn = run
    text = _text(render_timeline(events, title=arn))
    for expected in (
        "Prepare",
        "Parallel",
        "╰ branch ReadMissing",
        "╰ branch Quick",
        "Test.GaveUp",
        "execution FAILED in",
        "recovered, then failed on purpose",
    ):
        assert expected in text, expected
    lines = text.splitlines()
    read = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ReadMissing"))
    details = [line.strip() for line in lines[read + 1 : read + 10]]
    attempts = [line for line in details if line.startswith("attempt ")]
    assert len(attempts) == 2
    for attempt in attempts:
        assert re.fullmatch(r"attempt \d: 404  GET http://\S+/cache/no-such-cache\?key=k", attempt)
    assert "body Cache Not Found" in details  # the response body, not its headers
    # The error, then the service's message first: no `{"Headers":...` wall.
    error = details.index("States.Http.StatusCode.404")
    assert details[error + 1] == "404 Not Found: Cache Not Found"
    assert "retries: 1" in details
    assert not any("content-type" in line for line in details)
    # Branch rows sit under the Parallel, indented, before the states that followed it.
    index = {
        name: next(i for i, line in enumerate(lines) if line.lstrip().startswith(name))
        for name in ("Fork", "Quick", "Recover")
    }
    assert index["Fork"] < index["Quick"] < index["Recover"]


@pytest.mark.parametrize("width", [80, 220])
def test_every_width_gets_every_fact_without_overflow(run: Any, width: int) -> None:
    """The wide layout is the narrow one with more room: the same facts, longer lines."""
    _, events, arn = run
    text = _text(render_timeline(events, title=arn), width=width)
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines), max(lines, key=len)
    assert "│" not in text  # no table squeezing the data into a narrow column
    read_line = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ReadMissing"))
    assert re.search(r"Task\s+\d+ ms\s+\d+ ms\s+█", lines[read_line]), lines[read_line]
    details = "\n".join(lines[read_line + 1 : read_line + 10])
    for expected in ("retries: 1", "States.Http.StatusCode.404", "404 Not Found: Cache Not Found"):
        assert expected in details, expected
    quick = next(i for i, line in enumerate(lines) if line.lstrip().startswith("Quick"))
    assert '{"player":"mario"} → {"player":"mario"}' in lines[quick + 1]
    for expected in ("╰ branch Quick", "Test.GaveUp", "recovered, then failed on purpose"):
        assert expected in text, expected


def test_wide_terminal_shows_more_of_long_data_than_a_narrow_one(run: Any) -> None:
    _, events, arn = run
    narrow, wide = (_text(render_timeline(events, title=arn), width=w) for w in (80, 200))
    recover = [
        next(
            line
            for line in text.splitlines()
            if line.lstrip().startswith('{"player"') and "→" in line and "error" in line
        )
        for text in (narrow, wide)
    ]
    assert len(recover[1]) >= len(recover[0]) + 100, recover
    bars = [max(line.count("█") for line in text.splitlines()) for text in (narrow, wide)]
    assert bars[1] > bars[0]  # a longer time axis


@pytest.fixture(scope="module")
def retried(stack: LocalStack) -> list[dict[str, Any]]:
    """submit-score with Momento answering FetchRank's first call 503: its Retry succeeds."""
    rule = stack.momento.faults.add(FaultRule(operation="sortedset.rank", status=503, times=1))
    try:
        sfn = stack.client("stepfunctions")
        arn = sfn.start_sync_execution(
            stateMachineArn=stack.state_machine_arn("submit-score"),
            input=json.dumps({"leaderboard": "trace-retried", "name": "luigi", "score": 42}),
        )["executionArn"]
    finally:
        stack.momento.faults.remove(rule)
    events: list[dict[str, Any]] = sfn.get_execution_history(executionArn=arn, maxResults=1000)[
        "events"
    ]
    return events


def test_a_retried_then_succeeded_task_shows_as_retried_not_caught(
    retried: list[dict[str, Any]],
) -> None:
    execution = parse_history(retried)
    assert execution.status == "SUCCEEDED"
    (fetch_rank,) = [run for run in execution.all_runs() if run.name == "FetchRank"]
    assert (fetch_rank.retries, fetch_rank.error, fetch_rank.failed) == (1, None, False)
    assert [(t.status, t.error) for t in fetch_rank.tries] == [
        (503, "States.Http.StatusCode.503"),
        (200, None),
    ]
    text = _text(render_timeline(retried))
    assert "(caught)" not in text
    lines = [line.strip() for line in text.splitlines()]
    row = next(i for i, line in enumerate(lines) if line.startswith("FetchRank"))
    details = lines[row + 1 : row + 8]
    assert re.fullmatch(r"attempt 1: 503  GET http://\S+/rank\?key=trace-retried&\S+", details[1])
    assert re.fullmatch(r"attempt 2: 200  GET http://\S+/rank\?key=trace-retried&\S+", details[3])
    assert details[4] == 'body {"value":"luigi","rank":0}'
    assert "retries: 1, then succeeded" in details


def test_each_state_shows_the_variables_it_assigned(retried: list[dict[str, Any]]) -> None:
    execution = parse_history(retried)
    assigned = {run.name: run.variables for run in execution.all_runs() if run.variables}
    assert json.loads(assigned["ResolveBoard"]["name"]) == "luigi"
    text = _text(render_timeline(retried), width=200)
    lines = [line.strip() for line in text.splitlines()]
    row = next(i for i, line in enumerate(lines) if line.startswith("ResolveBoard"))
    details = lines[row + 1 : row + 1 + 1 + len(assigned["ResolveBoard"])]
    assert '$name = "luigi"' in details and '$leaderboard = "trace-retried"' in details
    assert "$score = 42" in details


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.states: dict[str, str] = {}
        self.edges: list[str] = []
        self.external: list[str] = []
        self.data_json = ""
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "g" and attributes.get("data-state"):
            self.states[attributes["data-state"] or ""] = attributes.get("class") or ""
        if tag == "path" and "edge" in (attributes.get("class") or ""):
            self.edges.append(attributes.get("class") or "")
        self.external += [v or "" for k, v in attrs if k in {"src", "href"}]
        self._in_data = tag == "script" and attributes.get("id") == "trace-data"

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data_json += data

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False


def test_html_page_draws_the_graph_with_the_path_taken(run: Any, tmp_path: Path) -> None:
    definition, events, arn = run
    page = tmp_path / "trace.html"
    write_trace_html(page, json.dumps(definition), events, title=arn)
    parser = _PageParser()
    parser.feed(page.read_text(encoding="utf-8"))
    assert set(parser.states) == {
        "Prepare",
        "Fork",
        "ReadMissing",
        "Quick",
        "Recover",
        "GiveUp",
        "Done",
    }
    assert "visited" in parser.states["Prepare"] and "container" in parser.states["Fork"]
    assert "failed" in parser.states["GiveUp"]
    assert "visited" not in parser.states["Done"] and "failed" not in parser.states["Done"]
    assert parser.external == []  # self-contained: nothing to fetch
    assert sum("taken" in edge for edge in parser.edges) == 3  # Prepare→Fork→Recover→GiveUp
    assert any("catch taken" in edge for edge in parser.edges)
    data = json.loads(parser.data_json)
    (read,) = [data["runs"][index] for index in data["states"]["ReadMissing"]["runs"]]
    assert (read["retries"], read["context"]) == (1, "Fork / branch 0")
    assert [attempt["status"] for attempt in read["attempts"]] == [404, 404]
    assert read["message"] == "404 Not Found: Cache Not Found"
    assert data["states"]["ReadMissing"]["ms"] >= 1000


def test_html_page_escapes_state_names_and_data() -> None:
    definition = {"StartAt": "<b>x</b>", "States": {"<b>x</b>": {"Type": "Pass", "End": True}}}
    events = [
        {
            "id": 1,
            "previousEventId": 0,
            "type": "ExecutionStarted",
            "timestamp": 0.0,
            "executionStartedEventDetails": {"input": '{"a":"</script><script>alert(1)</script>"}'},
        },
        {
            "id": 2,
            "previousEventId": 1,
            "type": "PassStateEntered",
            "timestamp": 0.001,
            "stateEnteredEventDetails": {"name": "<b>x</b>", "input": '"</script>"'},
        },
    ]
    page = render_trace_html(definition, events, title="<t>")
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert page.count("</script>") == 2  # only the two script elements' own end tags


@pytest.mark.parametrize(
    ("cause", "readable"),
    [
        (  # an HTTP Task's failure: the whole response
            '{"Headers":{"date":["x"]},"ResponseBody":{"message":"cache not found"},'
            '"StatusCode":404,"StatusText":"Not Found"}',
            "404 Not Found: cache not found",
        ),
        (  # the workflows' own cause, carrying the task's at its end
            'score not stored: States.Http.StatusCode.503: {"Headers":{"a":["b"]},'
            '"ResponseBody":"","StatusCode":503,"StatusText":"Service Unavailable"}',
            "score not stored: States.Http.StatusCode.503: 503 Service Unavailable",
        ),
        (  # a body without a message member is shown whole
            '{"Headers":{},"ResponseBody":{"elements":[]},"StatusCode":400,"StatusText":"Bad"}',
            '400 Bad: {"elements": []}',
        ),
        (  # a Lambda handler's exception
            '{"errorMessage":"boom","errorType":"ValueError","stackTrace":["  File x"]}',
            "boom",
        ),
        ("score: must be a finite number", "score: must be a finite number"),
        ('bad {"half": ', 'bad {"half": '),  # not JSON: unchanged
        ('{"unrelated": 1}', '{"unrelated": 1}'),
    ],
)
def test_a_cause_reads_with_the_message_first(cause: str, readable: str) -> None:
    assert task_calls.message(cause) == readable


def test_lambda_attempts_read_with_the_handlers_message(stack: LocalStack) -> None:
    """A handler that fails once is retried (shown as retried); one that always fails is caught."""
    calls: list[Any] = []

    def flaky(event: Any, context: Any) -> dict[str, int]:
        calls.append(event)
        if len(calls) == 1:
            raise ValueError("first call fails")
        return {"ok": len(calls)}

    def broken(event: Any, context: Any) -> None:
        raise RuntimeError("always broken")

    register_lambda("trace-flaky", flaky, {})
    register_lambda("trace-broken", broken, {})
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke"}
    definition = {
        "StartAt": "Flaky",
        "States": {
            "Flaky": {
                **task,
                "Parameters": {"FunctionName": "trace-flaky", "Payload": {}},
                "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 1}],
                "Next": "Broken",
            },
            "Broken": {
                **task,
                "Parameters": {"FunctionName": "trace-broken", "Payload": {}},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}],
                "End": True,
            },
            "Done": {"Type": "Succeed"},
        },
    }
    sfn = stack.client("stepfunctions")
    machine = sfn.create_state_machine(
        name="trace-lambda",
        definition=json.dumps(definition),
        roleArn="arn:aws:iam::123456789012:role/trace-lambda",
        type="EXPRESS",
    )["stateMachineArn"]
    try:
        arn = sfn.start_sync_execution(stateMachineArn=machine, input="{}")["executionArn"]
        events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    finally:
        sfn.delete_state_machine(stateMachineArn=machine)
        unregister_lambda("trace-flaky")
        unregister_lambda("trace-broken")
    lines = [line.strip() for line in _text(render_timeline(events)).splitlines()]
    flaky_row = next(i for i, line in enumerate(lines) if line.startswith("Flaky"))
    broken_row = next(i for i, line in enumerate(lines) if line.startswith("Broken"))
    flaky_lines, broken_lines = lines[flaky_row + 1 : broken_row], lines[broken_row + 1 :]
    assert flaky_lines[1].startswith("attempt 1: ") and "lambda:invoke" in flaky_lines[1]
    assert flaky_lines[2] == "attempt 2: 200  lambda:invoke"  # Lambda Invoke's StatusCode
    assert "retries: 1, then succeeded" in flaky_lines
    assert not any("caught" in line for line in flaky_lines)
    caught = next(i for i, line in enumerate(broken_lines) if line.endswith("(caught)"))
    assert broken_lines[caught + 1] == "always broken"  # errorMessage, not the stack trace JSON


def _history(*outcomes: str) -> list[dict[str, Any]]:
    """A run of `Publish` (one task attempt per outcome, "ok" or "fail"), then `Done`."""
    steps: list[tuple[str, dict[str, Any]]] = [
        ("ExecutionStarted", {"executionStartedEventDetails": {"input": "{}"}}),
        ("TaskStateEntered", {"stateEnteredEventDetails": {"name": "Publish", "input": "{}"}}),
    ]
    for outcome in outcomes:
        steps.append(("TaskScheduled", {}))
        if outcome == "ok":
            steps.append(("TaskSucceeded", {"taskSucceededEventDetails": {"output": "{}"}}))
        else:
            details = {"error": "States.Http.StatusCode.503", "cause": "unavailable"}
            steps.append(("TaskFailed", {"taskFailedEventDetails": details}))
    steps += [
        ("TaskStateExited", {"stateExitedEventDetails": {"name": "Publish", "output": "{}"}}),
        ("SucceedStateEntered", {"stateEnteredEventDetails": {"name": "Done", "input": "{}"}}),
    ]
    return [
        {"id": n, "previousEventId": n - 1, "type": kind, "timestamp": n / 1000, **details}
        for n, (kind, details) in enumerate(steps, start=1)
    ]


@pytest.mark.parametrize(
    ("outcomes", "taken"),
    [
        (("ok",), "next"),
        (("fail", "ok"), "next"),
        (("fail",), "catch"),
        (("fail", "fail"), "catch"),
    ],
)
def test_a_next_and_a_catch_to_one_state_mark_only_the_edge_followed(
    outcomes: tuple[str, ...], taken: str
) -> None:
    """A best-effort task (live standings' publish) goes on to one state either way: the page
    marks its Next edge when the task succeeded, its Catch edge when its failure was caught."""
    definition = {
        "StartAt": "Publish",
        "States": {
            "Publish": {
                "Type": "Task",
                "Resource": "arn:aws:states:::http:invoke",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}],
                "Next": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }
    parser = _PageParser()
    parser.feed(render_trace_html(definition, _history(*outcomes), title="t"))
    assert sorted(parser.edges) == sorted(
        [f"edge {taken} taken", f"edge {'catch' if taken == 'next' else 'next'}"]
    )
