"""Every definition expression, on AWS's JSONata engine and on the local one, agrees.

Differential: the npm `jsonata` release AWS runs (package.json) plus AWS's functions, against
the local runtime's evaluator, over the generated corpus (tests/jsonata_fidelity/corpus.py).
Identical values, or the same kind of no-value on both (undefined, a function, an error: the
error codes of the two ports differ and AWS reports every failure as States.QueryEvaluationError).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from leaderboard.definitions import DefinitionSettings, render_definition, substitutions, workflow
from tests.jsonata_fidelity import corpus
from tests.jsonata_fidelity.engines import local_answer, same
from tests.jsonata_fidelity.reference import ReferenceEngine
from tests.jsonata_fidelity.walk import extract, walk

_RULES = corpus.board_rules()
_BOARDS = corpus.board_names(_RULES)
_SETTINGS = DefinitionSettings(
    momento_sorted_set_endpoint="https://api.cache.example/sortedset-endpoint",
    momento_endpoint="https://api.cache.example",
    cache_name="leaderboard-dev",
    connection_arn="arn:aws:events:us-east-1:123456789012:connection/momento/abc",
    event_bus_name="leaderboard-dev",
    board_rules=_RULES,
    archive_bucket="leaderboard-dev-archive",
)
_CASES: dict[str, Callable[[], list[corpus.Case]]] = {
    "submit-score": lambda: corpus.submit_score_cases(_BOARDS),
    "get-standing": lambda: corpus.read_cases(_BOARDS, leaderboard_fields=False),
    "get-leaderboard": lambda: corpus.read_cases(_BOARDS, leaderboard_fields=True),
    "close-period": lambda: corpus.close_period_cases(_BOARDS),
}


def test_the_reference_engine_is_the_2_0_release_aws_runs(reference: ReferenceEngine) -> None:
    assert reference.version.startswith("2.0.")


@pytest.mark.slow
@pytest.mark.parametrize("name", list(_CASES))
def test_every_expression_agrees_with_the_reference_engine(
    name: str, reference: ReferenceEngine
) -> None:
    definition = json.loads(render_definition(workflow(name), substitutions(_SETTINGS)))
    cases = _CASES[name]()
    comparison = walk(definition, cases, reference, local_answer, same)
    print(
        f"{name}: {comparison.expressions} expressions x {len(cases)} cases = "
        f"{comparison.evaluations} evaluations, {comparison.values} values agreed, "
        f"{len(comparison.differences)} differences"
    )
    assert comparison.differences == [], "\n".join(comparison.differences[:30])
    never = [
        f"{e.state}/{e.field}"
        for e in extract(definition)
        if f"{e.state}/{e.field}" not in comparison.valued
    ]
    assert never == [], "expressions the corpus never evaluated to a value"
