"""An execution's history as a terminal timeline, the way an operator reads a run.

One line per state entered: where it sits (branches of a Parallel or iterations of a Map
indented under it), its type, when it started and how long it took, and a bar placing it on
the execution's time axis (so parallel branches show side by side in time). Indented under
it: input -> output, the variables it assigned, each Task attempt (an HTTP Task's method,
URL, status and response body), whether it was retried, and the error with the service's
own message first, marked "(caught)" when a Catch handled it.

The same layout serves every width: a wider terminal gets a longer time axis and longer
detail lines, so nothing is squeezed into a narrow table column or cut to an ellipsis early.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.text import Text

from leaderboard.local.history import Branch, Execution, StateRun, compact_json, parse_history
from leaderboard.local.task_calls import Attempt

NARROW_BAR_MIN_WIDTH: Final = 8
BAR_MAX_WIDTH: Final = 60
NAME_MAX_WIDTH: Final = 32
MESSAGE_LINES: Final = 4
_STATUS_STYLE: Final = {"SUCCEEDED": "green", "FAILED": "red", "RUNNING": "yellow"}


def truncate(text: str, width: int) -> str:
    """At most `width` characters, marking a cut with an ellipsis."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def milliseconds(seconds: float | None) -> str:
    return "…" if seconds is None else f"{seconds * 1000:.0f} ms"


def _bar(run: StateRun, total: float, width: int) -> Text:
    """The run's span on a `width`-character axis covering the whole execution."""
    if total <= 0:
        return Text("▏", style="cyan")
    end = total if run.duration is None else run.started + run.duration
    first = min(int(run.started / total * width), width - 1)
    last = max(first + 1, round(end / total * width))
    style = "red" if run.error else "cyan"
    return Text(" " * first) + Text("█" * (last - first), style=style)


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


def _wrapped(text: str, indent: str, room: int, style: str) -> list[Text]:
    """`text` cut into at most MESSAGE_LINES lines of `room` characters (causes are long words)."""
    text = truncate(text, MESSAGE_LINES * room)
    return [
        Text(indent + text[start : start + room], style=style)
        for start in range(0, len(text), room)
    ]


def _data(run: StateRun, indent: str, width: int) -> Text:
    """`input → output` on one line; a short side leaves its room to the other."""
    given = compact_json(run.input)
    if run.ended is None:
        return Text(indent) + Text(truncate(given, max(8, width - len(indent))), style="dim")
    made = compact_json(run.output)
    room = max(16, width - len(indent) - 3)
    given_room = min(len(given), max(room // 2, room - len(made)))
    text = Text(indent) + Text(truncate(given, given_room), style="dim")
    text.append(" → ")
    text.append(truncate(made, room - given_room))
    return text


def _variables(variables: Mapping[str, str], indent: str, width: int) -> list[Text]:
    """One line per variable the state assigned: `$name = value`."""
    return [
        Text(truncate(f"{indent}${name} = {compact_json(value)}", width), style="blue")
        for name, value in variables.items()
    ]


def _attempt(number: int, attempt: Attempt, indent: str, width: int) -> list[Text]:
    """`attempt 1: 404  GET http://…`, then the response body on its own line.

    The outcome comes before the URL so a narrow terminal cuts the URL, not the status.
    """
    if attempt.status is not None:
        outcome = str(attempt.status)
    elif attempt.error is not None:
        outcome = attempt.error
    else:
        outcome = "ok" if attempt.ok else "…"
    style = "yellow" if attempt.error is not None else "green"
    line = f"{indent}attempt {number}: {outcome}  {attempt.request or attempt.resource}"
    lines = [Text(truncate(line, width), style=style)]
    if attempt.body is not None:
        body = f"{indent}  body {compact_json(attempt.body)}"
        lines.append(Text(truncate(body, width), style="dim"))
    return lines


def _error(run: StateRun) -> Text:
    """The error name, marked "(caught)" when a Catch handled it."""
    assert run.error is not None  # called only for a run that ended in an error
    text = Text(run.error, style="bold red" if run.failed else "yellow")
    if not run.failed:
        text.append(" (caught)", style="dim")
    return text


def _details(run: StateRun, indent: str, width: int) -> list[Text]:
    lines = [_data(run, indent, width)]
    if run.variables:
        lines += _variables(run.variables, indent, width)
    if any(attempt.request or attempt.error for attempt in run.tries) or run.retries:
        for number, attempt in enumerate(run.tries, 1):
            lines += _attempt(number, attempt, indent, width)
    if run.retries and run.error is None and run.ended is not None:
        lines.append(Text(f"{indent}retries: {run.retries}, then succeeded", style="yellow"))
    elif run.retries:
        lines.append(Text(f"{indent}retries: {run.retries}", style="yellow"))
    if run.error is not None:
        lines.append(Text(indent) + _error(run))
        room = max(16, width - len(indent))
        lines += _wrapped(run.message or "", indent, room, "red" if run.failed else "dim")
    return lines


def timeline(execution: Execution, width: int, *, title: str | None = None) -> Text:
    """The timeline for a `width`-column terminal: a line per state, its details under it."""
    total = execution.time_axis()
    rows = list(_rows(execution.runs, 0))
    name_width = min(
        NAME_MAX_WIDTH,
        max(
            (2 * depth + len(row.name) for depth, row in rows if isinstance(row, StateRun)),
            default=5,
        ),
    )
    bar_width = max(NARROW_BAR_MIN_WIDTH, min(BAR_MAX_WIDTH, width - name_width - 30))
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
        lines += _details(row, f"{indent}    ", width)
    return Text("\n").join(lines)


class Timeline:
    """A rich renderable laid out for the width of the console it is printed on."""

    def __init__(self, execution: Execution, title: str | None) -> None:
        self.execution = execution
        self.title = title

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield timeline(self.execution, options.max_width, title=self.title)
        yield _summary(self.execution, options.max_width)


def _summary(execution: Execution, width: int) -> Text:
    style = _STATUS_STYLE.get(execution.status, "yellow")
    lines = [Text("execution ") + Text(execution.status, style=f"bold {style}")]
    lines[0].append(f" in {milliseconds(execution.duration)}")
    facts: list[tuple[str, str | None, str]] = [("input", compact_json(execution.input), "")]
    if execution.error is not None:
        facts += [("error", execution.error, "bold red"), ("cause", execution.message, "red")]
    elif execution.output is not None:
        facts.append(("output", compact_json(execution.output), ""))
    for label, value, fact_style in facts:
        if value:
            lines += _wrapped(f"{label}: {value}", "", width, fact_style)
    return Text("\n").join(lines)


def render_timeline(
    events: Sequence[Mapping[str, Any]], *, title: str | None = None
) -> RenderableType:
    """The execution's history (`GetExecutionHistory` events) as a rich renderable."""
    return Timeline(parse_history(events), title)
