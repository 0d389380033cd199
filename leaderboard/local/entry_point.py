"""`leaderboard-local`, the console script: the local runtime's CLI (`leaderboard.local.cli`).

Installed with the client alone, the CLI's dependencies are missing; the script then says which
extra to install instead of ending in a traceback.
"""

import sys
from typing import Final

_LOCAL_EXTRA: Final = "pip install 'stepfunctions-momento-leaderboard[local]'"


def main() -> int:
    try:
        from leaderboard.local import cli  # noqa: PLC0415
    except ModuleNotFoundError as error:
        if error.name is None or error.name.split(".")[0] == "leaderboard":
            raise
        sys.stderr.write(
            f"leaderboard-local needs the local runtime's dependencies ({error.name} is not "
            f"installed): {_LOCAL_EXTRA}\n"
        )
        return 1
    return cli.main()
