"""`CreateStateMachine`, `UpdateStateMachine` and `ValidateStateMachineDefinition` refuse
what AWS refuses.

moto accepted any definition its parser could read (a `Next` to a missing state included)
and had no `ValidateStateMachineDefinition` action at all (HTTP 500). Here the checks of
``asl_checks`` run first, then moto's own parser (cached by ``definition_cache``), and the
answer takes AWS's two documented shapes: `InvalidDefinition` whose message lists every
`CODE: message at location`, or, for `ValidateStateMachineDefinition`, HTTP 200 with
`result: FAIL` and a `diagnostics` list.
"""

from __future__ import annotations

from typing import Any, Final

from moto.core.exceptions import AWSError
from moto.core.responses import ActionResult
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
from moto.stepfunctions.parser.models import StepFunctionsParserBackend
from moto.stepfunctions.responses import StepFunctionResponse

from leaderboard.local.patching import add_attribute, replace_attribute
from leaderboard.local.stepfunctions.asl_checks import Diagnostic, check_definition

# ValidateStateMachineDefinition's maxResults: 1..100, 100 when absent (AWS API reference).
_MAX_DIAGNOSTICS: Final = 100


class InvalidDefinitionError(AWSError):
    """AWS's `InvalidDefinition` (moto's own copy of it answers with an empty error code)."""

    TYPE = "InvalidDefinition"
    STATUS = 400


_create_state_machine = StepFunctionsParserBackend.create_state_machine
_update_state_machine = StepFunctionsParserBackend.update_state_machine


def _diagnose(definition: str, machine_type: str) -> list[Diagnostic]:
    """AWS's deploy-time checks, then moto's parser for anything they do not cover."""
    found = check_definition(definition, machine_type)
    if found:
        return found
    try:
        AmazonStateLanguageParser.parse(definition)
    except Exception as error:  # any parser failure is a refused definition
        return [Diagnostic("SCHEMA_VALIDATION_FAILED", f"{type(error).__name__}: {error}")]
    return []


def _refuse_invalid(definition: str, machine_type: str) -> None:
    """InvalidDefinition, worded as AWS words it, when the definition would not deploy."""
    found = _diagnose(definition, machine_type)
    if found:
        listed = ", ".join(diagnostic.as_text() for diagnostic in found)
        raise InvalidDefinitionError(f"Invalid State Machine Definition: '{listed}'")


def _checked_create(
    self: StepFunctionsParserBackend, name: str, definition: str, *args: Any, **kwargs: Any
) -> Any:
    _refuse_invalid(definition, kwargs.get("sm_type") or "STANDARD")
    return _create_state_machine(self, name, definition, *args, **kwargs)


def _checked_update(
    self: StepFunctionsParserBackend,
    arn: str,
    definition: str | None = None,
    *args: Any,
    **kwargs: Any,
) -> Any:
    if definition is not None:
        _refuse_invalid(definition, self.describe_state_machine(arn).type)
    return _update_state_machine(self, arn, definition, *args, **kwargs)  # type: ignore[arg-type]


def _validate_response(self: StepFunctionResponse) -> ActionResult:
    definition = self._get_param("definition") or ""
    found = _diagnose(definition, self._get_param("type") or "STANDARD")
    limit = int(self._get_param("maxResults") or _MAX_DIAGNOSTICS)
    return ActionResult(
        {
            "result": "FAIL" if found else "OK",
            "diagnostics": [diagnostic.as_api() for diagnostic in found[:limit]],
            "truncated": len(found) > limit,
        }
    )


def install() -> None:
    """Check definitions on create and update; serve ValidateStateMachineDefinition."""
    replace_attribute(StepFunctionsParserBackend, "create_state_machine", _checked_create)
    replace_attribute(StepFunctionsParserBackend, "update_state_machine", _checked_update)
    add_attribute(StepFunctionResponse, "validate_state_machine_definition", _validate_response)
