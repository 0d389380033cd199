"""A deploy smoke test: every workflow run once against a deployed stage, on a throwaway board.

`make smoke STAGE=dev` (or `python -m leaderboard.smoke --stage dev`). See docs/deploy.md.
"""
