"""The generated inputs and contexts every definition expression is evaluated over.

Each case is one execution as a state would see it: `$states.input`, `$states.context` (start
time, execution name), and which of a few task results and error outputs its task states get.
Inputs cover valid and invalid requests field by field (empty, missing, wrong type, too long,
trailing newline, unicode), edge dates (leap days, 02-30, ISO week 53, years 0000/0001/9999,
1969/1970), start times on DST boundaries of both hemispheres and a half-hour zone, year and
week ends, every board rule of boards.json plus a periodic board of each kind, and huge and
tiny numbers.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from leaderboard.board_rules import BoardRules, load_board_rules, parse_board_rules

MISSING: Final = object()  # a field left out of the input


def board_rules() -> BoardRules:
    """boards.json, plus periodic boards of every kind in zones with DST in either hemisphere."""
    rules = load_board_rules().as_json()
    extra = {
        "weekly-ny-": {"period": "weekly", "timezone": "America/New_York", "cutoverHour": 4},
        "monthly-london-": {"period": "monthly", "timezone": "Europe/London"},
        "daily-sydney-": {"period": "daily", "timezone": "Australia/Sydney", "cutoverHour": 6},
        "daily-kolkata-": {"period": "daily", "timezone": "Asia/Kolkata", "cutoverHour": 23},
        "weekly-utc-": {"period": "weekly", "timezone": "UTC", "closeSettleSeconds": 0},
        # Competition ranks (ties share a rank), in both orders.
        "fair-": {"tieRank": "competition"},
        "fair-asc-": {"order": "asc", "updateMode": "best", "tieRank": "competition"},
    }
    return parse_board_rules(
        {**rules, "prefixes": {**rules["prefixes"], **extra}}, source="differential corpus"
    )


def board_names(rules: BoardRules) -> list[str]:
    """A board governed by each rule: every exact board, one per prefix, one by the defaults."""
    return [*rules.boards, *(f"{prefix}x1" for prefix in rules.prefixes), "arcade"]


PERIODIC_BOARDS: Final = (
    "steps",
    "steps-x1",
    "weekly-ny-x1",
    "monthly-london-x1",
    "daily-sydney-x1",
    "daily-kolkata-x1",
    "weekly-utc-x1",
)

# Execution start times: an ordinary one first, then the edges.
START_TIMES: Final = (
    "2026-12-05T21:00:00.000Z",
    "2026-03-29T00:59:59.999Z",  # Europe: DST starts at 01:00Z
    "2026-03-29T01:00:00.000Z",
    "2026-10-25T00:59:59.999Z",  # Europe: DST ends at 01:00Z
    "2026-10-25T01:00:00.000Z",
    "2026-03-08T06:59:59.999Z",  # New York: DST starts at 07:00Z
    "2026-03-08T07:00:00.000Z",
    "2026-11-01T05:59:59.999Z",  # New York: DST ends at 06:00Z
    "2026-11-01T06:00:00.000Z",
    "2026-04-04T15:59:59.999Z",  # Sydney: DST ends at 16:00Z
    "2026-10-03T16:00:00.000Z",  # Sydney: DST starts
    "2026-12-31T14:59:59.999Z",  # Tokyo's new year at 15:00Z
    "2026-12-31T23:59:59.999Z",
    "2027-01-01T00:00:00.000Z",
    "2027-01-04T08:59:59.999Z",  # 2026 has an ISO week 53; New York's weekly cutover
    "2027-01-04T09:00:00.000Z",
    "2028-02-29T12:00:00.000Z",
    "2026-06-30T18:29:59.999Z",  # Kolkata's 23:00 cutover at +05:30
)

_NAMES: Final[tuple[Any, ...]] = (
    "player-1",
    "a.b~c_d-E9",
    "",
    "x" * 128,
    "x" * 129,
    "a b",
    "name\n",
    "ünï",
    "a/b",
    12,
    None,
    True,
    ["player-1"],
    {"n": 1},
    MISSING,
)
_SCORES: Final[tuple[Any, ...]] = (
    0,
    -0.0,
    1.5,
    -3,
    42,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    5e-324,
    -5e-324,
    1e21,
    1e-7,
    123456789012345678,
    9007199254740993,
    2**63,
    "42",
    "1e3",
    True,
    None,
    [1],
    {},
    MISSING,
)
_TEXT_IDS: Final[tuple[Any, ...]] = ("id-1", "", "s" * 128, "s" * 129, "id-1\n", 5, None)
_TIMESTAMPS: Final[tuple[str, ...]] = (
    "2026-12-05T20:59:00Z",
    "2026-12-05T20:59:00.123Z",
    "2026-12-05T20:59:00.123456789Z",
    "2026-12-06T05:59:00+09:00",
    "2026-12-05T15:29:00-05:30",
    "2026-12-05T20:59:00+00:00",
    "2026-12-05T20:59:00-00:00",
    "2026-12-05T20:59:00Z\n",
    "\n2026-12-05T20:59:00Z",
    "2026-12-05t20:59:00z",
    "2026-12-05 20:59:00Z",
    "2026-12-05T20:59:00",
    "2026-12-05",
    "2026-12-05T24:00:00Z",
    "2026-12-05T23:60:00Z",
    "2026-12-05T23:59:60Z",
    "2026-02-29T00:00:00Z",
    "2028-02-29T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2100-02-29T00:00:00Z",
    "2000-02-29T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "0001-01-01T00:00:00Z",
    "1969-12-31T23:59:59Z",
    "1970-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-23:59",
    "2026-12-05T21:01:00Z",
    "2026-12-05T21:01:00.001Z",
    "2026-12-05T21:00:59.999Z",
    "2026-03-29T00:30:00Z",
    "2026-10-25T01:30:00+01:00",
    "2026-11-01T01:30:00-04:00",
    "2026-12-31T23:59:59.999999999Z",
    "2026-12-05T20:59:00.Z",
    "2026-12-05T20:59:00.1234567890Z",
    "\uff12\uff10\uff12\uff16-12-05T20:59:00Z",  # full-width digits,
)
_PERIODS: Final[tuple[Any, ...]] = (
    "2026-12-04",
    "2026-12-04\n",
    "\n2026-12-04",
    "2026-W49",
    "2026-W53",
    "2025-W53",
    "2026-W00",
    "2026-W54",
    "2026-12",
    "2026-13",
    "2026-00",
    "2026-02-29",
    "2028-02-29",
    "2026-02-30",
    "2026-04-31",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "9999-W52",
    "0000-W01",
    "0000-12",
    "1969-12-31",
    "1970-01",
    "2026-1-01",
    " 2026-12",
    "2026-12-04 ",
    "2026-11",
    "2026-W48",
    "2026-12-05",
    "2026-12-06",
    "2027-01",
    "\uff12\uff10\uff12\uff16-12",
    202612,
    None,
    "",
    "2026/12/04",
)


@dataclass(frozen=True)
class Case:
    """One execution: its input, when it started, its name, and which task outputs it sees."""

    input: Any
    start_time: str = START_TIMES[0]
    execution_name: str = "exec-1"
    variant: int = 0
    # Variables set over the definition's literal Assigns (a close far into a huge board).
    overrides: Mapping[str, Any] = dataclasses.field(default_factory=dict)


def _without_missing(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not MISSING}


def _field_variants(
    base: Mapping[str, Any], variants: Mapping[str, tuple[Any, ...]]
) -> Iterator[Any]:
    """`base`, then `base` with one field changed at a time."""
    yield dict(base)
    for field, values in variants.items():
        for value in values:
            yield _without_missing({**base, field: value})


def _not_objects() -> Iterator[Any]:
    yield from ([], "text", 5, None, {}, {"extra": 1}, [{"leaderboard": "arcade"}])
    yield {"u" * 1200: 1}  # a problem longer than a Fail state's 1,000-character cause


def _later(start: str, seconds: float) -> str:
    moment = datetime.datetime.fromisoformat(start.replace("Z", "+00:00"))
    return (moment + datetime.timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def _timed_cases(inputs: list[dict[str, Any]], field: str) -> Iterator[Case]:
    """Each input at every start time, with `field` at, just past and beyond the skew limit."""
    for start in START_TIMES:
        for i, fields in enumerate(inputs):
            yield Case(fields, start, variant=i)
            for seconds in (-86400, 60, 60.001):
                yield Case({**fields, field: _later(start, seconds)}, start, variant=i)


def submit_score_cases(boards: list[str]) -> list[Case]:
    base = {"leaderboard": "arcade", "name": "player-1", "score": 42}
    variants = {
        "leaderboard": (*boards, *_NAMES[2:], "x" * 64, "x" * 65),
        "name": _NAMES,
        "score": _SCORES,
        "submissionId": _TEXT_IDS,
        "occurredAt": (*_TIMESTAMPS, 20261205, None),
        "extra": ("unknown",),
    }
    inputs = [*_field_variants(base, variants), *_not_objects()]
    # Scores reach the write of every update mode; timestamps reach the period arithmetic.
    for board in ("season-points", "mario-kart-lap-times"):
        inputs += [_without_missing({**base, "leaderboard": board, "score": s}) for s in _SCORES]
    for board in ("steps", "weekly-ny-x1", "monthly-london-x1"):
        inputs += [{**base, "leaderboard": board, "occurredAt": t} for t in _TIMESTAMPS]
    cases = [Case(i, variant=n) for n, i in enumerate(inputs)]
    # An increment with a submissionId: receipt found, absent or no cache; the add answered or
    # failed every way and then found landed, not landed or changed; on its first and last try.
    # (66 variants: every error output of the add with every result of VerifyAdd.)
    for tries in (1, 3):
        fields = {**base, "leaderboard": "season-points", "submissionId": "id-1"}
        cases += [Case(fields, variant=n, overrides={"addTries": tries}) for n in range(66)]
    periodic = [{**base, "leaderboard": board} for board in (*PERIODIC_BOARDS, "arcade")]
    return cases + list(_timed_cases(periodic, "occurredAt"))


def read_cases(boards: list[str], *, leaderboard_fields: bool) -> list[Case]:
    """get-standing (leaderboard, name, period) or get-leaderboard (ranks, views, limit too)."""
    base = (
        {"leaderboard": "arcade", "name": "player-1"}
        if not leaderboard_fields
        else {"leaderboard": "arcade"}
    )
    variants: dict[str, tuple[Any, ...]] = {
        "leaderboard": (*boards, *_NAMES[2:]),
        "period": (*_PERIODS, MISSING),
        "extra": ("unknown",),
    }
    if leaderboard_fields:
        ranks = (0, 1, 10, -1, 1.5, 2147483647, 2147483648, 1e300, 5e-324, "5", None, MISSING)
        variants |= {
            "startRank": ranks,
            "endRank": ranks,
            "view": ("me", "top", "around_me", "top_and_around_me", "ME", "", 3, None),
            "limit": ranks,
            "name": _NAMES,
        }
    else:
        variants["name"] = _NAMES
    cases = [*_field_variants(base, variants), *_not_objects()]
    if leaderboard_fields:
        for view in ("me", "top", "around_me", "top_and_around_me"):
            for limit in (MISSING, 1, 3, 100, 101, 0):
                for board in boards:
                    fields = {
                        "leaderboard": board,
                        "view": view,
                        "name": "player-1",
                        "limit": limit,
                    }
                    cases.append(_without_missing(fields))
        cases += [
            {"leaderboard": b, "startRank": s, "endRank": e}
            for b in boards
            for s, e in ((0, 1), (5, 3), (0, 100), (0, 101), (3, MISSING))
        ]
        # The group view: valid groups on every board, then each kind of bad names.
        groups: tuple[Any, ...] = (["player-1"], ["b", "a", "c"], [f"m{i}" for i in range(100)])
        cases += [{"leaderboard": b, "view": "group", "names": n} for b in boards for n in groups]
        bad_groups: tuple[Any, ...] = (
            MISSING,
            [],
            "player-1",
            None,
            ["a", "a"],
            ["a", "b c"],
            ["a", 5],
            [["a"]],
            [f"m{i}" for i in range(101)],
            [f"{i:02}" + "x" * 126 for i in range(47)],
        )
        cases += [{"leaderboard": "arcade", "view": "group", "names": n} for n in bad_groups]
        cases += [
            {"leaderboard": "arcade", "view": "group", "names": ["a"], "name": "a"},
            {"leaderboard": "arcade", "view": "group", "names": ["a"], "limit": 2},
            {"leaderboard": "arcade", "view": "me", "name": "a", "names": ["a"]},
            {"leaderboard": "arcade", "names": ["a"]},
        ]
        cases = [_without_missing(c) if isinstance(c, dict) else c for c in cases]
    timed = [
        Case(
            {**base, "leaderboard": board, **({} if period is MISSING else {"period": period})},
            start,
            variant=n,
        )
        for n, (board, period) in enumerate(
            (b, p)
            for b in (*PERIODIC_BOARDS, "arcade")
            for p in ("2026-12-04", "2026-W49", "2026-12", MISSING)
        )
        for start in START_TIMES
    ]
    return [Case(c, variant=n) for n, c in enumerate(cases)] + timed


def close_period_cases(boards: list[str]) -> list[Case]:
    base = {"leaderboard": "steps"}
    variants = {
        "leaderboard": (*boards, *_NAMES[2:]),
        "period": (*_PERIODS, MISSING),
        "asOf": (*_TIMESTAMPS, 20261205, None),
        "extra": ("unknown",),
    }
    cases = [
        Case(i, variant=n)
        for n, i in enumerate([*_field_variants(base, variants), *_not_objects()])
    ]
    for period in ("2026-12-04", "2026-11-30"):
        for offset in (999000, 1000000):
            fields = {"leaderboard": "steps", "period": period}
            cases.append(
                Case(fields, execution_name=f"steps-{period}", overrides={"offset": offset})
            )
    for board in ("steps", "weekly-ny-x1", "monthly-london-x1"):
        cases += [Case({"leaderboard": board, "asOf": t}) for t in _TIMESTAMPS]
    # A hand-over run at each attempt sees its named close in every status; the close itself
    # under the attempt names (-r2 .. -r5) meets every page result and error.
    fields = {"leaderboard": "steps", "period": "2026-12-04"}
    for attempt in (1, 2, 5):
        cases += [Case(fields, variant=n, overrides={"attempt": attempt}) for n in range(5)]
    for n in range(36):
        name = "steps-2026-12-04" + ("", "-r2", "-r5")[n % 3]
        cases.append(Case(fields, execution_name=name, variant=n))
    for start in START_TIMES:
        for n, board in enumerate((*PERIODIC_BOARDS, "arcade")):
            cases.append(Case({"leaderboard": board}, start, variant=n))
            for period in ("2026-12-04", "2026-W49", "2026-12", "2026-11"):
                cases.append(Case({"leaderboard": board, "period": period}, start, variant=n))
            # Under its own name: the close itself runs (the other names hand over).
            period = {"steps": "2026-12-04", "weekly-ny-x1": "2026-W48"}.get(board, "2026-11")
            cases.append(
                Case({"leaderboard": board, "period": period}, start, f"{board}-{period}", n + 1)
            )
            for seconds in (-86400 * 8, 60, 61):
                cases.append(
                    Case({"leaderboard": board, "asOf": _later(start, seconds)}, start, variant=n)
                )
    return cases
