"""One stage's deployment settings, read from CDK context and checked before anything is built.

Context keys (all optional, `-c key=value` or `cdk.json`):

| key | default |
|---|---|
| `stageName` | `dev` |
| `ssmStageName` | `stageName`: an ephemeral stage reuses another stage's secret and cache |
| `region` | `CDK_DEFAULT_REGION`, else `us-east-1` (decided in the app, passed in here) |
| `momentoEndpoint` | Momento's HTTP endpoint in the region (`stacks/momento_endpoints.py`) |
| `momentoSortedSetEndpoint` | `bridge` (the bridge Lambda), or a URL once Momento serves them |
| `cacheName` | `leaderboard-{ssmStageName}` |
| `boardsFile` | `boards.json` at the repository root: the board rules (docs/workflows.md) |
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from leaderboard import naming
from leaderboard.board_rules import BOARDS_FILE, BoardRules, load_board_rules
from stacks.momento_endpoints import momento_http_endpoint

CONTEXT_KEYS: Final = (
    "stageName",
    "ssmStageName",
    "momentoEndpoint",
    "momentoSortedSetEndpoint",
    "cacheName",
    "boardsFile",
)
PRODUCTION_STAGE: Final = "prod"
BRIDGE: Final = "bridge"
DEFAULT_STAGE: Final = "dev"

_CACHE_NAME: Final = re.compile(r"^[A-Za-z0-9_.-]{1,255}$")


@dataclass(frozen=True)
class StageConfig:
    """Everything that differs between stages; resources derive their names from it."""

    stage_name: str
    ssm_stage_name: str
    momento_endpoint: str
    # None: the stack's bridge Lambda serves the sorted-set routes (its URL is known at deploy).
    momento_sorted_set_endpoint: str | None
    cache_name: str
    # Checked when the config is read, so a bad boards file stops synthesis with its place named.
    board_rules: BoardRules = field(default_factory=load_board_rules, compare=False)

    @property
    def is_production(self) -> bool:
        """Production logs errors only, without execution data, and keeps its logs."""
        return self.stage_name == PRODUCTION_STAGE

    @property
    def momento_api_key_secret_name(self) -> str:
        """The Secrets Manager secret (created outside the stack) holding the Momento key."""
        return naming.api_key_secret_name(self.ssm_stage_name)

    @property
    def event_bus_name(self) -> str:
        """`leaderboard-{stage}`: the bus the workflows announce their outcomes on."""
        return naming.stage_name(self.stage_name)

    def resource_name(self, suffix: str) -> str:
        """`leaderboard-{stage}-{suffix}`: every resource name carries the stage."""
        return naming.resource_name(self.stage_name, suffix)

    @classmethod
    def from_context(cls, context: Mapping[str, Any], *, region: str) -> StageConfig:
        """Read and check the context; a ValueError names the key and the problem."""
        stage_name = _stage(context, "stageName", DEFAULT_STAGE)
        ssm_stage_name = _stage(context, "ssmStageName", stage_name)
        momento_endpoint = _endpoint(context, "momentoEndpoint", None, region)
        return cls(
            stage_name=stage_name,
            ssm_stage_name=ssm_stage_name,
            momento_endpoint=momento_endpoint,
            momento_sorted_set_endpoint=_sorted_set_endpoint(context, region),
            cache_name=_cache_name(context, naming.stage_name(ssm_stage_name)),
            board_rules=load_board_rules(Path(_text(context, "boardsFile") or BOARDS_FILE)),
        )


def _text(context: Mapping[str, Any], key: str) -> str | None:
    value = context.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ValueError(f"{key}: must be a non-empty string (got {value!r})")
    return value


def _stage(context: Mapping[str, Any], key: str, default: str) -> str:
    return naming.check_stage(_text(context, key) or default, key=key)


def _sorted_set_endpoint(context: Mapping[str, Any], region: str) -> str | None:
    if (_text(context, "momentoSortedSetEndpoint") or BRIDGE) == BRIDGE:
        return None
    return _endpoint(context, "momentoSortedSetEndpoint", None, region)


def _endpoint(context: Mapping[str, Any], key: str, default: str | None, region: str) -> str:
    value = _text(context, key) or default or momento_http_endpoint(region)
    parts = urlsplit(value)
    # The HTTP Task reaches public HTTPS endpoints only; a query or fragment would break the
    # `{endpoint}/sortedset/...` URLs the definitions build.
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(
            f"{key}: must be an https:// URL without query or fragment (got {value!r})"
        )
    return value.rstrip("/")


def _cache_name(context: Mapping[str, Any], default: str) -> str:
    value = _text(context, "cacheName") or default
    if not _CACHE_NAME.match(value):
        raise ValueError(
            f"cacheName: must be 1-255 letters, digits, '_', '.' or '-' (got {value!r})"
        )
    return value
