"""The in-process store both front doors share: caches, scalar items, sorted sets,
dictionaries, sets and lists.

Every public method is atomic (one lock) and answers with an explicit result value, in the
style of the Momento SDK: a hit, a miss that says *what* was missing, or an error value. No
method raises for bad input; it returns `InvalidArgument` naming the field, and changes nothing.

Argument types, limits and checks come from `leaderboard/momento_contract/arguments.py`; the
bridge Lambda runs the same checks, so both refuse the same input with the same message.

Sorted sets keep two structures per set: a dict value -> sort key (O(1) lookup) and a
`SortedList` of the sort keys (O(log n) insert, rank and range). A sort key is one `bytes`: 8
bytes that compare as the score does, then the value. The score part has a fixed width, so
keys compare exactly as `(score, value)` tuples would: equal scores are ordered by value bytes
ascending (a value that is a prefix of another first), the documented tie rule. `DESC` is the
exact reverse, so `rank(DESC) == length - 1 - rank(ASC)` always holds. One bytes object per
element, compared by memcmp, is faster and smaller than a tuple of a float and the value.
A score of -0.0 is kept as 0.0, which it equals.

Expiry is lazy (an expired item reads as absent and is dropped when touched) plus
`purge_expired()`, an O(number of keys) sweep the server runs on a timer.
"""

from __future__ import annotations

import math
import random
import struct
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Final, TypeAlias, TypeVar

from sortedcontainers import SortedList

from leaderboard.local.momento_server.topics import TopicHub
from leaderboard.momento_contract.arguments import (
    MAX_ELEMENT_VALUE_BYTES,
    MAX_ITEM_VALUE_BYTES,
    MAX_KEY_BYTES,
    CollectionTtl,
    InvalidArgument,
    Order,
    ScoreBound,
    check_bytes,
    check_elements,
    check_name,
    check_ranks,
    check_score,
    check_score_bounds,
    check_ttl,
    check_values,
    check_window,
)

# ---------------------------------------------------------------------------------------------
# Arguments (besides the contract's, in leaderboard/momento_contract/arguments.py)


class SetConditionKind(Enum):
    """The conditional-write variants of Momento's `SetIf*` calls."""

    ALWAYS = "always"
    ABSENT = "absent"  # set if not exists
    PRESENT = "present"
    EQUAL = "equal"
    NOT_EQUAL = "not_equal"
    PRESENT_AND_NOT_EQUAL = "present_and_not_equal"
    ABSENT_OR_EQUAL = "absent_or_equal"


@dataclass(frozen=True, slots=True)
class SetCondition:
    """When a scalar `set` applies; `compare` is the value EQUAL/NOT_EQUAL variants compare to."""

    kind: SetConditionKind = SetConditionKind.ALWAYS
    compare: bytes = b""


ALWAYS: Final = SetCondition()

_NO_TTL: Final = CollectionTtl()  # a sorted-set write's default: the set never expires


# ---------------------------------------------------------------------------------------------
# Results
#
# Plain slotted dataclasses, as the SDK's responses are: building a frozen one costs about
# 0.4 µs more, on every call of the hot put/rank path.


class MissKind(Enum):
    """What a `Miss` did not find; the value is the message both doors show."""

    KEY = "Key Not Found"
    SORTED_SET = "Sorted Set Not Found"
    DICTIONARY = "Dictionary Not Found"
    SET = "Set Not Found"
    LIST = "List Not Found"
    ELEMENT = "Element Not Found"


@dataclass(slots=True)
class Miss:
    """Nothing under the key (scalar or sorted set), or the element is not in the set."""

    kind: MissKind

    @property
    def message(self) -> str:
        return self.kind.value


@dataclass(slots=True)
class CacheNotFound:
    """The named cache does not exist (Momento answers NOT_FOUND / 404 "Cache Not Found")."""

    cache_name: str
    message: str = "Cache Not Found"


@dataclass(slots=True)
class CacheAlreadyExists:
    cache_name: str
    message: str = "Cache Already Exists"


@dataclass(slots=True)
class WrongType:
    """The key holds an item of another type (e.g. a sorted-set call on a scalar)."""

    key: bytes
    expected: str
    actual: str

    @property
    def message(self) -> str:
        return f"key: holds a {self.actual}, not a {self.expected}"


@dataclass(slots=True)
class Ok:
    """A write or delete that succeeded and has nothing to return."""


OK: Final = Ok()


@dataclass(slots=True)
class NotStored:
    """A conditional `set` whose condition did not hold; nothing changed."""


@dataclass(slots=True)
class Hit:
    """A scalar read that found its value."""

    value: bytes


@dataclass(slots=True)
class Elements:
    """A range read: `(value, score)` pairs in the requested order."""

    elements: list[tuple[bytes, float]]


@dataclass(slots=True)
class Score:
    """One element's score (after an increment, the new score)."""

    value: bytes
    score: float


@dataclass(slots=True)
class Scores:
    """Scores for the asked values, in the asked order; `None` where the set lacks the value."""

    elements: list[tuple[bytes, float | None]]


@dataclass(slots=True)
class Rank:
    value: bytes
    rank: int


@dataclass(slots=True)
class Length:
    length: int


