"""Board rules: how each board ranks, updates and is cut into periods, read from `boards.json`.

The CDK stack and the local runtime both load the same file through `load_board_rules` and
hand the result to the state machines as data (`BoardRules.definition_data`, the `BoardRules`
substitution), so a board's behaviour is configuration, never a code branch.

`parse_board_rules` is the one check of the file, standard library only (the client and the
core import it without jsonschema): every key, value, board name, time zone (against the
zone database) and cross-key rule, each problem named by its place in the file
(`boards.json: prefixes."steps-".timezone: unknown time zone 'Mars/Base'`) in one
`BoardRulesError`. `board_rules.schema.json` describes the same rules for editors (the
`$schema` of boards.json); tests/test_board_rules.py keeps the two equal.

Resolution, here and in the state machines alike: the board's entry in `boards` (exact name),
else the entry of the longest key of `prefixes` the name starts with, merged over `defaults`;
the field defaults of `BoardRule` fill whatever `defaults` leaves out.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from leaderboard.periods import (
    DEFAULT_CUTOVER_HOUR,
    DEFAULT_TIMEZONE,
    PeriodKind,
    PeriodRule,
    offset_table,
)
from leaderboard.shipped_files import shipped_path

BOARDS_FILE: Final = shipped_path("boards.json")
SCHEMA_FILE: Final = Path(__file__).resolve().parent / "board_rules.schema.json"

Order = Literal["desc", "asc"]
UpdateMode = Literal["replace", "best", "increment"]
TieRank = Literal["ordinal", "competition"]


def _spec(key: str, *, choices: tuple[str, ...] = (), **check: Any) -> dict[str, Any]:
    """A `BoardRule` field's metadata: its boards.json key and what values it accepts."""
    return {"key": key, "choices": choices, **check}


@dataclass(frozen=True)
class BoardRule:
    """The complete rules one board runs under; the field defaults are the built-in defaults."""

    order: Order = field(default="desc", metadata=_spec("order", choices=("desc", "asc")))
    update_mode: UpdateMode = field(
        default="replace", metadata=_spec("updateMode", choices=("replace", "best", "increment"))
    )
    default_page_size: int = field(default=20, metadata=_spec("defaultPageSize", minimum=1))
    max_page_size: int = field(default=100, metadata=_spec("maxPageSize", minimum=1, maximum=1000))
    neighbourhood: int = field(default=5, metadata=_spec("neighbourhood", minimum=0))
    ttl_seconds: int = field(
        default=7 * 24 * 60 * 60, metadata=_spec("ttlSeconds", minimum=1, maximum=31_536_000)
    )
    top_count: int = field(default=10, metadata=_spec("topCount", minimum=1, maximum=1000))
    tie_rank: TieRank = field(
        default="ordinal", metadata=_spec("tieRank", choices=("ordinal", "competition"))
    )
    period: PeriodKind = field(
        default="none", metadata=_spec("period", choices=("none", "daily", "weekly", "monthly"))
    )
    timezone: str = field(default=DEFAULT_TIMEZONE, metadata=_spec("timezone", zone=True))
    cutover_hour: int = field(
        default=DEFAULT_CUTOVER_HOUR, metadata=_spec("cutoverHour", minimum=0, maximum=23)
    )
    # How long close-period waits after a period ends before reading it, so a submission that
    # started just before the boundary (its writes retried for up to ~50 s) lands first.
    close_settle_seconds: int = field(
        default=60, metadata=_spec("closeSettleSeconds", minimum=0, maximum=3600)
    )

    @property
    def period_rule(self) -> PeriodRule:
        return PeriodRule(self.period, self.timezone, self.cutover_hour)

    def as_json(self) -> dict[str, Any]:
        """The rules under their boards.json keys, as the state machines read them."""
        return {_KEYS[name]: getattr(self, name) for name in _KEYS}

    def merged(self, overrides: Mapping[str, Any]) -> BoardRule:
        """These rules with an entry of boards.json (checked, boards.json keys) laid over."""
        return dataclasses.replace(
            self, **{_FIELDS[key]: value for key, value in overrides.items()}
        )


_FIELD_SPECS: Final = {spec.metadata["key"]: spec for spec in dataclasses.fields(BoardRule)}
_FIELDS: Final = {key: spec.name for key, spec in _FIELD_SPECS.items()}
_KEYS: Final = {spec.name: key for key, spec in _FIELD_SPECS.items()}
_EMPTY: Final[Mapping[str, Mapping[str, Any]]] = MappingProxyType({})
_SECTIONS: Final = ("boards", "prefixes")
_TOP_KEYS: Final = ("$schema", "defaults", *_SECTIONS)
_BOARD_NAME: Final = re.compile(r"^[A-Za-z0-9_.~-]{1,64}$")
_PLAIN_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class BoardRules:
    """The checked rules of a boards file: complete defaults, and each entry as written."""

    defaults: BoardRule = BoardRule()
    boards: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _EMPTY)
    prefixes: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _EMPTY)

    def for_board(self, leaderboard: str) -> BoardRule:
        """The rules one board runs under: what the state machines' ResolveBoard state computes."""
        entry = self.boards.get(leaderboard)
        if entry is None:
            matching = [prefix for prefix in self.prefixes if leaderboard.startswith(prefix)]
            entry = self.prefixes[max(matching, key=len)] if matching else {}
        return self.defaults.merged(entry)

    def entries(self) -> Iterator[tuple[str, str, BoardRule]]:
        """(section, name, merged rules) of every entry of `boards` and `prefixes`."""
        for section in _SECTIONS:
            for name, entry in getattr(self, section).items():
                yield section, name, self.defaults.merged(entry)

    def as_json(self) -> dict[str, Any]:
        """The rules as a boards.json document, `defaults` complete."""
        return {
            "defaults": self.defaults.as_json(),
            "boards": {name: dict(entry) for name, entry in self.boards.items()},
            "prefixes": {name: dict(entry) for name, entry in self.prefixes.items()},
        }

    def definition_data(self) -> dict[str, Any]:
        """What the state machines get: `as_json` plus `zones[tz]`, the UTC-offset table of
        every zone a periodic entry uses (JSONata reads a table, not an IANA name)."""
        rules = [self.defaults, *(rule for _, _, rule in self.entries())]
        zones = sorted({rule.timezone for rule in rules if rule.period != "none"})
        return {**self.as_json(), "zones": {name: offset_table(name) for name in zones}}


