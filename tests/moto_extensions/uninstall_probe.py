"""Run in a fresh interpreter by ``test_uninstall``: installs the extensions, uninstalls them,
and prints (as JSON) what moto does and holds at each step.

Uninstalling in the test session would pull the extensions from under every other test, so
this runs alone. The snapshot of moto's namespaces is taken after importing the extensions
(which changes nothing) and every module of moto's Step Functions interpreter (some the
extensions import only as they install), and before installing them: stock moto 5.2.5.
"""

import importlib
import json
import pkgutil
import sys
from types import ModuleType
from typing import Any, Final

import boto3
import moto.stepfunctions.parser
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata

from leaderboard.local import moto_extensions, patching
from leaderboard.local.clock import LocalClock
from leaderboard.local.patching import ABSENT, Kind

MISSING_NEXT = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass"}}})


# Objects of these packages are patched in place too (e.g. a jsonata function in its frame).
PATCHED_PACKAGES: Final = ("moto.", "jsonata.")


def _followed(value: object) -> bool:
    if isinstance(value, type | list | dict):
        return True
    # The class is asked first: proxies (werkzeug's) raise on any attribute of their own.
    kind = type(value)
    return kind.__module__.startswith(PATCHED_PACKAGES) and hasattr(value, "__dict__")


def snapshot() -> dict[int, Any]:
    """A copy of the namespace of every loaded module and of the classes (nested ones too),
    lists and dicts they hold, and of the moto and jsonata objects reachable from them."""
    copies: dict[int, Any] = {}
    pending: list[object] = [m for m in list(sys.modules.values()) if isinstance(m, ModuleType)]
    while pending:
        owner = pending.pop()
        if id(owner) in copies:
            continue
        if isinstance(owner, list):
            copies[id(owner)] = owner.copy()
            continue
        copies[id(owner)] = owner.copy() if isinstance(owner, dict) else dict(vars(owner))
        pending.extend(
            value
            for value in copies[id(owner)].values()
            if _followed(value) and id(value) not in copies
        )
    return copies


def held(owner: object, name: str) -> object:
    """What ``owner`` holds under ``name`` now (for a list: its items)."""
    if isinstance(owner, list):
        return list(owner)
    return (owner if isinstance(owner, dict) else vars(owner)).get(name, ABSENT)


def stock_held(stock: dict[int, Any], owner: object, name: str) -> object:
    """What ``owner`` held under ``name`` before install."""
    before = stock[id(owner)]
    return before if isinstance(owner, list) else before.get(name, ABSENT)


def same(now: object, before: object) -> bool:
    """Identity, item by item for a list."""
    if isinstance(now, list) and isinstance(before, list):
        return len(now) == len(before) and all(a is b for a, b in zip(now, before, strict=True))
    return now is before


def behaviour() -> dict[str, str]:
    with mock_aws():
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        try:
            sfn.create_state_machine(
                name="missing-next",
                definition=MISSING_NEXT,
                roleArn="arn:aws:iam::123456789012:role/r",
            )
            definition = "accepted"
        except ClientError as error:
            definition = error.response["Error"]["Code"]
    try:
        jsonata = repr(moto_jsonata.eval_jsonata_expression("1 + 1"))
    except TypeError:  # moto 5.2.5's evaluator is a stub: None called
        jsonata = "unwired"
    return {"definition": definition, "jsonata": jsonata}


def main() -> None:
    parser = moto.stepfunctions.parser
    for module in pkgutil.walk_packages(parser.__path__, f"{parser.__name__}."):
        try:
            importlib.import_module(module.name)
        except ImportError:  # moto 5.2.5 ships a few (usage metrics) that cannot be imported
            continue
    stock = snapshot()
    report: dict[str, Any] = {"stock": behaviour()}

    moto_extensions.install()
    LocalClock().attach("probe")  # the clock's own patch is part of the registry too
    installed = patching.patches()
    report["installed"] = behaviour()
    report["modules"] = sorted({patch.module for patch in installed})

    moto_extensions.uninstall()
    report["uninstalled"] = behaviour()
    report["left_in_registry"] = len(patching.patches())
    report["patched_owners_seen"] = all(id(patch.owner) in stock for patch in installed)
    first: dict[tuple[int, str], patching.Patch] = {}
    for patch in installed:  # stacked patches: the first one's original is moto's
        first.setdefault((id(patch.owner), patch.name), patch)
    report["not_restored"] = [
        f"{patch.module}: {patch.name}"
        for patch in first.values()
        if not isinstance(patch.owner, list) and held(patch.owner, patch.name) is not patch.original
    ]
    report["not_stock"] = [
        f"{patch.module}: {patch.name}"
        for patch in installed
        if not same(held(patch.owner, patch.name), stock_held(stock, patch.owner, patch.name))
    ]

    moto_extensions.install(speed=False)
    without_speed = patching.patches()
    moto_extensions.install()  # as the endpoint calls it: keeps what is installed
    report["kept_without_speed"] = len(patching.patches()) == len(without_speed)
    report["without_speed"] = behaviour()
    report["without_speed_kinds"] = sorted({patch.kind.value for patch in without_speed})
    report["features_alike"] = {
        (patch.module, patch.name) for patch in installed if patch.kind is Kind.FEATURE
    } - {(patch.module, patch.name) for patch in without_speed} == {
        ("leaderboard.local.clock", "__init__")  # not attached again since
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
