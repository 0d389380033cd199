"""The single entry point that turns pinned moto 5.2.5 into the project's local AWS.

Call ``install()`` once before starting moto's server (or inside ``mock_aws``); further calls
with the same arguments do nothing. It refuses any moto but the pinned version (the
extensions replace moto internals by name) and makes every change through
``leaderboard.local.patching``, which lists them (``patches()``) and can put moto back as it
was (``uninstall()``, for tests and benchmarks). Each module is a feature patch (behaviour AWS
has) or a speed patch (the same behaviour in less time or memory); ``install(speed=False)``
leaves the speed patches out, to measure what they buy (``bench/stepfunctions_runtime.py``).
``EXTENSIONS`` lists them in install order:

Step Functions (``leaderboard.local.stepfunctions``):

- ``field_paths``: each parsed JSONata expression knows the field it was written in.
- ``definition_cache``: definitions parsed once per version; no leaked thread list.
- ``item_batcher``: a JSONata Map's ItemBatcher, folded into its Items before moto parses.
- ``definition_validation``: create, update and ValidateStateMachineDefinition refuse what
  AWS refuses (``asl_checks``).
- ``inline_execution``: no thread per program or state unless a timeout needs one.
- ``json_clone``: moto's copies of execution data rebuilt as JSON, not by ``copy.deepcopy``.
- ``jsonata_javascript``: jsonata-python writes numbers and matches regexes as JavaScript does.
- ``jsonata_eval``: JSONata through jsonata-python, each expression compiled once (its faster
  variable lookup is a speed patch).
- ``context_object``: ``$$``/``$states.context`` with RedriveCount and AWS's time format.
- ``string_literals``: string literals (Assign's too) decoded as JSON strings, as on AWS.
- ``evaluation_failures``: a JSONata failure's cause and single event as AWS reports them.
- ``wait_timestamp``: a JSONata Wait Timestamp that is no timestamp fails its evaluation.
- ``map_input``: a JSONPath Map over a non-array names the JSON value, as AWS does.
- ``branch_aborts``: a failed Parallel branch records its siblings' ``*StateAborted`` events.
- ``error_names``: ``States.*`` errors (HTTP status, branch failures) keep their names.
- ``http_task``: ``arn:aws:states:::http:invoke`` with EventBridge connections.
- ``service_clients``: integrations answered by moto in-process; Lambda by ``lambda_task``.
- ``lambda_invoke_output``: ``lambda:invoke`` output with AWS's SDK metadata fields.
- ``sync_execution``: ``StartSyncExecution`` for EXPRESS machines, with local history.
- ``execution_names``: an unnamed execution gets a UUID name, as on AWS.
- ``execution_history_pages``: GetExecutionHistory honours reverseOrder, maxResults, nextToken.
- ``payload_limits``: execution input and task output over 256 KiB refused at the API.
- ``rule_state_machine_targets``: an EventBridge rule with a state machine target starts it.

SQS (``leaderboard.local.sqs``), where the local bus delivers events:

- ``clock``: moto's SQS reads a cheap clock.
- ``attributes``: a queue's attributes computed when read, so no message count per send.
- ``visible``: a receive asks the queued messages only up to the end of its batch.
- ``receipts``: a delete finds its message through the receipt handle, not a queue scan.
- ``deleted``: a deleted message's receipt handles are remembered for one retention period.
- ``retention``: a message that outlived its queue's retention period is dropped.

``leaderboard.local.tracked_instances``: moto tracks SQS messages and S3 objects weakly, so a
drained message or a deleted object is freed (and moto's dashboard keeps answering).

moto's server: ``server_dispatch``, its per-request routing lookups computed once (installed
last: it memoizes the URL patterns the other extensions add).

``leaderboard.local.clock`` adds one more feature patch when a local clock is attached.
"""

import importlib.metadata
import threading
from types import ModuleType
from typing import Final

from moto.core.config import default_user_config

from leaderboard.local import patching, tracked_instances
from leaderboard.local.patching import Kind, patch_group, set_item
from leaderboard.local.sqs import attributes as sqs_attributes
from leaderboard.local.sqs import clock as sqs_clock
from leaderboard.local.sqs import deleted as sqs_deleted
from leaderboard.local.sqs import receipts as sqs_receipts
from leaderboard.local.sqs import retention as sqs_retention
from leaderboard.local.sqs import visible as sqs_visible
from leaderboard.local.stepfunctions import (
    branch_aborts,
    context_object,
    definition_cache,
    definition_validation,
    error_names,
    evaluation_failures,
    execution_history_pages,
    execution_names,
    field_paths,
    http_task,
    inline_execution,
    item_batcher,
    json_clone,
    jsonata_eval,
    jsonata_javascript,
    lambda_invoke_output,
    map_input,
    payload_limits,
    rule_state_machine_targets,
    server_dispatch,
    service_clients,
    string_literals,
    sync_execution,
    wait_timestamp,
)

