"""An execution's history as a terminal timeline, the way an operator reads a run.

One row per state entered: where it sits (branches of a Parallel or iterations of a Map
indented under it), its type, when it started and how long it took, a bar placing it on the
execution's time axis (so parallel branches show side by side in time), input -> output,
retries, and the error and cause of a failure.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from leaderboard.local.history import Branch, Execution, StateRun, compact_json, parse_history

BAR_WIDTH: Final = 24
DATA_WIDTH: Final = 48
CAUSE_WIDTH: Final = 160
_STATUS_STYLE: Final = {"SUCCEEDED": "green", "FAILED": "red", "RUNNING": "yellow"}


def truncate(text: str, width: int) -> str:
    """At most `width` characters, marking a cut with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def milliseconds(seconds: float | None) -> str:
    return "…" if seconds is None else f"{seconds * 1000:.0f} ms"


def _bar(run: StateRun, total: float) -> Text:
    """The run's span on a BAR_WIDTH-character axis covering the whole execution."""
    if total <= 0:
        return Text("▏", style="cyan")
    end = total if run.duration is None else run.started + run.duration
    first = min(int(run.started / total * BAR_WIDTH), BAR_WIDTH - 1)
    last = max(first + 1, round(end / total * BAR_WIDTH))
    style = "red" if run.error else "cyan"
    return Text(" " * first) + Text("█" * (last - first), style=style)


def _data(run: StateRun) -> Text:
    text = Text(truncate(compact_json(run.input), DATA_WIDTH), style="dim")
    if run.ended is not None:
        text.append(" → ")
        text.append(truncate(compact_json(run.output), DATA_WIDTH))
    return text


def _problem(run: StateRun) -> Text:
    if run.error is None:
        return Text("")
    style = "bold red" if run.failed else "yellow"
    text = Text(run.error, style=style)
    if not run.failed:
        text.append(" (caught)", style="dim")
    if run.cause:
        text.append(f"\n{truncate(run.cause, CAUSE_WIDTH)}", style="dim")
    return text


def _rows(runs: Sequence[StateRun], depth: int) -> Iterator[tuple[int, StateRun | Branch]]:
    """Runs in entry order, each Parallel/Map followed by its branches and their runs."""
    for run in runs:
        yield depth, run
        for branch in sorted(run.branches, key=lambda each: each.runs[0].started):
            yield depth + 1, branch
            yield from _rows(branch.runs, depth + 2)


def _branch_label(branch: Branch) -> str:
    if branch.parent.state_type == "Map":
        return f"iteration {branch.index}"
    return f"branch {branch.runs[0].name}" if branch.runs else "branch"


def timeline_table(execution: Execution, *, title: str | None = None) -> Table:
    total = execution.duration
    if total is None:
        total = max((run.ended or run.started for run in execution.all_runs()), default=0.0)
    table = Table(title=title, title_justify="left", expand=False, show_lines=False)
    for column, justify in (("state", "left"), ("type", "left"), ("start", "right")):
        table.add_column(column, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    table.add_column("duration", justify="right", no_wrap=True)
    table.add_column("timeline", no_wrap=True, min_width=BAR_WIDTH)
    table.add_column("input → output", overflow="fold")
    table.add_column("retries", justify="right")
    table.add_column("error / cause", overflow="fold")
    for depth, row in _rows(execution.runs, 0):
        indent = "  " * depth
        if isinstance(row, Branch):
            table.add_row(Text(f"{indent}╰ {_branch_label(row)}", style="magenta"))
            continue
        table.add_row(
            Text(f"{indent}{row.name}", style="bold red" if row.failed else "bold"),
            row.state_type,
            milliseconds(row.started),
            milliseconds(row.duration),
            _bar(row, total),
            _data(row),
            str(row.retries) if row.retries else "",
            _problem(row),
        )
    return table


def _summary(execution: Execution) -> Text:
    style = _STATUS_STYLE.get(execution.status, "yellow")
    text = Text("execution ")
    text.append(execution.status, style=f"bold {style}")
    text.append(f" in {milliseconds(execution.duration)}")
    if execution.error is not None:
        text.append(f"\nerror: {execution.error}", style="bold red")
        if execution.cause:
            text.append(f"\ncause: {truncate(execution.cause, CAUSE_WIDTH * 2)}", style="red")
    elif execution.output is not None:
        text.append(f"\noutput: {truncate(compact_json(execution.output), CAUSE_WIDTH * 2)}")
    return text


def render_timeline(
    events: Sequence[Mapping[str, Any]], *, title: str | None = None
) -> RenderableType:
    """The execution's history (`GetExecutionHistory` events) as a rich renderable."""
    execution = parse_history(events)
    return Group(timeline_table(execution, title=title), _summary(execution))
