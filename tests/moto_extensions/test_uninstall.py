"""``uninstall()`` puts back every original moto attribute: moto behaves as stock again."""

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

from leaderboard.local import moto_extensions

REPOSITORY = Path(__file__).resolve().parents[2]


@cache
def probe() -> dict[str, Any]:
    """What ``uninstall_probe`` saw, in an interpreter of its own."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.moto_extensions.uninstall_probe"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPOSITORY,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return report


def test_stock_moto_accepts_what_the_extensions_refuse_and_has_no_jsonata() -> None:
    assert probe()["stock"] == {"definition": "accepted", "jsonata": "unwired"}
    assert probe()["installed"] == {"definition": "InvalidDefinition", "jsonata": "2"}


def test_uninstall_restores_every_original_so_moto_behaves_as_stock() -> None:
    report = probe()

    assert report["uninstalled"] == report["stock"]
    assert report["left_in_registry"] == 0
    assert report["patched_owners_seen"] is True
    assert report["not_restored"] == []
    assert report["not_stock"] == []  # the very objects moto held before install


def test_every_extension_module_and_the_clock_patched_through_the_registry() -> None:
    expected = {module.__name__ for module, _ in moto_extensions.EXTENSIONS}
    expected |= {moto_extensions.__name__, "leaderboard.local.clock"}

    assert set(probe()["modules"]) == expected


def test_without_the_speed_patches_every_feature_is_still_installed() -> None:
    report = probe()

    assert report["without_speed"] == report["installed"]
    assert report["without_speed_kinds"] == ["feature"]
    assert report["kept_without_speed"] is True
    assert report["features_alike"] is True