class BoardRulesError(ValueError):
    """The rules cannot be used; `problems` name each place in the file and what is wrong."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.problems = problems


def _name(name: str) -> str:
    """A board name as a path step: quoted when it holds more than letters, digits and `_`."""
    return name if _PLAIN_NAME.match(name) else json.dumps(name)


def _value_problem(key: str, value: Any) -> str | None:
    spec = _FIELD_SPECS[key].metadata
    if spec["choices"]:
        if value not in spec["choices"] or not isinstance(value, str):
            return f"must be one of {', '.join(spec['choices'])} (got {json.dumps(value)})"
        return None
    if spec.get("zone"):
        if not isinstance(value, str) or not value:
            return f"must be an IANA time zone name (got {json.dumps(value)})"
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return f"unknown time zone {value!r}"
        return None
    low, high = spec["minimum"], spec.get("maximum")
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be an integer (got {json.dumps(value)})"
    if value < low or (high is not None and value > high):
        bounds = f"{low}-{high}" if high is not None else f"{low} or more"
        return f"must be {bounds} (got {value})"
    return None


def _entry_problems(place: str, entry: Any) -> list[str]:
    if not isinstance(entry, dict):
        return [f"{place}: must be an object (got {json.dumps(entry)})"]
    problems = []
    for key in sorted(entry):
        if key not in _FIELD_SPECS:
            problems.append(f"{place}.{key}: unknown key (allowed: {', '.join(sorted(_FIELDS))})")
        elif (problem := _value_problem(key, entry[key])) is not None:
            problems.append(f"{place}.{key}: {problem}")
    return problems


def _consistency_problems(place: str, rule: BoardRule) -> Iterator[str]:
    """Checks across keys, on an entry as a board would see it (merged over the defaults)."""
    if rule.default_page_size > rule.max_page_size:
        yield (
            f"{place}: defaultPageSize ({rule.default_page_size}) must not exceed "
            f"maxPageSize ({rule.max_page_size})"
        )
    if 2 * rule.neighbourhood + 1 > rule.max_page_size:
        yield (
            f"{place}: neighbourhood ({rule.neighbourhood}) above and below a member "
            f"must fit in maxPageSize ({rule.max_page_size})"
        )


def _document_problems(document: Any) -> list[str]:
    """Every problem of the document's shape, keys and values, in document order."""
    if not isinstance(document, dict):
        return [f"(top level): must be an object (got {json.dumps(document)})"]
    problems = [
        f"{key}: unknown key (allowed: {', '.join(sorted(_TOP_KEYS))})"
        for key in sorted(document)
        if key not in _TOP_KEYS
    ]
    if not isinstance(document.get("$schema", ""), str):
        problems.append(f"$schema: must be a string (got {json.dumps(document['$schema'])})")
    problems += _entry_problems("defaults", document.get("defaults", {}))
    for section in _SECTIONS:
        entries = document.get(section, {})
        if not isinstance(entries, dict):
            problems.append(f"{section}: must be an object (got {json.dumps(entries)})")
            continue
        for name, entry in entries.items():
            if not _BOARD_NAME.match(name):
                problems.append(
                    f"{section}: {json.dumps(name)} is not a board name (1-64 of A-Za-z0-9_.~-)"
                )
            problems += _entry_problems(f"{section}.{_name(name)}", entry)
    return problems


def parse_board_rules(document: Any, *, source: str = "board rules") -> BoardRules:
    """The checked rules of a boards.json document.

    Raises BoardRulesError listing every problem, each named by its place in the document.
    """
    problems = _document_problems(document)
    if problems:
        raise BoardRulesError(source, problems)
    rules = BoardRules(
        defaults=BoardRule().merged(document.get("defaults", {})),
        **{
            section: MappingProxyType(
                {
                    name: MappingProxyType(dict(entry))
                    for name, entry in document.get(section, {}).items()
                }
            )
            for section in _SECTIONS
        },
    )
    problems = list(_consistency_problems("defaults", rules.defaults))
    for section, name, rule in rules.entries():
        problems += _consistency_problems(f"{section}.{_name(name)}", rule)
    if problems:
        raise BoardRulesError(source, problems)
    return rules


def load_board_rules(path: Path = BOARDS_FILE) -> BoardRules:
    """`parse_board_rules` of a JSON file; errors start with the file's name."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BoardRulesError(path.name, [f"cannot be read: {error.strerror}"]) from error
    except json.JSONDecodeError as error:
        raise BoardRulesError(
            path.name, [f"line {error.lineno} column {error.colno}: not valid JSON: {error.msg}"]
        ) from error
    return parse_board_rules(document, source=path.name)
