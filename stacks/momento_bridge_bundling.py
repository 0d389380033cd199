"""Docker-free packaging of the bridge Lambda: pip's platform options at synth time, cached.

The SDK needs `grpcio`, a native wheel. The asset must carry the manylinux build for the
function's architecture and the Lambda runtime's Python (not this machine's), so pip runs with
`--platform/--implementation/--python-version --only-binary=:all:`: it downloads the right
wheels and never builds. A missing wheel fails the synth with pip's reason, not at run time.

The bundle is keyed by a hash of everything that goes in (requirements, sources, runtime,
platforms), which is also the asset hash: CDK skips bundling when `cdk.out` already holds it,
and `.local/bridge-bundles/<hash>` (gitignored) keeps it across `cdk.out` clean-ups and the
temporary out dirs tests synthesize into.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import jsii
from aws_cdk import ILocalBundling

PROJECT_ROOT: Final = Path(__file__).resolve().parent.parent
BRIDGE_DIR: Final = PROJECT_ROOT / "functions" / "momento_bridge"
CACHE_DIR: Final = PROJECT_ROOT / ".local" / "bridge-bundles"
KEPT_BUNDLES: Final = 3  # e.g. arm64 and x86_64 side by side, plus the previous edit

# What the handler imports from the repository, as whole packages: every module in them goes
# in, so a new one needs no list kept by hand. The rest comes from requirements.txt.
BUNDLED_PACKAGES: Final = ("functions/momento_bridge", "leaderboard/momento_contract")
# Parents whose `__init__.py` stays out: `leaderboard` goes in as a namespace package holding
# only the contract the bridge shares with the local server's HTTP door, so nothing of the
# local runtime (its `__init__` or siblings) can come along.
NAMESPACE_PARENTS: Final = frozenset({"leaderboard"})

PLATFORMS: Final = {
    "arm64": ("manylinux2014_aarch64", "manylinux_2_28_aarch64", "manylinux_2_34_aarch64"),
    "x86_64": ("manylinux2014_x86_64", "manylinux_2_28_x86_64", "manylinux_2_34_x86_64"),
}


class BundlingError(RuntimeError):
    """The asset cannot be built; the message says what is missing."""


def bundled_sources(packages: Sequence[str] = BUNDLED_PACKAGES) -> tuple[str, ...]:
    """The files the asset holds, relative to the project: each package's every `.py` file and
    its parents' `__init__.py` (but for the namespace parents), sorted so the hash is stable."""
    sources: set[str] = set()
    for package in packages:
        package_dir = PROJECT_ROOT / package
        if not (package_dir / "__init__.py").is_file():
            raise BundlingError(f"bundled package: {package!r} has no __init__.py")
        sources.update(
            path.relative_to(PROJECT_ROOT).as_posix() for path in package_dir.rglob("*.py")
        )
        for parent in Path(package).parents[:-1]:  # up to, not including, the project root
            parent_init = PROJECT_ROOT / parent / "__init__.py"
            if parent.as_posix() not in NAMESPACE_PARENTS and parent_init.is_file():
                sources.add(parent_init.relative_to(PROJECT_ROOT).as_posix())
    return tuple(sorted(sources))


@dataclass(frozen=True)
class BridgeBundle:
    """What goes into the asset for one runtime and architecture."""

    python_version: str  # "3.14", from the Lambda runtime name
    architecture: str  # "arm64" | "x86_64"
    requirements: Path = BRIDGE_DIR / "requirements.txt"
    sources: Sequence[str] = field(default_factory=bundled_sources)

    @property
    def platforms(self) -> tuple[str, ...]:
        try:
            return PLATFORMS[self.architecture]
        except KeyError:
            raise BundlingError(
                f"architecture: {self.architecture!r} has no wheel platforms"
            ) from None

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        digest.update(f"{self.python_version}|{self.architecture}|{self.platforms}".encode())
        digest.update(self.requirements.read_bytes() + b"\0")
        for source in self.sources:
            digest.update(source.encode() + b"\0" + (PROJECT_ROOT / source).read_bytes() + b"\0")
        return digest.hexdigest()

    def build(self, output_dir: Path) -> None:
        """Fill `output_dir` from the cache, building the cache entry first if needed."""
        cached = CACHE_DIR / self.fingerprint()
        if not cached.is_dir():
            self._build_into_cache(cached)
        shutil.copytree(cached, output_dir, dirs_exist_ok=True)

    def _build_into_cache(self, cached: Path) -> None:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=CACHE_DIR, prefix="building-") as scratch:
            staging = Path(scratch) / "bundle"
            self._pip_install(staging)
            for source in self.sources:
                target = staging / source
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(PROJECT_ROOT / source, target)
            # Another synth may have finished the same entry meanwhile; either copy is equal.
            if not cached.exists():
                os.replace(staging, cached)
        _prune(keep=cached)

    def _pip_install(self, target: Path) -> None:
        platform_args = [arg for platform in self.platforms for arg in ("--platform", platform)]
        command = [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--no-compile", "--only-binary=:all:", "--implementation", "cp",
            "--python-version", self.python_version, *platform_args,
            "--target", str(target), "--requirement", str(self.requirements),
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise BundlingError(
                f"momento bridge: pip found no wheels for Python {self.python_version} on "
                f"{'/'.join(self.platforms)} (no Docker fallback).\n{result.stderr.strip()}"
            )


def _prune(keep: Path) -> None:
    """Drop all but the newest few bundles: every source edit makes a new ~70 MB one."""
    entries = [path for path in CACHE_DIR.iterdir() if path.is_dir() and path != keep]
    entries.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    for stale in entries[KEPT_BUNDLES - 1 :]:
        if not stale.name.startswith("building-"):  # another synth's work in progress
            shutil.rmtree(stale, ignore_errors=True)


@jsii.implements(ILocalBundling)
class LocalPipBundling:
    """CDK's local bundling hook: builds the bundle or fails the synth; never defers to Docker."""

    def __init__(self, bundle: BridgeBundle) -> None:
        self._bundle = bundle

    def try_bundle(self, output_dir: str, *_options: Any, **_named: Any) -> bool:
        self._bundle.build(Path(output_dir))
        return True
