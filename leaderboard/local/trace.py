"""An execution's history as a terminal timeline, the way an operator reads a run.

One row per state entered: where it sits (branches of a Parallel or iterations of a Map
indented under it), its type, when it started and how long it took, a bar placing it on the
execution's time axis (so parallel branches show side by side in time), input -> output,
retries, and the error and cause of a failure.

A terminal at least `WIDE_LAYOUT_COLUMNS` wide gets one table row per state; a narrower one
(80 columns, a split pane) gets the same facts stacked: the state's line, then its data,
retries and error on indented lines below it, so nothing is squeezed to an ellipsis.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from leaderboard.local.history import Branch, Execution, StateRun, compact_json, parse_history

BAR_WIDTH: Final = 24
NARROW_BAR_MIN_WIDTH: Final = 8
NAME_MAX_WIDTH: Final = 28
WIDE_LAYOUT_COLUMNS: Final = 140
DATA_WIDTH: Final = 48
CAUSE_WIDTH: Final = 160
CAUSE_LINES: Final = 3
_STATUS_STYLE: Final = {"SUCCEEDED": "green", "FAILED": "red", "RUNNING": "yellow"}


def truncate(text: str, width: int) -> str:
    """At most `width` characters, marking a cut with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def milliseconds(seconds: float | None) -> str:
    return "…" if seconds is None else f"{seconds * 1000:.0f} ms"


def _bar(run: StateRun, total: float, width: int = BAR_WIDTH) -> Text:
    """The run's span on a `width`-character axis covering the whole execution."""
    if total <= 0:
        return Text("▏", style="cyan")
    end = total if run.duration is None else run.started + run.duration
    first = min(int(run.started / total * width), width - 1)
    last = max(first + 1, round(end / total * width))
    style = "red" if run.error else "cyan"
    return Text(" " * first) + Text("█" * (last - first), style=style)


def _data(run: StateRun, width: int = DATA_WIDTH) -> Text:
    text = Text(truncate(compact_json(run.input), width), style="dim")
    if run.ended is not None:
        text.append(" → ")
        text.append(truncate(compact_json(run.output), width))
    return text


def _error(error: str, failed: bool) -> Text:
    """The error name, marked "(caught)" when a Catch handled it."""
    text = Text(error, style="bold red" if failed else "yellow")
    if not failed:
        text.append(" (caught)", style="dim")
    return text


def _problem(run: StateRun) -> Text:
    if run.error is None:
        return Text("")
    text = _error(run.error, run.failed)
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


def _time_axis(execution: Execution) -> float:
    """Seconds the bars span: the execution's duration, or up to the last event while running."""
    if execution.duration is not None:
        return execution.duration
    return max((run.ended or run.started for run in execution.all_runs()), default=0.0)


def timeline_table(execution: Execution, *, title: str | None = None) -> Table:
    total = _time_axis(execution)
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


def stacked_timeline(execution: Execution, width: int, *, title: str | None = None) -> Text:
    """The timeline for a `width`-column terminal: a line per state, its details under it."""
    total = _time_axis(execution)
    rows = list(_rows(execution.runs, 0))
    name_width = min(
        NAME_MAX_WIDTH,
        max(
            (2 * depth + len(row.name) for depth, row in rows if isinstance(row, StateRun)),
            default=5,
        ),
    )
    bar_width = max(NARROW_BAR_MIN_WIDTH, min(BAR_WIDTH, width - name_width - 30))
    header = f"{'state':<{name_width}}  {'type':<8} {'start':>7} {'duration':>8}  timeline"
    lines = [Text(truncate(title, width), style="italic")] if title else []
    lines.append(Text(truncate(header, width), style="bold"))
    for depth, row in rows:
        indent = "  " * depth
        if isinstance(row, Branch):
            lines.append(Text(f"{indent}╰ {_branch_label(row)}", style="magenta"))
            continue
        name = truncate(f"{indent}{row.name}", name_width)
        line = Text(f"{name:<{name_width}}", style="bold red" if row.failed else "bold")
        line.append(f"  {truncate(row.state_type, 8):<8} {milliseconds(row.started):>7} ")
        line.append(f"{milliseconds(row.duration):>8}  ")
        lines.append(line + _bar(row, total, bar_width))
        detail = f"{indent}    "
        lines.append(Text(detail) + _data(row, max(8, (width - len(detail) - 3) // 2)))
        if row.retries:
            lines.append(Text(f"{detail}retries: {row.retries}", style="yellow"))
        if row.error is not None:
            lines.extend(_stacked_problem(row, detail, width))
    return Text("\n").join(lines)


def _stacked_problem(run: StateRun, indent: str, width: int) -> list[Text]:
    """The error line, then the cause cut into indented lines (causes are often one long word)."""
    assert run.error is not None  # called only for a run that ended in an error
    room = max(16, width - len(indent))
    cause = truncate(run.cause or "", CAUSE_LINES * room)
    return [Text(indent) + _error(run.error, run.failed)] + [
        Text(indent + cause[start : start + room], style="dim")
        for start in range(0, len(cause), room)
    ]


class Timeline:
    """A rich renderable that picks the table or the stacked layout for the terminal's width."""

    def __init__(self, execution: Execution, title: str | None) -> None:
        self.execution = execution
        self.title = title

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width >= WIDE_LAYOUT_COLUMNS:
            yield timeline_table(self.execution, title=self.title)
        else:
            yield stacked_timeline(self.execution, options.max_width, title=self.title)
        yield _summary(self.execution)


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
    return Timeline(parse_history(events), title)
