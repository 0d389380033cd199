"""Property: for random boards and random queries, get-leaderboard and get-standing answer
exactly what the Python reference model (tests/workflows/read_model.py) computes."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from momento import CacheClient

from leaderboard.local.stack import LocalStack
from tests.workflows.board_rules_for_tests import board_name, rules
from tests.workflows.read_model import page, standing, view
from tests.workflows.workflow_runner import WorkflowRunner, seed

NAMES = ["a", "b", "ab", "B", "zz", "m-1", "m_2", "x.y", "q~", "n0", "n1", "n2", "n3", "n4"]
# Few distinct scores, so ties are common; extremes and negatives included.
SCORES = st.one_of(
    st.sampled_from([0.0, 1.0, 1.5, -2.0, 7.0]),
    st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_infinity=False),
)
PREFIXES = ["small-desc-", "small-asc-", "desc-", "asc-"]


@st.composite
def query(draw: st.DrawFn, prefix: str) -> dict[str, Any]:
    """A valid get-leaderboard request for a board with `prefix`'s rules (no leaderboard)."""
    board_rules = rules(prefix)
    kind = draw(st.sampled_from(["page", "me", "top", "around_me", "top_and_around_me"]))
    if kind == "page":
        start = draw(st.integers(min_value=0, max_value=16))
        ranks: dict[str, Any] = {"startRank": start} if draw(st.booleans()) or start else {}
        if draw(st.booleans()):
            ranks["endRank"] = draw(st.integers(start + 1, start + board_rules.max_page_size))
        return ranks
    document: dict[str, Any] = {"view": kind}
    if kind != "top":
        document["name"] = draw(st.sampled_from([*NAMES, "absent"]))
    if kind != "me" and draw(st.booleans()):
        most = board_rules.max_page_size
        most = most if kind == "top" else (most - 1) // 2
        document["limit"] = draw(st.integers(min_value=1, max_value=most))
    return document


def expected(scores: dict[str, float], board: str, document: dict[str, Any]) -> list[Any]:
    board_rules = rules(board)
    order = board_rules.order
    if "view" not in document:
        start = document.get("startRank", 0)
        return page(
            scores, order, start, document.get("endRank", start + board_rules.default_page_size)
        )
    kind = document["view"]
    default = board_rules.default_page_size if kind == "top" else board_rules.neighbourhood
    return view(scores, order, kind, document.get("name"), document.get("limit", default))


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_reads_agree_with_the_reference_model(
    data: st.DataObject, workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient
) -> None:
    prefix = data.draw(st.sampled_from(PREFIXES), label="prefix")
    scores = data.draw(st.dictionaries(st.sampled_from(NAMES), SCORES, max_size=len(NAMES)))
    board = board_name(prefix)
    if scores:
        seed(momento, stack.cache_name, board, scores)
    for name in data.draw(st.lists(st.sampled_from([*NAMES, "absent"]), min_size=1, max_size=2)):
        answer = workflows.succeeded("get-standing", {"leaderboard": board, "name": name})
        assert answer == standing(scores, rules(board).order, name)
    for document in data.draw(st.lists(query(prefix), min_size=1, max_size=3), label="queries"):
        output = workflows.succeeded("get-leaderboard", {"leaderboard": board, **document})
        assert output == {"leaderboard": expected(scores, board, document)}
