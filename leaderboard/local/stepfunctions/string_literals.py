"""A string literal in a definition is a JSON string: its escapes are decoded as JSON decodes them.

moto keeps an ``Assign`` literal's raw text (``"\\""`` binds backslash-quote, not a quote),
so comparisons and ``$parse`` of an assigned literal differ from AWS, and decodes other
literals as Python literals (``\\/`` stays two characters; a UTF-16 surrogate pair stays two
code points). Both are decoded here with ``json.loads`` of the literal's own token text.
"""

import json
from typing import Any

from moto.stepfunctions.parser.asl.component.common.assign.assign_template_value_terminal import (
    AssignTemplateValueTerminalLit,
)
from moto.stepfunctions.parser.asl.parse import preprocessor

from leaderboard.local.patching import replace_attribute


def json_string_literal(parser_rule_context: Any) -> str:
    """Replacement for moto's ``from_string_literal``: the literal's JSON string value."""
    text: str = parser_rule_context.getText()
    decoded = json.loads(text)
    if not isinstance(decoded, str):
        raise ValueError(f"not a JSON string literal: {text}")
    return decoded


def _assign_string_literal(self: Any, ctx: Any) -> AssignTemplateValueTerminalLit:
    """Replacement for ``visitAssign_template_value_terminal_string_literal``."""
    return AssignTemplateValueTerminalLit(value=json_string_literal(ctx.string_literal()))


def install() -> None:
    """Decode every template string literal, Assign included, as JSON."""
    replace_attribute(preprocessor, "from_string_literal", json_string_literal)
    replace_attribute(
        preprocessor.Preprocessor,
        "visitAssign_template_value_terminal_string_literal",
        _assign_string_literal,
    )
