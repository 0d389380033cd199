"""Client-side checks that mirror the workflows' validation, so obvious mistakes fail before a
round trip. The workflows stay the authority: these only catch what they would reject anyway."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import MINYEAR, date, datetime
from typing import Final

from leaderboard.client.errors import LeaderboardValidationError

# The workflows accept exactly these characters (URL-safe, unreserved in RFC 3986).
LEADERBOARD_PATTERN: Final = re.compile(r"[A-Za-z0-9_.~-]{1,64}")
NAME_PATTERN: Final = re.compile(r"[A-Za-z0-9_.~-]{1,128}")
SUBMISSION_ID_MAX_LENGTH: Final = 128
VIEWS: Final = ("me", "top", "around_me", "top_and_around_me")
# The group view's bound (docs/workflows.md): one Momento call reads the scores of all of them.
MAX_GROUP_NAMES: Final = 100
# A day (2026-11-22), an ISO week (2026-W47) or a month (2026-11), as the workflows key periods.
PERIOD_PATTERN: Final = re.compile(r"[0-9]{4}-(W[0-9]{2}|[0-9]{2}(-[0-9]{2})?)")
MAX_RANK: Final = 2**31 - 1  # ranks and limits are 32-bit, as in Momento's API
# Event times the workflows accept: outside them the JSONata engines' date arithmetic fails.
TIMESTAMP_YEARS: Final = range(1970, 3000)


def _reject(field: str, problem: str) -> LeaderboardValidationError:
    return LeaderboardValidationError("Leaderboard.ValidationError", f"{field}: {problem}")


def check_leaderboard(leaderboard: str) -> None:
    if not isinstance(leaderboard, str) or not LEADERBOARD_PATTERN.fullmatch(leaderboard):
        raise _reject("leaderboard", "must be 1-64 URL-safe characters (A-Z a-z 0-9 _ . ~ -)")


def check_name(name: str) -> None:
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise _reject("name", "must be 1-128 URL-safe characters (A-Z a-z 0-9 _ . ~ -)")


def check_names(names: Sequence[str]) -> None:
    """The group view's members: 1-100 distinct valid names."""
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise _reject("names", "must be a list of member names")
    if not 0 < len(names) <= MAX_GROUP_NAMES:
        raise _reject("names", f"must hold 1-{MAX_GROUP_NAMES} names (got {len(names)})")
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
            raise _reject(
                f"names[{index}]", "must be 1-128 URL-safe characters (A-Z a-z 0-9 _ . ~ -)"
            )
        if name in seen:
            raise _reject(f"names[{index}]", f"repeats names[{seen[name]}] ({name})")
        seen[name] = index


def check_score(score: float) -> None:
    if isinstance(score, bool) or not isinstance(score, int | float) or not _is_float64(score):
        raise _reject("score", "must be a finite number")


def _is_float64(number: float) -> bool:
    """Finite and within float64 range: the workflow's scores are float64 (a huge int is not)."""
    try:
        return math.isfinite(float(number))
    except OverflowError:
        return False


def check_submission_id(submission_id: str | None) -> None:
    if submission_id is None:
        return
    if not isinstance(submission_id, str) or not 0 < len(submission_id) <= SUBMISSION_ID_MAX_LENGTH:
        raise _reject(
            "submissionId", f"must be a string of 1-{SUBMISSION_ID_MAX_LENGTH} characters"
        )


def check_occurred_at(occurred_at: datetime | None) -> None:
    if occurred_at is None:
        return
    if occurred_at.tzinfo is None:
        raise _reject("occurredAt", "must carry a time zone (a naive datetime is ambiguous)")
    if occurred_at.year not in TIMESTAMP_YEARS:
        raise _reject("occurredAt", "year must be 1970-2999")


def _is_integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_period(period: str | None) -> None:
    if period is None:
        return
    if not isinstance(period, str) or not PERIOD_PATTERN.fullmatch(period):
        raise _reject("period", "must be a period key such as 2026-11-22, 2026-W47 or 2026-11")
    problem = _calendar_problem(period)
    if problem is not None:
        raise _reject("period", problem)


def _calendar_problem(period: str) -> str | None:
    """Why a well-shaped key names no period (None if it names one), in the workflows' words.

    A key that names no day, week or month would read an empty board or close an empty
    "period"; the workflows refuse it with these messages, computed there with arithmetic.
    """
    year = int(period[:4])
    if year < MINYEAR:
        return "year must be 0001-9999"
    if period[5] == "W":
        week = int(period[6:])
        if not 1 <= week <= 53:
            return "week must be 01-53"
        # December 28 always falls in the last ISO week of its year.
        if week > date(year, 12, 28).isocalendar().week:
            return f"{period[:4]} has no week 53 (it has 52 ISO weeks)"
        return None
    if len(period) == len("2026-11"):
        return None if 1 <= int(period[5:]) <= 12 else "month must be 01-12"
    try:
        date.fromisoformat(period)
    except ValueError:
        return f"is not a calendar date ({period})"
    return None


def check_rank(field: str, rank: int | None) -> None:
    if rank is not None and (not _is_integer(rank) or not 0 <= rank <= MAX_RANK):
        raise _reject(field, f"must be an integer from 0 to {MAX_RANK}")


def check_limit(limit: int | None) -> None:
    if limit is not None and (not _is_integer(limit) or not 1 <= limit <= MAX_RANK):
        raise _reject("limit", f"must be an integer from 1 to {MAX_RANK}")


def check_view(view: str | None, name: str | None) -> None:
    if view is None:
        return
    if view not in VIEWS:
        raise _reject("view", f"must be one of {', '.join(VIEWS)}")
    if view != "top" and name is None:
        raise _reject("name", f"is required for the '{view}' view")


def check_page_shape(
    start_rank: int | None,
    end_rank: int | None,
    view: str | None,
    name: str | None,
    limit: int | None,
) -> None:
    """A page is ranks or a view, never both; the fields each view takes (the board's page
    size limits depend on its rules, so the workflow alone checks those)."""
    if view is None:
        if name is not None:
            raise _reject("name", "is used only with a view (me, around_me or top_and_around_me)")
        if limit is not None:
            raise _reject("limit", "is used only with a view (top, around_me or top_and_around_me)")
        if end_rank is not None and end_rank <= (start_rank or 0):
            raise _reject("endRank", "must be greater than startRank (endRank is exclusive)")
        return
    if start_rank is not None or end_rank is not None:
        field = "startRank" if start_rank is not None else "endRank"
        raise _reject(field, "cannot be combined with view (views choose their own ranks)")
    if view == "top" and name is not None:
        raise _reject("name", "is not used by view top")
    if view == "me" and limit is not None:
        raise _reject("limit", "is not used by view me")
