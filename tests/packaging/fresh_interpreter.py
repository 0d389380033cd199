"""Runs code in a new interpreter and reports which modules it loaded beyond a bare start.

What a module imports is only visible in a process that has imported nothing else yet: the
test session itself has loaded moto, jsonschema and CDK long before.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement

REPOSITORY = Path(__file__).resolve().parents[2]
_REPORT = "import json, sys; print(json.dumps(sorted(sys.modules)))"


def loaded_modules(code: str) -> set[str]:
    """The modules `code` loaded, minus those a bare interpreter of this venv loads anyway."""
    return _modules_after(f"{code}\n{_REPORT}") - _modules_after(_REPORT)


def _modules_after(code: str) -> set[str]:
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPOSITORY,
        env=environment,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return set(json.loads(result.stdout.splitlines()[-1]))


def third_party(modules: set[str]) -> set[str]:
    """Top-level names of `modules` that are neither stdlib nor this project (nor aliases such
    as `__mp_main__`, which name an already loaded `__main__`)."""
    tops = {name.split(".")[0] for name in modules if not name.startswith("__")}
    return {top for top in tops if top not in sys.stdlib_module_names and top != "leaderboard"}


def import_names_of(distribution: str) -> set[str]:
    """The top-level modules `distribution` and everything it requires (no extras) provide."""
    by_distribution: dict[str, set[str]] = {}
    for module, distributions in importlib.metadata.packages_distributions().items():
        for each in distributions:
            by_distribution.setdefault(_normalized(each), set()).add(module)
    names: set[str] = set()
    pending, seen = [distribution], set()
    while pending:
        current = _normalized(pending.pop())
        if current in seen:
            continue
        seen.add(current)
        names |= by_distribution.get(current, set())
        for text in importlib.metadata.requires(current) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return names


def _normalized(name: str) -> str:
    return name.lower().replace("_", "-")
