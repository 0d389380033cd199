"""Property: on boards with `tieRank: competition`, every read and the standing submit-score
answers rank exactly as the Python model (tests/workflows/read_model.py) does, through the real
ASL on the local stack: equal scores share the rank of the first of them, counted from the
strictly better scores. Scores come from a handful of values, so most boards hold long ties
that cross the edges of pages and windows."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from momento import CacheClient

from leaderboard.local.stack import LocalStack
from tests.workflows.board_rules_for_tests import board_name, rules
from tests.workflows.read_model import group, page, ranked, standing, view
from tests.workflows.workflow_runner import WorkflowRunner, seed

NAMES = ["a", "b", "ab", "B", "zz", "m-1", "m_2", "x.y", "q~", "n0", "n1", "n2", "n3", "n4"]
# Few values, so ties are long; 0.1 + 0.2 is not 0.3, and neither has a 15-digit text of its own.
SCORES = st.sampled_from([0.0, 1.0, 1.0, 7.0, -2.0, 0.3, 0.1 + 0.2, 1e300])
PREFIXES = ["fair-desc-", "fair-asc-"]


@st.composite
def query(draw: st.DrawFn, prefix: str) -> dict[str, Any]:
    """A valid get-leaderboard request for a board with `prefix`'s rules (no leaderboard)."""
    most = rules(prefix).max_page_size
    kind = draw(st.sampled_from(["page", "me", "top", "around_me", "top_and_around_me", "group"]))
    if kind == "page":
        start = draw(st.integers(min_value=0, max_value=14))
        return {"startRank": start, "endRank": draw(st.integers(start + 1, start + most))}
    if kind == "group":
        names = draw(st.lists(st.sampled_from([*NAMES, "absent"]), min_size=1, max_size=most))
        return {"view": kind, "names": list(dict.fromkeys(names))}
    document: dict[str, Any] = {"view": kind}
    if kind != "top":
        document["name"] = draw(st.sampled_from([*NAMES, "absent"]))
    if kind != "me" and draw(st.booleans()):
        top = most if kind == "top" else (most - 1) // 2
        document["limit"] = draw(st.integers(min_value=1, max_value=top))
    return document


def expected(scores: dict[str, float], board: str, document: dict[str, Any]) -> list[Any]:
    board_rules = rules(board)
    order, tie_rank = board_rules.order, board_rules.tie_rank
    if "view" not in document:
        start = document["startRank"]
        end = document.get("endRank", start + board_rules.default_page_size)
        return page(scores, order, start, end, tie_rank)
    kind = document["view"]
    if kind == "group":
        return group(scores, order, tie_rank, document["names"])
    default = board_rules.default_page_size if kind == "top" else board_rules.neighbourhood
    limit = document.get("limit", default)
    return view(scores, order, kind, document.get("name"), limit, tie_rank)


@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_competition_ranks_agree_with_the_model(
    data: st.DataObject, workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient
) -> None:
    prefix = data.draw(st.sampled_from(PREFIXES), label="prefix")
    scores = data.draw(st.dictionaries(st.sampled_from(NAMES), SCORES, max_size=len(NAMES)))
    board = board_name(prefix)
    if scores:
        seed(momento, stack.cache_name, board, scores)
    order = rules(board).order
    for name in data.draw(st.lists(st.sampled_from([*NAMES, "absent"]), min_size=1, max_size=2)):
        answer = workflows.succeeded("get-standing", {"leaderboard": board, "name": name})
        assert answer == standing(scores, order, name, "competition")
    for document in data.draw(st.lists(query(prefix), min_size=1, max_size=3), label="queries"):
        output = workflows.succeeded("get-leaderboard", {"leaderboard": board, **document})
        assert output == {"leaderboard": expected(scores, board, document)}, document


