"""The fault injector on its own: matching, counting, rates, thread safety."""

from __future__ import annotations

import threading

import pytest

from leaderboard.local.momento_server.faults import (
    Fault,
    FaultInjector,
    FaultRule,
    FaultRuleError,
)


def test_off_by_default() -> None:
    assert FaultInjector().check("sortedset.put") is None


def test_patterns_and_first_matching_rule_wins() -> None:
    faults = FaultInjector()
    faults.add(FaultRule(operation="sortedset.rank", status=429))
    faults.add(FaultRule(operation="sortedset.*", status=503, latency_seconds=0.5))
    assert faults.check("sortedset.rank") == Fault("sortedset.rank", 429, 0.0, False, False)
    assert faults.check("sortedset.put") == Fault("sortedset.put", 503, 0.5, False, False)
    assert faults.check("cache.get") is None


def test_times_retires_the_rule_exactly_across_threads() -> None:
    faults = FaultInjector()
    faults.add(FaultRule(operation="*", drop=True, times=500))
    hits: list[Fault | None] = []
    lock = threading.Lock()

    def call() -> None:
        for _ in range(400):
            fault = faults.check("cache.get")
            with lock:
                hits.append(fault)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(hit is not None for hit in hits) == 500
    assert faults.rules() == []


def test_rate_is_a_probability() -> None:
    faults = FaultInjector(seed=7)
    faults.add(FaultRule(operation="cache.get", status=500, rate=0.25))
    fired = sum(faults.check("cache.get") is not None for _ in range(4000))
    assert 800 < fired < 1200


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"operation": "cache.nope", "status": 500}, "operation:"),
        ({"status": 418}, "status:"),
        ({"status": 500, "drop": True}, "drop:"),
        ({"latency_seconds": -1}, "latency_seconds:"),
        ({"latency_seconds": 61}, "latency_seconds:"),
        ({"status": 500, "rate": -0.1}, "rate:"),
        ({"status": 500, "times": -3}, "times:"),
        ({"drop": True, "applied": True}, "applied: cannot be combined with drop"),
        ({"latency_seconds": 1, "applied": True}, "applied: needs a status"),
    ],
)
def test_bad_rules_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(FaultRuleError, match=f"^{message}"):
        FaultRule(**kwargs)  # type: ignore[arg-type]


def test_an_applied_rule_makes_an_applied_fault() -> None:
    faults = FaultInjector()
    faults.add(FaultRule(operation="sortedset.increment", status=503, applied=True))
    assert faults.check("sortedset.increment") == Fault(
        "sortedset.increment", 503, 0.0, False, True
    )


@pytest.mark.parametrize(
    "rule",
    [
        FaultRule(operation="sortedset.increment", status=503, applied=True, times=1),
        FaultRule(operation="cache.*", status=429, latency_seconds=0.5, rate=0.5),
        FaultRule(drop=True),
    ],
)
def test_rules_round_trip_through_json(rule: FaultRule) -> None:
    assert FaultRule.from_json(rule.to_json()) == rule


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"status": 503, "applied": 1}, "applied: wrong type"),
        ({"status": 503, "applied": "yes"}, "applied: wrong type"),
        ({"status": 503, "times": True}, "times: wrong type"),
    ],
)
def test_json_fields_must_have_their_type(document: dict[str, object], message: str) -> None:
    with pytest.raises(FaultRuleError, match=f"^{message}$"):
        FaultRule.from_json(document)
