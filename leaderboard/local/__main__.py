"""`python -m leaderboard.local`: the same as the `leaderboard-local` console script."""

import sys

from leaderboard.local.entry_point import main

sys.exit(main())
