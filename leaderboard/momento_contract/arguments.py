"""Argument types, limits and checks of the sorted-set contract (docs/momento-http.md).

The store runs these checks on every call, and the bridge runs them before calling Momento, so
both refuse the same arguments with the same `InvalidArgument`. A check returns the problem, or
None; none raises. Field names are the HTTP routes' parameter names (`key`, `value`, `score`,
`ttl_seconds`, `start_rank`, ...), so a server can pass the message through verbatim.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Final

MAX_NAME_LENGTH: Final = 255  # cache and topic names, in characters
MAX_KEY_BYTES: Final = 4096  # item keys (scalar and sorted-set names)
MAX_ELEMENT_VALUE_BYTES: Final = 4096  # one sorted-set value
MAX_ITEM_VALUE_BYTES: Final = 5 * 1024 * 1024  # one scalar value, Momento's item limit
MAX_TTL_SECONDS: Final = 365 * 24 * 3600  # keeps deadlines finite and monotonic-safe
# Momento's wire types (momento-wire-types, `_SortedSetFetchRequest`): ranks and `count` are
# sint32, `offset` is uint32. Beyond these the SDK cannot encode the call.
MIN_RANK: Final = -(2**31)
MAX_RANK: Final = 2**31 - 1
MAX_OFFSET: Final = 2**32 - 1
MAX_COUNT: Final = 2**31 - 1
# Momento's cache names (its CloudFormation resource `Momento::SimpleCache::Cache`): letters,
# digits, `-`, `_` and `.`. The name travels in a gRPC metadata header, which holds printable
# ASCII only: a NUL or a non-ASCII name cannot even be sent.
_CACHE_NAME: Final = re.compile(r"[A-Za-z0-9_.-]+")


class Order(Enum):
    """Sort order of ranks and range reads."""

    ASC = "ASC"
    DESC = "DESC"


@dataclass(frozen=True, slots=True)
class CollectionTtl:
    """TTL of a collection write: `ttl_seconds=None` never expires; `refresh` resets the
    deadline on every write, otherwise the deadline is set only when the collection is created."""

    ttl_seconds: float | None = None
    refresh: bool = True


@dataclass(frozen=True, slots=True)
class ScoreBound:
    """One end of a score range; inclusive unless `exclusive`."""

    score: float
    exclusive: bool = False


@dataclass(frozen=True, slots=True)
class InvalidArgument:
    """Bad input; `field` is the parameter's name, `message` starts with it."""

    field: str
    problem: str

    @property
    def message(self) -> str:
        return f"{self.field}: {self.problem}"


# A constant: `int | float` in an isinstance call builds a new union object on every call.
_NUMBER_TYPES: Final = (int, float)  # bool is an int too, and is excluded where this is used


