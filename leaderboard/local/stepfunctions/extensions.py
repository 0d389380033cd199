"""The single entry point that turns pinned moto 5.2.5 into the project's local Step Functions.

Call ``install_extensions()`` once before starting moto's server (or inside ``mock_aws``);
further calls do nothing. What it installs, one module each:

- ``definition_cache``: definitions parsed once per version (``field_paths`` recorded); no
  leaked thread list.
- ``item_batcher``: a JSONata Map's ItemBatcher, folded into its Items before moto parses.
- ``definition_validation``: create, update and ValidateStateMachineDefinition refuse what
  AWS refuses (``asl_checks``).
- ``inline_execution``: no thread per program or state unless a timeout needs one.
- ``json_clone``: moto's copies of execution data rebuilt as JSON, not by ``copy.deepcopy``.
- ``jsonata_eval``: JSONata through jsonata-python, each expression compiled once.
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
- ``sqs_clock``: moto's SQS, where the local bus delivers events, reads a cheap clock.
- ``sqs_attributes``: a queue's attributes computed when read, so no message count per send.
- ``sqs_visible``: a receive asks the queued messages only up to the end of its batch.
- ``sqs_receipts``: a delete finds its message through the receipt handle, not a queue scan.
- ``sqs_instances``: moto tracks SQS messages weakly, so a drained message is freed.
- ``sqs_deleted``: a deleted message's receipt handles are remembered for one retention period.
- ``sqs_retention``: a message that outlived its queue's retention period is dropped.
- ``rule_state_machine_targets``: an EventBridge rule with a state machine target starts it.
- ``server_dispatch``: moto's per-request routing lookups computed once (installed last: it
  memoizes the URL patterns the other extensions add).
"""

import threading

from moto.core.config import default_user_config

from leaderboard.local.stepfunctions import (
    branch_aborts,
    context_object,
    definition_cache,
    definition_validation,
    error_names,
    evaluation_failures,
    execution_history_pages,
    execution_names,
    http_task,
    inline_execution,
    item_batcher,
    json_clone,
    jsonata_eval,
    lambda_invoke_output,
    map_input,
    payload_limits,
    rule_state_machine_targets,
    server_dispatch,
    service_clients,
    sqs_attributes,
    sqs_clock,
    sqs_deleted,
    sqs_instances,
    sqs_receipts,
    sqs_retention,
    sqs_visible,
    string_literals,
    sync_execution,
    wait_timestamp,
)

_installed = False
_install_lock = threading.Lock()


def install_extensions() -> None:
    """Install every extension into the running interpreter's moto (idempotent)."""
    global _installed  # noqa: PLW0603 - a process-wide, once-only patch
    with _install_lock:
        if _installed:
            return
        # moto's switch from recording executions to running them (server and decorator mode).
        default_user_config["stepfunctions"] = {"execute_state_machine": True}
        definition_cache.install()
        item_batcher.install()
        definition_validation.install()
        inline_execution.install()
        json_clone.install()
        jsonata_eval.install()
        context_object.install()
        string_literals.install()
        evaluation_failures.install()
        wait_timestamp.install()
        map_input.install()
        branch_aborts.install()
        error_names.install()
        http_task.install()
        service_clients.install()
        lambda_invoke_output.install()
        sync_execution.install()
        execution_names.install()
        execution_history_pages.install()
        payload_limits.install()
        sqs_clock.install()
        sqs_attributes.install()
        sqs_visible.install()
        sqs_receipts.install()
        sqs_instances.install()
        sqs_deleted.install()
        sqs_retention.install()
        rule_state_machine_targets.install()
        server_dispatch.install()
        _installed = True
