"""`python -m leaderboard.local`: see `leaderboard.local.cli`."""

import sys

from leaderboard.local.cli import main

sys.exit(main())
