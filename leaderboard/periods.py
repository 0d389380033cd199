"""Periods of a board (daily, weekly, monthly) in the board's own time zone, and their keys.

The state machines compute periods themselves in JSONata; this module is the Python side of
the same rules: it builds the UTC-offset tables the definitions read (JSONata's `$fromMillis`
knows fixed offsets such as `+0900`, never IANA names, so offsets must arrive as data), it
derives the close schedules, and it is the reference model the tests compare the state
machines with. Zone arithmetic here goes through `zoneinfo`, independently of those tables.

A period is named by its local calendar position after moving the clock back by the board's
`cutoverHour`: with cutover 03:00 in Tokyo, 2026-11-23T02:59 JST still belongs to
`2026-11-22`. Keys: daily `2026-11-22`, weekly ISO week `2026-W47` (weeks start on Monday at
the cutover), monthly `2026-11`. Keys of one board sort in time order as plain strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PeriodKind = Literal["none", "daily", "weekly", "monthly"]
PERIOD_KINDS: Final[tuple[PeriodKind, ...]] = ("none", "daily", "weekly", "monthly")
DEFAULT_TIMEZONE: Final = "Asia/Tokyo"
DEFAULT_CUTOVER_HOUR: Final = 0
# Offsets are tabulated for these years (UTC, inclusive start, exclusive end): a definition
# deployed today stays right until the end of the window; redeploying moves nothing, so
# templates are stable. Times outside the window use the nearest offset in the table.
OFFSET_WINDOW_YEARS: Final = (2020, 2046)
_DAY: Final = timedelta(days=1)
_SECOND: Final = timedelta(seconds=1)
_KEY_PATTERNS: Final[Mapping[str, re.Pattern[str]]] = {
    "daily": re.compile(r"(\d{4})-(\d{2})-(\d{2})"),
    "weekly": re.compile(r"(\d{4})-W(\d{2})"),
    "monthly": re.compile(r"(\d{4})-(\d{2})"),
}


@dataclass(frozen=True)
class PeriodRule:
    """How one board is cut into periods."""

    kind: PeriodKind
    timezone: str = DEFAULT_TIMEZONE
    cutover_hour: int = DEFAULT_CUTOVER_HOUR

    def __post_init__(self) -> None:
        if self.kind not in PERIOD_KINDS:
            raise ValueError(
                f"period: must be one of {', '.join(PERIOD_KINDS)} (got {self.kind!r})"
            )
        zone(self.timezone)
        if not (isinstance(self.cutover_hour, int) and 0 <= self.cutover_hour <= 23):
            raise ValueError(f"cutoverHour: must be an integer 0-23 (got {self.cutover_hour!r})")

    @property
    def is_periodic(self) -> bool:
        return self.kind != "none"


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; a ValueError names the field otherwise."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"timezone: unknown IANA time zone {name!r}") from error


def _shifted_local(rule: PeriodRule, instant: datetime) -> datetime:
    """Local wall time moved back by the cutover: its calendar date names the period."""
    if instant.tzinfo is None:
        raise ValueError("instant: must carry a time zone (a naive datetime is ambiguous)")
    local = instant.astimezone(zone(rule.timezone)).replace(tzinfo=None)
    return local - timedelta(hours=rule.cutover_hour)


def _key(kind: PeriodKind, day: date) -> str:
    if kind == "daily":
        return day.isoformat()
    if kind == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year:04d}-W{week:02d}"
    if kind == "monthly":
        return f"{day.year:04d}-{day.month:02d}"
    raise ValueError("period: a board with period 'none' has no period keys")


def period_of(rule: PeriodRule, instant: datetime) -> str:
    """The key of the period that contains `instant`."""
    return _key(rule.kind, _shifted_local(rule, instant).date())


def _first_day(kind: PeriodKind, key: str) -> date:
    pattern = _KEY_PATTERNS.get(kind)
    match = pattern.fullmatch(key) if pattern else None
    if match is None:
        raise ValueError(f"period: {key!r} is not a {kind} period key")
    parts = [int(part) for part in match.groups()]
    try:
        if kind == "daily":
            return date(parts[0], parts[1], parts[2])
        if kind == "weekly":
            return date.fromisocalendar(parts[0], parts[1], 1)
        return date(parts[0], parts[1], 1)
    except ValueError as error:
        raise ValueError(f"period: {key!r} is not a {kind} period key") from error


def _next_first_day(kind: PeriodKind, first: date) -> date:
    if kind == "daily":
        return first + _DAY
    if kind == "weekly":
        return first + 7 * _DAY
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _local_start(rule: PeriodRule, first: date) -> datetime:
    """When the period starting on local date `first` begins, in UTC.

    A cutover inside a DST gap begins at the end of the gap, as the wall clock passes it.
    """
    wall = datetime.combine(first, time(rule.cutover_hour), tzinfo=zone(rule.timezone))
    instant = wall.astimezone(UTC)
    # zoneinfo maps a wall time in a gap using the offset before the gap; the period key of
    # that instant then says whether the boundary was skipped past.
    if period_of(rule, instant) != _key(rule.kind, first):
        instant = _scan_to_boundary(rule, instant, _key(rule.kind, first))
    return instant


def _scan_to_boundary(rule: PeriodRule, instant: datetime, key: str) -> datetime:
    step = timedelta(minutes=15)
    while period_of(rule, instant) != key:
        instant += step
    return _bisect(lambda moment: period_of(rule, moment) == key, instant - step, instant)


def period_bounds(rule: PeriodRule, key: str) -> tuple[datetime, datetime]:
    """[start, end) of period `key` in UTC."""
    first = _first_day(rule.kind, key)
    if _key(rule.kind, first) != key:
        raise ValueError(f"period: {key!r} is not a {rule.kind} period key")
    return _local_start(rule, first), _local_start(rule, _next_first_day(rule.kind, first))


def previous_period(rule: PeriodRule, instant: datetime) -> str:
    """The period that ended last before `instant`: what a close at `instant` closes."""
    start, _ = period_bounds(rule, period_of(rule, instant))
    return period_of(rule, start - _SECOND)


def sorted_set_key(leaderboard: str, period: str | None) -> str:
    """`steps#2026-11-22` for a period of a periodic board; the board's name otherwise."""
    return leaderboard if period is None else f"{leaderboard}#{period}"