def check_name(name: str, field_name: str) -> InvalidArgument | None:
    if not name:
        return InvalidArgument(field_name, "must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        return InvalidArgument(field_name, f"must be at most {MAX_NAME_LENGTH} characters")
    return None


def check_cache_name(name: str, field_name: str) -> InvalidArgument | None:
    if problem := check_name(name, field_name):
        return problem
    if not _CACHE_NAME.fullmatch(name):
        return InvalidArgument(field_name, "may hold only ASCII letters, digits, '-', '_' and '.'")
    return None


def check_bytes(data: bytes, field_name: str, limit: int) -> InvalidArgument | None:
    if not data:
        return InvalidArgument(field_name, "must not be empty")
    if len(data) > limit:
        return InvalidArgument(field_name, f"must be at most {limit} bytes")
    return None


def check_score(score: float, field_name: str) -> InvalidArgument | None:
    # Float first, as nearly every score is one; bool is an int but is not taken as a number.
    if not isinstance(score, float) and (isinstance(score, bool) or not isinstance(score, int)):
        return InvalidArgument(field_name, "must be a number")
    try:
        finite = math.isfinite(score)
    except OverflowError:  # an int beyond float64's range has no score to store
        finite = False
    if not finite:
        return InvalidArgument(field_name, "must be a finite number")
    return None


def check_ttl(ttl_seconds: float | None) -> InvalidArgument | None:
    # The common valid case in one test: a comparison chain is False for NaN and infinities.
    if ttl_seconds is None or (
        type(ttl_seconds) in _NUMBER_TYPES and 0 < ttl_seconds <= MAX_TTL_SECONDS
    ):
        return None
    if isinstance(ttl_seconds, bool) or not isinstance(ttl_seconds, _NUMBER_TYPES):
        return InvalidArgument("ttl_seconds", "must be a number")
    if not math.isfinite(ttl_seconds) or ttl_seconds <= 0:
        return InvalidArgument("ttl_seconds", "must be a positive number")
    if ttl_seconds > MAX_TTL_SECONDS:
        return InvalidArgument("ttl_seconds", f"must be at most {MAX_TTL_SECONDS}")
    return None


def check_ranks(start: int | None, end: int | None) -> InvalidArgument | None:
    """Momento's SDK rules: same-sign ranks must be ordered start < end."""
    for name, rank in (("start_rank", start), ("end_rank", end)):
        if rank is not None and (problem := check_integer(rank, name, MIN_RANK, MAX_RANK)):
            return problem
    if start is None or end is None:
        return None
    if start >= 0 and end >= 0 and start > end:
        return InvalidArgument("start_rank", "must be less than end_rank")
    if start < 0 and end < 0 and start >= end:
        return InvalidArgument("start_rank", "negative start_rank must be less than end_rank")
    return None


def check_score_bounds(low: ScoreBound | None, high: ScoreBound | None) -> InvalidArgument | None:
    for name, bound in (("min_score", low), ("max_score", high)):
        if bound is not None and (problem := check_score(bound.score, name)):
            return problem
    if low is not None and high is not None and low.score > high.score:
        return InvalidArgument("min_score", "must be less than or equal to max_score")
    return None


def check_elements(elements: Sequence[tuple[bytes, float]]) -> InvalidArgument | None:
    if not elements:
        return InvalidArgument("elements", "must hold at least one element")
    # Every put runs this: the common valid element (a non-empty value, a finite float score)
    # passes one inline test, and only anything else goes through the naming checks below.
    for value, score in elements:
        if not (
            0 < len(value) <= MAX_ELEMENT_VALUE_BYTES
            and type(score) is float
            and -math.inf < score < math.inf
        ):
            return _element_problem(elements)
    return None


def _element_problem(elements: Sequence[tuple[bytes, float]]) -> InvalidArgument | None:
    """The first element's problem, named `elements[i].<field>`; None if all are valid (an
    int score is valid too)."""
    for index, (value, score) in enumerate(elements):
        if problem := check_bytes(value, "value", MAX_ELEMENT_VALUE_BYTES) or check_score(
            score, "score"
        ):
            return InvalidArgument(f"elements[{index}].{problem.field}", problem.problem)
    return None


def check_values(values: Sequence[bytes]) -> InvalidArgument | None:
    if not values:
        return InvalidArgument("value", "at least one value is required")
    for value in values:
        if problem := check_bytes(value, "value", MAX_ELEMENT_VALUE_BYTES):
            return problem
    return None


def check_integer(value: int, field_name: str, low: int, high: int) -> InvalidArgument | None:
    """An int (not a bool) within [low, high]: the range of the wire type it travels in."""
    if isinstance(value, bool) or not isinstance(value, int):
        return InvalidArgument(field_name, "must be an integer")
    if not low <= value <= high:
        return InvalidArgument(field_name, f"must be an integer from {low} to {high}")
    return None


def check_window(offset: int, count: int | None) -> InvalidArgument | None:
    return check_integer(offset, "offset", 0, MAX_OFFSET) or (
        None if count is None else check_integer(count, "count", 1, MAX_COUNT)
    )
