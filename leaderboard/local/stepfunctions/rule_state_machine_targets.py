"""EventBridge rules whose target is a state machine start an execution, as on AWS.

moto 5.2.5 raises NotImplementedError for a state machine target. On AWS the rule calls
StartExecution asynchronously with the target's input (``Input``, ``InputPath`` or an
``InputTransformer``), retries a start that fails up to ``RetryPolicy.MaximumRetryAttempts``
and then sends the event to ``DeadLetterConfig``'s queue with the attributes AWS documents
(``ERROR_CODE``, ``ERROR_MESSAGE``, ``RULE_ARN``, ``TARGET_ARN``). Here the start runs in a
thread of its own and the retries follow each other at once (no backoff); an execution
that starts and then fails is the workflow's business, on AWS too.
"""

import copy
import json
import threading
from typing import Any

from moto.events.models import Rule
from moto.events.utils import EventTemplateParser
from moto.sqs.models import sqs_backends
from moto.stepfunctions.parser.models import stepfunctions_parser_backends
from moto.utilities.arns import parse_arn

from leaderboard.local.patching import replace_attribute

_stock_send_to_targets = Rule.send_to_targets
_DEFAULT_RETRY_ATTEMPTS = 185  # EventBridge's default MaximumRetryAttempts


def _is_state_machine(target: dict[str, Any]) -> bool:
    return str(parse_arn(target["Arn"]).service) == "states"


def _target_input(target: dict[str, Any], event: dict[str, Any]) -> str:
    if "Input" in target:
        return str(target["Input"])
    if "InputPath" in target:
        value: Any = event
        for key in str(target["InputPath"]).removeprefix("$").split(".")[1:]:
            value = value[key]
        return json.dumps(value)
    if "InputTransformer" in target:
        transformer = target["InputTransformer"]
        return json.dumps(
            EventTemplateParser.parse(
                input_template=transformer.get("InputTemplate"),
                input_paths_map=transformer.get("InputPathsMap", {}),
                event=event,  # type: ignore[arg-type]  # moto's TypedDict of the same keys
            )
        )
    return json.dumps(event)


def _start(rule: Rule, target: dict[str, Any], event: dict[str, Any]) -> None:
    arn = parse_arn(target["Arn"])
    backend = stepfunctions_parser_backends[arn.account][arn.region]
    attempts = 1 + int(target.get("RetryPolicy", {}).get("MaximumRetryAttempts", 0))
    failure: Exception | None = None
    for _ in range(attempts):
        try:
            backend.start_execution(target["Arn"], execution_input=_target_input(target, event))
            return
        except Exception as error:
            failure = error
    dead_letters = target.get("DeadLetterConfig", {}).get("Arn")
    if dead_letters is None or failure is None:
        return
    queue = parse_arn(dead_letters)
    attributes = {
        "ERROR_CODE": type(failure).__name__,
        "ERROR_MESSAGE": str(failure),
        "RULE_ARN": rule.arn,
        "TARGET_ARN": target["Arn"],
    }
    sqs_backends[queue.account][queue.region].send_message(
        queue.resource_id,
        json.dumps(event),
        message_attributes={
            name: {"DataType": "String", "StringValue": value} for name, value in attributes.items()
        },
    )


def _send_to_targets(self: Rule, original_event: Any, transform_input: bool = True) -> None:
    """Replacement for ``Rule.send_to_targets``: state machine targets here, others by moto."""
    machines = [target for target in self.targets if _is_state_machine(target)]
    if not machines:
        _stock_send_to_targets(self, original_event, transform_input)
        return
    if not self.event_pattern.matches_event(original_event):
        return
    for target in machines:
        event = json.loads(json.dumps(original_event))
        threading.Thread(
            target=_start, args=(self, target, event), name="rule-target", daemon=True
        ).start()
    others = [target for target in self.targets if not _is_state_machine(target)]
    if others:
        rest = copy.copy(self)
        rest.targets = others
        _stock_send_to_targets(rest, original_event, transform_input)


def install() -> None:
    replace_attribute(Rule, "send_to_targets", _send_to_targets)
