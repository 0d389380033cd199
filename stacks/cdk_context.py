"""The context `cdk.json` gives every synthesis: the recommended feature flags of aws-cdk-lib.

The CDK CLI passes it to the app itself; `python app.py` and the tests build their `App`
directly, so they read it here to synthesize the same template the CLI deploys.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

CDK_JSON: Final = Path(__file__).resolve().parent.parent / "cdk.json"


def cdk_json_context(extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """`cdk.json`'s context, with `extra` (a stage's keys, say) taking precedence."""
    context: dict[str, Any] = json.loads(CDK_JSON.read_text(encoding="utf-8"))["context"]
    return {**context, **(extra or {})}
