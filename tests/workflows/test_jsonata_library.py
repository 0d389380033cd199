"""The shared JSONata fragments in `statemachines/lib/`: each helper lives there once.

A definition binds a helper through its placeholder (`$daysInMonth := ${LibDaysInMonth};`);
these tests fail when a definition spells a helper out by hand instead, when a fragment is not
used, or when compacting a fragment onto one line (as it is rendered) could change it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from leaderboard.definitions import (
    WORKFLOWS,
    compact_fragment,
    definition_sources,
    library_fragments,
    library_placeholder,
    render_definition,
    substitutions,
)
from tests.workflows.test_definitions import SETTINGS

FRAGMENTS = library_fragments()
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_VARIABLE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")


def _expressions(value: Any) -> Iterator[str]:
    """Every `{% ... %}` string of a parsed definition, nested states included."""
    if isinstance(value, dict):
        for each in value.values():
            yield from _expressions(each)
    elif isinstance(value, list):
        for each in value:
            yield from _expressions(each)
    elif isinstance(value, str) and value.startswith("{%"):
        yield value


def _code(text: str) -> str:
    """The expression without comments and white space: how two copies compare."""
    return re.sub(r"\s+", "", _COMMENT.sub("", text))


def _shape(text: str) -> str:
    """The code with every variable renamed alike, so a copy with other names still matches."""
    return _VARIABLE.sub("$", _code(text))


def test_the_library_holds_the_shared_helpers() -> None:
    names = {fragment.name for fragment in FRAGMENTS}
    assert {"periodProblem.jsonata", "boardOf.jsonata", "boundedProblem.jsonata"} <= names
    assert set(FRAGMENTS) <= set(definition_sources())


@pytest.mark.parametrize("fragment", FRAGMENTS, ids=lambda each: each.name)
def test_no_definition_writes_the_helper_out_by_hand(fragment: Path) -> None:
    body = _shape(fragment.read_text(encoding="utf-8"))
    for each in WORKFLOWS:
        definition = json.loads(each.file.read_text(encoding="utf-8"))
        copies = [e for e in _expressions(definition) if body in _shape(e)]
        assert copies == [], (
            f"{each.file.name} writes {fragment.name} out by hand: "
            f"use ${{{library_placeholder(fragment)}}} instead"
        )


@pytest.mark.parametrize("fragment", FRAGMENTS, ids=lambda each: each.name)
def test_every_fragment_is_used_by_a_definition(fragment: Path) -> None:
    placeholder = f"${{{library_placeholder(fragment)}}}"
    users = [w.name for w in WORKFLOWS if placeholder in w.file.read_text(encoding="utf-8")]
    assert users, f"no definition uses {placeholder}"


@pytest.mark.parametrize("fragment", FRAGMENTS, ids=lambda each: each.name)
def test_a_fragment_is_plain_jsonata_that_compacts_safely(fragment: Path) -> None:
    # CloudFormation substitutes once: a placeholder inside a fragment would reach AWS as is,
    # and `%}` would end the enclosing expression early.
    text = fragment.read_text(encoding="utf-8")
    assert "${" not in text
    assert "%}" not in text
    # Compacting joins lines and drops comments: no literal may span lines or hold `/*`.
    for line in _COMMENT.sub("", text).splitlines():
        assert line.count("'") % 2 == 0 and line.count('"') % 2 == 0, line
    assert "*/" not in _COMMENT.sub("", text)
    compact = compact_fragment(text)
    assert "\n" not in compact
    assert _code(compact) == _code(text) != ""


def test_rendering_inlines_each_fragment_on_one_line_into_valid_json() -> None:
    values = substitutions(SETTINGS)
    compacts = {f: compact_fragment(f.read_text(encoding="utf-8")) for f in FRAGMENTS}
    for each in WORKFLOWS:
        raw = each.file.read_text(encoding="utf-8")
        expressions = list(_expressions(json.loads(render_definition(each, values))))
        # asl-validator (the deploy check) takes a `{% ... %}` string on one line only.
        assert not [e for e in expressions if "\n" in e]
        for fragment, compact in compacts.items():
            uses = raw.count(f"${{{library_placeholder(fragment)}}}")
            assert sum(e.count(compact) for e in expressions) == uses, (each.name, fragment.name)
