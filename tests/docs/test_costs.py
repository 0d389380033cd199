"""docs/costs.md shows exactly what bench/costs.py computes from its prices and assumptions."""

import re
from pathlib import Path

import pytest

from bench import costs

PAGE = Path(__file__).resolve().parents[2] / "docs" / "costs.md"


def _section(name: str) -> str:
    match = re.search(
        rf"<!-- costs:{name} -->\n(.*?)\n<!-- /costs:{name} -->", PAGE.read_text(), re.S
    )
    assert match, f"docs/costs.md has no costs:{name} markers"
    return match.group(1)


@pytest.mark.parametrize(
    ("name", "computed"), [("table", costs.table), ("breakdown", costs.breakdown)]
)
def test_page_matches_the_script(name: str, computed: object) -> None:
    assert callable(computed)
    assert _section(name) == computed(), "run `python -m bench.costs` and paste its tables"


def test_page_states_every_price_the_script_uses() -> None:
    page = PAGE.read_text()
    assert costs.READ_ON in page and costs.REGION in page
    for price in (
        f"${costs.API_GATEWAY_REST_PER_MILLION:.2f}",
        f"${costs.STEP_FUNCTIONS_EXPRESS_PER_GB_SECOND:.8f}",
        f"${costs.LAMBDA_ARM_PER_GB_SECOND:.10f}",
        f"${costs.CLOUDWATCH_LOGS_INGEST_PER_GB:.2f}",
        f"${costs.XRAY_TRACES_PER_MILLION:.2f}",
        f"${costs.MOMENTO_PER_GB:.2f}",
    ):
        assert price in page, f"docs/costs.md does not state {price}"


def test_a_slower_run_costs_more_in_whole_billing_steps() -> None:
    by_name = {workflow.name: workflow for workflow in costs.WORKFLOWS}
    one_step = by_name["get-leaderboard, page by rank"]  # 1 step, 60 ms -> billed 100 ms
    assert costs.billed_express_ms(one_step) == 100
    two_steps = by_name["get-leaderboard, around_me"]  # 2 steps, 120 ms -> billed 200 ms
    assert costs.billed_express_ms(two_steps) == 200
    extra = (
        costs.workflow_costs(two_steps)["Step Functions"]
        - costs.workflow_costs(one_step)["Step Functions"]
    )
    # 1M runs x 64 MB x 0.1 s x price per GB-second.
    assert extra == pytest.approx(
        1e6 * (64 / 1024) * 0.1 * costs.STEP_FUNCTIONS_EXPRESS_PER_GB_SECOND
    )
