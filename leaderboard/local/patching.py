"""The one way the local runtime changes pinned moto: every change recorded, and undoable.

The local runtime is stock moto plus replaced attributes. Each change is made here, inside a
``patch_group`` naming the module that makes it and its kind, and recorded as a ``Patch``
(owner, name, the original, the module and why). So ``patches()`` lists the whole difference
from stock moto, ``undo_all()`` puts every original back, and the speed and memory patches
can be left out to measure what they buy. Refusing to replace attributes that are not there
(or to add ones that are) turns a moto upgrade that moved something into a loud error at
install time.
"""

from __future__ import annotations

import contextvars
import enum
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Final


class Kind(enum.Enum):
    """Why a patch exists, which decides whether it may be left out."""

    FEATURE = "feature"
    """Behaviour AWS has that stock moto lacks or gets wrong."""
    SPEED = "speed"
    """The same behaviour in less time or memory; left out by ``speed=False``."""


class _Absent:
    """The original of a patch that added what stock moto did not have."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()


@dataclass(frozen=True)
class Patch:
    """One change to moto (or to a library moto drives), as ``patches()`` lists it."""

    owner: object
    """The class, module, mapping or list changed."""
    name: str
    """The attribute or key replaced; ``[]`` for an item appended to a list."""
    original: object
    """What ``owner`` held under ``name`` before (``ABSENT`` if it held nothing)."""
    replacement: object
    module: str
    """The module that made the change."""
    why: str
    """The first line of that module's docstring."""
    kind: Kind
    _undo: Callable[[], None] = field(repr=False, compare=False)


@dataclass(frozen=True)
class _Group:
    module: str
    why: str
    kind: Kind
    speed: bool


_group: contextvars.ContextVar[_Group | None] = contextvars.ContextVar("patch_group", default=None)
_patches: list[Patch] = []
_lock = threading.RLock()


@contextmanager
def patch_group(module: ModuleType, kind: Kind, *, speed: bool = True) -> Iterator[None]:
    """Record the patches made inside as ``module``'s, of ``kind`` unless a call says otherwise.

    With ``speed=False`` a patch of kind ``SPEED`` is not made.
    """
    why = (module.__doc__ or "").strip().partition("\n")[0]
    token = _group.set(_Group(module.__name__, why, kind, speed))
    try:
        yield
    finally:
        _group.reset(token)


def patches() -> tuple[Patch, ...]:
    """Every change in force, in the order made."""
    with _lock:
        return tuple(_patches)


def patched_by(module: str) -> bool:
    """Whether a change made by the module named ``module`` is in force."""
    return any(patch.module == module for patch in patches())


def undo_all() -> None:
    """Put back every original, newest change first, so stacked changes unwind in order."""
    with _lock:
        while _patches:
            _patches.pop()._undo()


def replace_attribute(owner: object, name: str, value: Any, *, kind: Kind | None = None) -> None:
    """Set ``owner.name`` to ``value``; AttributeError if moto has no such attribute.

    ``kind`` marks one patch of a feature module as a speed patch.
    """
    if not hasattr(owner, name):
        raise AttributeError(f"{owner!r} has no attribute {name!r}: was moto upgraded?")
    # From the owner's own namespace: getattr would unwrap a staticmethod, and an inherited
    # attribute (ABSENT here) is put back by deleting the override.
    original = vars(owner).get(name, ABSENT)

    def apply() -> None:
        setattr(owner, name, value)

    def undo() -> None:
        if original is ABSENT:
            delattr(owner, name)
        else:
            setattr(owner, name, original)

    _record(Patch(owner, name, original, value, *_made_by(kind), undo), apply)


def add_attribute(owner: object, name: str, value: Any) -> None:
    """Set ``owner.name``, which moto must not have yet (it would be moto's own version)."""
    if hasattr(owner, name):
        raise AttributeError(f"{owner!r} already has {name!r}: was moto upgraded?")

    def apply() -> None:
        setattr(owner, name, value)

    def undo() -> None:
        delattr(owner, name)

    _record(Patch(owner, name, ABSENT, value, *_made_by(None), undo), apply)


def set_item(mapping: Any, key: str, value: Any) -> None:
    """Set ``mapping[key]`` (a setting moto reads from a dict, typed or not)."""
    original = mapping.get(key, ABSENT)

    def apply() -> None:
        mapping[key] = value

    def undo() -> None:
        if original is ABSENT:
            del mapping[key]
        else:
            mapping[key] = original

    _record(Patch(mapping, key, original, value, *_made_by(None), undo), apply)


def append_item(items: list[Any], item: Any) -> None:
    """Append ``item`` to ``items`` (a registration list), which must not hold it yet."""
    if item in items:
        raise ValueError(f"{item!r} is already registered: installed twice?")

    def apply() -> None:
        items.append(item)

    def undo() -> None:
        items.remove(item)

    _record(Patch(items, "[]", ABSENT, item, *_made_by(None), undo), apply)


def _made_by(kind: Kind | None) -> tuple[str, str, Kind]:
    """The module, why and kind of a patch made now (``kind`` overrides the group's)."""
    group = _group.get()
    if group is None:
        raise RuntimeError("moto patched outside patch_group(): the change would be unrecorded")
    return group.module, group.why, kind or group.kind


def _record(patch: Patch, apply: Callable[[], None]) -> None:
    group = _group.get()
    if patch.kind is Kind.SPEED and group is not None and not group.speed:
        return
    with _lock:
        apply()
        _patches.append(patch)
