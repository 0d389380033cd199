"""Deploys the product's state machines and Lambda handlers into the local endpoint.

The definitions come from the same files and the same `substitutions()` as the CDK stack,
so what runs locally is what AWS runs. Deploying is idempotent: an unchanged definition is
left alone, a changed file updates the machine in place (same ARN, like a CDK deploy).
"""

import contextlib
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, cast

from leaderboard.definitions import Workflow, render_definition
from leaderboard.local.aws_client import ACCOUNT_ID, REGION
from leaderboard.local.stepfunctions.lambda_task import register_lambda
from leaderboard.naming import (
    function_name,
    resource_name,
    state_machine_log_group,
    state_machine_name,
)

FUNCTIONS_DIR: Final = Path(__file__).resolve().parents[3] / "functions"

Action = Literal["created", "updated", "unchanged"]
Handler = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class Deployment:
    """What deploying one workflow did."""

    workflow: Workflow
    state_machine_arn: str
    action: Action


def role_arn(stage: str) -> str:
    """The execution role the stack gives its machines; moto records it and checks nothing."""
    return f"arn:aws:iam::{ACCOUNT_ID}:role/{resource_name(stage, 'state-machine')}"


def _logging_configuration(stage: str, workflow: Workflow) -> dict[str, Any]:
    group = state_machine_log_group(stage, workflow.name)
    group_arn = f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{group}:*"
    return {
        "level": "ALL",
        "includeExecutionData": True,
        "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": group_arn}}],
    }


def _ensure_log_group(logs: Any, name: str) -> None:
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName=name)


def _existing_arn(sfn: Any, name: str) -> str | None:
    for page in sfn.get_paginator("list_state_machines").paginate():
        for machine in page["stateMachines"]:
            if machine["name"] == name:
                return cast(str, machine["stateMachineArn"])
    return None


def deploy_workflow(
    sfn: Any, logs: Any, *, stage: str, workflow: Workflow, substitutions: Mapping[str, str]
) -> Deployment:
    """Creates the workflow's machine, or updates it when its rendered definition changed."""
    definition = render_definition(workflow, substitutions)
    name = state_machine_name(stage, workflow.name)
    logging_configuration = _logging_configuration(stage, workflow)
    _ensure_log_group(logs, state_machine_log_group(stage, workflow.name))
    arn = _existing_arn(sfn, name)
    if arn is None:
        created = sfn.create_state_machine(
            name=name,
            definition=definition,
            roleArn=role_arn(stage),
            type=workflow.type,
            loggingConfiguration=logging_configuration,
            tracingConfiguration={"enabled": True},
        )
        return Deployment(workflow, created["stateMachineArn"], "created")
    if sfn.describe_state_machine(stateMachineArn=arn)["definition"] == definition:
        return Deployment(workflow, arn, "unchanged")
    sfn.update_state_machine(
        stateMachineArn=arn,
        definition=definition,
        loggingConfiguration=logging_configuration,
        tracingConfiguration={"enabled": True},
    )
    return Deployment(workflow, arn, "updated")


def deploy_workflows(
    sfn: Any,
    logs: Any,
    *,
    stage: str,
    workflows: Iterable[Workflow],
    substitutions: Mapping[str, str],
) -> list[Deployment]:
    """Deploys every workflow; rendering all first so one bad file changes nothing."""
    workflows = list(workflows)
    for each in workflows:
        render_definition(each, substitutions)
    return [
        deploy_workflow(sfn, logs, stage=stage, workflow=each, substitutions=substitutions)
        for each in workflows
    ]


def discover_handlers(functions_dir: Path = FUNCTIONS_DIR) -> dict[str, Handler]:
    """`functions/<name>/handler.py` exposing `handler(event, context)`, keyed by `<name>`.

    Imported as `functions.<name>.handler`, so the repository root must be importable,
    as it is for the CDK app and the tests.
    """
    handlers: dict[str, Handler] = {}
    if not functions_dir.is_dir():
        return handlers
    for module_file in sorted(functions_dir.glob("*/handler.py")):
        directory = module_file.parent.name
        try:
            module = importlib.import_module(f"{functions_dir.name}.{directory}.handler")
        except ImportError as error:
            raise ImportError(f"{module_file}: cannot be imported: {error}") from error
        handler = getattr(module, "handler", None)
        if not callable(handler):
            raise TypeError(f"{module_file}: no callable `handler(event, context)`")
        handlers[directory] = handler
    return handlers


def register_functions(
    stage: str, environment: Mapping[str, str], functions_dir: Path = FUNCTIONS_DIR
) -> list[str]:
    """Registers every handler under `functions/` with the local Lambda runner; returns names."""
    names = []
    for directory, handler in discover_handlers(functions_dir).items():
        name = function_name(stage, directory)
        register_lambda(name, handler, environment)
        names.append(name)
    return names
