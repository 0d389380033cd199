"""The JSONata engine AWS runs (npm `jsonata` 2.0.x plus AWS's functions), driven from Python.

One Node process serves a whole test session: requests go as JSON lines on its stdin, answers
come back as JSON lines on its stdout, a batch at a time, so thousands of evaluations cost one
process start instead of one each.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

_ROOT: Final = Path(__file__).resolve().parents[2]
_SCRIPT: Final = Path(__file__).resolve().with_name("reference_engine.js")
PACKAGE: Final = _ROOT / "node_modules" / "jsonata" / "package.json"


@dataclass(frozen=True)
class Request:
    """One evaluation: an expression and its variables (names without `$`)."""

    expression: str
    bindings: Mapping[str, Any]


class ReferenceEngine:
    """A running `reference_engine.js`; `evaluate` answers a batch of requests in order."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None or not PACKAGE.exists():
            raise RuntimeError("the differential test needs node and `npm ci` (make test runs it)")
        self.version: str = json.loads(PACKAGE.read_text(encoding="utf-8"))["version"]
        self._process = subprocess.Popen(
            [node, str(_SCRIPT)],
            cwd=_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def evaluate(self, requests: Sequence[Request]) -> list[dict[str, Any]]:
        """The answers to `requests`, in their order (Node may finish them out of order)."""
        assert self._process.stdin is not None and self._process.stdout is not None
        lines = [
            json.dumps({"id": i, "expression": r.expression, "bindings": r.bindings}) + "\n"
            for i, r in enumerate(requests)
        ]
        stdin = self._process.stdin
        # Written from a thread: Node's stdout blocks when full, so read while writing.
        writer = threading.Thread(target=lambda: (stdin.writelines(lines), stdin.flush()))
        writer.start()
        answers: list[dict[str, Any]] = [{} for _ in requests]
        for _ in requests:
            answer = json.loads(self._process.stdout.readline())
            answers[answer.pop("id")] = answer
        writer.join()
        return answers

    def close(self) -> None:
        """Ends the Node process (closing its stdin ends its read loop)."""
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=30)
