"""The places where the local engine had to be taught JavaScript, checked against AWS's engine.

Each expression is evaluated by the reference engine (npm jsonata 2.0.x plus AWS's functions)
and by the local runtime's evaluator; the answers must be identical.
"""

from __future__ import annotations

import pytest

from tests.jsonata_fidelity.engines import local_answer, same
from tests.jsonata_fidelity.reference import ReferenceEngine, Request

EXPRESSIONS = [
    # AWS's functions: one value is not wrapped in an array; there is no $randomSeeded.
    "$range(1, 9, 9)",
    "$range(0, 10, 2)",
    "$range(10, 0, -5)",
    "$range(5, 1, 1)",
    "$partition([1, 2, 3, 4, 5], 2)",
    "$hash('leaderboard', 'SHA-256')",
    "$hash('leaderboard', 'MD5')",
    "$parse('{\"a\": [1, 2.5]}')",
    "$type($random())",
    "$type($random(42))",
    "$randomSeeded(1)",
    "$type($uuid())",
    # Regex: $ is the end of the text; \\d and \\w are ASCII.
    "$contains('2026-12-04\n', /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/)",
    "$contains('2026-12-04', /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/)",
    "$contains('a\nb', /^b$/m)",
    "$contains('\u0663', /\\d/)",
    "$contains('\u00e9', /^\\w$/)",
    "$contains('$', /[$]/)",
    "$contains('a$', /a\\$/)",
    "$replace('x1y22', /\\d+$/, '#')",
    # $string and &: 15 significant digits, JavaScript's number text, raw non-ASCII text.
    "$string(123456789012345678)",
    "$string(1.7976931348623157e308)",
    "$string(5e-324)",
    "$string(0.1 + 0.2)",
    "$string(1e21) & ' ' & $string(1e-7) & ' ' & 0.000001",
    "$string([1.5, -0, 100, {'n': 1e300 * 10}])",
    "$string({'name': '\u00fcn\u00ef', 'top': [{'score': 0.1 + 0.7}]})",
    "$string({'a': [1, {}], 'e': []}, true)",
    "'rank ' & 3 & ' of ' & 1234567890123445",
    # $contains: null is no text (an error), undefined is undefined.
    "$contains(null, 'Cache Not Found')",
    "$contains({'Cause': null}.Cause, 'Cache Not Found')",
    "$contains({}.Cause, 'Cache Not Found')",
    "$contains('404 Cache Not Found', 'Cache Not Found')",
    "$contains('a', /A/i)",
]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_the_local_engine_answers_as_aws_engine_does(
    expression: str, reference: ReferenceEngine
) -> None:
    [expected] = reference.evaluate([Request(expression, {})])
    actual = local_answer(expression, {})
    assert same(expected, actual), (expected, actual)
