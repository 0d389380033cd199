"""The shared store directly: semantics both doors rely on, with a movable clock for TTLs."""

from __future__ import annotations

import threading

import pytest

from leaderboard.local.momento_server.store import (
    OK,
    CacheAlreadyExists,
    CacheNotFound,
    Elements,
    Hit,
    Length,
    Miss,
    MissKind,
    NotStored,
    Rank,
    Score,
    SetCondition,
    SetConditionKind,
    Store,
    WrongType,
)
from leaderboard.local.momento_server.topics import (
    Published,
    Subscription,
    TopicCacheNotFound,
    TopicGap,
)
from leaderboard.momento_contract.arguments import (
    CollectionTtl,
    InvalidArgument,
    Order,
    ScoreBound,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(clock: Clock) -> Store:
    store = Store(clock)
    assert store.create_cache("c") == OK
    return store


def test_cache_lifecycle(store: Store) -> None:
    assert store.create_cache("c") == CacheAlreadyExists("c")
    assert store.create_cache("") == InvalidArgument("cache_name", "must not be empty")
    assert store.create_cache("d") == OK
    assert store.list_caches() == ["c", "d"]
    store.set("d", b"k", b"v", None)
    assert store.flush_cache("d") == OK
    assert store.get("d", b"k") == Miss(MissKind.KEY)
    assert store.delete_cache("d") == OK
    assert store.delete_cache("d") == CacheNotFound("d")
    assert store.get("d", b"k") == CacheNotFound("d")


def test_scalar_ttl_expires(store: Store, clock: Clock) -> None:
    store.set("c", b"k", b"v", 10)
    clock.now += 9.9
    assert store.get("c", b"k") == Hit(b"v")
    clock.now += 0.1
    assert store.get("c", b"k") == Miss(MissKind.KEY)


@pytest.mark.parametrize(
    ("kind", "existing", "compare", "stored"),
    [
        (SetConditionKind.ABSENT, None, b"", True),
        (SetConditionKind.ABSENT, b"old", b"", False),
        (SetConditionKind.PRESENT, None, b"", False),
        (SetConditionKind.PRESENT, b"old", b"", True),
        (SetConditionKind.EQUAL, b"old", b"old", True),
        (SetConditionKind.EQUAL, b"old", b"x", False),
        (SetConditionKind.NOT_EQUAL, b"old", b"x", True),
        (SetConditionKind.NOT_EQUAL, None, b"x", False),
        (SetConditionKind.PRESENT_AND_NOT_EQUAL, b"old", b"old", False),
        (SetConditionKind.ABSENT_OR_EQUAL, None, b"x", True),
        (SetConditionKind.ABSENT_OR_EQUAL, b"old", b"x", False),
    ],
)
def test_conditional_set(
    store: Store, kind: SetConditionKind, existing: bytes | None, compare: bytes, stored: bool
) -> None:
    if existing is not None:
        store.set("c", b"k", existing, None)
    result = store.set("c", b"k", b"new", None, SetCondition(kind, compare))
    assert result == (OK if stored else NotStored())
    expected = b"new" if stored else existing
    assert store.get("c", b"k") == (Hit(expected) if expected else Miss(MissKind.KEY))


def test_types_do_not_mix(store: Store) -> None:
    store.set("c", b"s", b"v", None)
    store.sorted_set_put("c", b"z", [(b"a", 1.0)])
    assert isinstance(store.sorted_set_length("c", b"s"), WrongType)
    assert isinstance(store.sorted_set_put("c", b"s", [(b"a", 1.0)]), WrongType)
    assert isinstance(store.sorted_set_increment("c", b"s", b"a", 1.0), WrongType)
    assert isinstance(store.get("c", b"z"), WrongType)
    assert store.delete("c", b"z") == OK  # delete works whatever the type
    assert store.sorted_set_length("c", b"z") == Miss(MissKind.SORTED_SET)


def test_ties_are_ordered_by_value_bytes(store: Store) -> None:
    store.sorted_set_put("c", b"z", [(b"b", 1.0), (b"a", 1.0), (b"\xff", 1.0), (b"c", 0.0)])
    asc = store.sorted_set_fetch_by_rank("c", b"z")
    desc = store.sorted_set_fetch_by_rank("c", b"z", order=Order.DESC)
    assert isinstance(asc, Elements) and isinstance(desc, Elements)
    assert [v for v, _ in asc.elements] == [b"c", b"a", b"b", b"\xff"]
    assert desc.elements == asc.elements[::-1]
    assert store.sorted_set_get_rank("c", b"z", b"a", Order.DESC) == Rank(b"a", 2)


def test_score_bounds_inclusive_and_exclusive(store: Store) -> None:
    store.sorted_set_put("c", b"z", [(b"a", 1.0), (b"b", 2.0), (b"c", 2.0), (b"d", 3.0)])
    both = store.sorted_set_length_by_score("c", b"z", ScoreBound(2.0), ScoreBound(3.0))
    open_low = store.sorted_set_length_by_score("c", b"z", ScoreBound(2.0, exclusive=True))
    open_high = store.sorted_set_length_by_score("c", b"z", None, ScoreBound(2.0, exclusive=True))
    assert (both, open_low, open_high) == (Length(3), Length(1), Length(1))


def test_collection_ttl_refreshes_only_when_asked(store: Store, clock: Clock) -> None:
    store.sorted_set_put("c", b"z", [(b"a", 1.0)], CollectionTtl(10))
    clock.now += 8
    store.sorted_set_put("c", b"z", [(b"b", 1.0)], CollectionTtl(10, refresh=False))
    clock.now += 2
    assert store.sorted_set_length("c", b"z") == Miss(MissKind.SORTED_SET)
    store.sorted_set_put("c", b"z", [(b"a", 1.0)], CollectionTtl(10))
    clock.now += 8
    store.sorted_set_increment("c", b"z", b"a", 1.0, CollectionTtl(10))
    clock.now += 8
    assert store.sorted_set_get_score("c", b"z", b"a") == Score(b"a", 2.0)


def test_purge_drops_only_expired_items(store: Store, clock: Clock) -> None:
    store.set("c", b"short", b"v", 1)
    store.set("c", b"forever", b"v", None)
    store.sorted_set_put("c", b"z", [(b"a", 1.0)], CollectionTtl(5))
    clock.now += 2
    assert store.purge_expired() == 1
    assert store.get("c", b"forever") == Hit(b"v")
    assert store.sorted_set_length("c", b"z") == Length(1)


def test_removing_the_last_element_removes_the_set(store: Store) -> None:
    store.sorted_set_put("c", b"z", [(b"a", 1.0)])
    assert store.sorted_set_remove("c", b"z", [b"a", b"missing"]) == OK
    assert store.sorted_set_length("c", b"z") == Miss(MissKind.SORTED_SET)


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.sorted_set_put("c", b"z", [(b"a", float("nan"))]),
        lambda s: s.sorted_set_put("c", b"z", [(b"x", 1.0), (b"a", float("inf"))]),
        lambda s: s.sorted_set_put("c", b"z", []),
        lambda s: s.sorted_set_put("c", b"z", [(b"", 1.0)]),
        lambda s: s.sorted_set_put("c", b"", [(b"a", 1.0)]),
        lambda s: s.sorted_set_put("c", b"z", [(b"a", 1.0)], CollectionTtl(0)),
        lambda s: s.sorted_set_increment("c", b"z", b"a", float("nan")),
        lambda s: s.sorted_set_increment("c", b"z", b"a", 1.7e308),
        lambda s: s.sorted_set_fetch_by_rank("c", b"z", 3, 1),
        lambda s: s.sorted_set_fetch_by_score(
            "c", b"z", min_score=ScoreBound(2), max_score=ScoreBound(1)
        ),
        lambda s: s.sorted_set_fetch_by_score("c", b"z", offset=-1),
        lambda s: s.sorted_set_fetch_by_score("c", b"z", count=0),
    ],
)
def test_invalid_arguments_change_nothing(store: Store, call: object) -> None:
    store.sorted_set_put("c", b"z", [(b"a", 1.7e308), (b"b", 2.0)])
    before = store.sorted_set_fetch_by_rank("c", b"z")
    assert callable(call)
    assert isinstance(call(store), InvalidArgument)
    assert store.sorted_set_fetch_by_rank("c", b"z") == before


