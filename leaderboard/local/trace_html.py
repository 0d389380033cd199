"""A self-contained HTML page of a state machine graph with one execution's path on it.

For runs worth sharing: one file, inline CSS, SVG and a little JavaScript, nothing fetched.
The graph comes from the definition (states in layers from `StartAt`, Parallel branches and
Map processors drawn nested inside their state); the states the execution entered, the
transitions it took and each state's time are highlighted; clicking a state shows its input,
output and error.
"""

import html
import itertools
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from leaderboard.local.history import Execution, StateRun, compact_json, parse_history

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


def _state_data(execution: Execution) -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = {}
    for run in execution.all_runs():
        entry = data.setdefault(
            run.name, {"type": run.state_type, "runs": 0, "ms": 0.0, "failed": False, "last": {}}
        )
        entry["runs"] += 1
        entry["ms"] += (run.duration or 0) * 1000
        entry["failed"] = entry["failed"] or run.failed
        entry["last"] = {
            "input": compact_json(run.input),
            "output": compact_json(run.output),
            "error": run.error,
            "cause": run.cause,
            "retries": run.retries,
        }
    return data


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
    by_name = {node.name: node for node in _flatten(graph.nodes)}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-margin} {-margin} {width:.0f} '
        f'{height:.0f}" width="{width:.0f}" height="{height:.0f}" role="img" '
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
            meta += f" · {state['ms']:.0f} ms" + (f" x{state['runs']}" if state["runs"] > 1 else "")
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
header h1{font-size:17px;margin:0 0 4px}
.status-SUCCEEDED{color:#7ee787}.status-FAILED,.status-TIMED_OUT,.status-ABORTED{color:#ff8b8b}
main{display:flex;gap:18px;padding:18px;align-items:flex-start}
#graph{background:#fff;border:1px solid #d0d7de;border-radius:8px;overflow:auto;flex:1}
aside{width:360px;background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px}
aside pre{white-space:pre-wrap;word-break:break-all;background:#f6f8fa;padding:6px;margin:4px 0}
.state rect{fill:#fff;stroke:#8c959f;stroke-width:1.2}
.state.container>rect{fill:#f6f8fa;stroke-dasharray:5 3}
.state.visited>rect{stroke:#1a7f37;stroke-width:2.5;fill:#dafbe1}
.state.container.visited>rect{fill:#f0fff4}
.state.failed>rect{stroke:#cf222e;stroke-width:2.5;fill:#ffebe9}
.state{cursor:pointer}.state.selected>rect{stroke:#0969da;stroke-width:3.5}
.name{font-weight:600;font-size:13px}.meta{font-size:11px;fill:#57606a}
.edge{fill:none;stroke:#8c959f;stroke-width:1.3}
.edge.catch{stroke-dasharray:4 3}
.edge.taken{stroke:#1a7f37;stroke-width:2.6}
marker path{fill:#57606a}
table{border-collapse:collapse;margin:0 18px 18px;background:#fff}
td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;font-size:12px}
"""

_SCRIPT: Final = """
(function () {
  const data = JSON.parse(document.getElementById("trace-data").textContent);
  const panel = document.getElementById("details");
  function show(group) {
    document.querySelectorAll(".state.selected").forEach(function (g) {
      g.classList.remove("selected");
    });
    group.classList.add("selected");
    const name = group.getAttribute("data-state");
    const state = data.states[name];
    panel.textContent = "";
    const title = document.createElement("h2");
    title.textContent = name;
    panel.appendChild(title);
    if (!state) {
      panel.appendChild(document.createTextNode("not entered in this execution"));
      return;
    }
    const rows = [["type", state.type], ["entered", String(state.runs) + " time(s)"],
      ["time", state.ms.toFixed(1) + " ms"], ["retries", String(state.last.retries)],
      ["input", state.last.input], ["output", state.last.output],
      ["error", state.last.error], ["cause", state.last.cause]];
    rows.forEach(function (row) {
      if (row[1] === null || row[1] === "") { return; }
      const label = document.createElement("strong");
      label.textContent = row[0];
      const value = document.createElement("pre");
      value.textContent = row[1];
      panel.appendChild(label);
      panel.appendChild(value);
    });
  }
  document.querySelectorAll(".state").forEach(function (group) {
    group.addEventListener("click", function (event) { event.stopPropagation(); show(group); });
    group.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { show(group); }
    });
  });
})();
"""


def _runs_table(execution: Execution) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(run.name)}</td><td>{html.escape(run.state_type)}</td>"
        f"<td>{run.started * 1000:.1f}</td>"
        f"<td>{'' if run.duration is None else f'{run.duration * 1000:.1f}'}</td>"
        f"<td>{run.retries or ''}</td><td>{html.escape(run.error or '')}</td></tr>"
        for run in execution.all_runs()
    )
    return (
        '<table id="runs"><thead><tr><th>state</th><th>type</th><th>start ms</th>'
        "<th>duration ms</th><th>retries</th><th>error</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def render_trace_html(
    definition: str | Mapping[str, Any], events: Sequence[Mapping[str, Any]], *, title: str
) -> str:
    """The page for one execution of the machine whose ASL is `definition`."""
    machine = json.loads(definition) if isinstance(definition, str) else definition
    execution = parse_history(events)
    data = _state_data(execution)
    svg = _svg(layout(machine), data, _taken(execution))
    summary = f"{execution.status} in {(execution.duration or 0) * 1000:.0f} ms"
    if execution.error:
        summary += f" · {execution.error}: {execution.cause or ''}"
    # "</" would end the script element early; JSON allows the escaped slash.
    payload = json.dumps({"states": data}).replace("</", "<\\/")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{html.escape(title)}</h1>"
        f'<div class="status-{html.escape(execution.status)}">{html.escape(summary)}</div></header>'
        f'<main><div id="graph">{svg}</div>'
        '<aside id="details">Click a state to see its input, output and error.</aside></main>'
        f"{_runs_table(execution)}"
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
