"""bench/ has no import circle: its modules, read as source, import each other as a tree.

A circle (`bench.momento_server` importing `bench._grpc_door_load`, which imported `member` and
`Throughput` back) forced a function-level import to dodge the half-initialised module; imports
inside functions are counted here too, so hiding one that way fails as well.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench_imports(path: Path) -> set[str]:
    """The `bench.*` modules a file imports anywhere in it, `from bench import x` included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "bench":
                found.update(f"bench.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("bench.")}


def test_bench_modules_import_each_other_without_a_circle() -> None:
    graph = {f"bench.{path.stem}": _bench_imports(path) for path in BENCH.glob("*.py")}
    assert graph["bench.momento_server"]  # the walk sees its imports: not vacuously acyclic
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise AssertionError(f"bench import circle: {' -> '.join(error.args[1])}") from None
