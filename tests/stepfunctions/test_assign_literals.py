"""String literals in a definition are JSON strings: their escapes are decoded, as on AWS.

`"Assign": {"quote": "\\""}` binds a one-character string holding a double quote, exactly
as the same literal in `Output` does; `$parse` of an assigned JSON text reads it.
"""

import json
from collections.abc import Callable
from typing import Any

Run = Callable[..., dict[str, Any]]


def test_assigned_literals_are_decoded_like_output_literals(run: Run) -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Set",
        "States": {
            "Set": {
                "Type": "Pass",
                "Assign": {
                    "quote": '"',
                    "path": "a\\b/c\u00e9",
                    "doc": '{"k": [1, "two"]}',
                    "nested": {"list": ["tab\there"]},
                },
                "Next": "Use",
            },
            "Use": {
                "Type": "Pass",
                "Output": {
                    "quote": "{% $quote %}",
                    "isQuote": "{% $quote = '\"' %}",
                    "length": "{% $length($path) %}",
                    "parsed": "{% $parse($doc) %}",
                    "nested": "{% $nested.list[0] %}",
                    "literal": "a\\b/c\u00e9",
                },
                "End": True,
            },
        },
    }
    output = json.loads(run(definition)["output"])

    assert output == {
        "quote": '"',
        "isQuote": True,
        "length": 6,
        "parsed": {"k": [1, "two"]},
        "nested": "tab\there",
        "literal": "a\\b/c\u00e9",
    }
