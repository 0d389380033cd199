"""Board rules: how each leaderboard ranks and updates, read from `boards.json`.

The CDK stack and the local runtime both load the same file through `load_board_rules` and
hand the result to the state machines as data (the `BoardRules` substitution), so a board's
behaviour is configuration, never a code branch. The file is checked against
`board_rules.schema.json` plus the cross-key rules JSON Schema cannot say; every problem is
reported with its place in the file (`boards.lap-times.order: ...`) before anything deploys.

Resolution, here and in the state machines alike: the board's entry in `boards` (exact name),
else the entry of the longest key of `prefixes` the name starts with, merged over `defaults`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from leaderboard.shipped_files import shipped_path

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, ValidationError

BOARDS_FILE: Final = shipped_path("boards.json")
SCHEMA_FILE: Final = Path(__file__).resolve().parent / "board_rules.schema.json"

# What a board gets when neither its entry nor the file's `defaults` say otherwise.
BUILT_IN_DEFAULTS: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "order": "desc",
        "updateMode": "replace",
        "defaultPageSize": 20,
        "maxPageSize": 100,
        "neighbourhood": 5,
        "ttlSeconds": 7 * 24 * 60 * 60,
        "topCount": 10,
        "tieRank": "ordinal",
    }
)
_SECTIONS: Final = ("boards", "prefixes")


class BoardRulesError(ValueError):
    """The rules cannot be used; `problems` name each place in the file and what is wrong."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.problems = problems


@cache
def _validator() -> Draft202012Validator:
    # Imported on first use: jsonschema takes ~0.13 s to import, and the CLI's client commands
    # (`trace`, `start-execution`) need the workflow list, not a rules check.
    from jsonschema import Draft202012Validator  # noqa: PLC0415

    return Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def _place(path: Any) -> str:
    return ".".join(str(part) for part in path) or "(top level)"


def _schema_problem(error: ValidationError) -> str:
    """One schema error as `place: problem`, unknown keys named one by one."""
    place = _place(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        prefix = "" if place == "(top level)" else f"{place}."
        return "; ".join(
            f"{prefix}{key}: unknown key (allowed: {', '.join(allowed)})" for key in unknown
        )
    if "propertyNames" in error.schema_path:
        return f"{place}: {error.instance!r} is not a board name (1-64 of A-Za-z0-9_.~-)"
    return f"{place}: {error.message}"


def _entries(document: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    yield "defaults", document.get("defaults", {})
    for section in _SECTIONS:
        for name, entry in document.get(section, {}).items():
            yield f"{section}.{name}", entry


def _consistency_problems(
    defaults: Mapping[str, Any], document: Mapping[str, Any]
) -> Iterator[str]:
    """Checks across keys, on each entry as a board would see it (merged over the defaults)."""
    for place, entry in _entries(document):
        rules = {**defaults, **entry}
        if rules["defaultPageSize"] > rules["maxPageSize"]:
            yield (
                f"{place}: defaultPageSize ({rules['defaultPageSize']}) must not exceed "
                f"maxPageSize ({rules['maxPageSize']})"
            )
        if 2 * rules["neighbourhood"] + 1 > rules["maxPageSize"]:
            yield (
                f"{place}: neighbourhood ({rules['neighbourhood']}) above and below a member "
                f"must fit in maxPageSize ({rules['maxPageSize']})"
            )


def parse_board_rules(document: Any, *, source: str = "board rules") -> dict[str, Any]:
    """The checked rules map the state machines read: `defaults` complete, the rest as given.

    Raises BoardRulesError listing every problem, each named by its place in the document.
    """
    problems = [
        _schema_problem(error)
        for error in sorted(_validator().iter_errors(document), key=lambda e: list(e.path))
    ]
    if problems:
        raise BoardRulesError(source, problems)
    defaults = {**BUILT_IN_DEFAULTS, **document.get("defaults", {})}
    problems = list(_consistency_problems(defaults, document))
    if problems:
        raise BoardRulesError(source, problems)
    return {
        "defaults": defaults,
        "boards": {name: dict(entry) for name, entry in document.get("boards", {}).items()},
        "prefixes": {name: dict(entry) for name, entry in document.get("prefixes", {}).items()},
    }


def load_board_rules(path: Path = BOARDS_FILE) -> dict[str, Any]:
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


def rules_for(rules: Mapping[str, Any], leaderboard: str) -> dict[str, Any]:
    """The rules one board runs under: what the state machines' ResolveBoard state computes."""
    entry = rules["boards"].get(leaderboard)
    if entry is None:
        matching = [prefix for prefix in rules["prefixes"] if leaderboard.startswith(prefix)]
        entry = rules["prefixes"][max(matching, key=len)] if matching else {}
    return {**rules["defaults"], **entry}
