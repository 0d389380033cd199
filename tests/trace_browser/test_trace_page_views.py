"""The trace page's views of a run with a loop, a Map, variables and a failing HTTP call.

A JSONata machine made for this test runs on the local stack: a Pass state loops three times
through a Choice (assigning `$count`), a Map doubles three items, and an HTTP Task GETs a
cache that does not exist (404, caught). The CLI writes the page; headless chromium opens it
at a laptop's viewport. What must be visible is checked in the live DOM (hit-testing a point
finds the element drawn there) and derived from the execution's own history, never from the
page generator. Each test saves a screenshot next to its temporary files.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from leaderboard.local.cli import main as cli
from leaderboard.local.stack import LocalStack
from tests.trace_browser.devtools import Page, browser_page

VIEWPORT = (1400, 1000)
ITEMS = [1, 2, 3]

# Every drawn state's box, and whether the pane shows it: the element at its centre is it.
BOXES_SCRIPT = """
(function () {
  const pane = document.getElementById("graph").getBoundingClientRect();
  const boxes = Array.from(document.querySelectorAll("g.state")).map(function (group) {
    const box = group.querySelector("rect").getBoundingClientRect();
    const x = box.left + Math.min(box.width / 2, 40), y = box.top + 10;
    const hit = document.elementFromPoint(x, y);
    return {name: group.getAttribute("data-state"), left: box.left, top: box.top,
      right: box.right, bottom: box.bottom, width: box.width, x: x, y: y,
      shown: hit !== null && group.contains(hit)};
  });
  return {pane: {left: pane.left, top: pane.top, right: pane.right, bottom: pane.bottom},
    boxes: boxes, viewport: {width: window.innerWidth, height: window.innerHeight}};
})()
"""


@dataclass(frozen=True)
class Run:
    arn: str
    events: list[dict[str, Any]]
    output: str


def _definition(stack: LocalStack) -> dict[str, Any]:
    double = {"Type": "Pass", "Output": {"double": "{% $states.input * 2 %}"}, "End": True}
    return {
        "QueryLanguage": "JSONata",
        "StartAt": "Init",
        "States": {
            "Init": {"Type": "Pass", "Assign": {"count": 0}, "Next": "Loop"},
            "Loop": {"Type": "Pass", "Assign": {"count": "{% $count + 1 %}"}, "Next": "Again"},
            "Again": {
                "Type": "Choice",
                "Choices": [{"Condition": "{% $count < 3 %}", "Next": "Loop"}],
                "Default": "Each",
            },
            "Each": {
                "Type": "Map",
                "Items": "{% $states.input.items %}",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": "Double",
                    "States": {"Double": double},
                },
                "Next": "Read",
            },
            "Read": {
                "Type": "Task",
                "Resource": "arn:aws:states:::http:invoke",
                "Arguments": {
                    "ApiEndpoint": f"{stack.momento.http_url}/cache/no-such-cache",
                    "Method": "GET",
                    "QueryParameters": {"key": "k"},
                    "Authentication": {"ConnectionArn": stack.connection_arn},
                },
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}],
                "Next": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }


@pytest.fixture(scope="module")
def run(stack: LocalStack) -> Iterator[Run]:
    sfn = stack.client("stepfunctions")
    machine = sfn.create_state_machine(
        name="trace-views",
        definition=json.dumps(_definition(stack)),
        roleArn="arn:aws:iam::123456789012:role/trace-views",
        type="STANDARD",
    )["stateMachineArn"]
    arn = sfn.start_execution(
        stateMachineArn=machine, name="trace-views-1", input=json.dumps({"items": ITEMS})
    )["executionArn"]
    deadline = time.monotonic() + 60
    while (described := sfn.describe_execution(executionArn=arn))["status"] == "RUNNING":
        assert time.monotonic() < deadline, "execution did not finish"
        time.sleep(0.05)
    assert described["status"] == "SUCCEEDED", described
    events = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
    yield Run(arn, events, described["output"])
    sfn.delete_state_machine(stateMachineArn=machine)


async def _open(stack: LocalStack, run: Run, page: Page, directory: Path) -> None:
    path = directory / "trace.html"
    assert cli(["trace", run.arn, "--html", str(path), "--endpoint-url", stack.endpoint_url]) == 0
    await page.viewport(*VIEWPORT)
    await page.open(path.as_uri())


def _entered(run: Run) -> list[str]:
    return [
        event["stateEnteredEventDetails"]["name"]
        for event in run.events
        if event["type"].endswith("StateEntered")
    ]


async def _boxes(page: Page) -> dict[str, Any]:
    boxes: dict[str, Any] = await page.evaluate(BOXES_SCRIPT)
    return boxes


async def test_the_whole_graph_fits_and_zooms_and_pans(
    stack: LocalStack, browser: str, run: Run, tmp_path: Path
) -> None:
    async with browser_page(browser) as page:
        await _open(stack, run, page, tmp_path)
        await page.screenshot(tmp_path / "fit.png")
        fitted = await _boxes(page)
        pane = fitted["pane"]
        await page.evaluate("document.getElementById('zoom-in').click()")
        await page.evaluate("document.getElementById('zoom-in').click()")
        zoomed = {box["name"]: box for box in (await _boxes(page))["boxes"]}
        await page.evaluate("document.getElementById('zoom-fit').click()")
        centre = ((pane["left"] + pane["right"]) / 2, (pane["top"] + pane["bottom"]) / 2)
        await page.wheel(*centre, delta_y=-300)
        wheeled = {box["name"]: box for box in (await _boxes(page))["boxes"]}
        await page.evaluate("document.getElementById('zoom-fit').click()")
        await page.drag(centre, (centre[0] + 120, centre[1] + 80))
        panned = {box["name"]: box for box in (await _boxes(page))["boxes"]}
        selected = await page.evaluate("document.querySelectorAll('.state.selected').length")
        await page.screenshot(tmp_path / "panned.png")
        assert page.problems.all == []
    boxes = {box["name"]: box for box in fitted["boxes"]}
    # The pane is on screen as the page opens: no scrolling to see the whole graph.
    assert pane["bottom"] <= fitted["viewport"]["height"]
    assert pane["right"] <= fitted["viewport"]["width"]
    assert set(boxes) == {"Init", "Loop", "Again", "Each", "Double", "Read", "Done"}
    for box in boxes.values():  # every state inside the pane, drawn on top, readable size
        assert pane["left"] <= box["left"] and box["right"] <= pane["right"], box
        assert pane["top"] <= box["top"] and box["bottom"] <= pane["bottom"], box
        assert box["shown"], box
        assert box["width"] >= 100, box
    for name, box in boxes.items():
        assert zoomed[name]["width"] > box["width"] * 1.4  # two steps of 1.25x
        assert wheeled[name]["width"] > box["width"] * 1.1
        assert round(panned[name]["left"] - box["left"]) == 120
        assert round(panned[name]["top"] - box["top"]) == 80
    assert selected == 0  # a drag is not a click


async def test_timeline_events_and_execution_input_output(
    stack: LocalStack, browser: str, run: Run, tmp_path: Path
) -> None:
    async with browser_page(browser) as page:
        await _open(stack, run, page, tmp_path)
        await page.evaluate("document.getElementById('timeline').scrollIntoView()")
        await page.screenshot(tmp_path / "timeline.png")
        rows = await page.evaluate(
            "Array.from(document.querySelectorAll('#timeline .run')).map(function (row) {"
            "  const bar = row.querySelector('.bar').getBoundingClientRect();"
            "  return {label: row.querySelector('.who').textContent, barWidth: bar.width}; })"
        )
        events = await page.evaluate(
            "Array.from(document.querySelectorAll('#events tbody tr')).map(function (row) {"
            "  return Array.from(row.cells).map(function (cell) { return cell.textContent; }); })"
        )
        given = await page.evaluate("document.getElementById('execution-input').innerText")
        made = await page.evaluate("document.getElementById('execution-output').innerText")
        assert page.problems.all == []
    labels = [row["label"] for row in rows]
    entered = _entered(run)
    assert len(labels) == len(entered)
    assert [label.rsplit("/ ", 1)[-1].split(" (pass")[0] for label in labels] == entered
    assert labels.count("Loop") == 1 and "Loop (pass 3)" in labels  # each pass of the loop
    assert [label for label in labels if label.endswith("Double")] == [
        f"Each / item {index} / Double" for index in range(len(ITEMS))
    ]  # each Map item
    assert all(row["barWidth"] > 0 for row in rows)
    assert [int(cells[0]) for cells in events] == [int(event["id"]) for event in run.events]
    assert [cells[2] for cells in events] == [event["type"] for event in run.events]
    assert json.loads(given) == {"items": ITEMS}
    assert json.loads(made) == json.loads(run.output)
    assert "\n  " in given  # indented, not one long line


async def test_detail_panel_shows_each_pass_variables_and_the_http_call(
    stack: LocalStack, browser: str, run: Run, tmp_path: Path
) -> None:
    async with browser_page(browser) as page:
        await _open(stack, run, page, tmp_path)
        boxes = {box["name"]: box for box in (await _boxes(page))["boxes"]}
        await page.click(boxes["Loop"]["x"], boxes["Loop"]["y"])
        passes = await page.evaluate(
            "Array.from(document.querySelectorAll('#details .passes button'))"
            ".map(function (b) { return b.textContent; })"
        )
        last_pass = await page.evaluate("document.getElementById('details').innerText")
        await page.evaluate("document.querySelectorAll('#details .passes button')[0].click()")
        first_pass = await page.evaluate("document.getElementById('details').innerText")
        await page.click(boxes["Read"]["x"], boxes["Read"]["y"])
        await page.screenshot(tmp_path / "read.png")
        read = await page.evaluate("document.getElementById('details').innerText")
        blocks = await page.evaluate(
            "Array.from(document.querySelectorAll('#details pre'))"
            ".map(function (pre) { return pre.textContent; })"
        )
        assert page.problems.all == []
    assert passes == ["pass 1", "pass 2", "pass 3"]
    assert "assigned $count\n3" in last_pass and "assigned $count\n1" in first_pass
    assert "pass 1 · started at" in first_pass
    lines = read.splitlines()
    assert lines[lines.index("States.Http.StatusCode.404 (caught)") + 2] == (
        "404 Not Found: Cache Not Found"
    )  # the message first, under its label
    assert f"GET {stack.momento.http_url}/cache/no-such-cache?key=k\n→ 404" in blocks
    assert "Cache Not Found" in blocks  # the response body
    output = next(block for block in blocks if block.startswith("{") and "Error" in block)
    assert json.loads(output)["Error"] == "States.Http.StatusCode.404"
    assert "\n  " in output  # readable JSON: indented
    # The headers appear only inside the state's output (the Catch's cause, as AWS writes it).
    assert [block for block in blocks if "content-type" in block] == [output]
