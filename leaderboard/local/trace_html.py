"""A self-contained HTML page of a state machine graph with one execution's path on it.

For runs worth sharing: one file, inline CSS, SVG and a little JavaScript, nothing fetched.
The graph comes from the definition (states in layers from `StartAt`, Parallel branches and
Map processors drawn nested inside their state) and is scaled to fit its pane, with zoom and
pan; the states the execution entered, the transitions it took and each state's time are
highlighted. Clicking a state (or a timeline row) shows, for each time it ran (each loop pass,
each Map item), its input and output as indented JSON, the variables it assigned, each Task
attempt (HTTP method, URL, status, response body) and its error with the service's message
first. Below: the execution's input and output, a timeline of every run, and every event.
"""

import html
import itertools
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from leaderboard.local.history import (
    Execution,
    StateRun,
    compact_json,
    parse_history,
    pretty_json,
)
from leaderboard.local.task_calls import Attempt

NODE_WIDTH: Final = 190
NODE_HEIGHT: Final = 48
GAP_X: Final = 28
GAP_Y: Final = 46
PADDING: Final = 18
TITLE_HEIGHT: Final = 26
_CONTAINERS: Final = frozenset({"Parallel", "Map"})


@dataclass
class Node:
    """A state placed on the page; containers hold their branches' nodes."""

    name: str
    state_type: str
    width: float
    height: float
    x: float = 0
    y: float = 0
    children: list["Node"] = field(default_factory=list)
    edges: list[tuple[str, str, str]] = field(default_factory=list)

    def shift(self, dx: float, dy: float) -> None:
        self.x += dx
        self.y += dy
        for child in self.children:
            child.shift(dx, dy)


@dataclass
class Graph:
    nodes: list[Node]
    edges: list[tuple[str, str, str]]  # (from, to, kind)
    width: float
    height: float


