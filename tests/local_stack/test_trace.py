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

from leaderboard.local.history import parse_history
from leaderboard.local.stack import LocalStack
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
        "States.Http.StatusCode.404",
        "execution FAILED in",
        "recovered, then failed on purpose",
    ):
        assert expected in text, expected
    read_row = next(line for line in text.splitlines() if "ReadMissing" in line and "Task" in line)
    assert re.search(r"│\s+1\s+│", read_row), read_row  # the retries column
    # Branch rows sit under the Parallel, indented, before the states that followed it.
    lines = text.splitlines()
    index = {
        name: next(i for i, line in enumerate(lines) if f" {name} " in line)
        for name in ("Fork", "Quick", "Recover")
    }
    assert index["Fork"] < index["Quick"] < index["Recover"]


def test_an_80_column_terminal_gets_every_fact_stacked_without_overflow(run: Any) -> None:
    _, events, arn = run
    text = _text(render_timeline(events, title=arn), width=80)
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert "│" not in text  # the stacked layout, not a squeezed table
    read_line = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ReadMissing"))
    assert re.search(r"Task\s+\d+ ms\s+\d+ ms\s+█", lines[read_line]), lines[read_line]
    details = "\n".join(lines[read_line + 1 : read_line + 5])
    for expected in ("retries: 1", "States.Http.StatusCode.404", "content-type"):
        assert expected in details, expected
    quick = next(i for i, line in enumerate(lines) if line.lstrip().startswith("Quick"))
    assert '{"player":"mario"} → {"player":"mario"}' in lines[quick + 1]
    for expected in ("╰ branch Quick", "Test.GaveUp", "recovered, then failed on purpose"):
        assert expected in text, expected


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
    data = json.loads(parser.data_json)["states"]
    assert data["ReadMissing"]["last"]["retries"] == 1
    assert data["ReadMissing"]["ms"] >= 1000


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
