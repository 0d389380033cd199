"""The events of one branch of an execution, newest first, as AWS links them.

Every history event names the event before it on the same chain (``previousEventId``):
a Parallel branch or a Map iteration is its own chain, joined to its state's chain at the
start. Following those links from a frame's latest event answers "which state is this
branch in?" without any bookkeeping of moto's internals beyond the history itself.
"""

from collections.abc import Iterator
from typing import Any


def events_back(env: Any) -> Iterator[dict[str, Any]]:
    """The events of ``env``'s chain, from its latest back to the execution's start."""
    manager = env.event_manager
    # Read under moto's lock: another branch may be between taking an id and appending it.
    with manager._mutex:
        events = manager._history_event_list  # ids are 1-based positions, never rewritten
        event_id: int = env.event_history_context.source_event_id
    while event_id > 0:
        event: dict[str, Any] = events[event_id - 1]
        yield event
        event_id = event["previousEventId"]
