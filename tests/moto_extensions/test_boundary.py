"""No module changes moto (or any library) except through ``leaderboard.local.patching``,
which records the change: no ``setattr``, no assignment to an imported name's attributes or
items, no registration appended to an imported list."""

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "leaderboard"
PATCHING = PACKAGE / "local" / "patching.py"
_MUTATORS = frozenset({"append", "extend", "insert", "update", "setdefault", "pop", "remove"})
# Per-call state, not a patch: jsonata-python reads the instance evaluating in this thread
# from its thread-local, which it sets itself on each evaluate (see jsonata_eval).
_STATE_NOT_PATCHES = frozenset({"jsonata_eval.py Jsonata.CURRENT.jsonata"})


def _third_party(module: str) -> bool:
    top = module.split(".", maxsplit=1)[0]
    return top != "leaderboard" and top not in sys.stdlib_module_names


def _imported_names(tree: ast.Module) -> set[str]:
    """Names this module binds to something imported from a third-party package."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {
                (alias.asname or alias.name).split(".")[0]
                for alias in node.names
                if _third_party(alias.name)
            }
        elif isinstance(node, ast.ImportFrom) and _third_party(node.module or "leaderboard"):
            names |= {alias.asname or alias.name for alias in node.names}
    return names


def _root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _changes_to_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    imported = _imported_names(tree)
    found: list[str] = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign | ast.Delete):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in {"setattr", "delattr"}:
                found.append(f"{path.name} {node.func.id}({ast.unparse(node.args[0])}, ...)")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _MUTATORS
            and _root(node.func.value) in imported
        ):
            found.append(f"{path.name} {ast.unparse(node.func)}")
        for target in targets:
            if isinstance(target, ast.Attribute | ast.Subscript) and _root(target) in imported:
                found.append(f"{path.name} {ast.unparse(target)}")
    return [change for change in found if change not in _STATE_NOT_PATCHES]


def test_only_the_patching_module_changes_what_other_packages_own() -> None:
    sources = [path for path in sorted(PACKAGE.rglob("*.py")) if path != PATCHING]
    assert len(sources) > 50
    found = [change for path in sources for change in _changes_to_imports(path)]
    assert found == []


def test_the_check_sees_each_kind_of_change(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from moto.sqs import models\n"
        "from botocore.handlers import BUILTIN_HANDLERS\n"
        "from moto.core.config import default_user_config\n"
        "models.unix_time_millis = None\n"
        "setattr(models, 'x', 1)\n"
        "BUILTIN_HANDLERS.append(None)\n"
        "default_user_config['stepfunctions'] = {}\n"
    )
    assert len(_changes_to_imports(sample)) == 4
