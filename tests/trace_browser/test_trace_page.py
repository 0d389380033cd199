"""The HTML trace page of real submit-score executions, opened in headless chromium.

The page is written by the CLI's `trace ARN --html FILE` for executions the local stack ran;
what the browser must show is derived from the execution's own history (the states it
entered) and the machine's definition, never from the page generator. The browser proves
what an HTML parser cannot: the script runs without errors, the CSS highlights the path,
and clicking a state shows its details.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from leaderboard.local.cli import main as cli
from leaderboard.local.momento_server.faults import FaultRule
from leaderboard.local.stack import LocalStack
from tests.trace_browser.devtools import Page, browser_page

# Facts about every drawn state, read from the live DOM and the computed styles.
STATES_SCRIPT = """
Array.from(document.querySelectorAll("g.state")).map(function (group) {
  const box = group.querySelector("rect").getBoundingClientRect();
  return {
    name: group.getAttribute("data-state"),
    classes: Array.from(group.classList),
    fill: getComputedStyle(group.querySelector("rect")).fill,
    x: box.left + box.width / 2, y: box.top + box.height / 2,
    width: box.width, height: box.height
  };
})
"""
EDGES_SCRIPT = """
Array.from(document.querySelectorAll("path.edge")).map(function (edge) {
  return {taken: edge.classList.contains("taken"), stroke: getComputedStyle(edge).stroke};
})
"""


@dataclass(frozen=True)
class Run:
    """One execution: its ARN, the machine's definition and the states it entered, in order."""

    arn: str
    definition: dict[str, Any]
    entered: list[str]
    failed_state: str | None


def _run(stack: LocalStack, execution_input: dict[str, Any]) -> Run:
    sfn = stack.client("stepfunctions")
    machine = stack.state_machine_arn("submit-score")
    arn = sfn.start_sync_execution(stateMachineArn=machine, input=json.dumps(execution_input))[
        "executionArn"
    ]
    events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    entered = [
        event["stateEnteredEventDetails"]["name"]
        for event in events
        if event["type"].endswith("StateEntered")
    ]
    failed = [event for event in events if event["type"] == "ExecutionFailed"]
    definition = json.loads(sfn.describe_state_machine(stateMachineArn=machine)["definition"])
    return Run(arn, definition, entered, entered[-1] if failed else None)


def _write_page(stack: LocalStack, run: Run, directory: Path) -> Path:
    page = directory / "trace.html"
    assert cli(["trace", run.arn, "--html", str(page), "--endpoint-url", stack.endpoint_url]) == 0
    return page


async def _states(page: Page) -> dict[str, dict[str, Any]]:
    return {state["name"]: state for state in await page.evaluate(STATES_SCRIPT)}


async def _edges(page: Page) -> list[dict[str, Any]]:
    edges: list[dict[str, Any]] = await page.evaluate(EDGES_SCRIPT)
    return edges


def _transitions(run: Run) -> set[tuple[str, str]]:
    """The transitions the run took: between top-level states, and inside each Parallel
    branch (a branch's states entered in order; branches run side by side)."""
    scopes = [run.definition["States"]] + [
        branch["States"]
        for state in run.definition["States"].values()
        for branch in state.get("Branches", [])
    ]
    return {
        pair for scope in scopes for pair in pairwise(name for name in run.entered if name in scope)
    }


@pytest.fixture
def succeeded(stack: LocalStack) -> Run:
    return _run(stack, {"leaderboard": "trace-page", "name": "mario", "score": 42})


@pytest.fixture
def rejected(stack: LocalStack) -> Run:
    return _run(stack, {"leaderboard": "trace-page", "name": "mario", "score": "high"})


async def test_page_of_a_successful_run_shows_the_path_without_errors(
    stack: LocalStack, browser: str, succeeded: Run, tmp_path: Path
) -> None:
    path = _write_page(stack, succeeded, tmp_path)
    async with browser_page(browser) as page:
        await page.open(path.as_uri())
        states, edges = await _states(page), await _edges(page)
        title = await page.evaluate("document.title")
        assert page.problems.all == []
    assert title == succeeded.arn
    assert {"WriteScore", "FetchRank", "FetchTop", "FetchSize"} <= set(succeeded.entered)
    # Every state of the definition is drawn (branch states inside their Parallel).
    assert set(succeeded.definition["States"]) <= set(states)
    visited = {name for name, state in states.items() if "visited" in state["classes"]}
    assert visited == set(succeeded.entered)
    assert not any("failed" in state["classes"] for state in states.values())
    # The browser laid the graph out, and its CSS paints the path taken differently.
    assert all(states[name]["width"] > 0 and states[name]["height"] > 0 for name in visited)
    plain = {name for name, state in states.items() if "container" not in state["classes"]}
    assert {states[name]["fill"] for name in plain & visited}.isdisjoint(
        {states[name]["fill"] for name in plain - visited}
    )
    taken = [edge for edge in edges if edge["taken"]]
    assert len(taken) == len(_transitions(succeeded))
    assert {edge["stroke"] for edge in taken}.isdisjoint(
        {edge["stroke"] for edge in edges if not edge["taken"]}
    )


