"""boards.json and its loader: the one check (keys, values, time zones, cross-key rules),
the schema for editors agreeing with it, resolution, definitions rendered as before the typed
rules, and that every workflow resolves a board's rules with the same expression."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, fields, replace
from pathlib import Path
from typing import Any

import pytest

from leaderboard.board_rules import (
    BOARDS_FILE,
    SCHEMA_FILE,
    BoardRule,
    BoardRulesError,
    load_board_rules,
    parse_board_rules,
)
from leaderboard.definitions import WORKFLOWS, DefinitionSettings, render_definition, substitutions
from leaderboard.periods import offset_table
from stacks.stage_config import StageConfig
from tests.client.conftest import CLIENT_BOARD_RULES
from tests.periods.conftest import PERIOD_TEST_RULES
from tests.workflows.board_rules_for_tests import TEST_BOARD_RULES

SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
# Every key a board entry may carry, as the schema lists them (other issues add their own).
RULE_KEYS = SCHEMA["$defs"]["rules"]["properties"]


def test_the_repository_boards_file_loads_with_complete_defaults() -> None:
    rules = load_board_rules()
    assert set(rules.defaults.as_json()) == set(RULE_KEYS)
    assert rules.for_board("laps-suzuka") == replace(
        rules.defaults, order="asc", update_mode="best"
    )
    assert rules.for_board("steps-2026-11-22").update_mode == "replace"
    assert rules.for_board("steps-2026-11-22").neighbourhood == 10
    assert rules.for_board("season-points").update_mode == "increment"
    assert rules.for_board("steps").period_rule.timezone == "Asia/Tokyo"


def test_missing_defaults_come_from_the_built_in_ones() -> None:
    rules = parse_board_rules({"defaults": {"order": "asc"}})
    assert rules.defaults == replace(BoardRule(), order="asc")
    assert rules.as_json() == {
        "defaults": {**BoardRule().as_json(), "order": "asc"},
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
    assert rules.for_board("ab").top_count == 1
    assert rules.for_board("abc") == replace(rules.defaults, top_count=3, order="asc")
    assert rules.for_board("ax").top_count == 2
    assert rules.for_board("b") == rules.defaults


def test_the_rules_are_frozen() -> None:
    rules = load_board_rules()
    with pytest.raises(FrozenInstanceError):
        rules.defaults.order = "asc"  # type: ignore[misc]
    with pytest.raises(TypeError):
        rules.prefixes["laps-"]["order"] = "desc"  # type: ignore[index]


@pytest.mark.parametrize(
    ("document", "problems"),
    [
        ([], ["(top level): must be an object (got [])"]),
        (
            {"boards": {"laps": {"order": "up", "colour": "red"}}},
            [
                f"boards.laps.colour: unknown key (allowed: {', '.join(sorted(RULE_KEYS))})",
                'boards.laps.order: must be one of desc, asc (got "up")',
            ],
        ),
        (
            {"prefixes": {"steps-": {"updateMode": "sum"}}},
            ['prefixes."steps-".updateMode: must be one of replace, best, increment (got "sum")'],
        ),
        (
            {"boards": {"steps": {"tieRank": "dense"}}},
            ['boards.steps.tieRank: must be one of ordinal, competition (got "dense")'],
        ),
        (
            {"prefixes": {"steps-": {"timezone": "Mars/Base"}}},
            ["prefixes.\"steps-\".timezone: unknown time zone 'Mars/Base'"],
        ),
        (
            {"boards": {"steps": {"timezone": ""}, "walk": {"cutoverHour": 24}}},
            [
                'boards.steps.timezone: must be an IANA time zone name (got "")',
                "boards.walk.cutoverHour: must be 0-23 (got 24)",
            ],
        ),
        (
            # A board name may hold dots: quoted, the place stays unambiguous.
            {"boards": {"cup.2026": {"closeSettleSeconds": 7200}}},
            ['boards."cup.2026".closeSettleSeconds: must be 0-3600 (got 7200)'],
        ),
        (
            {"prefixes": {"bad name": {}}},
            ['prefixes: "bad name" is not a board name (1-64 of A-Za-z0-9_.~-)'],
        ),
        ({"defaults": {"ttlSeconds": 0}}, ["defaults.ttlSeconds: must be 1-31536000 (got 0)"]),
        (
            {"defaults": {"neighbourhood": -1}},
            ["defaults.neighbourhood: must be 0 or more (got -1)"],
        ),
        (
            {"defaults": {"maxPageSize": 2.5, "topCount": True}},
            [
                "defaults.maxPageSize: must be an integer (got 2.5)",
                "defaults.topCount: must be an integer (got true)",
            ],
        ),
        ({"periods": {}}, ["periods: unknown key (allowed: $schema, boards, defaults, prefixes)"]),
        ({"boards": []}, ["boards: must be an object (got [])"]),
        ({"prefixes": {"x-": 3}}, ['prefixes."x-": must be an object (got 3)']),
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


def test_the_schema_for_editors_says_what_the_check_accepts() -> None:
    """boards.json's `$schema` helps editors; the dataclass is the check. They must agree."""
    assert set(SCHEMA["properties"]) == {"$schema", "defaults", "boards", "prefixes"}
    assert SCHEMA["$defs"]["boardName"]["pattern"] == "^[A-Za-z0-9_.~-]{1,64}$"
    for spec in fields(BoardRule):
        key = spec.metadata["key"]
        described = RULE_KEYS[key]
        if spec.metadata["choices"]:
            assert tuple(described["enum"]) == spec.metadata["choices"], key
        elif spec.metadata.get("zone"):
            assert described["type"] == "string", key
        else:
            assert described["type"] == "integer", key
            assert described["minimum"] == spec.metadata["minimum"], key
            assert described.get("maximum") == spec.metadata.get("maximum"), key
    assert set(RULE_KEYS) == {spec.metadata["key"] for spec in fields(BoardRule)}


