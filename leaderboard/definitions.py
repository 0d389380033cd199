"""The product's state machines and the one function that fills in their placeholders.

The ASL files under `statemachines/` are the single source of truth for AWS and for the
local runtime. They carry `${Name}` placeholders; `substitutions` produces the values for
both sides (CDK passes them as `definition_substitutions`, the local runtime calls
`render_definition`), so a deployed stage and a laptop can never disagree on them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

SERVICE: Final = "leaderboard"

_STATEMACHINES_DIR: Final = Path(__file__).resolve().parent.parent / "statemachines"
# Same syntax CloudFormation's DefinitionSubstitutions recognises: ${Name}.
_PLACEHOLDER: Final = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


def default_board_rules() -> dict[str, Any]:
    """The rules map with defaults only: higher is better, latest score replaces, all-time.

    The state machines resolve a board's rules from this data (exact name in `boards`, else
    the longest matching key of `prefixes`, else `defaults`), never from code branches, so
    configuring a board is a data change. A fresh dict each call: callers may extend it.
    """
    return {
        "defaults": {
            "order": "desc",
            "updateMode": "replace",
            "ttlSeconds": 7 * 24 * 60 * 60,
            "topCount": 10,
        },
        "boards": {},
        "prefixes": {},
    }


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
)


def workflow(name: str) -> Workflow:
    """The workflow called `name`; a ValueError lists the known names otherwise."""
    for candidate in WORKFLOWS:
        if candidate.name == name:
            return candidate
    known = ", ".join(w.name for w in WORKFLOWS)
    raise ValueError(f"unknown workflow {name!r}; known workflows: {known}")


def state_machine_name(stage: str, workflow: Workflow) -> str:
    """`leaderboard-{stage}-{workflow}`: every resource name carries the stage."""
    return f"{SERVICE}-{stage}-{workflow.name}"


@dataclass(frozen=True)
class DefinitionSettings:
    """Where a stage's state machines send their calls, and the board rules they apply."""

    momento_sorted_set_endpoint: str
    momento_endpoint: str
    cache_name: str
    connection_arn: str
    event_bus_name: str
    # Left out of the hash: a dict is unhashable, and the endpoints already identify a stage.
    board_rules: Mapping[str, Any] = field(default_factory=default_board_rules, hash=False)


def substitutions(settings: DefinitionSettings) -> dict[str, str]:
    """The `${Name}` placeholder values of every workflow for one stage.

    `BoardRules` is JSON text escaped for the inside of a JSON string: the definitions embed
    it as `"{% ${BoardRules} %}"`, so the file is valid JSON before and after substitution and
    JSONata reads the rules as an object literal.
    """
    rules_json = json.dumps(dict(settings.board_rules), separators=(",", ":"), sort_keys=True)
    return {
        "MomentoSortedSetEndpoint": settings.momento_sorted_set_endpoint.rstrip("/"),
        "MomentoEndpoint": settings.momento_endpoint.rstrip("/"),
        "CacheName": settings.cache_name,
        "MomentoConnectionArn": settings.connection_arn,
        "EventBusName": settings.event_bus_name,
        "BoardRules": json.dumps(rules_json)[1:-1],
    }


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
