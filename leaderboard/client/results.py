"""Typed results of the workflows, parsed from their JSON output."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RankedMember:
    """One row of a board: rank is 0-based in the board's order."""

    name: str
    score: float
    rank: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RankedMember:
        return cls(name=str(data["name"]), score=float(data["score"]), rank=int(data["rank"]))


def _members(rows: list[dict[str, Any]]) -> tuple[RankedMember, ...]:
    return tuple(RankedMember.from_json(row) for row in rows)


@dataclass(frozen=True)
class SubmitScoreResult:
    """The member's standing right after the write, with the board's top entries."""

    leaderboard: str
    name: str
    score: float
    rank: int
    size: int
    top: tuple[RankedMember, ...]
    period: str | None
    execution_arn: str
    # Whether the standing reached the board's live topic; the score is stored either way.
    published: bool = False
    publish_error: str | None = None

    @classmethod
    def from_output(cls, data: dict[str, Any], execution_arn: str) -> SubmitScoreResult:
        return cls(
            leaderboard=str(data["leaderboard"]),
            name=str(data["name"]),
            score=float(data["score"]),
            rank=int(data["rank"]),
            size=int(data["size"]),
            top=_members(data.get("top", [])),
            period=data.get("period"),
            execution_arn=execution_arn,
            published=data.get("published") is True,
            publish_error=data.get("publishError"),
        )


@dataclass(frozen=True)
class Standing:
    """Score and rank of one member; both None when the member is not on the board."""

    leaderboard: str
    name: str
    score: float | None
    rank: int | None

    @property
    def on_board(self) -> bool:
        return self.rank is not None


@dataclass(frozen=True)
class LeaderboardPage:
    """A slice of the board (a rank range or one of the views), in board order."""

    leaderboard: str
    entries: tuple[RankedMember, ...]


@dataclass(frozen=True)
class ClosedPeriod:
    """What the close-period workflow archived and announced."""

    leaderboard: str
    period: str
    size: int
    top: tuple[RankedMember, ...]
    archive: str
    execution_arn: str

    @classmethod
    def from_output(cls, data: dict[str, Any], execution_arn: str) -> ClosedPeriod:
        return cls(
            leaderboard=str(data["leaderboard"]),
            period=str(data["period"]),
            size=int(data["size"]),
            top=_members(data.get("top", [])),
            archive=str(data["archive"]),
            execution_arn=execution_arn,
        )
