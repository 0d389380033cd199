"""The one way this package changes pinned moto: replace a named attribute that exists.

Every extension names exactly what it replaces. Refusing to add attributes that are not
there turns a moto upgrade that moved something into a loud error at install time.
"""

from typing import Any


def replace_attribute(owner: object, name: str, value: Any) -> None:
    """Set ``owner.name`` to ``value``; AttributeError if moto has no such attribute."""
    if not hasattr(owner, name):
        raise AttributeError(f"{owner!r} has no attribute {name!r}: was moto upgraded?")
    setattr(owner, name, value)


def add_attribute(owner: object, name: str, value: Any) -> None:
    """Set ``owner.name``, which moto must not have yet (it would be moto's own version)."""
    if hasattr(owner, name):
        raise AttributeError(f"{owner!r} already has {name!r}: was moto upgraded?")
    setattr(owner, name, value)
