"""The product's state machines and the one function that fills in their placeholders.

The ASL files under `statemachines/` are the single source of truth for AWS and for the
local runtime. They carry `${Name}` placeholders; `substitutions` produces the values for
both sides (CDK passes them as `definition_substitutions`, the local runtime calls
`render_definition`), so a deployed stage and a laptop can never disagree on them.

JSONata helpers that several definitions use are written once, as readable multi-line
fragments in `statemachines/lib/<helper>.jsonata`, and inlined through the same placeholders
(`${LibDaysInMonth}` is `lib/daysInMonth.jsonata`), so no definition keeps a copy of its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from leaderboard.board_rules import BoardRules, load_board_rules
from leaderboard.shipped_files import shipped_path

_STATEMACHINES_DIR: Final = shipped_path("statemachines")
# Same syntax CloudFormation's DefinitionSubstitutions recognises: ${Name}.
_PLACEHOLDER: Final = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
_LIBRARY_DIR: Final = _STATEMACHINES_DIR / "lib"
_COMMENT: Final = re.compile(r"/\*.*?\*/", re.DOTALL)


@dataclass(frozen=True)
class Workflow:
    """One state machine of the product: its short name, its ASL file and its type."""

    name: str
    file: Path
    type: Literal["EXPRESS", "STANDARD"]


WORKFLOWS: Final[tuple[Workflow, ...]] = (
    Workflow(
        name="submit-score",
        file=_STATEMACHINES_DIR / "submit-score.asl.json",
        type="EXPRESS",
    ),
    Workflow(
        name="get-standing",
        file=_STATEMACHINES_DIR / "get-standing.asl.json",
        type="EXPRESS",
    ),
    Workflow(
        name="get-leaderboard",
        file=_STATEMACHINES_DIR / "get-leaderboard.asl.json",
        type="EXPRESS",
    ),
    Workflow(
        name="close-period",
        file=_STATEMACHINES_DIR / "close-period.asl.json",
        type="STANDARD",
    ),
)


def workflow(name: str) -> Workflow:
    """The workflow called `name`; a ValueError lists the known names otherwise."""
    for candidate in WORKFLOWS:
        if candidate.name == name:
            return candidate
    known = ", ".join(w.name for w in WORKFLOWS)
    raise ValueError(f"unknown workflow {name!r}; known workflows: {known}")


def task_resources(workflow: Workflow) -> frozenset[str]:
    """Every Task `Resource` the definition calls, branches and Map iterations included.

    The CDK stack grants a workflow's role exactly what these name, so permissions follow
    the definition instead of a list kept beside it.
    """

    def visit(states: Mapping[str, Any]) -> Iterator[str]:
        for state in states.values():
            if state.get("Type") == "Task":
                yield state["Resource"]
            for nested in [*state.get("Branches", []), state.get("ItemProcessor")]:
                if nested:
                    yield from visit(nested["States"])

    return frozenset(visit(json.loads(workflow.file.read_text(encoding="utf-8"))["States"]))


@dataclass(frozen=True)
class DefinitionSettings:
    """Where a stage's state machines send their calls, and the board rules they apply."""

    momento_sorted_set_endpoint: str
    momento_endpoint: str
    cache_name: str
    connection_arn: str
    event_bus_name: str
    # Left out of the hash: its entries are mappings, and the endpoints already identify a stage.
    # By default the repository's boards.json, checked on load.
    board_rules: BoardRules = field(default_factory=load_board_rules, hash=False)
    # The S3 bucket close-period archives to; the CDK stack and the local stack name it.
    archive_bucket: str = ""


def substitutions(settings: DefinitionSettings) -> dict[str, str]:
    """The `${Name}` placeholder values of every workflow for one stage.

    `BoardRules` is JSON text escaped for the inside of a JSON string: the definitions embed
    it as `"{% ${BoardRules} %}"`, so the file is valid JSON before and after substitution and
    JSONata reads the rules as an object literal: complete defaults, the entries as written and
    the UTC-offset table of every time zone a periodic board uses (`BoardRules.definition_data`).
    """
    rules = settings.board_rules.definition_data()
    rules_json = json.dumps(rules, separators=(",", ":"), sort_keys=True)
    return {
        "MomentoSortedSetEndpoint": settings.momento_sorted_set_endpoint.rstrip("/"),
        "MomentoEndpoint": settings.momento_endpoint.rstrip("/"),
        "CacheName": settings.cache_name,
        "MomentoConnectionArn": settings.connection_arn,
        "EventBusName": settings.event_bus_name,
        "BoardRules": json.dumps(rules_json)[1:-1],
        "ArchiveBucket": settings.archive_bucket,
        **library_substitutions(),
    }


def library_placeholder(fragment: Path) -> str:
    """The placeholder name a library fragment fills: `lib/daysInMonth.jsonata` is `LibDaysInMonth`.

    Letters and digits only, like every other placeholder, so CloudFormation accepts it.
    """
    stem = fragment.name.removesuffix(".jsonata")
    return "Lib" + stem[0].upper() + stem[1:]


def library_fragments() -> tuple[Path, ...]:
    """Every shared JSONata fragment under `statemachines/lib/`, by name."""
    return tuple(sorted(_LIBRARY_DIR.glob("*.jsonata")))


def definition_sources() -> tuple[Path, ...]:
    """Every file a rendered definition is made of: the workflows' ASL and the shared fragments.

    The local runtime watches these, so saving a fragment redeploys the machines that use it.
    """
    return (*(each.file for each in WORKFLOWS), *library_fragments())


def library_substitutions() -> dict[str, str]:
    """Each fragment, compacted, as a placeholder value escaped for the inside of a JSON string."""
    return {
        library_placeholder(fragment): json.dumps(
            compact_fragment(fragment.read_text(encoding="utf-8")), ensure_ascii=False
        )[1:-1]
        for fragment in library_fragments()
    }


def compact_fragment(text: str) -> str:
    """The fragment on one line, without its `/* */` comments.

    The fragments are written for people; the definitions get the bare expression, one line
    as it stood in them before: asl-validator (the deploy check) takes a `{% ... %}` string
    on one line only, and comments would only grow every definition. Joining lines is safe
    because no string or regex literal in a fragment spans lines or holds `/*`
    (tests/workflows/test_jsonata_library.py checks both).
    """
    code = _COMMENT.sub("", text)
    return " ".join(line.strip() for line in code.splitlines() if line.strip())


def render_definition(workflow: Workflow, substitutions: Mapping[str, str]) -> str:
    """The workflow's ASL with every `${Name}` replaced, as CloudFormation would do it.

    Raises ValueError naming every placeholder that `substitutions` leaves unresolved, so a
    local deployment fails loudly instead of sending requests to a literal `${...}` URL.
    """
    text = workflow.file.read_text(encoding="utf-8")
    missing = sorted({name for name in _PLACEHOLDER.findall(text) if name not in substitutions})
    if missing:
        names = ", ".join(f"${{{name}}}" for name in missing)
        raise ValueError(f"{workflow.file.name}: unresolved placeholders: {names}")
    return _PLACEHOLDER.sub(lambda match: substitutions[match.group(1)], text)
