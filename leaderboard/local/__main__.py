"""`python -m leaderboard.local`: the same as the `leaderboard-local` console script."""

import gc
import sys

from leaderboard.local.entry_point import main

status = main()
# The process ends here: the interpreter's last collection would walk every object moto and
# botocore loaded only to free memory the OS takes back anyway. After `up` printed "stopped"
# that walk took 1.7-10 s on a loaded machine (0.1-0.3 s frozen), enough to fail a caller that
# waits for the exit.
gc.freeze()
sys.exit(status)