async def test_clicking_a_state_shows_its_details(
    stack: LocalStack, browser: str, succeeded: Run, tmp_path: Path
) -> None:
    path = _write_page(stack, succeeded, tmp_path)
    async with browser_page(browser) as page:
        await page.open(path.as_uri())
        await page.evaluate(
            "document.querySelector('[data-state=\"WriteScore\"]')"
            ".scrollIntoView({block: 'center', inline: 'center'})"
        )
        target = (await _states(page))["WriteScore"]
        await page.click(target["x"], target["y"])
        heading = await page.evaluate("document.querySelector('#details h2').textContent")
        details = await page.evaluate("document.getElementById('details').innerText")
        selected = await page.evaluate(
            "Array.from(document.querySelectorAll('.state.selected'))"
            ".map(function (group) { return group.getAttribute('data-state'); })"
        )
        assert page.problems.all == []
    assert (heading, selected) == ("WriteScore", ["WriteScore"])
    assert "input" in details and "mario" in details


async def test_page_of_a_rejected_run_marks_where_it_failed(
    stack: LocalStack, browser: str, rejected: Run, tmp_path: Path
) -> None:
    path = _write_page(stack, rejected, tmp_path)
    async with browser_page(browser) as page:
        await page.open(path.as_uri())
        states = await _states(page)
        summary = await page.evaluate("document.querySelector('header div').textContent")
        assert page.problems.all == []
    assert rejected.failed_state == "RejectSubmission"
    assert "failed" in states["RejectSubmission"]["classes"]
    marked = {
        name for name, state in states.items() if {"visited", "failed"} & set(state["classes"])
    }
    assert marked == set(rejected.entered)
    assert "WriteScore" not in marked
    assert "Leaderboard.ValidationError" in summary
    assert "score: must be a finite number" in summary


async def test_the_problem_collector_sees_page_errors(browser: str, tmp_path: Path) -> None:
    """The empty problem lists above mean something: a broken page does fill them."""
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<!DOCTYPE html><html><body><script>console.error('logged');"
        "undefinedFunction();</script><img src='missing.png'></body></html>",
        encoding="utf-8",
    )
    async with browser_page(browser) as page:
        await page.open(broken.as_uri())
        await page.evaluate("new Promise(function (done) { setTimeout(done, 100); })")
        problems = page.problems
    assert problems.console_errors == ["logged"]
    assert len(problems.exceptions) == 1 and "undefinedFunction" in problems.exceptions[0]
    assert any("missing.png" in line for line in problems.log_errors)


@pytest.fixture
def retried(stack: LocalStack) -> Run:
    """Momento answers FetchRank's first call 503; the state's Retry succeeds."""
    rule = stack.momento.faults.add(FaultRule(operation="sortedset.rank", status=503, times=1))
    try:
        return _run(stack, {"leaderboard": "trace-page", "name": "wario", "score": 7})
    finally:
        stack.momento.faults.remove(rule)


async def _details_of(page: Page, state: str) -> tuple[str, list[list[str]]]:
    """Clicks `state`; the panel's text and its (label, value) fields in order."""
    await page.evaluate(
        f"document.querySelector('[data-state=\"{state}\"]')"
        ".scrollIntoView({block: 'center', inline: 'center'})"
    )
    # On the state's name: a container's centre is one of its branch states.
    name = await page.evaluate(
        f'(function () {{ const box = document.querySelector(\'[data-state="{state}"] '
        "> text.name').getBoundingClientRect(); return [box.left + box.width / 2, "
        "box.top + box.height / 2]; })()"
    )
    await page.click(*name)
    text = await page.evaluate("document.getElementById('details').innerText")
    fields = await page.evaluate(
        "Array.from(document.querySelectorAll('#details .label')).map(function (label) {"
        " return [label.textContent, label.nextElementSibling.textContent]; })"
    )
    return text, fields


async def test_a_retried_task_reads_as_retried_with_each_attempt(
    stack: LocalStack, browser: str, retried: Run, tmp_path: Path
) -> None:
    path = _write_page(stack, retried, tmp_path)
    async with browser_page(browser) as page:
        await page.viewport(1400, 1000)
        await page.open(path.as_uri())
        fetch_rank, fields = await _details_of(page, "FetchRank")
        _, lookup = await _details_of(page, "LookUpStanding")
        assert page.problems.all == []
    assert "retried 1 time(s), then succeeded" in fetch_rank
    assert "(caught)" not in fetch_rank
    assert "message" not in dict(fields)  # no error left on a state its Retry rescued
    attempts = [value for label, value in fields if label.startswith("attempt ")]
    assert [attempt.rsplit("→ ", 1)[1] for attempt in attempts] == ["503", "200"]
    assert all("/rank?key=trace-page&value=wario" in attempt for attempt in attempts)
    bodies = [json.loads(value) for label, value in fields if label == "response body"]
    assert len(bodies) == 2 and bodies[1]["value"] == "wario"  # the 503's body, the 200's
    standing = json.loads(dict(lookup)["assigned $standing"])
    assert {"rank", "top", "size"} <= set(standing)
