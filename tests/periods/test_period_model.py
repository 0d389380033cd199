"""The Python side of periods: keys, bounds, offset tables and schedules, against zoneinfo.

These are the reference the state machines are compared with (tests/periods/test_period_keys.py),
so they are checked here on their own first: hand-worked boundary cases, then properties over
random instants against zoneinfo directly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leaderboard.board_rules import BoardRulesError, parse_board_rules
from leaderboard.period_rules import close_schedules
from leaderboard.periods import (
    OFFSET_WINDOW_YEARS,
    PeriodRule,
    offset_table,
    period_bounds,
    period_of,
    previous_period,
    sorted_set_key,
)

TOKYO = PeriodRule("daily", "Asia/Tokyo", 0)
ZONES = ["Asia/Tokyo", "Pacific/Kiritimati", "Etc/GMT+12", "America/New_York", "Europe/London"]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("rule", "instant", "expected"),
    [
        (TOKYO, "2026-11-22T23:59:59+09:00", "2026-11-22"),
        (TOKYO, "2026-11-23T00:00:00+09:00", "2026-11-23"),
        (PeriodRule("daily", "Asia/Tokyo", 3), "2026-11-23T02:59:59+09:00", "2026-11-22"),
        (PeriodRule("daily", "Asia/Tokyo", 3), "2026-11-23T03:00:00+09:00", "2026-11-23"),
        # UTC+14: the day starts at 10:00 UTC of the day before.
        (PeriodRule("daily", "Pacific/Kiritimati"), "2026-11-22T09:59:59+00:00", "2026-11-22"),
        (PeriodRule("daily", "Pacific/Kiritimati"), "2026-11-22T10:00:00+00:00", "2026-11-23"),
        # UTC-12 (the POSIX name's sign is inverted): the day starts at 12:00 UTC.
        (PeriodRule("daily", "Etc/GMT+12"), "2026-11-23T11:59:59+00:00", "2026-11-22"),
        (PeriodRule("daily", "Etc/GMT+12"), "2026-11-23T12:00:00+00:00", "2026-11-23"),
        # Weekly in New York across the spring-forward Sunday (2026-03-08): Monday 00:00 local
        # is 05:00 UTC before the change and 04:00 UTC after it.
        (PeriodRule("weekly", "America/New_York"), "2026-03-09T03:59:59+00:00", "2026-W10"),
        (PeriodRule("weekly", "America/New_York"), "2026-03-09T04:00:00+00:00", "2026-W11"),
        (PeriodRule("weekly", "America/New_York"), "2026-03-02T04:59:59+00:00", "2026-W09"),
        (PeriodRule("weekly", "America/New_York"), "2026-03-02T05:00:00+00:00", "2026-W10"),
        # ISO weeks: 2027-01-01 (a Friday) is in week 53 of 2026.
        (PeriodRule("weekly", "Asia/Tokyo"), "2027-01-01T12:00:00+09:00", "2026-W53"),
        (PeriodRule("monthly", "Asia/Tokyo", 3), "2026-12-01T02:59:59+09:00", "2026-11"),
        (PeriodRule("monthly", "Asia/Tokyo", 3), "2026-12-01T03:00:00+09:00", "2026-12"),
    ],
)
def test_period_keys_around_boundaries(rule: PeriodRule, instant: str, expected: str) -> None:
    assert period_of(rule, _at(instant)) == expected


def test_a_dst_week_is_an_hour_short_and_its_bounds_are_local_midnights() -> None:
    rule = PeriodRule("weekly", "America/New_York")
    start, end = period_bounds(rule, "2026-W10")
    assert (start, end) == (_at("2026-03-02T05:00:00+00:00"), _at("2026-03-09T04:00:00+00:00"))
    assert end - start == timedelta(days=7) - timedelta(hours=1)


def test_a_cutover_inside_a_dst_gap_begins_when_the_clock_passes_it() -> None:
    # 02:00 does not exist in New York on 2026-03-08: the period begins at 03:00 EDT (07:00Z).
    rule = PeriodRule("daily", "America/New_York", 2)
    start, _ = period_bounds(rule, "2026-03-08")
    assert start == _at("2026-03-08T07:00:00+00:00")
    assert period_of(rule, start - timedelta(seconds=1)) == "2026-03-07"


def test_previous_period_is_the_one_that_ended_last() -> None:
    assert previous_period(TOKYO, _at("2026-11-23T00:00:00+09:00")) == "2026-11-22"
    assert previous_period(TOKYO, _at("2026-11-22T23:59:59+09:00")) == "2026-11-21"
    weekly = PeriodRule("weekly", "Asia/Tokyo")
    assert previous_period(weekly, _at("2027-01-04T00:00:00+09:00")) == "2026-W53"


def test_sorted_set_key_carries_the_period() -> None:
    assert sorted_set_key("steps", "2026-11-22") == "steps#2026-11-22"
    assert sorted_set_key("mario-kart", None) == "mario-kart"


@pytest.mark.parametrize(
    ("rule", "key", "problem"),
    [
        (TOKYO, "2026-W47", "period: '2026-W47' is not a daily period key"),
        (TOKYO, "2026-02-30", "period: '2026-02-30' is not a daily period key"),
        (PeriodRule("weekly"), "2026-W54", "period: '2026-W54' is not a weekly period key"),
        (PeriodRule("monthly"), "2026-13", "period: '2026-13' is not a monthly period key"),
    ],
)
def test_bad_period_keys_name_the_field(rule: PeriodRule, key: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        period_bounds(rule, key)


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"kind": "hourly"}, "period: must be one of none, daily, weekly, monthly"),
        ({"kind": "daily", "timezone": "Mars/Olympus"}, "timezone: unknown IANA time zone"),
        ({"kind": "daily", "cutover_hour": 24}, "cutoverHour: must be an integer 0-23"),
    ],
)
def test_bad_rules_name_the_field(kwargs: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        PeriodRule(**kwargs)  # type: ignore[arg-type]


def _offset_from_table(table: list[dict[str, int]], millis: int) -> int:
    in_force = [entry for entry in table if entry["from"] <= millis]
    return (in_force[-1] if in_force else table[0])["offset"]


instants = st.datetimes(
    min_value=datetime(OFFSET_WINDOW_YEARS[0], 1, 1),
    max_value=datetime(OFFSET_WINDOW_YEARS[1] - 1, 12, 31),
    timezones=st.just(UTC),
)


@settings(max_examples=300, deadline=None)
@given(instant=instants, name=st.sampled_from(ZONES))
def test_offset_tables_agree_with_zoneinfo(instant: datetime, name: str) -> None:
    table = offset_table(name)
    offset = instant.astimezone(ZoneInfo(name)).utcoffset()
    assert offset is not None
    millis = int(instant.timestamp() * 1000)
    assert _offset_from_table(table, millis) == offset.total_seconds() // 60


@settings(max_examples=200, deadline=None)
@given(
    instant=instants,
    name=st.sampled_from(ZONES),
    kind=st.sampled_from(["daily", "weekly", "monthly"]),
    cutover=st.integers(0, 23),
)
def test_every_instant_lies_in_its_periods_bounds(
    instant: datetime, name: str, kind: str, cutover: int
) -> None:
    rule = PeriodRule(kind, name, cutover)  # type: ignore[arg-type]
    key = period_of(rule, instant)
    start, end = period_bounds(rule, key)
    assert start <= instant < end
    assert period_of(rule, end) > key  # keys sort in time order
    assert previous_period(rule, end) == key


def test_definition_data_fills_defaults_and_tabulates_only_zones_in_use() -> None:
    rules = parse_board_rules(
        {
            "defaults": {"order": "desc"},
            "boards": {"steps": {"period": "daily"}, "laps": {"timezone": "Europe/London"}},
            "prefixes": {"weekly-": {"period": "weekly", "timezone": "America/New_York"}},
        }
    ).definition_data()
    assert rules["defaults"]["period"] == "none"
    assert rules["defaults"]["timezone"] == "Asia/Tokyo"
    # laps is not periodic: its zone needs no table.
    assert sorted(rules["zones"]) == ["America/New_York", "Asia/Tokyo"]


@pytest.mark.parametrize(
    ("boards", "problem"),
    [
        ({"steps": {"period": "yearly"}}, "boards.steps.period: must be one of"),
        ({"steps": {"period": "daily", "timezone": "JST"}}, "boards.steps.timezone: unknown"),
        ({"steps": {"timezone": "Mars/Base"}}, "boards.steps.timezone: unknown time zone"),
        ({"steps": {"period": "daily", "cutoverHour": -1}}, "boards.steps.cutoverHour: must be"),
        ({"steps": {"closeSettleSeconds": 7200}}, "boards.steps.closeSettleSeconds: must be"),
    ],
)
def test_a_bad_period_setting_names_the_board_and_field(
    boards: dict[str, object], problem: str
) -> None:
    with pytest.raises(BoardRulesError, match=problem):
        parse_board_rules({"defaults": {}, "boards": boards, "prefixes": {}})


def test_one_close_schedule_per_periodic_board_at_its_cutover() -> None:
    schedules = close_schedules(
        parse_board_rules(
            {
                "defaults": {},
                "boards": {
                    "steps": {"period": "daily", "cutoverHour": 3},
                    "weekly-run": {"period": "weekly", "timezone": "America/New_York"},
                    "season": {"period": "monthly", "timezone": "Europe/London"},
                    "all-time": {},
                },
                "prefixes": {"daily-": {"period": "daily"}},
            }
        )
    )
    assert [(s.leaderboard, s.expression, s.timezone) for s in schedules] == [
        ("season", "cron(0 0 1 * ? *)", "Europe/London"),
        ("steps", "cron(0 3 * * ? *)", "Asia/Tokyo"),
        ("weekly-run", "cron(0 0 ? * MON *)", "America/New_York"),
    ]
