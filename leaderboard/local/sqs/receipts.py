"""moto's SQS finds the message a receipt handle names without asking every queued message.

moto's ``Queue.delete_message`` asks every message in the queue, twice, whether it ever had
the handle (each question builds the message's list of handles), so each event ``events``
deleted after reading it cost two scans of the whole backlog.

Every handle moto hands out is recorded, when ``mark_received`` makes it, against the
message it names (weakly: the record never keeps a message alive). A delete whose
handle is recorded, not yet deleted, and whose message is still in the queue removes that
message exactly as moto does: out of the in-flight set, all its handles marked deleted, and
a new message list (moto's delete replaces the list rather than editing the one a
concurrent receive may be walking). Every other delete (a handle already deleted, never
handed out, or whose message was purged or moved to a dead-letter queue) is moto's own, so
it answers as moto does, errors included.
"""

from weakref import WeakValueDictionary

from moto.sqs.models import Message, Queue

from leaderboard.local.patching import replace_attribute

_moto_mark_received = Message.mark_received
_moto_delete_message = Queue.delete_message

# Receipt handle -> the message it was handed out for. Handles are random (185 letters),
# so one table serves every queue; a delete checks the message is in its queue.
_handed_out: WeakValueDictionary[str, Message] = WeakValueDictionary()


def mark_received(message: Message, visibility_timeout: int | None = None) -> None:
    """moto's ``Message.mark_received``, recording the new receipt handle."""
    _moto_mark_received(message, visibility_timeout)
    _handed_out[message.receipt_handle] = message  # type: ignore[index]  # set just now


def record_deleted(queue: Queue, message: Message) -> None:
    """What moto's delete records for a message besides dropping it from the list: it is no
    longer in flight, and each handle it was received with deletes quietly from now on."""
    queue.pending_messages.discard(message)
    if message.receipt_handle is not None:  # never received: no handle to remember
        queue.deleted_messages.update(message.all_receipt_handles)  # type: ignore[arg-type]


def delete_message(queue: Queue, receipt_handle: str) -> None:
    """moto's ``Queue.delete_message``, finding the message through the recorded handle."""
    message = _handed_out.get(receipt_handle)
    if message is None or receipt_handle in queue.deleted_messages:
        _moto_delete_message(queue, receipt_handle)
        return
    remaining = queue._messages.copy()
    try:
        remaining.remove(message)  # identity: moto's Message has no __eq__
    except ValueError:
        _moto_delete_message(queue, receipt_handle)
        return
    record_deleted(queue, message)
    queue._messages = remaining


def install() -> None:
    """Record receipt handles as moto makes them; delete through the record."""
    replace_attribute(Message, "mark_received", mark_received)
    replace_attribute(Queue, "delete_message", delete_message)
