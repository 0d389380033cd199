"""boards.json and its loader: the schema, the cross-key checks, resolution, and that every
workflow resolves a board's rules with the same expression."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from leaderboard.board_rules import (
    BUILT_IN_DEFAULTS,
    SCHEMA_FILE,
    BoardRulesError,
    load_board_rules,
    parse_board_rules,
    rules_for,
)
from leaderboard.definitions import WORKFLOWS

# Every key a board entry may carry, as the schema lists them (other issues add their own).
RULE_KEYS = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))["$defs"]["rules"]["properties"]


def test_the_repository_boards_file_loads_with_complete_defaults() -> None:
    rules = load_board_rules()
    assert set(rules["defaults"]) == set(BUILT_IN_DEFAULTS)
    assert rules_for(rules, "laps-suzuka") == {
        **rules["defaults"],
        "order": "asc",
        "updateMode": "best",
    }
    assert rules_for(rules, "steps-2026-11-22")["updateMode"] == "replace"
    assert rules_for(rules, "season-points")["updateMode"] == "increment"


def test_missing_defaults_come_from_the_built_in_ones() -> None:
    rules = parse_board_rules({"defaults": {"order": "asc"}})
    assert rules == {
        "defaults": {**BUILT_IN_DEFAULTS, "order": "asc"},
        "boards": {},
        "prefixes": {},
    }


def test_resolution_exact_name_then_longest_prefix_then_defaults() -> None:
    rules = parse_board_rules(
        {
            "boards": {"ab": {"topCount": 1}},
            "prefixes": {"a": {"topCount": 2}, "ab": {"topCount": 3, "order": "asc"}},
        }
    )
    assert rules_for(rules, "ab")["topCount"] == 1
    assert rules_for(rules, "abc") == {**rules["defaults"], "topCount": 3, "order": "asc"}
    assert rules_for(rules, "ax")["topCount"] == 2
    assert rules_for(rules, "b") == rules["defaults"]


@pytest.mark.parametrize(
    ("document", "problems"),
    [
        ([], ["(top level): [] is not of type 'object'"]),
        (
            {"boards": {"laps": {"order": "up", "colour": "red"}}},
            [
                f"boards.laps.colour: unknown key (allowed: {', '.join(sorted(RULE_KEYS))})",
                "boards.laps.order: 'up' is not one of ['desc', 'asc']",
            ],
        ),
        (
            {"prefixes": {"steps-": {"updateMode": "sum"}}},
            ["prefixes.steps-.updateMode: 'sum' is not one of ['replace', 'best', 'increment']"],
        ),
        (
            {"boards": {"steps": {"tieRank": "dense"}}},
            ["boards.steps.tieRank: 'dense' is not one of ['ordinal', 'competition']"],
        ),
        (
            {"prefixes": {"bad name": {}}},
            ["prefixes: 'bad name' is not a board name (1-64 of A-Za-z0-9_.~-)"],
        ),
        ({"defaults": {"ttlSeconds": 0}}, ["defaults.ttlSeconds: 0 is less than the minimum of 1"]),
        (
            {"defaults": {"maxPageSize": 2.5}},
            ["defaults.maxPageSize: 2.5 is not of type 'integer'"],
        ),
        ({"periods": {}}, ["periods: unknown key (allowed: $schema, boards, defaults, prefixes)"]),
        (
            {"boards": {"x": {"defaultPageSize": 30, "maxPageSize": 25}}},
            ["boards.x: defaultPageSize (30) must not exceed maxPageSize (25)"],
        ),
        (
            {"defaults": {"maxPageSize": 10}},
            [
                "defaults: defaultPageSize (20) must not exceed maxPageSize (10)",
                "defaults: neighbourhood (5) above and below a member must fit in maxPageSize (10)",
            ],
        ),
    ],
)
def test_every_problem_is_named_by_its_place(document: Any, problems: list[str]) -> None:
    with pytest.raises(BoardRulesError) as raised:
        parse_board_rules(document, source="boards.json")
    assert raised.value.problems == problems
    assert str(raised.value) == "boards.json: " + "; ".join(problems)


def test_a_file_that_is_not_json_names_the_line(tmp_path: Path) -> None:
    broken = tmp_path / "boards.json"
    broken.write_text('{\n  "boards": {,}\n}', encoding="utf-8")
    with pytest.raises(BoardRulesError, match=r"^boards.json: line 2 column 14: not valid JSON"):
        load_board_rules(broken)
    with pytest.raises(BoardRulesError, match=r"^missing.json: cannot be read"):
        load_board_rules(tmp_path / "missing.json")


def test_every_workflow_resolves_a_board_with_the_same_expression() -> None:
    expressions = {}
    for each in WORKFLOWS:
        states = json.loads(each.file.read_text(encoding="utf-8"))["States"]
        if "ResolveBoard" in states:
            expressions[each.name] = states["ResolveBoard"]["Assign"]["board"]
    assert {"submit-score", "get-standing", "get-leaderboard"} <= set(expressions)
    assert len(set(expressions.values())) == 1, expressions
