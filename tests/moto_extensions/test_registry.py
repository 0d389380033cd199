"""Every change the local runtime makes to moto is in one registry, with its module and kind,
and the extensions refuse a moto other than the one they were written against."""

import importlib.metadata
import re
from pathlib import Path

import pytest

from leaderboard.local import moto_extensions, patching
from leaderboard.local.patching import Kind
from leaderboard.local.stepfunctions import jsonata_eval

REPOSITORY = Path(__file__).resolve().parents[2]
# The one patch a feature module marks as a speed patch (jsonata-python's frame lookup).
SPEED_IN_FEATURE_MODULES = {(jsonata_eval.__name__, "lookup")}


def test_the_registry_lists_every_extension_module_with_its_kind() -> None:
    moto_extensions.install()
    installed = patching.patches()
    kinds = {module.__name__: kind for module, kind in moto_extensions.EXTENSIONS}

    assert {patch.module for patch in installed} >= set(kinds)
    for patch in installed:
        if patch.module in kinds:
            expected = (
                Kind.SPEED
                if (patch.module, patch.name) in SPEED_IN_FEATURE_MODULES
                else kinds[patch.module]
            )
            assert patch.kind is expected, patch
        assert patch.why, patch  # each module says why it patches
    assert {
        (patch.module, patch.name) for patch in installed if patch.kind is Kind.SPEED
    } >= SPEED_IN_FEATURE_MODULES
    setting = next(patch for patch in installed if patch.module == moto_extensions.__name__)
    assert (setting.name, setting.replacement) == ("stepfunctions", {"execute_state_machine": True})


def test_installing_twice_changes_nothing() -> None:
    moto_extensions.install()
    before = patching.patches()

    moto_extensions.install()

    after = patching.patches()
    assert len(after) == len(before)
    assert all(a is b for a, b in zip(after, before, strict=True))


def test_installing_again_without_the_speed_patches_is_refused_and_changes_nothing() -> None:
    moto_extensions.install()
    before = patching.patches()

    with pytest.raises(ValueError, match=r"speed: the extensions are installed with speed=True"):
        moto_extensions.install(speed=False)

    assert patching.patches() == before


def test_a_moto_other_than_the_pinned_one_is_refused_by_name() -> None:
    with pytest.raises(moto_extensions.MotoVersionError) as refused:
        moto_extensions.check_moto_version("5.2.6")

    assert "moto 5.2.5" in str(refused.value)
    assert "moto 5.2.6 is installed" in str(refused.value)


def test_the_installed_moto_is_the_pinned_one_everywhere_it_is_pinned() -> None:
    moto_extensions.check_moto_version(importlib.metadata.version("moto"))
    for pin_file in ("requirements.txt", "pyproject.toml"):
        pins = re.findall(r"moto\[[^\]]*\]==([\w.]+)", (REPOSITORY / pin_file).read_text())
        assert pins == [moto_extensions.MOTO_VERSION], pin_file


def test_patching_outside_a_group_is_refused_and_changes_nothing() -> None:
    class Owner:
        value = "stock"

    with pytest.raises(RuntimeError, match="outside patch_group"):
        patching.replace_attribute(Owner, "value", "patched")

    assert Owner.value == "stock"
