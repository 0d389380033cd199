"""`pip install` of the built wheel into a clean venv: what a backend gets with the client extra.

Builds the wheel from this checkout, installs it with `[client]` into a new venv without pip or
setuptools (pip fetches boto3 from its configured index or cache), then runs the client and the
console script there, outside the checkout, so nothing can come from the repository by accident.
"""

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.packaging.fresh_interpreter import REPOSITORY

DISTRIBUTION = "stepfunctions-momento-leaderboard"
LOCAL_ONLY = {"jsonschema", "moto", "momento", "grpcio", "rich", "aws-cdk-lib", "cheroot"}
_PROBE = """
import importlib.metadata, json, sys
from pathlib import Path
import leaderboard
from leaderboard.board_rules import BOARDS_FILE, SCHEMA_FILE
from leaderboard.client import LeaderboardClient
from leaderboard.definitions import definition_sources
package = Path(leaderboard.__file__).parent
shipped = [BOARDS_FILE, SCHEMA_FILE, *definition_sources()]
print(json.dumps({
    "outside_package": [str(f) for f in shipped if not f.is_file() or package not in f.parents],
    "stage": LeaderboardClient("dev", region_name="us-east-1").stage,
    "modules": sorted({name.split(".")[0] for name in sys.modules}),
    "distributions": sorted(d.metadata["Name"].lower() for d in importlib.metadata.distributions()),
}))
"""


def _run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        timeout=600,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    built = _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "--wheel-dir", dist, REPOSITORY, cwd=dist,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = dist.glob("*.whl")
    return found


def test_the_wheel_carries_the_package_and_its_data_and_nothing_else(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"leaderboard", f"{DISTRIBUTION.replace('-', '_')}-0.1.0.dist-info"}
    statemachines = REPOSITORY / "statemachines"
    # The definitions and the shared JSONata fragments they inline (`statemachines/lib/`).
    shipped = {str(p.relative_to(statemachines)) for p in statemachines.rglob("*") if p.is_file()}
    assert any(name.startswith("lib/") for name in shipped)
    assert {n.removeprefix("leaderboard/statemachines/") for n in names} >= shipped
    assert {"leaderboard/boards.json", "leaderboard/board_rules.schema.json"} <= set(names)


@pytest.mark.slow
def test_the_client_extra_installs_into_a_clean_venv_and_runs_outside_the_checkout(
    wheel: Path, tmp_path: Path
) -> None:
    environment = tmp_path / "venv"
    # No pip inside: this session's pip installs into it (`--python`), a few seconds sooner.
    venv.create(environment, with_pip=False)
    python = environment / "bin" / "python"
    installed = _run(
        sys.executable, "-m", "pip", "--python", python, "install", "--quiet", f"{wheel}[client]",
        cwd=tmp_path,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr

    probe = _run(python, "-c", _PROBE, cwd=tmp_path)
    assert probe.returncode == 0, probe.stderr
    report = json.loads(probe.stdout)
    assert report["outside_package"] == []
    assert report["stage"] == "dev"
    assert "jsonschema" not in report["modules"] and "moto" not in report["modules"]
    assert "boto3" in report["distributions"]
    assert set(report["distributions"]) & LOCAL_ONLY == set()

    script = _run(environment / "bin" / "leaderboard-local", "--help", cwd=tmp_path)
    assert script.returncode == 1
    assert f"pip install '{DISTRIBUTION}[local]'" in script.stderr
    assert "Traceback" not in script.stderr
