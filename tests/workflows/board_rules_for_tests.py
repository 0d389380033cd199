"""Board rules the workflow tests deploy: one prefix per behaviour under test.

Tests create boards named `{prefix}{unique suffix}`, so a board's rules follow from its name
and tests never depend on the example boards in the repository's `boards.json`. Boards with
no matching prefix (the `board-...` boards of the submit-score tests) get the built-in
defaults: higher is better, the latest score replaces.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Final

from leaderboard.board_rules import BoardRule, parse_board_rules
from leaderboard.definitions import DefinitionSettings
from leaderboard.local.stack import LocalStack

# Small pages and neighbourhoods so edges (last rank, board smaller than a window) stay cheap.
_SMALL: Final = {"defaultPageSize": 3, "maxPageSize": 9, "neighbourhood": 2}

TEST_BOARD_RULES: Final = parse_board_rules(
    {
        "prefixes": {
            "desc-": {"order": "desc"},
            "asc-": {"order": "asc"},
            "small-desc-": {"order": "desc", **_SMALL},
            "small-asc-": {"order": "asc", **_SMALL},
            # Competition ranks (ties share the rank of the first of them).
            "fair-desc-": {"order": "desc", "tieRank": "competition", **_SMALL},
            "fair-asc-": {"order": "asc", "tieRank": "competition", **_SMALL},
            "fair-best-asc-": {"order": "asc", "updateMode": "best", "tieRank": "competition"},
            "fair-increment-desc-": {
                "order": "desc",
                "updateMode": "increment",
                "tieRank": "competition",
            },
            "replace-desc-": {"order": "desc", "updateMode": "replace"},
            "replace-asc-": {"order": "asc", "updateMode": "replace"},
            "best-desc-": {"order": "desc", "updateMode": "best"},
            "best-asc-": {"order": "asc", "updateMode": "best"},
            # A minute to live: tests move the Momento clock to see a board expire or stay.
            "best-short-ttl-": {"order": "desc", "updateMode": "best", "ttlSeconds": 60},
            "increment-desc-": {"order": "desc", "updateMode": "increment"},
            "increment-asc-": {"order": "asc", "updateMode": "increment", "topCount": 3},
            # Longer than "asc-": wins for "asc-increment-..." and replaces it whole (order desc).
            "asc-increment-": {"updateMode": "increment"},
            # Days in UTC, so close-period turns an asOf into its own calendar date.
            "daily-utc-": {"period": "daily", "timezone": "UTC"},
            # One board per period kind, closing without a settle wait (period-key tests).
            "days-": {"period": "daily", "timezone": "UTC", "closeSettleSeconds": 0},
            "weeks-": {"period": "weekly", "timezone": "UTC", "closeSettleSeconds": 0},
            "months-": {"period": "monthly", "timezone": "UTC", "closeSettleSeconds": 0},
        },
        "boards": {"exact-asc-board": {"order": "asc", "updateMode": "best"}},
    },
    source="tests",
)


def board_name(prefix: str) -> str:
    """A board no other test uses, governed by the rules of `prefix`."""
    return f"{prefix}{uuid.uuid4().hex[:12]}"


def rules(board: str) -> BoardRule:
    """The rules `board` runs under in the test stack."""
    return TEST_BOARD_RULES.for_board(board)


class RulesLocalStack(LocalStack):
    """The local stack with TEST_BOARD_RULES substituted into every definition."""

    def definition_settings(self) -> DefinitionSettings:
        return dataclasses.replace(super().definition_settings(), board_rules=TEST_BOARD_RULES)
