"""Fault injection: make chosen operations fail, slow down or drop, for reliability tests.

Both front doors call `FaultInjector.check(operation)` before an operation and act on the
`Fault` it returns: answer the status (HTTP 429/500/503; the gRPC door maps it to
RESOURCE_EXHAUSTED / INTERNAL / UNAVAILABLE), sleep `latency_seconds` first, or drop the
connection. A status is answered instead of the operation, so the store never changes, unless
the rule says `applied`: then the operation runs first and only its answer is lost, as when a
server commits a write and the caller still gets a 5xx. Off by default: with no rules, `check`
returns None and costs one attribute read.

Operations are named the same on both doors (`OPERATIONS`); a rule's `operation` is one of
them or a shell-style pattern (`"sortedset.*"`, `"*"`).
"""

from __future__ import annotations

import fnmatch
import itertools
import random
import threading
from dataclasses import dataclass, replace
from typing import Any, Final

OPERATIONS: Final = frozenset(
    {
        "control.create_cache",
        "control.delete_cache",
        "control.flush_cache",
        "control.list_caches",
        "cache.get",
        "cache.set",
        "cache.delete",
        "sortedset.put",
        "sortedset.increment",
        "sortedset.remove",
        "sortedset.fetch_by_rank",
        "sortedset.fetch_by_score",
        "sortedset.rank",
        "sortedset.score",
        "sortedset.scores",
        "sortedset.length",
        "sortedset.length_by_score",
        "topics.publish",
        "topics.subscribe",
    }
)
FAULT_STATUSES: Final = frozenset({429, 500, 503})
MAX_LATENCY_SECONDS: Final = 60.0


class FaultRuleError(ValueError):
    """A rule that cannot be applied; the message names the field."""


@dataclass(frozen=True, slots=True)
class FaultRule:
    """Which operations to disturb, how, and how often.

    `status`, `latency_seconds` and `drop` may be combined (latency then status, or latency
    then drop). `applied` (with a `status` only) runs the operation before answering the
    status: the call took effect but its caller sees the error. `rate` is the chance each
    matching call is hit; `times`, when set, retires the rule after that many hits ("the next
    N calls" with `rate=1`).
    """

    operation: str = "*"
    status: int | None = None
    latency_seconds: float = 0.0
    drop: bool = False
    applied: bool = False
    rate: float = 1.0
    times: int | None = None

    def __post_init__(self) -> None:
        if not any(fnmatch.fnmatchcase(op, self.operation) for op in OPERATIONS):
            raise FaultRuleError(f"operation: {self.operation!r} matches no operation")
        if self.status is not None and self.status not in FAULT_STATUSES:
            raise FaultRuleError(f"status: must be one of {sorted(FAULT_STATUSES)}")
        if not 0.0 <= self.latency_seconds <= MAX_LATENCY_SECONDS:
            raise FaultRuleError(f"latency_seconds: must be between 0 and {MAX_LATENCY_SECONDS}")
        if self.status is not None and self.drop:
            raise FaultRuleError("drop: cannot be combined with status")
        if self.status is None and not self.drop and self.latency_seconds == 0.0:
            raise FaultRuleError("status: a rule needs a status, latency_seconds or drop")
        if self.applied and self.drop:
            raise FaultRuleError("applied: cannot be combined with drop")
        if self.applied and self.status is None:
            raise FaultRuleError("applied: needs a status to answer after the operation")
        if not 0.0 <= self.rate <= 1.0:
            raise FaultRuleError("rate: must be between 0 and 1")
        if self.times is not None and self.times <= 0:
            raise FaultRuleError("times: must be a positive integer")

    @classmethod
    def from_json(cls, document: Any) -> FaultRule:
        """Build a rule from the admin control's JSON object, rejecting unknown fields."""
        if not isinstance(document, dict):
            raise FaultRuleError("body: must be a JSON object")
        unknown = set(document) - set(cls.__dataclass_fields__)
        if unknown:
            raise FaultRuleError(f"{sorted(unknown)[0]}: unknown field")
        expected: dict[str, tuple[type, ...]] = {
            "operation": (str,),
            "status": (int, type(None)),
            "latency_seconds": (int, float),
            "drop": (bool,),
            "applied": (bool,),
            "rate": (int, float),
            "times": (int, type(None)),
        }
        for name, value in document.items():
            wrong_bool = isinstance(value, bool) and bool not in expected[name]
            if wrong_bool or not isinstance(value, expected[name]):
                raise FaultRuleError(f"{name}: wrong type")
        return cls(**document)

    def to_json(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "status": self.status,
            "latency_seconds": self.latency_seconds,
            "drop": self.drop,
            "applied": self.applied,
            "rate": self.rate,
            "times": self.times,
        }


@dataclass(frozen=True, slots=True)
class Fault:
    """What a door must do to this call."""

    operation: str
    status: int | None
    latency_seconds: float
    drop: bool
    applied: bool


@dataclass(frozen=True, slots=True)
class ActiveRule:
    """A rule as installed: its id and, for counted rules, how many hits remain."""

    rule_id: int
    rule: FaultRule

    def to_json(self) -> dict[str, Any]:
        return {"id": self.rule_id, **self.rule.to_json()}


class FaultInjector:
    """Thread-safe list of fault rules; the first rule that matches and fires decides."""

    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._rules: list[ActiveRule] = []
        self._ids = itertools.count(1)
        self._random = random.Random(seed)  # noqa: S311 - fault dice, not security

    def add(self, rule: FaultRule) -> int:
        """Install `rule` after the existing ones; returns its id."""
        with self._lock:
            active = ActiveRule(next(self._ids), rule)
            self._rules.append(active)
            return active.rule_id

    def remove(self, rule_id: int) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.rule_id != rule_id]
            return len(self._rules) != before

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def rules(self) -> list[ActiveRule]:
        with self._lock:
            return list(self._rules)

    def check(self, operation: str) -> Fault | None:
        """The fault to inject into this call of `operation`, or None to run it normally."""
        if not self._rules:  # the common case: no lock, no dice
            return None
        with self._lock:
            for index, active in enumerate(self._rules):
                rule = active.rule
                if not fnmatch.fnmatchcase(operation, rule.operation):
                    continue
                if rule.rate < 1.0 and self._random.random() >= rule.rate:
                    continue
                if rule.times is not None:
                    if rule.times == 1:
                        del self._rules[index]
                    else:
                        self._rules[index] = replace(
                            active, rule=replace(rule, times=rule.times - 1)
                        )
                return Fault(operation, rule.status, rule.latency_seconds, rule.drop, rule.applied)
            return None