MOTO_VERSION: Final = "5.2.5"
"""The moto these extensions are written against (pinned in requirements.txt and pyproject)."""

# Each module's ``install()``, in the order it must run.
EXTENSIONS: Final[tuple[tuple[ModuleType, Kind], ...]] = (
    (field_paths, Kind.FEATURE),
    (definition_cache, Kind.SPEED),  # caches the parser field_paths installed
    (item_batcher, Kind.FEATURE),  # folds before whichever parser is installed
    (definition_validation, Kind.FEATURE),
    (inline_execution, Kind.SPEED),
    (json_clone, Kind.SPEED),
    (jsonata_javascript, Kind.FEATURE),
    (jsonata_eval, Kind.FEATURE),
    (context_object, Kind.FEATURE),
    (string_literals, Kind.FEATURE),
    (evaluation_failures, Kind.FEATURE),
    (wait_timestamp, Kind.FEATURE),
    (map_input, Kind.FEATURE),
    (branch_aborts, Kind.FEATURE),
    (error_names, Kind.FEATURE),
    (http_task, Kind.FEATURE),
    (service_clients, Kind.FEATURE),
    (lambda_invoke_output, Kind.FEATURE),
    (sync_execution, Kind.FEATURE),
    (execution_names, Kind.FEATURE),
    (execution_history_pages, Kind.FEATURE),
    (payload_limits, Kind.FEATURE),  # after sync_execution, which adds StartSyncExecution
    (rule_state_machine_targets, Kind.FEATURE),
    (sqs_clock, Kind.SPEED),
    (sqs_attributes, Kind.SPEED),
    (sqs_visible, Kind.SPEED),
    (sqs_receipts, Kind.SPEED),
    (tracked_instances, Kind.SPEED),
    (sqs_deleted, Kind.SPEED),
    (sqs_retention, Kind.FEATURE),
    (server_dispatch, Kind.SPEED),  # last: memoizes the URL patterns the others add
)


class MotoVersionError(RuntimeError):
    """The installed moto is not the one the extensions were written against."""


_installed_with_speed: bool | None = None  # None: not installed
_install_lock = threading.Lock()


def check_moto_version(found: str) -> None:
    """Refuse a moto other than ``MOTO_VERSION`` (``found`` is the installed version)."""
    if found != MOTO_VERSION:
        raise MotoVersionError(
            f"moto: the local runtime's extensions patch moto {MOTO_VERSION} internals by name,"
            f" but moto {found} is installed; install moto=={MOTO_VERSION} (requirements.txt)"
        )


def install(*, speed: bool | None = None) -> None:
    """Install every extension; ``speed=False`` leaves the speed patches out.

    Idempotent: without ``speed`` (the endpoint's call) whatever is installed stays, else
    everything is installed; asking for the other setting than the installed one is refused.
    """
    global _installed_with_speed  # noqa: PLW0603 - a process-wide, once-only patch
    with _install_lock:
        if _installed_with_speed is not None:
            if speed is not None and speed != _installed_with_speed:
                raise ValueError(
                    f"speed: the extensions are installed with speed={_installed_with_speed};"
                    " uninstall() first"
                )
            return
        speed = True if speed is None else speed
        check_moto_version(importlib.metadata.version("moto"))
        with patch_group(importlib.import_module(__name__), Kind.FEATURE):
            # moto's switch from recording executions to running them (server and decorator).
            set_item(default_user_config, "stepfunctions", {"execute_state_machine": True})
        for module, kind in EXTENSIONS:
            if kind is Kind.FEATURE or speed:
                with patch_group(module, kind, speed=speed):
                    module.install()
        _installed_with_speed = speed


def uninstall() -> None:
    """Put back every original moto attribute (the local clock's too): stock moto again.

    Objects made while installed (queues, parsed definitions) keep the extensions' shape, so
    reset moto's state too before using it stock.
    """
    global _installed_with_speed  # noqa: PLW0603 - a process-wide, once-only patch
    with _install_lock:
        patching.undo_all()
        _installed_with_speed = None