@settings(max_examples=8, deadline=None)
@given(
    scores=st.dictionaries(st.sampled_from(NAMES), SCORES, max_size=8),
    name=st.sampled_from(NAMES),
    score=SCORES,
)
def test_submit_score_answers_competition_ranks(
    scores: dict[str, float],
    name: str,
    score: float,
    workflows: WorkflowRunner,
    stack: LocalStack,
    momento: CacheClient,
) -> None:
    board = board_name("fair-best-asc-")
    if scores:
        seed(momento, stack.cache_name, board, scores)
    held = min(score, scores.get(name, score))  # best on an asc board: the lower score stays
    after = {**scores, name: held}
    output = workflows.succeeded(
        "submit-score", {"leaderboard": board, "name": name, "score": score}
    )
    model = ranked(after, "asc", "competition")
    assert output["score"] == held
    assert output["rank"] == standing(after, "asc", name, "competition")["rank"]
    assert output["size"] == len(after)
    assert output["top"] == model[: rules(board).top_count]


# Positions in the board's order: a 0, d 1, c 2, b 3, e 4, f 5 (desc ties by name descending).
EDGES = {"a": 9.0, "b": 5.0, "c": 5.0, "d": 5.0, "e": 1.0, "f": 0.0}


@pytest.mark.parametrize(
    ("workflow", "document", "calls"),
    [
        ("get-leaderboard", {"startRank": 0}, 1),
        ("get-leaderboard", {"startRank": 2}, 2),  # d (position 1) ties c: count the better
        ("get-leaderboard", {"startRank": 4}, 1),  # b (position 3) is better than e: known
        ("get-leaderboard", {"view": "top"}, 1),
        ("get-leaderboard", {"view": "me", "name": "c"}, 2),
        ("get-leaderboard", {"view": "me", "name": "nobody"}, 1),
        ("get-leaderboard", {"view": "around_me", "name": "a", "limit": 1}, 2),
        ("get-leaderboard", {"view": "around_me", "name": "b", "limit": 1}, 3),
        ("get-leaderboard", {"view": "top_and_around_me", "name": "f", "limit": 1}, 3),
        ("get-leaderboard", {"view": "top_and_around_me", "name": "b", "limit": 1}, 4),
        ("get-leaderboard", {"view": "group", "names": ["f", "c", "b", "nobody"]}, 1),
        ("get-standing", {"name": "c"}, 2),
    ],
)
def test_competition_ranks_and_their_momento_calls(
    workflows: WorkflowRunner,
    stack: LocalStack,
    momento: CacheClient,
    workflow: str,
    document: dict[str, Any],
    calls: int,
) -> None:
    """The call counts docs/workflows.md states, and the ranks the model gives, per view."""
    board = board_name("fair-desc-")
    seed(momento, stack.cache_name, board, EDGES)
    run = workflows(workflow, {"leaderboard": board, **document})
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    if workflow == "get-standing":
        assert run.output == standing(EDGES, "desc", document["name"], "competition")
    else:
        assert run.output == {"leaderboard": expected(EDGES, board, document)}
    history = workflows.history(run).all_runs()
    assert sum(r.attempts for r in history if r.state_type == "Task") == calls


def test_a_tie_across_a_page_edge_shares_the_first_rank(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient
) -> None:
    """Positions 1-3 tie (d, c, b): a page from position 2 starts inside the tie and shares
    its first rank, 1; a page from position 4 ranks by position."""
    board = board_name("fair-desc-")
    seed(momento, stack.cache_name, board, {"a": 9.0, "b": 5.0, "c": 5.0, "d": 5.0, "e": 1.0})
    tied = workflows.succeeded("get-leaderboard", {"leaderboard": board, "startRank": 2})
    assert tied == {
        "leaderboard": [
            {"name": "c", "score": 5.0, "rank": 1},
            {"name": "b", "score": 5.0, "rank": 1},
            {"name": "e", "score": 1.0, "rank": 4},
        ]
    }
    after = workflows.succeeded("get-leaderboard", {"leaderboard": board, "startRank": 4})
    assert after == {"leaderboard": [{"name": "e", "score": 1.0, "rank": 4}]}
