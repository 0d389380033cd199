"""The product files kept at the repository root, found in a checkout and in an installed wheel.

`statemachines/` and `boards.json` stay at the root, where CDK users and the docs expect them;
the wheel carries them inside the package (`leaderboard/statemachines/`, `leaderboard/boards.json`:
pyproject.toml's `force-include`), so an installed local runtime needs no checkout.
"""

from importlib import resources
from pathlib import Path
from typing import Final

_CHECKOUT_ROOT: Final = Path(__file__).resolve().parent.parent


def shipped_path(name: str) -> Path:
    """`name` inside the installed package, else at the root of the checkout holding this file.

    A Path, not a Traversable: pip always unpacks a wheel, and the local runtime watches the
    definition files' modification times.
    """
    installed = Path(str(resources.files("leaderboard").joinpath(name)))
    return installed if installed.exists() else _CHECKOUT_ROOT / name