@pytest.mark.parametrize(
    ("elements", "field", "problem"),
    [
        ([(b"a", 1.0), (b"", 2.0)], "elements[1].value", "must not be empty"),
        (
            [(b"a", 1.0), (b"b", 2.0), (b"x" * 4097, 3.0)],
            "elements[2].value",
            "must be at most 4096 bytes",
        ),
        ([(b"a", float("nan"))], "elements[0].score", "must be a finite number"),
        ([(b"a", 1.0), (b"b", True)], "elements[1].score", "must be a number"),
        ([(b"a", 10**400)], "elements[0].score", "must be a finite number"),  # not a float64
        ([(b"", float("nan"))], "elements[0].value", "must not be empty"),  # value first
    ],
)
def test_a_bad_element_is_named_by_its_index(
    store: Store, elements: list[tuple[bytes, float]], field: str, problem: str
) -> None:
    assert store.sorted_set_put("c", b"z", elements) == InvalidArgument(field, problem)


def test_an_increment_beyond_float64_is_refused_naming_the_amount(store: Store) -> None:
    assert store.sorted_set_increment("c", b"z", b"p", 10**400) == InvalidArgument(
        "amount", "must be a finite number"
    )
    assert store.sorted_set_length("c", b"z") == Miss(MissKind.SORTED_SET)