def _zones_in_use(document: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    entries = [{}, *document.get("boards", {}).values(), *document.get("prefixes", {}).values()]
    merged = [{**defaults, **entry} for entry in entries]
    zones = sorted({rule["timezone"] for rule in merged if rule["period"] != "none"})
    return {zone: offset_table(zone) for zone in zones}


def _rules_data_as_before(document: dict[str, Any]) -> dict[str, Any]:
    """The rules data as the dict-based loader built it before the dataclass: built-in and
    period defaults under the file's defaults, entries as written, the zones in use."""
    built_in = {
        "order": "desc",
        "updateMode": "replace",
        "defaultPageSize": 20,
        "maxPageSize": 100,
        "neighbourhood": 5,
        "ttlSeconds": 604800,
        "topCount": 10,
        "tieRank": "ordinal",
        "period": "none",
        "timezone": "Asia/Tokyo",
        "cutoverHour": 0,
        "closeSettleSeconds": 60,
    }
    defaults = {**built_in, **document.get("defaults", {})}
    return {
        "defaults": defaults,
        "boards": document.get("boards", {}),
        "prefixes": document.get("prefixes", {}),
        "zones": _zones_in_use(document, defaults),
    }


def _stage_settings() -> dict[str, DefinitionSettings]:
    """Definition settings of each stage config the CDK app builds, and of each test stack."""
    settings = {}
    for label, context in {
        "dev": {},
        "prod": {"stageName": "prod"},
        "feature": {"stageName": "pr7", "ssmStageName": "dev"},
    }.items():
        config = StageConfig.from_context(context, region="eu-west-1")
        settings[label] = DefinitionSettings(
            momento_sorted_set_endpoint="https://bridge.example",
            momento_endpoint=config.momento_endpoint,
            cache_name=config.cache_name,
            connection_arn="arn:aws:events:eu-west-1:123456789012:connection/momento/1",
            event_bus_name=config.event_bus_name,
            board_rules=config.board_rules,
            archive_bucket="archive",
        )
    for label, rules in {
        "workflow tests": TEST_BOARD_RULES,
        "period tests": PERIOD_TEST_RULES,
        "client tests": CLIENT_BOARD_RULES,
    }.items():
        settings[label] = replace(settings["dev"], board_rules=rules)
    return settings


@pytest.mark.parametrize(("label", "settings"), list(_stage_settings().items()))
def test_every_definition_renders_as_before_the_typed_rules(
    label: str, settings: DefinitionSettings
) -> None:
    document = settings.board_rules.as_json()
    if label in {"dev", "prod", "feature"}:
        document = json.loads(BOARDS_FILE.read_text(encoding="utf-8"))
    before = substitutions(settings)
    rules_json = json.dumps(_rules_data_as_before(document), separators=(",", ":"), sort_keys=True)
    before["BoardRules"] = json.dumps(rules_json)[1:-1]
    for each in WORKFLOWS:
        assert render_definition(each, substitutions(settings)) == render_definition(
            each, before
        ), (label, each.name)


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