@dataclass(slots=True)
class NotAnInteger:
    """An increment of a scalar that does not hold a base-10 64-bit integer (or would overflow
    one); Momento answers FAILED_PRECONDITION and changes nothing."""

    key: bytes
    problem: str

    @property
    def message(self) -> str:
        return f"key: {self.problem}"


@dataclass(slots=True)
class Counter:
    """A scalar's value after an increment."""

    value: int


@dataclass(slots=True)
class RemainingTtl:
    """How long the item under a key has left; None when it never expires (a collection
    written without a TTL)."""

    seconds: float | None


@dataclass(slots=True)
class Existence:
    """Whether each asked key holds a live item, in the asked order."""

    exists: list[bool]


@dataclass(slots=True)
class FieldValues:
    """A dictionary's values for the asked fields, in the asked order; None where absent."""

    values: list[bytes | None]


@dataclass(slots=True)
class Fields:
    """Every field of a dictionary and its value."""

    items: dict[bytes, bytes]


@dataclass(slots=True)
class Members:
    """Elements of a set (all of them, a sample, or the ones popped)."""

    elements: list[bytes]


@dataclass(slots=True)
class Membership:
    """Whether the set holds each asked element, in the asked order."""

    contains: list[bool]


@dataclass(slots=True)
class Popped:
    """The value taken from one end of a list, and the length left."""

    value: bytes
    length: int


class TtlUpdate(Enum):
    """Momento's `UpdateTtl` variants: always, only to lengthen, or only to shorten."""

    OVERWRITE = "overwrite"
    INCREASE = "increase"
    DECREASE = "decrease"


Failure: TypeAlias = CacheNotFound | WrongType | InvalidArgument
GetResult: TypeAlias = Hit | Miss | Failure
SetResult: TypeAlias = Ok | NotStored | Failure
WriteResult: TypeAlias = Ok | Failure
FetchResult: TypeAlias = Elements | Miss | Failure
ScoreResult: TypeAlias = Score | Miss | Failure
ScoresResult: TypeAlias = Scores | Miss | Failure
RankResult: TypeAlias = Rank | Miss | Failure
LengthResult: TypeAlias = Length | Miss | Failure
IncrementResult: TypeAlias = Counter | NotAnInteger | Failure
TtlResult: TypeAlias = RemainingTtl | Miss | Failure
UpdateTtlResult: TypeAlias = Ok | NotStored | Miss | Failure
FieldValuesResult: TypeAlias = FieldValues | Miss | Failure
FieldsResult: TypeAlias = Fields | Miss | Failure
MembersResult: TypeAlias = Members | Miss | Failure
MembershipResult: TypeAlias = Membership | Miss | Failure
RemoveResult: TypeAlias = Ok | Miss | Failure
ListLengthResult: TypeAlias = Length | Failure
PopResult: TypeAlias = Popped | Miss | Failure
ExistenceResult: TypeAlias = Existence | CacheNotFound | InvalidArgument

_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1


# ---------------------------------------------------------------------------------------------
# Items


@dataclass(slots=True)
class _Scalar:
    value: bytes
    expires_at: float | None


_DOUBLE: Final = struct.Struct(">d")  # IEEE 754 binary64, big-endian
_SCORE_BYTES: Final = _DOUBLE.size
_INVERT: Final = bytes(range(255, -1, -1))  # a `translate` table flipping every bit


def _score_prefix(score: float) -> bytes:
    """8 bytes that compare (bytewise) as the finite `score` compares with other scores.

    Read as unsigned integers, IEEE 754 bit patterns ascend with the value for non-negative
    floats and descend for negative ones. So a non-negative score is stored with its sign bit
    set (packing `-abs(score)`, which also gives -0.0 the bytes of 0.0) and a negative one
    with every bit flipped: negatives first, then all ascending. Done on the packed bytes
    rather than on a 64-bit int because that costs half as much on this hot path."""
    if score < 0:
        return _DOUBLE.pack(score).translate(_INVERT)
    return _DOUBLE.pack(-abs(score))


def _split_sort_key(sort_key: bytes) -> tuple[bytes, float]:
    """`(value, score)` back from a sort key (the inverse of `_score_prefix`)."""
    if sort_key[0] & 0x80:  # sign bit set: a non-negative score
        (negated,) = _DOUBLE.unpack_from(sort_key)
        return sort_key[_SCORE_BYTES:], -negated
    (score,) = _DOUBLE.unpack(sort_key[:_SCORE_BYTES].translate(_INVERT))
    return sort_key[_SCORE_BYTES:], score


