"""The workflow registry, the shared substitutions and rendering, without running anything."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from leaderboard.board_rules import parse_board_rules
from leaderboard.definitions import (
    WORKFLOWS,
    DefinitionSettings,
    Workflow,
    render_definition,
    substitutions,
    workflow,
)
from leaderboard.naming import state_machine_name

SETTINGS = DefinitionSettings(
    momento_sorted_set_endpoint="https://sorted.example.com/",
    momento_endpoint="https://momento.example.com",
    cache_name="games",
    connection_arn="arn:aws:events:us-east-1:123456789012:connection/leaderboard-dev-momento/1",
    event_bus_name="leaderboard-dev",
)


def _states(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every state, branches included, by name."""
    found: dict[str, dict[str, Any]] = {}
    for name, state in definition["States"].items():
        found[name] = state
        for branch in state.get("Branches", []):
            found.update(_states(branch))
    return found


def test_workflow_lookup_and_names() -> None:
    submit = workflow("submit-score")
    assert submit.type == "EXPRESS"
    assert submit.file.is_file()
    name = state_machine_name("feat-abp-1734", submit.name)
    assert name == "leaderboard-feat-abp-1734-submit-score"
    with pytest.raises(ValueError, match="unknown workflow 'nope'; known workflows: submit-score"):
        workflow("nope")


def test_every_workflow_file_is_jsonata_and_json_before_substitution() -> None:
    for each in WORKFLOWS:
        definition = json.loads(each.file.read_text(encoding="utf-8"))
        assert definition["QueryLanguage"] == "JSONata"
        states = _states(definition)
        for state in states.values():
            for target in [state.get("Next"), state.get("Default")] + [
                c["Next"] for c in state.get("Choices", []) + state.get("Catch", [])
            ]:
                assert target is None or target in states


def test_substitutions_cover_every_placeholder_of_every_workflow() -> None:
    values = substitutions(SETTINGS)
    for each in WORKFLOWS:
        used = set(re.findall(r"\$\{([A-Za-z0-9_]+)\}", each.file.read_text(encoding="utf-8")))
        assert used <= set(values), used - set(values)


def test_render_fills_every_placeholder() -> None:
    rendered = render_definition(workflow("submit-score"), substitutions(SETTINGS))
    assert "${" not in rendered
    states = _states(json.loads(rendered))
    write = states["WriteScore"]["Arguments"]
    assert write["ApiEndpoint"] == "https://sorted.example.com/sortedset/games"
    assert write["Authentication"]["ConnectionArn"] == SETTINGS.connection_arn
    publish = states["PublishScoreSubmitted"]["Arguments"]["Entries"][0]
    assert publish["EventBusName"] == "leaderboard-dev"


def test_board_rules_reach_jsonata_as_an_object_literal() -> None:
    rules = parse_board_rules({"boards": {"lap-times": {"order": "asc"}}})
    rendered = render_definition(
        workflow("submit-score"), substitutions(replace(SETTINGS, board_rules=rules))
    )
    expression = _states(json.loads(rendered))["ResolveBoard"]["Assign"]["board"]
    literal = re.search(r"\$rules := (\{.*?\});", expression)
    assert literal is not None
    # The definitions get the rules with the period defaults and zone tables filled in.
    assert json.loads(literal.group(1)) == rules.definition_data()


def test_render_names_every_unresolved_placeholder(tmp_path: Path) -> None:
    definition = tmp_path / "broken.asl.json"
    definition.write_text(
        '{"A": "${CacheName}", "B": "${Nope}", "C": "${Other}"}', encoding="utf-8"
    )
    broken = Workflow(name="broken", file=definition, type="EXPRESS")
    with pytest.raises(
        ValueError, match=r"broken.asl.json: unresolved placeholders: \$\{Nope\}, \$\{Other\}"
    ):
        render_definition(broken, {"CacheName": "games"})


def test_render_is_textual_like_cloudformation(tmp_path: Path) -> None:
    definition = tmp_path / "plain.asl.json"
    definition.write_text(
        '{"Url": "${Base}/x/${Base}", "Jsonata": "{% $states.input %}"}', encoding="utf-8"
    )
    plain = Workflow(name="plain", file=definition, type="STANDARD")
    assert render_definition(plain, {"Base": "https://h"}) == (
        '{"Url": "https://h/x/https://h", "Jsonata": "{% $states.input %}"}'
    )
