"""Durations as a user types them (`1d`, `2h30m`): `clock advance`'s argument.

Its own module so the CLI parses them without importing the clock (which patches moto).
"""

import re
from datetime import timedelta
from typing import Final

_ZERO: Final = timedelta(0)
# `1d`, `2h30m`, `90s`: days, hours, minutes, seconds, each at most once, in that order.
_DURATION: Final = re.compile(r"(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?")


def parse_duration(text: str) -> timedelta:
    """`1d`, `12h`, `2h30m`, `90s` as a timedelta; ValueError when not such a positive span."""
    match = _DURATION.fullmatch(text.strip())
    if not text.strip() or match is None:
        raise ValueError(f"{text!r} is not a duration like 1d, 12h, 2h30m or 90s")
    days, hours, minutes, seconds = (int(match.group(unit) or 0) for unit in "dhms")
    span = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    if span <= _ZERO:
        raise ValueError(f"{text!r} is zero: the clock only moves forward")
    return span