@dataclass(slots=True)
class _SortedSet:
    expires_at: float | None
    sort_keys: dict[bytes, bytes] = field(default_factory=dict)  # value -> its sort key
    ordered: SortedList = field(default_factory=SortedList)  # of sort keys

    def put(self, value: bytes, score: float) -> None:
        sort_key = _score_prefix(score) + value
        old = self.sort_keys.get(value)
        if old is not None:
            if old == sort_key:
                return
            self.ordered.remove(old)
        self.sort_keys[value] = sort_key
        self.ordered.add(sort_key)

    def remove(self, value: bytes) -> None:
        old = self.sort_keys.pop(value, None)
        if old is not None:
            self.ordered.remove(old)

    def score(self, value: bytes) -> float | None:
        sort_key = self.sort_keys.get(value)
        return None if sort_key is None else _split_sort_key(sort_key)[1]

    def rank(self, value: bytes, order: Order) -> int | None:
        sort_key = self.sort_keys.get(value)
        if sort_key is None:
            return None
        # The key is in the list (the dict says so), so the count of smaller keys is its rank;
        # `bisect_left` finds that with less work than `index`, which re-checks membership.
        asc: int = self.ordered.bisect_left(sort_key)
        return asc if order is Order.ASC else len(self.sort_keys) - 1 - asc

    def by_rank(self, start: int, stop: int, order: Order) -> list[tuple[bytes, float]]:
        """Python-slice ranks already resolved to `0 <= start <= stop <= len`."""
        if order is Order.ASC:
            return self.at_positions(start, stop)
        n = len(self.sort_keys)
        return self.at_positions(n - stop, n - start, reverse=True)

    def at_positions(
        self, start: int, stop: int, reverse: bool = False
    ) -> list[tuple[bytes, float]]:
        """`(value, score)` of the elements at ascending positions `start` to `stop - 1`,
        listed in ascending order or, when `reverse`, descending."""
        return [_split_sort_key(k) for k in self.ordered.islice(start, stop, reverse=reverse)]

    def score_index_range(self, low: ScoreBound | None, high: ScoreBound | None) -> range:
        """Ascending positions of the elements whose score lies within the bounds.

        A bare score prefix sorts before every element with that score (values are not
        empty), so bisecting it finds the first element with score >= s; `nextafter` turns
        "> s" into ">= the next float"."""
        ordered = self.ordered
        start = 0 if low is None else ordered.bisect_left(_score_prefix(_lowest_at_least(low)))
        stop = (
            len(ordered)
            if high is None
            else ordered.bisect_left(_score_prefix(_lowest_above(high)))
        )
        return range(start, max(start, stop))


def _lowest_at_least(low: ScoreBound) -> float:
    """The smallest score a lower bound admits."""
    return math.nextafter(low.score, math.inf) if low.exclusive else low.score


def _lowest_above(high: ScoreBound) -> float:
    """The smallest score an upper bound rejects."""
    return high.score if high.exclusive else math.nextafter(high.score, math.inf)


@dataclass(slots=True)
class _Dictionary:
    expires_at: float | None
    fields: dict[bytes, bytes] = field(default_factory=dict)


@dataclass(slots=True)
class _Set:
    expires_at: float | None
    elements: set[bytes] = field(default_factory=set)


@dataclass(slots=True)
class _List:
    expires_at: float | None
    values: list[bytes] = field(default_factory=list)


_Item: TypeAlias = _Scalar | _SortedSet | _Dictionary | _Set | _List
_TYPE_NAMES: Final = {
    _Scalar: "scalar",
    _SortedSet: "sorted set",
    _Dictionary: "dictionary",
    _Set: "set",
    _List: "list",
}


_MISS_KINDS: Final = {
    _Scalar: MissKind.KEY,
    _SortedSet: MissKind.SORTED_SET,
    _Dictionary: MissKind.DICTIONARY,
    _Set: MissKind.SET,
    _List: MissKind.LIST,
}
# One item type, so a lookup can return the type it was asked for.
_Kind = TypeVar("_Kind", _Scalar, _SortedSet, _Dictionary, _Set, _List)
# A collection type: created empty with a deadline, by a write, when absent.
_Collection = TypeVar("_Collection", _SortedSet, _Dictionary, _Set, _List)
_Answer = TypeVar("_Answer")  # what a read makes of the item it found


def _wrong_type(key: bytes, expected: type[_Item], item: _Item) -> WrongType:
    return WrongType(key, expected=_TYPE_NAMES[expected], actual=_TYPE_NAMES[type(item)])


_Cache: TypeAlias = dict[bytes, _Item]


# ---------------------------------------------------------------------------------------------
# Helpers


def _deadline(ttl_seconds: float | None, now: float) -> float | None:
    return None if ttl_seconds is None else now + ttl_seconds


def _resolve_ranks(start: int | None, end: int | None, length: int) -> tuple[int, int]:
    """Python-slice semantics, as Momento: negative ranks count from the end."""
    lo, hi, _ = slice(start, end).indices(length)
    return lo, max(lo, hi)


def _integer_of(value: bytes) -> int | None:
    """The base-10 64-bit integer a scalar holds, or None when it holds something else."""
    text = value.decode("ascii", errors="replace")
    if not text.removeprefix("-").isdigit():
        return None
    number = int(text)
    return number if _INT64_MIN <= number <= _INT64_MAX else None


def _check_fields(items: Sequence[tuple[bytes, bytes]]) -> InvalidArgument | None:
    if not items:
        return InvalidArgument("field", "at least one field is required")
    for name, value in items:
        if problem := check_bytes(name, "field", MAX_ELEMENT_VALUE_BYTES):
            return problem
        if len(value) > MAX_ITEM_VALUE_BYTES:  # an empty value is a value
            return InvalidArgument("value", f"must be at most {MAX_ITEM_VALUE_BYTES} bytes")
    return None


def _check_set_elements(elements: Sequence[bytes]) -> InvalidArgument | None:
    if not elements:
        return InvalidArgument("elements", "at least one element is required")
    for element in elements:
        if len(element) > MAX_ITEM_VALUE_BYTES:
            return InvalidArgument("elements", f"must be at most {MAX_ITEM_VALUE_BYTES} bytes each")
    return None