def _transitions(state: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if "Next" in state:
        yield state["Next"], "next"
    for choice in state.get("Choices", []):
        if "Next" in choice:
            yield choice["Next"], "choice"
    if "Default" in state:
        yield state["Default"], "default"
    for catcher in state.get("Catch", []):
        if "Next" in catcher:
            yield catcher["Next"], "catch"


def _layers(states: Mapping[str, Any], start_at: str) -> list[list[str]]:
    """States by breadth-first distance from StartAt; unreachable ones in a last layer."""
    depth = {start_at: 0}
    queue = [start_at]
    for name in queue:
        for target, _ in _transitions(states.get(name, {})):
            if target in states and target not in depth:
                depth[target] = depth[name] + 1
                queue.append(target)
    unreachable = [name for name in states if name not in depth]
    layers: list[list[str]] = [[] for _ in range(max(depth.values(), default=0) + 1)]
    for name in queue:
        layers[depth[name]].append(name)
    return [*layers, unreachable] if unreachable else layers


def _subgraphs(state: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    if state.get("Type") == "Parallel":
        return list(state.get("Branches", []))
    processor = state.get("ItemProcessor") or state.get("Iterator")
    return [processor] if processor else []


def _node(name: str, state: Mapping[str, Any]) -> Node:
    state_type = str(state.get("Type", "?"))
    if state_type not in _CONTAINERS:
        return Node(name, state_type, NODE_WIDTH, NODE_HEIGHT)
    inner = [layout(sub) for sub in _subgraphs(state)]
    width = sum(g.width for g in inner) + GAP_X * max(len(inner) - 1, 0) + 2 * PADDING
    height = max((g.height for g in inner), default=0) + 2 * PADDING + TITLE_HEIGHT
    node = Node(name, state_type, max(width, NODE_WIDTH), height)
    x = (node.width - (width - 2 * PADDING)) / 2
    for graph in inner:
        for child in graph.nodes:
            child.shift(x, TITLE_HEIGHT + PADDING)
            node.children.append(child)
        node.edges.extend(graph.edges)
        x += graph.width + GAP_X
    return node


def layout(definition: Mapping[str, Any]) -> Graph:
    """Places the states of a definition (or of a branch) top to bottom, layer by layer."""
    states: Mapping[str, Any] = definition.get("States", {})
    rows = [
        [_node(name, states[name]) for name in row]
        for row in _layers(states, definition["StartAt"])
    ]
    widths = [sum(n.width for n in row) + GAP_X * (len(row) - 1) for row in rows]
    width = max(widths, default=NODE_WIDTH)
    y = 0.0
    nodes: list[Node] = []
    for row, row_width in zip(rows, widths, strict=True):
        x = (width - row_width) / 2
        for node in row:
            node.shift(x, y)
            x += node.width + GAP_X
        nodes.extend(row)
        y += max(n.height for n in row) + GAP_Y
    edges = [
        (name, target, kind)
        for name, state in states.items()
        for target, kind in _transitions(state)
        if target in states
    ]
    for node in nodes:
        edges.extend(node.edges)
    return Graph(nodes, edges, width, max(y - GAP_Y, 0))


def _flatten(nodes: Sequence[Node]) -> Iterator[Node]:
    for node in nodes:
        yield node
        yield from _flatten(node.children)


def _taken(execution: Execution) -> set[tuple[str, str, bool]]:
    """Transitions the execution took: consecutive runs at the same level of nesting, each
    with whether the first left through a Catch (its Next and a Catch may lead to one state)."""
    taken: set[tuple[str, str, bool]] = set()

    def visit(runs: Sequence[StateRun]) -> None:
        taken.update((a.name, b.name, a.caught) for a, b in itertools.pairwise(runs))
        for run in runs:
            for branch in run.branches:
                visit(branch.runs)

    visit(execution.runs)
    return taken


def _context(run: StateRun) -> str:
    """Where a run sits: `LookUpStanding / branch 2`, `ScoreEach / item 3`; "" at top level."""
    parts = []
    while run.branch is not None:
        parent = run.branch.parent
        kind = "item" if parent.state_type == "Map" else "branch"
        parts.append(f"{parent.name} / {kind} {run.branch.index}")
        run = parent
    return " / ".join(reversed(parts))


def _attempt_data(attempt: Attempt) -> dict[str, Any]:
    return {
        "request": attempt.request or attempt.resource,
        "status": attempt.status,
        "body": pretty_json(attempt.body),
        "error": attempt.error,
    }


def _runs_data(execution: Execution) -> list[dict[str, Any]]:
    """Every run, depth first in entry order, with what the detail panel and timeline show."""
    passes: dict[tuple[str, str], int] = {}
    runs = []
    for run in execution.all_runs():
        context = _context(run)
        number = passes[(context, run.name)] = passes.get((context, run.name), 0) + 1
        runs.append(
            {
                "name": run.name,
                "type": run.state_type,
                "context": context,
                "pass": number,
                "depth": len(run.ancestors()) - 1,
                "startMs": run.started * 1000,
                "durationMs": None if run.duration is None else run.duration * 1000,
                "input": pretty_json(run.input),
                "output": None if run.ended is None else pretty_json(run.output),
                "variables": {name: pretty_json(v) for name, v in run.variables.items()},
                "attempts": [_attempt_data(attempt) for attempt in run.tries],
                "retries": run.retries,
                "error": run.error,
                "message": run.message,
                "failed": run.failed,
                "caught": run.error is not None and not run.failed,
            }
        )
    return runs


def _state_totals(runs: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per state: how many runs, their total time, and whether any failed."""
    totals: dict[str, dict[str, Any]] = {}
    for index, run in enumerate(runs):
        entry = totals.setdefault(run["name"], {"runs": [], "ms": 0.0, "failed": False})
        entry["runs"].append(index)
        entry["ms"] += run["durationMs"] or 0
        entry["failed"] = entry["failed"] or run["failed"]
    return totals


def _edge_path(source: Node, target: Node) -> str:
    if target.y > source.y + source.height / 2:
        x1, y1 = source.x + source.width / 2, source.y + source.height
        x2, y2 = target.x + target.width / 2, target.y
        bend = max((y2 - y1) / 2, 12)
        return (
            f"M{x1:.0f},{y1:.0f} C{x1:.0f},{y1 + bend:.0f} "
            f"{x2:.0f},{y2 - bend:.0f} {x2:.0f},{y2:.0f}"
        )
    # A loop back (or sideways): leave and arrive on the right, bulging outwards.
    x1, y1 = source.x + source.width, source.y + source.height / 2
    x2, y2 = target.x + target.width, target.y + target.height / 2
    out = max(x1, x2) + 50
    return f"M{x1:.0f},{y1:.0f} C{out:.0f},{y1:.0f} {out:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"


def _is_taken(
    edge: tuple[str, str, str],
    edges: Sequence[tuple[str, str, str]],
    taken: set[tuple[str, str, bool]],
) -> bool:
    """The edge was followed: its states ran one after the other, and when a Catch and another
    edge join the same two states, the Catch only if the run was caught, the other otherwise."""
    source, target, kind = edge
    kinds = {k for s, t, k in edges if (s, t) == (source, target)}
    if "catch" in kinds and len(kinds) > 1:
        return (source, target, kind == "catch") in taken
    return (source, target, True) in taken or (source, target, False) in taken


def _svg(
    graph: Graph, data: Mapping[str, Mapping[str, Any]], taken: set[tuple[str, str, bool]]
) -> str:
    margin = 24
    width, height = graph.width + 2 * margin + 60, graph.height + 2 * margin
    # Scaled to its pane (width/height 100%): the whole graph fits; the script zooms and pans.
    by_name = {node.name: node for node in _flatten(graph.nodes)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-margin} {-margin} {width:.0f} '
        f'{height:.0f}" width="100%" height="100%" preserveAspectRatio="xMidYMid meet" '
        'role="img" '
        'aria-label="state machine graph">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    ]
    for node in _flatten(graph.nodes):
        state = data.get(node.name)
        classes = ["state", node.state_type.lower()]
        if node.state_type in _CONTAINERS:
            classes.append("container")
        if state is not None:
            classes.append("failed" if state["failed"] else "visited")
        label = html.escape(node.name)
        parts.append(
            f'<g class="{" ".join(classes)}" data-state="{label}" tabindex="0">'
            f"<title>{label} ({html.escape(node.state_type)})</title>"
            f'<rect x="{node.x:.0f}" y="{node.y:.0f}" width="{node.width:.0f}" '
            f'height="{node.height:.0f}" rx="8"/>'
            f'<text x="{node.x + 10:.0f}" y="{node.y + 19:.0f}" class="name">{label}</text>'
        )
        meta = html.escape(node.state_type)
        if state is not None:
            count = len(state["runs"])
            meta += f" · {state['ms']:.0f} ms" + (f" x{count}" if count > 1 else "")
        parts.append(
            f'<text x="{node.x + 10:.0f}" y="{node.y + 37:.0f}" class="meta">{meta}</text></g>'
        )
    for source, target, kind in graph.edges:
        followed = _is_taken((source, target, kind), graph.edges, taken)
        edge_class = f"edge {kind}" + (" taken" if followed else "")
        path = _edge_path(by_name[source], by_name[target])
        parts.append(f'<path class="{edge_class}" d="{path}" marker-end="url(#arrow)"/>')
    parts.append("</svg>")
    return "".join(parts)


_CSS: Final = """
body{font:14px system-ui,sans-serif;margin:0;color:#1d2733;background:#f6f8fa}
header{padding:14px 22px;background:#232f3e;color:#fff}
header h1{font-size:17px;margin:0 0 4px;word-break:break-all}
.status-SUCCEEDED{color:#7ee787}.status-FAILED,.status-TIMED_OUT,.status-ABORTED{color:#ff8b8b}
section,main{margin:18px}
h2{font-size:15px;margin:0 0 8px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px}
#execution{display:flex;gap:18px}#execution>div{flex:1;min-width:0}
main{display:flex;gap:18px;align-items:flex-start}
#graph-pane{flex:1;min-width:0;padding:0;overflow:hidden}
#toolbar{padding:6px;border-bottom:1px solid #d0d7de;display:flex;gap:6px;align-items:center}
#toolbar button{font:inherit;padding:2px 10px;cursor:pointer}
#graph{height:max(360px,calc(100vh - 150px));cursor:grab;touch-action:none}
#graph.panning{cursor:grabbing}
#graph svg{display:block}
aside{width:420px;max-height:max(400px,calc(100vh - 110px));overflow:auto}
pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;padding:6px;margin:4px 0 10px;
font:12px ui-monospace,monospace}
.label{font-weight:600;font-size:12px;color:#57606a}
.error{color:#cf222e;font-weight:600}.caught{color:#9a6700;font-weight:600}
.retried{color:#9a6700}
.passes button{font:12px inherit;margin:0 4px 4px 0;cursor:pointer}
.passes button.current{background:#0969da;color:#fff;border-color:#0969da}
.state rect{fill:#fff;stroke:#8c959f;stroke-width:1.2}
.state.container>rect{fill:#f6f8fa;stroke-dasharray:5 3}
.state.visited>rect{stroke:#1a7f37;stroke-width:2.5;fill:#dafbe1}
.state.container.visited>rect{fill:#f0fff4}
.state.failed>rect{stroke:#cf222e;stroke-width:2.5;fill:#ffebe9}
.state{cursor:pointer}.state:focus{outline:none}.state.selected>rect{stroke:#0969da;stroke-width:3.5}
.name{font-weight:600;font-size:13px}.meta{font-size:11px;fill:#57606a}
.edge{fill:none;stroke:#8c959f;stroke-width:1.3}
.edge.catch{stroke-dasharray:4 3}
.edge.taken{stroke:#1a7f37;stroke-width:2.6}
marker path{fill:#57606a}
.run{display:flex;align-items:center;gap:8px;padding:2px 0;cursor:pointer;font-size:12px}
.run:hover,.run.selected{background:#ddf4ff}
.run .who{width:340px;flex:none;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.run .axis{flex:1;position:relative;height:14px;background:#f6f8fa}
.run .bar{position:absolute;top:2px;height:10px;min-width:2px;background:#2f81f7}
.run.failed .bar{background:#cf222e}.run .ms{width:80px;flex:none;text-align:right}
table{border-collapse:collapse;width:100%}
td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;font-size:12px;vertical-align:top}
td.data{font:11px ui-monospace,monospace;word-break:break-all}
"""

_SCRIPT: Final = """
(function () {
  const data = JSON.parse(document.getElementById("trace-data").textContent);
  const panel = document.getElementById("details");
  const svg = document.querySelector("#graph svg");
  const home = svg.viewBox.baseVal;
  let view = {x: home.x, y: home.y, width: home.width, height: home.height};

  function setView(next) {
    view = next;
    svg.setAttribute("viewBox", [view.x, view.y, view.width, view.height].join(" "));
  }
  function zoom(factor, cx, cy) {
    // Keep the point (cx, cy) of the drawing where it is on screen.
    setView({x: cx - (cx - view.x) * factor, y: cy - (cy - view.y) * factor,
      width: view.width * factor, height: view.height * factor});
  }
  function point(event) {
    const matrix = svg.getScreenCTM().inverse();
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix);
    return p;
  }
  const fit = {x: home.x, y: home.y, width: home.width, height: home.height};
  document.getElementById("zoom-fit").addEventListener("click", function () { setView(fit); });
  document.getElementById("zoom-in").addEventListener("click", function () {
    zoom(0.8, view.x + view.width / 2, view.y + view.height / 2);
  });
  document.getElementById("zoom-out").addEventListener("click", function () {
    zoom(1.25, view.x + view.width / 2, view.y + view.height / 2);
  });
  svg.addEventListener("wheel", function (event) {
    event.preventDefault();
    const p = point(event);
    zoom(event.deltaY < 0 ? 0.85 : 1 / 0.85, p.x, p.y);
  }, {passive: false});
  let drag = null;
  svg.addEventListener("pointerdown", function (event) {
    drag = {start: point(event), moved: false, id: event.pointerId};
  });
  svg.addEventListener("pointermove", function (event) {
    if (!drag) { return; }
    const p = point(event);
    const dx = p.x - drag.start.x, dy = p.y - drag.start.y;
    if (!drag.moved && Math.hypot(dx, dy) < 3 * view.width / svg.clientWidth) { return; }
    if (!drag.moved) { svg.setPointerCapture(drag.id); }
    drag.moved = true;
    document.getElementById("graph").classList.add("panning");
    setView({x: view.x - dx, y: view.y - dy, width: view.width, height: view.height});
  });
  function endDrag() {
    if (drag && drag.moved) { svg.dataset.panned = "1"; }
    document.getElementById("graph").classList.remove("panning");
    setTimeout(function () { drag = null; }, 0);
  }
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);

  function add(parent, tag, text, className) {
    const element = document.createElement(tag);
    if (text !== undefined && text !== null) { element.textContent = text; }
    if (className) { element.className = className; }
    parent.appendChild(element);
    return element;
  }
  function field(label, value) {
    if (value === null || value === undefined || value === "") { return; }
    add(panel, "div", label, "label");
    add(panel, "pre", value, "json");
  }
  function runTitle(run) {
    return (run.context ? run.context + " / " : "") + "pass " + run.pass;
  }
  function showRun(name, index) {
    document.querySelectorAll(".state.selected, .run.selected").forEach(function (element) {
      element.classList.remove("selected");
    });
    document.querySelectorAll(".state").forEach(function (group) {
      if (group.getAttribute("data-state") === name) { group.classList.add("selected"); }
    });
    panel.textContent = "";
    add(panel, "h2", name);
    const state = data.states[name];
    if (!state) {
      add(panel, "p", "not entered in this execution");
      return;
    }
    const row = document.querySelector('.run[data-run="' + index + '"]');
    if (row) { row.classList.add("selected"); }
    const run = data.runs[index];
    add(panel, "p", run.type + " · entered " + state.runs.length + " time(s) · " +
      state.ms.toFixed(1) + " ms in all");
    if (state.runs.length > 1) {
      const passes = add(panel, "div", null, "passes");
      state.runs.forEach(function (each) {
        const button = add(passes, "button", runTitle(data.runs[each]),
          each === index ? "current" : "");
        button.addEventListener("click", function () { showRun(name, each); });
      });
    }
    add(panel, "p", runTitle(run) + " · started at " + run.startMs.toFixed(1) + " ms · took " +
      (run.durationMs === null ? "…" : run.durationMs.toFixed(1) + " ms"), "where");
    if (run.error !== null) {
      add(panel, "div", run.error + (run.caught ? " (caught)" : ""),
        run.caught ? "caught" : "error");
      field("message", run.message);
    }
    if (run.retries > 0 && run.error === null) {
      add(panel, "div", "retried " + run.retries + " time(s), then succeeded", "retried");
    }
    field("input", run.input);
    field("output", run.output);
    Object.keys(run.variables).forEach(function (variable) {
      field("assigned $" + variable, run.variables[variable]);
    });
    run.attempts.forEach(function (attempt, number) {
      const outcome = attempt.status !== null ? String(attempt.status) : (attempt.error || "");
      field("attempt " + (number + 1), attempt.request + (outcome ? "\\n→ " + outcome : ""));
      field("response body", attempt.body);
    });
  }
  function showState(name) {
    const state = data.states[name];
    showRun(name, state ? state.runs[state.runs.length - 1] : -1);
  }
  document.querySelectorAll(".state").forEach(function (group) {
    group.addEventListener("click", function (event) {
      event.stopPropagation();
      if (drag && drag.moved) { return; }
      showState(group.getAttribute("data-state"));
    });
    group.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { showState(group.getAttribute("data-state")); }
    });
  });
  document.querySelectorAll(".run").forEach(function (row) {
    row.addEventListener("click", function () {
      const index = Number(row.getAttribute("data-run"));
      showRun(data.runs[index].name, index);
    });
  });
})();
"""


def _timeline(runs: Sequence[Mapping[str, Any]], total_ms: float) -> str:
    """One row per run: where it sits, a bar on the execution's time axis, its duration."""
    rows = []
    for index, run in enumerate(runs):
        start = run["startMs"]
        end = total_ms if run["durationMs"] is None else start + run["durationMs"]
        left = 0.0 if total_ms <= 0 else start / total_ms * 100
        width = 0.0 if total_ms <= 0 else (end - start) / total_ms * 100
        where = f"{run['context']} / " if run["context"] else ""
        label = f"{where}{run['name']}" + (f" (pass {run['pass']})" if run["pass"] > 1 else "")
        duration = "…" if run["durationMs"] is None else f"{run['durationMs']:.1f} ms"
        classes = "run failed" if run["failed"] else "run"
        rows.append(
            f'<div class="{classes}" data-run="{index}" tabindex="0">'
            f'<span class="who" style="padding-left:{run["depth"] * 14}px" '
            f'title="{html.escape(label)}">{html.escape(label)}</span>'
            f'<span class="axis"><span class="bar" style="left:{left:.2f}%;'
            f'width:{width:.2f}%"></span></span><span class="ms">{duration}</span></div>'
        )
    return f'<section id="timeline" class="card"><h2>Timeline</h2>{"".join(rows)}</section>'


def _events_table(execution: Execution) -> str:
    rows = "".join(
        f"<tr><td>{event.id}</td><td>{event.at * 1000:.1f}</td><td>{html.escape(event.type)}</td>"
        f"<td>{html.escape(event.state or '')}</td>"
        f'<td class="data">{html.escape(compact_json(json.dumps(event.details)))}</td></tr>'
        for event in execution.events
    )
    return (
        '<section class="card"><h2>Events</h2><table id="events"><thead><tr><th>id</th>'
        "<th>ms</th><th>type</th><th>state</th><th>details</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def _execution_io(execution: Execution) -> str:
    given = html.escape(pretty_json(execution.input))
    if execution.error is not None:
        outcome = (
            f'<h2>Error</h2><div class="error">{html.escape(execution.error)}</div>'
            f'<pre id="execution-output">{html.escape(execution.message or "")}</pre>'
        )
    else:
        made = html.escape(pretty_json(execution.output))
        outcome = f'<h2>Output</h2><pre id="execution-output">{made}</pre>'
    return (
        '<section id="execution" class="card">'
        f'<div><h2>Input</h2><pre id="execution-input">{given}</pre></div>'
        f"<div>{outcome}</div></section>"
    )


def render_trace_html(
    definition: str | Mapping[str, Any], events: Sequence[Mapping[str, Any]], *, title: str
) -> str:
    """The page for one execution of the machine whose ASL is `definition`."""
    machine = json.loads(definition) if isinstance(definition, str) else definition
    execution = parse_history(events)
    runs = _runs_data(execution)
    states = _state_totals(runs)
    svg = _svg(layout(machine), states, _taken(execution))
    summary = f"{execution.status} in {(execution.duration or 0) * 1000:.0f} ms"
    if execution.error:
        summary += f" · {execution.error}: {execution.message or ''}"
    # "</" would end the script element early; JSON allows the escaped slash.
    payload = json.dumps({"states": states, "runs": runs}).replace("</", "<\\/")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{html.escape(title)}</h1>"
        f'<div class="status-{html.escape(execution.status)}">{html.escape(summary)}</div></header>'
        '<main><div id="graph-pane" class="card"><div id="toolbar">'
        '<button id="zoom-fit" type="button">fit</button>'
        '<button id="zoom-in" type="button">+</button>'
        '<button id="zoom-out" type="button">-</button>'
        "<span>scroll to zoom, drag to pan, click a state</span></div>"
        f'<div id="graph">{svg}</div></div>'
        '<aside id="details" class="card">Click a state to see its input, output, variables, '
        "calls and error.</aside></main>"
        f"{_execution_io(execution)}"
        f"{_timeline(runs, execution.time_axis() * 1000)}{_events_table(execution)}"
        f'<script type="application/json" id="trace-data">{payload}</script>'
        f"<script>{_SCRIPT}</script></body></html>"
    )


def write_trace_html(
    path: Path,
    definition: str | Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    *,
    title: str,
) -> None:
    """Writes the page to `path` (UTF-8)."""
    path.write_text(render_trace_html(definition, events, title=title), encoding="utf-8")