def test_concurrent_increments_lose_no_write(store: Store) -> None:
    def bump() -> None:
        for _ in range(2000):
            store.sorted_set_increment("c", b"z", b"p", 1.0)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.sorted_set_get_score("c", b"z", b"p") == Score(b"p", 8000.0)


def test_topics_publish_subscribe_and_resume(store: Store) -> None:
    assert store.topics.publish("nope", "t", "x") == TopicCacheNotFound("nope")
    assert store.topics.publish("c", "t", "zero") == Published(1)
    assert store.topics.publish("c", "t", "one") == Published(2)
    live = store.topics.subscribe("c", "t")  # no resume point: the latest message, then new
    resumed = store.topics.subscribe("c", "t", resume_at_sequence_number=1)
    assert isinstance(live, Subscription) and isinstance(resumed, Subscription)
    assert live.initial_gap is None and resumed.initial_gap is None
    store.topics.publish("c", "t", b"two")
    assert [m.payload for m in (live.get(1), live.get(1)) if m] == ["one", b"two"]
    got = [resumed.get(1), resumed.get(1), resumed.get(1)]
    assert [m.sequence_number for m in got if m] == [1, 2, 3]
    live.close()
    assert live.get(0.01) is None
    store.topics.publish("c", "t", "three")
    assert live.get(0.01) is None  # a closed subscription receives nothing more
    resumed.close()


@pytest.mark.parametrize(
    ("resume_at", "page_offset"),
    [(99, 0), (2, 1)],  # past the newest message; a page the topic never had
)
def test_unknown_resume_point_starts_at_the_latest_with_a_gap(
    store: Store, resume_at: int, page_offset: int
) -> None:
    store.topics.publish("c", "t", "a")
    store.topics.publish("c", "t", "b")
    probe = store.topics.subscribe("c", "t", resume_at_sequence_number=1)
    assert isinstance(probe, Subscription)
    first = probe.get(1)
    assert first is not None
    probe.close()
    page = first.sequence_page + page_offset
    subscription = store.topics.subscribe("c", "t", resume_at, page)
    assert isinstance(subscription, Subscription)
    assert subscription.initial_gap == TopicGap(0, 3, first.sequence_page)
    latest = subscription.get(1)
    assert latest is not None and (latest.sequence_number, latest.payload) == (2, "b")
    subscription.close()