def _check_list_values(values: Sequence[bytes]) -> InvalidArgument | None:
    if not values:
        return InvalidArgument("values", "at least one value is required")
    for value in values:
        if len(value) > MAX_ITEM_VALUE_BYTES:
            return InvalidArgument("values", f"must be at most {MAX_ITEM_VALUE_BYTES} bytes each")
    return None


def _condition_holds(condition: SetCondition, current: bytes | None) -> bool:
    kind = condition.kind
    if kind is SetConditionKind.ALWAYS:
        return True
    if kind is SetConditionKind.ABSENT:
        return current is None
    if kind is SetConditionKind.PRESENT:
        return current is not None
    if kind is SetConditionKind.EQUAL:
        return current == condition.compare
    if kind is SetConditionKind.NOT_EQUAL:
        return current is not None and current != condition.compare
    if kind is SetConditionKind.PRESENT_AND_NOT_EQUAL:
        return current is not None and current != condition.compare
    return current is None or current == condition.compare  # ABSENT_OR_EQUAL


# ---------------------------------------------------------------------------------------------
# The store


class Store:
    """Caches of items; thread-safe, every call atomic. See the module docstring for the model.

    `clock` is injectable so tests can move time instead of sleeping.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._caches: dict[str, _Cache] = {}
        self._clock = clock
        self.topics: Final = TopicHub(self.has_cache)

    # -- control --------------------------------------------------------------------------

    def create_cache(self, cache_name: str) -> Ok | CacheAlreadyExists | InvalidArgument:
        if problem := check_name(cache_name, "cache_name"):
            return problem
        with self._lock:
            if cache_name in self._caches:
                return CacheAlreadyExists(cache_name)
            self._caches[cache_name] = {}
            return OK

    def delete_cache(self, cache_name: str) -> Ok | CacheNotFound:
        with self._lock:
            if self._caches.pop(cache_name, None) is None:
                return CacheNotFound(cache_name)
            return OK

    def flush_cache(self, cache_name: str) -> Ok | CacheNotFound:
        with self._lock:
            cache = self._caches.get(cache_name)
            if cache is None:
                return CacheNotFound(cache_name)
            cache.clear()
            return OK

    def list_caches(self) -> list[str]:
        with self._lock:
            return sorted(self._caches)

    def has_cache(self, cache_name: str) -> bool:
        with self._lock:
            return cache_name in self._caches

    def purge_expired(self) -> int:
        """Drop every expired item; O(number of keys). Returns how many were dropped."""
        now = self._clock()
        dropped = 0
        with self._lock:
            for cache in self._caches.values():
                expired = [
                    k for k, i in cache.items() if i.expires_at is not None and i.expires_at <= now
                ]
                for key in expired:
                    del cache[key]
                dropped += len(expired)
        return dropped

    # -- any key --------------------------------------------------------------------------

    def delete(self, cache_name: str, key: bytes) -> WriteResult:
        """Delete the item under `key` whatever its type; deleting nothing succeeds."""
        if problem := check_bytes(key, "key", MAX_KEY_BYTES):
            return problem
        with self._lock:
            cache = self._caches.get(cache_name)
            if cache is None:
                return CacheNotFound(cache_name)
            cache.pop(key, None)
            return OK

    # -- scalars --------------------------------------------------------------------------

    def get(self, cache_name: str, key: bytes) -> GetResult:
        return self._read(cache_name, key, _Scalar, lambda found: Hit(found.value))

    def set(
        self,
        cache_name: str,
        key: bytes,
        value: bytes,
        ttl_seconds: float | None,
        condition: SetCondition = ALWAYS,
    ) -> SetResult:
        """Store a scalar (replacing an item of any type unless a condition says otherwise)."""
        if problem := (
            check_bytes(key, "key", MAX_KEY_BYTES)
            or check_ttl(ttl_seconds)
            or (
                InvalidArgument("value", f"must be at most {MAX_ITEM_VALUE_BYTES} bytes")
                if len(value) > MAX_ITEM_VALUE_BYTES
                else None
            )
        ):
            return problem
        with self._lock:
            cache = self._caches.get(cache_name)
            if cache is None:
                return CacheNotFound(cache_name)
            if condition.kind is not SetConditionKind.ALWAYS:
                item = self._live(cache, key)
                if item is not None and not isinstance(item, _Scalar):
                    return _wrong_type(key, _Scalar, item)
                if not _condition_holds(condition, None if item is None else item.value):
                    return NotStored()
            cache[key] = _Scalar(value, _deadline(ttl_seconds, self._clock()))
            return OK

    def increment(
        self, cache_name: str, key: bytes, amount: int, ttl_seconds: float | None
    ) -> IncrementResult:
        """Add `amount` to the base-10 integer under `key` (a missing key starts at 0) and
        store the result as its decimal text with `ttl_seconds`, as Momento does."""
        if problem := check_bytes(key, "key", MAX_KEY_BYTES) or check_ttl(ttl_seconds):
            return problem
        with self._lock:
            found = self._found(cache_name, key, _Scalar)
            if not isinstance(found, tuple):
                return found
            cache, item = found
            current = 0 if item is None else _integer_of(item.value)
            if current is None:
                return NotAnInteger(key, "the value is not a base-10 64-bit integer")
            total = current + amount
            if not _INT64_MIN <= total <= _INT64_MAX:
                return NotAnInteger(key, "the result would overflow a 64-bit integer")
            cache[key] = _Scalar(str(total).encode(), _deadline(ttl_seconds, self._clock()))
            return Counter(total)

    # -- any item: TTL and existence ------------------------------------------------------

    def item_ttl(self, cache_name: str, key: bytes) -> TtlResult:
        """The remaining TTL of the item under `key`, whatever its type."""
        if problem := check_bytes(key, "key", MAX_KEY_BYTES):
            return problem
        with self._lock:
            cache = self._caches.get(cache_name)
            if cache is None:
                return CacheNotFound(cache_name)
            item = self._live(cache, key)
            if item is None:
                return Miss(MissKind.KEY)
            if item.expires_at is None:
                return RemainingTtl(None)
            return RemainingTtl(item.expires_at - self._clock())

    def update_ttl(
        self, cache_name: str, key: bytes, ttl_seconds: float, mode: TtlUpdate
    ) -> UpdateTtlResult:
        """Give the item under `key` a TTL of `ttl_seconds` from now; INCREASE / DECREASE
        apply only when that lengthens / shortens its life (NotStored when it would not)."""
        if problem := check_bytes(key, "key", MAX_KEY_BYTES) or check_ttl(ttl_seconds):
            return problem
        with self._lock:
            cache = self._caches.get(cache_name)
            if cache is None:
                return CacheNotFound(cache_name)
            item = self._live(cache, key)
            if item is None:
                return Miss(MissKind.KEY)
            deadline = self._clock() + ttl_seconds
            current = math.inf if item.expires_at is None else item.expires_at
            if (mode is TtlUpdate.INCREASE and deadline <= current) or (
                mode is TtlUpdate.DECREASE and deadline >= current
            ):
                return NotStored()
            item.expires_at = deadline
            return OK

    def keys_exist(self, cache_name: str, keys: Sequence[bytes]) -> ExistenceResult:
        for key in keys:
            if problem := check_bytes(key, "key", MAX_KEY_BYTES):
                return problem
        with self._lock:
            cache = self._caches.get(cache_name)
            if cache is None:
                return CacheNotFound(cache_name)
            return Existence([self._live(cache, key) is not None for key in keys])

    # -- sorted sets: writes --------------------------------------------------------------

    def sorted_set_put(
        self,
        cache_name: str,
        key: bytes,
        elements: Sequence[tuple[bytes, float]],
        ttl: CollectionTtl = _NO_TTL,
    ) -> WriteResult:
        """Insert each `(value, score)`, or overwrite the score of a value already present."""
        if problem := self._check_write(key, ttl) or check_elements(elements):
            return problem
        with self._lock:
            found = self._writable(cache_name, key, _SortedSet, ttl)
            if not isinstance(found, _SortedSet):
                return found
            for value, score in elements:
                found.put(value, float(score))
            return OK

    def sorted_set_increment(
        self,
        cache_name: str,
        key: bytes,
        value: bytes,
        amount: float,
        ttl: CollectionTtl = _NO_TTL,
    ) -> ScoreResult:
        """Add `amount` to the value's score (a missing value starts at `amount`)."""
        if problem := (
            self._check_write(key, ttl)
            or check_bytes(value, "value", MAX_ELEMENT_VALUE_BYTES)
            or check_score(amount, "amount")
        ):
            return problem
        with self._lock:
            found = self._found(cache_name, key, _SortedSet)
            if not isinstance(found, tuple):
                return found
            cache, existing = found
            current = None if existing is None else existing.score(value)
            new_score = (0.0 if current is None else current) + float(amount)
            if not math.isfinite(new_score):
                return InvalidArgument("amount", "would make the score non-finite")
            self._claim(cache, key, _SortedSet, existing, ttl).put(value, new_score)
            return Score(value, new_score)

    def sorted_set_remove(
        self, cache_name: str, key: bytes, values: Sequence[bytes]
    ) -> WriteResult:
        """Remove the values; absent values and an absent set are not errors (as Momento)."""
        if problem := check_bytes(key, "key", MAX_KEY_BYTES) or check_values(values):
            return problem
        with self._lock:
            found = self._readable(cache_name, key, _SortedSet)
            if isinstance(found, Miss):
                return OK
            if not isinstance(found, _SortedSet):
                return found
            for value in values:
                found.remove(value)
            if not found.sort_keys:
                self._caches[cache_name].pop(key, None)  # an emptied collection is gone
            return OK

    # -- sorted sets: reads ---------------------------------------------------------------

    def sorted_set_fetch_by_rank(
        self,
        cache_name: str,
        key: bytes,
        start_rank: int | None = None,
        end_rank: int | None = None,
        order: Order = Order.ASC,
    ) -> FetchResult:
        """Elements ranked `start_rank` (inclusive) to `end_rank` (exclusive) in `order`;
        negative ranks count from the end, as Python slices and Momento do."""
        if problem := check_bytes(key, "key", MAX_KEY_BYTES) or check_ranks(start_rank, end_rank):
            return problem
        with self._lock:
            found = self._readable(cache_name, key, _SortedSet)
            if not isinstance(found, _SortedSet):
                return found
            start, stop = _resolve_ranks(start_rank, end_rank, len(found.sort_keys))
            return Elements(found.by_rank(start, stop, order))

    def sorted_set_fetch_by_score(
        self,
        cache_name: str,
        key: bytes,
        *,
        min_score: ScoreBound | None = None,
        max_score: ScoreBound | None = None,
        order: Order = Order.ASC,
        offset: int = 0,
        count: int | None = None,
    ) -> FetchResult:
        """Elements scored within the bounds, in `order`, skipping `offset`, at most `count`."""
        if problem := (
            check_bytes(key, "key", MAX_KEY_BYTES)
            or check_score_bounds(min_score, max_score)
            or check_window(offset, count)
        ):
            return problem
        with self._lock:
            found = self._readable(cache_name, key, _SortedSet)
            if not isinstance(found, _SortedSet):
                return found
            span = found.score_index_range(min_score, max_score)
            if order is Order.DESC:
                span = span[::-1]
            span = span[offset:] if count is None else span[offset : offset + count]
            if not span:
                return Elements([])
            if span.step > 0:
                return Elements(found.at_positions(span.start, span.stop))
            return Elements(found.at_positions(span[-1], span.start + 1, reverse=True))

    def sorted_set_get_rank(
        self, cache_name: str, key: bytes, value: bytes, order: Order = Order.ASC
    ) -> RankResult:
        if problem := check_bytes(key, "key", MAX_KEY_BYTES) or check_bytes(
            value, "value", MAX_ELEMENT_VALUE_BYTES
        ):
            return problem
        with self._lock:
            found = self._readable(cache_name, key, _SortedSet)
            if not isinstance(found, _SortedSet):
                return found
            rank = found.rank(value, order)
            return Miss(MissKind.ELEMENT) if rank is None else Rank(value, rank)

    def sorted_set_get_score(self, cache_name: str, key: bytes, value: bytes) -> ScoreResult:
        if problem := check_bytes(key, "key", MAX_KEY_BYTES) or check_bytes(
            value, "value", MAX_ELEMENT_VALUE_BYTES
        ):
            return problem
        with self._lock:
            found = self._readable(cache_name, key, _SortedSet)
            if not isinstance(found, _SortedSet):
                return found
            score = found.score(value)
            return Miss(MissKind.ELEMENT) if score is None else Score(value, score)

    def sorted_set_get_scores(
        self, cache_name: str, key: bytes, values: Sequence[bytes]
    ) -> ScoresResult:
        return self._read(
            cache_name,
            key,
            _SortedSet,
            lambda found: Scores([(value, found.score(value)) for value in values]),
            check_values(values),
        )

    def sorted_set_length(self, cache_name: str, key: bytes) -> LengthResult:
        return self._read(cache_name, key, _SortedSet, lambda found: Length(len(found.sort_keys)))

    def sorted_set_length_by_score(
        self,
        cache_name: str,
        key: bytes,
        min_score: ScoreBound | None = None,
        max_score: ScoreBound | None = None,
    ) -> LengthResult:
        return self._read(
            cache_name,
            key,
            _SortedSet,
            lambda found: Length(len(found.score_index_range(min_score, max_score))),
            check_score_bounds(min_score, max_score),
        )

    # -- dictionaries ---------------------------------------------------------------------

    def dictionary_set(
        self,
        cache_name: str,
        key: bytes,
        items: Sequence[tuple[bytes, bytes]],
        ttl: CollectionTtl = _NO_TTL,
    ) -> WriteResult:
        """Set each `(field, value)`, creating the dictionary if absent."""
        if problem := self._check_write(key, ttl) or _check_fields(items):
            return problem
        with self._lock:
            found = self._writable(cache_name, key, _Dictionary, ttl)
            if not isinstance(found, _Dictionary):
                return found
            found.fields.update(items)
            return OK

    def dictionary_increment(
        self,
        cache_name: str,
        key: bytes,
        field_name: bytes,
        amount: int,
        ttl: CollectionTtl = _NO_TTL,
    ) -> IncrementResult:
        """Add `amount` to the base-10 integer in `field_name` (absent = 0), as `increment`."""
        if problem := self._check_write(key, ttl) or _check_fields([(field_name, b"")]):
            return problem
        with self._lock:
            found = self._found(cache_name, key, _Dictionary)
            if not isinstance(found, tuple):
                return found
            cache, item = found
            stored = None if item is None else item.fields.get(field_name)
            current = 0 if stored is None else _integer_of(stored)
            if current is None:
                return NotAnInteger(key, "the field's value is not a base-10 64-bit integer")
            total = current + amount
            if not _INT64_MIN <= total <= _INT64_MAX:
                return NotAnInteger(key, "the result would overflow a 64-bit integer")
            claimed = self._claim(cache, key, _Dictionary, item, ttl)
            claimed.fields[field_name] = str(total).encode()
            return Counter(total)

    def dictionary_get(
        self, cache_name: str, key: bytes, fields: Sequence[bytes]
    ) -> FieldValuesResult:
        return self._read(
            cache_name,
            key,
            _Dictionary,
            lambda found: FieldValues([found.fields.get(name) for name in fields]),
            _check_fields([(name, b"") for name in fields]),
        )

    def dictionary_fetch(self, cache_name: str, key: bytes) -> FieldsResult:
        return self._read(cache_name, key, _Dictionary, lambda found: Fields(dict(found.fields)))

    def dictionary_length(self, cache_name: str, key: bytes) -> LengthResult:
        return self._read(cache_name, key, _Dictionary, lambda found: Length(len(found.fields)))

    def dictionary_remove(
        self, cache_name: str, key: bytes, fields: Sequence[bytes] | None
    ) -> WriteResult:
        """Remove `fields` (None = the whole dictionary); removing its last field removes the
        dictionary, and removing what is absent succeeds, as Momento."""
        if problem := check_bytes(key, "key", MAX_KEY_BYTES):
            return problem
        with self._lock:
            found = self._readable(cache_name, key, _Dictionary)
            if isinstance(found, Miss):
                return OK
            if not isinstance(found, _Dictionary):
                return found
            for name in fields if fields is not None else list(found.fields):
                found.fields.pop(name, None)
            if not found.fields:
                del self._caches[cache_name][key]
            return OK

    # -- sets -----------------------------------------------------------------------------

    def set_add(
        self,
        cache_name: str,
        key: bytes,
        elements: Sequence[bytes],
        ttl: CollectionTtl = _NO_TTL,
    ) -> WriteResult:
        """Add `elements`, creating the set if absent."""
        if problem := self._check_write(key, ttl) or _check_set_elements(elements):
            return problem
        with self._lock:
            found = self._writable(cache_name, key, _Set, ttl)
            if not isinstance(found, _Set):
                return found
            found.elements.update(elements)
            return OK

    def set_remove(
        self, cache_name: str, key: bytes, elements: Sequence[bytes] | None
    ) -> RemoveResult:
        """Remove `elements` (None = the whole set); removing the last element removes the
        set, as Momento."""
        if problem := check_bytes(key, "key", MAX_KEY_BYTES) or (
            None if elements is None else _check_set_elements(elements)
        ):
            return problem
        with self._lock:
            found = self._readable(cache_name, key, _Set)
            if not isinstance(found, _Set):
                return found
            found.elements.difference_update(found.elements if elements is None else elements)
            if not found.elements:
                del self._caches[cache_name][key]
            return OK

    def set_fetch(self, cache_name: str, key: bytes) -> MembersResult:
        return self.set_sample(cache_name, key, None)

    def set_sample(self, cache_name: str, key: bytes, limit: int | None) -> MembersResult:
        """Up to `limit` elements chosen at random (None = all of them)."""
        if problem := check_bytes(key, "key", MAX_KEY_BYTES):
            return problem
        with self._lock:
            found = self._readable(cache_name, key, _Set)
            if not isinstance(found, _Set):
                return found
            elements = list(found.elements)
            if limit is not None and limit < len(elements):
                elements = random.sample(elements, limit)
            return Members(elements)

    def set_pop(self, cache_name: str, key: bytes, count: int) -> MembersResult:
        """Remove and return up to `count` elements chosen at random."""
        if problem := check_bytes(key, "key", MAX_KEY_BYTES):
            return problem
        with self._lock:
            found = self._readable(cache_name, key, _Set)
            if not isinstance(found, _Set):
                return found
            popped = [found.elements.pop() for _ in range(min(count, len(found.elements)))]
            if not found.elements:
                del self._caches[cache_name][key]
            return Members(popped)

    def set_contains(
        self, cache_name: str, key: bytes, elements: Sequence[bytes]
    ) -> MembershipResult:
        return self._read(
            cache_name,
            key,
            _Set,
            lambda found: Membership([element in found.elements for element in elements]),
            _check_set_elements(elements),
        )

    def set_length(self, cache_name: str, key: bytes) -> LengthResult:
        return self._read(cache_name, key, _Set, lambda found: Length(len(found.elements)))

    # -- lists ----------------------------------------------------------------------------

    def list_push(
        self,
        cache_name: str,
        key: bytes,
        values: Sequence[bytes],
        *,
        front: bool,
        ttl: CollectionTtl = _NO_TTL,
        truncate_to: int = 0,
    ) -> ListLengthResult:
        """Add `values` (in their order) at the front or back, creating the list if absent;
        then, when `truncate_to` > 0, drop values from the other end down to that length."""
        if problem := self._check_write(key, ttl) or _check_list_values(values):
            return problem
        with self._lock:
            item = self._writable(cache_name, key, _List, ttl)
            if not isinstance(item, _List):
                return item
            if front:
                item.values[:0] = values
                if truncate_to:
                    del item.values[truncate_to:]
            else:
                item.values.extend(values)
                if truncate_to:
                    del item.values[: max(0, len(item.values) - truncate_to)]
            return Length(len(item.values))

    def list_pop(self, cache_name: str, key: bytes, *, front: bool) -> PopResult:
        """Take the value at one end; taking the last value removes the list."""
        if problem := check_bytes(key, "key", MAX_KEY_BYTES):
            return problem
        with self._lock:
            found = self._readable(cache_name, key, _List)
            if not isinstance(found, _List):
                return found
            value = found.values.pop(0 if front else -1)
            if not found.values:
                del self._caches[cache_name][key]
            return Popped(value, len(found.values))

    def list_fetch(
        self, cache_name: str, key: bytes, start: int | None = None, end: int | None = None
    ) -> MembersResult:
        """The values from `start` (inclusive) to `end` (exclusive), Python-slice style."""
        return self._read(cache_name, key, _List, lambda found: Members(found.values[start:end]))

    def list_retain(
        self,
        cache_name: str,
        key: bytes,
        start: int | None = None,
        end: int | None = None,
        ttl: CollectionTtl = _NO_TTL,
    ) -> LengthResult:
        """Keep only the values from `start` to `end`; keeping none removes the list."""
        if problem := self._check_write(key, ttl):
            return problem
        with self._lock:
            found = self._readable(cache_name, key, _List)
            if not isinstance(found, _List):
                return found
            found.values[:] = found.values[start:end]
            if ttl.refresh:
                found.expires_at = _deadline(ttl.ttl_seconds, self._clock())
            if not found.values:
                del self._caches[cache_name][key]
            return Length(len(found.values))

    def list_remove_value(self, cache_name: str, key: bytes, value: bytes) -> LengthResult:
        """Remove every occurrence of `value`; removing every value removes the list."""
        if problem := check_bytes(key, "key", MAX_KEY_BYTES):
            return problem
        with self._lock:
            found = self._readable(cache_name, key, _List)
            if not isinstance(found, _List):
                return found
            found.values[:] = [kept for kept in found.values if kept != value]
            if not found.values:
                del self._caches[cache_name][key]
            return Length(len(found.values))

    def list_length(self, cache_name: str, key: bytes) -> LengthResult:
        return self._read(cache_name, key, _List, lambda found: Length(len(found.values)))

    # -- reads of one item --------------------------------------------------------------

    def _read(
        self,
        cache_name: str,
        key: bytes,
        kind: type[_Kind],
        read: Callable[[_Kind], _Answer],
        check: InvalidArgument | None = None,
    ) -> _Answer | Miss | Failure:
        """`read` applied, under the lock, to the item of type `kind` under `key`; or the
        key's problem, else `check` (the other arguments' problem), else the miss or failure."""
        if problem := check_bytes(key, "key", MAX_KEY_BYTES) or check:
            return problem
        with self._lock:
            found = self._readable(cache_name, key, kind)
            if isinstance(found, Miss | Failure):
                return found
            return read(found)

    # -- internals (call with the lock held) ----------------------------------------------

    def _live(self, cache: _Cache, key: bytes) -> _Item | None:
        """The item under `key`, or None when absent or expired (an expired item is dropped).
        The clock is read only for an item that has a deadline."""
        item = cache.get(key)
        if item is not None and item.expires_at is not None and item.expires_at <= self._clock():
            del cache[key]
            return None
        return item

    def _found(
        self, cache_name: str, key: bytes, kind: type[_Kind]
    ) -> tuple[_Cache, _Kind | None] | Failure:
        """The cache and the live item of type `kind` under `key` (None when absent), or why
        not: no such cache, or an item of another type."""
        cache = self._caches.get(cache_name)
        if cache is None:
            return CacheNotFound(cache_name)
        item = self._live(cache, key)
        if item is not None and not isinstance(item, kind):
            return _wrong_type(key, kind, item)
        return cache, item

    def _readable(self, cache_name: str, key: bytes, kind: type[_Kind]) -> _Kind | Miss | Failure:
        """The live item of type `kind` under `key`, or the miss or failure to answer."""
        cache = self._caches.get(cache_name)
        if cache is None:
            return CacheNotFound(cache_name)
        item = self._live(cache, key)
        if item is None:
            return Miss(_MISS_KINDS[kind])
        if not isinstance(item, kind):
            return _wrong_type(key, kind, item)
        return item

    def _writable(
        self, cache_name: str, key: bytes, kind: type[_Collection], ttl: CollectionTtl
    ) -> _Collection | Failure:
        """The collection under `key`, created if absent, with its TTL applied per `ttl`."""
        cache = self._caches.get(cache_name)
        if cache is None:
            return CacheNotFound(cache_name)
        item = self._live(cache, key)
        if item is not None and not isinstance(item, kind):
            return _wrong_type(key, kind, item)
        return self._claim(cache, key, kind, item, ttl)

    def _claim(
        self,
        cache: _Cache,
        key: bytes,
        kind: type[_Collection],
        live: _Collection | None,
        ttl: CollectionTtl,
    ) -> _Collection:
        """`live` (the collection `_live` found under `key`), or a new one if None, for a
        write: a new one's TTL is applied per `ttl`, an existing one's refreshed if
        `ttl.refresh`. Split from the lookup so an increment can refuse a bad result first."""
        if live is None:
            live = kind(_deadline(ttl.ttl_seconds, self._clock()))
            cache[key] = live
        elif ttl.refresh:
            live.expires_at = _deadline(ttl.ttl_seconds, self._clock())
        return live

    @staticmethod
    def _check_write(key: bytes, ttl: CollectionTtl) -> InvalidArgument | None:
        return check_bytes(key, "key", MAX_KEY_BYTES) or check_ttl(ttl.ttl_seconds)


__all__ = [
    "ALWAYS",
    "OK",
    "CacheAlreadyExists",
    "CacheNotFound",
    "Counter",
    "Elements",
    "Existence",
    "FieldValues",
    "Fields",
    "Hit",
    "Length",
    "Members",
    "Membership",
    "Miss",
    "MissKind",
    "NotAnInteger",
    "NotStored",
    "Ok",
    "Popped",
    "Rank",
    "RemainingTtl",
    "Score",
    "Scores",
    "SetCondition",
    "SetConditionKind",
    "Store",
    "TtlUpdate",
    "WrongType",
]