def _bisect(is_after: Any, before: datetime, after: datetime) -> datetime:
    """The first whole second in (before, after] where `is_after` holds."""
    while after - before > _SECOND:
        middle = before + (after - before) / 2
        middle = middle.replace(microsecond=0)
        if middle <= before:
            middle = before + _SECOND
        if is_after(middle):
            after = middle
        else:
            before = middle
    return after


def _offset_minutes(tz: ZoneInfo, instant: datetime) -> int:
    offset = instant.astimezone(tz).utcoffset()
    assert offset is not None  # an aware datetime in a ZoneInfo always has one
    return int(offset.total_seconds() // 60)


def _days(start: datetime, end: datetime) -> Iterator[datetime]:
    moment = start
    while moment < end:
        yield moment
        moment += _DAY


def offset_table(timezone: str) -> list[dict[str, int]]:
    """The zone's UTC offsets over OFFSET_WINDOW_YEARS as `[{"from": ms, "offset": minutes}]`.

    `from` is the UTC epoch millisecond the offset takes effect; the first entry is the
    window's start. JSONata picks the last entry whose `from` is at or before an event time.
    """
    return [{"from": start, "offset": offset} for start, offset in _transitions(timezone)]


@cache
def _transitions(timezone: str) -> tuple[tuple[int, int], ...]:
    """(UTC ms, offset minutes) from a daily scan refined to the second: no zone in the window
    changes its offset twice in one day. Cached: a scan takes tens of milliseconds."""
    tz = zone(timezone)
    start = datetime(OFFSET_WINDOW_YEARS[0], 1, 1, tzinfo=UTC)
    end = datetime(OFFSET_WINDOW_YEARS[1], 1, 1, tzinfo=UTC)
    current = _offset_minutes(tz, start)
    table = [(_millis(start), current)]
    for day in _days(start, end):
        following = _offset_minutes(tz, day + _DAY)
        if following != current:
            changed = _bisect(
                lambda moment, previous=current: _offset_minutes(tz, moment) != previous,
                day,
                day + _DAY,
            )
            table.append((_millis(changed), following))
            current = following
    return tuple(table)


def _millis(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)
