"""get-leaderboard end to end: pages by rank, the four views, their edges and their call counts.

Boards come from tests/workflows/board_rules_for_tests.py: `small-*` boards have
defaultPageSize 3, maxPageSize 9 and neighbourhood 2, so every edge fits in a few members.
"""

from __future__ import annotations

from typing import Any

import pytest
from momento import CacheClient

from leaderboard.local.momento_server.faults import FaultInjector, FaultRule
from leaderboard.local.stack import LocalStack
from tests.workflows.board_rules_for_tests import board_name, rules
from tests.workflows.read_model import page, ranked, view
from tests.workflows.workflow_runner import Run, WorkflowRunner, seed

ORDERS = [("small-desc-", "desc"), ("small-asc-", "asc")]
# Ten members, two ties; m0 is the leader of a desc board and the last of an asc board.
TEN = {f"m{index}": float(100 - 10 * index) for index in range(10)} | {"t1": 70.0, "t2": 70.0}


@pytest.fixture(scope="module")
def boards(stack: LocalStack, momento: CacheClient) -> dict[str, str]:
    """One seeded board per order, shared by the read-only tests of this module."""
    seeded = {order: board_name(prefix) for prefix, order in ORDERS}
    for board in seeded.values():
        seed(momento, stack.cache_name, board, TEN)
    return seeded


def _entries(workflows: WorkflowRunner, document: dict[str, Any]) -> list[dict[str, Any]]:
    output = workflows.succeeded("get-leaderboard", document)
    assert set(output) == {"leaderboard"}
    return output["leaderboard"]  # type: ignore[no-any-return]


def _momento_calls(workflows: WorkflowRunner, run: Run) -> int:
    """Every HTTP Task attempt of the run: each one is a call to Momento."""
    return sum(r.attempts for r in workflows.history(run).all_runs() if r.state_type == "Task")


@pytest.mark.parametrize("order", ["desc", "asc"])
def test_pages_by_rank(workflows: WorkflowRunner, boards: dict[str, str], order: str) -> None:
    board = boards[order]
    assert len(TEN) == 12
    cases = [({}, 0, 3), ({"startRank": 4}, 4, 7), ({"startRank": 2, "endRank": 11}, 2, 11)]
    cases += [({"startRank": 10, "endRank": 15}, 10, 15), ({"startRank": 40}, 40, 43)]
    for extra, start, end in cases:
        assert _entries(workflows, {"leaderboard": board, **extra}) == page(TEN, order, start, end)
    last = _entries(workflows, {"leaderboard": board, "startRank": 11, "endRank": 12})
    assert [entry["rank"] for entry in last] == [11]


def test_no_end_rank_is_capped_at_the_default_page_size(
    workflows: WorkflowRunner, boards: dict[str, str]
) -> None:
    entries = _entries(workflows, {"leaderboard": boards["desc"], "startRank": 1})
    assert len(entries) == rules(boards["desc"]).default_page_size == 3
    assert [entry["name"] for entry in entries] == ["m1", "m2", "t2"]


def test_a_board_that_does_not_exist_is_an_empty_page(workflows: WorkflowRunner) -> None:
    for document in [
        {},
        {"view": "top"},
        {"view": "me", "name": "x"},
        {"view": "around_me", "name": "x"},
        {"view": "top_and_around_me", "name": "x"},
    ]:
        assert _entries(workflows, {"leaderboard": board_name("desc-"), **document}) == []


@pytest.mark.parametrize("order", ["desc", "asc"])
@pytest.mark.parametrize(
    ("kind", "name", "limit"),
    [
        ("me", "m4", None),
        ("me", "absent", None),
        ("top", None, None),
        ("top", None, 1),
        ("top", None, 9),
        ("around_me", "m4", None),
        ("around_me", "m4", 1),
        ("around_me", "m0", None),
        ("around_me", "m9", None),
        ("around_me", "m9", 4),
        ("around_me", "absent", None),
        ("top_and_around_me", "m0", None),
        ("top_and_around_me", "m9", None),
        ("top_and_around_me", "m1", 2),
        ("top_and_around_me", "m2", 1),  # window starts at rank 1: one fetch from rank 0
        ("top_and_around_me", "t2", 1),
        ("top_and_around_me", "m5", 1),
        ("top_and_around_me", "absent", None),
    ],
)
def test_views_match_the_reference(
    workflows: WorkflowRunner,
    boards: dict[str, str],
    order: str,
    kind: str,
    name: str | None,
    limit: int | None,
) -> None:
    board = boards[order]
    document: dict[str, Any] = {"leaderboard": board, "view": kind}
    document |= {"name": name} if name else {}
    document |= {"limit": limit} if limit else {}
    board_rules = rules(board)
    default = board_rules.default_page_size if kind == "top" else board_rules.neighbourhood
    expected = view(TEN, order, kind, name, limit or default)
    assert _entries(workflows, document) == expected


def test_views_at_the_edges_written_out(workflows: WorkflowRunner, boards: dict[str, str]) -> None:
    """The reference model's edges checked by hand once, on the desc board (neighbourhood 2)."""
    board = boards["desc"]

    def names(**document: Any) -> list[str]:
        return [e["name"] for e in _entries(workflows, {"leaderboard": board, **document})]

    # desc: m0 m1 m2 t2 t1 m3 m4 m5 m6 m7 m8 m9 (t2, t1 and m3 tie at 70: names descending).
    assert [e["name"] for e in ranked(TEN, "desc")][:6] == ["m0", "m1", "m2", "t2", "t1", "m3"]
    assert names(view="around_me", name="m0") == ["m0", "m1", "m2"]  # rank 0: nobody above
    assert names(view="around_me", name="m9") == ["m7", "m8", "m9"]  # last rank: nobody below
    assert names(view="around_me", name="m9", limit=4) == ["m5", "m6", "m7", "m8", "m9"]
    # Leader: me plus the ranks after me; no duplicate leader row.
    assert names(view="top_and_around_me", name="m0") == ["m0", "m1", "m2"]
    # t2 is rank 3: its window (ranks 1-5) touches the leader, so one run from rank 0.
    assert names(view="top_and_around_me", name="t2", limit=2) == [
        "m0",
        "m1",
        "m2",
        "t2",
        "t1",
        "m3",
    ]
    # t1 is rank 4: the leader, then a gap, then ranks 2-6.
    assert names(view="top_and_around_me", name="t1", limit=2) == [
        "m0",
        "m2",
        "t2",
        "t1",
        "m3",
        "m4",
    ]
    # Far from the top: the leader, then the window.
    assert names(view="top_and_around_me", name="m6", limit=1) == ["m0", "m5", "m6", "m7"]
    assert names(view="top_and_around_me", name="absent") == ["m0"]
    assert names(view="top", limit=9) == [e["name"] for e in ranked(TEN, "desc")][:9]


def test_a_board_smaller_than_the_window(
    workflows: WorkflowRunner, stack: LocalStack, momento: CacheClient
) -> None:
    board = board_name("small-asc-")
    seed(momento, stack.cache_name, board, {"solo": 5.0, "duo": 6.0})
    everyone = [{"name": "solo", "score": 5.0, "rank": 0}, {"name": "duo", "score": 6.0, "rank": 1}]
    assert _entries(workflows, {"leaderboard": board, "view": "top", "limit": 9}) == everyone
    assert (
        _entries(workflows, {"leaderboard": board, "view": "around_me", "name": "duo"}) == everyone
    )
    for name in ["solo", "duo"]:
        document = {"leaderboard": board, "view": "top_and_around_me", "name": name, "limit": 4}
        assert _entries(workflows, document) == everyone
    assert _entries(workflows, {"leaderboard": board, "endRank": 9}) == everyone


@pytest.mark.parametrize(
    ("document", "calls"),
    [
        ({}, 1),
        ({"view": "top"}, 1),
        ({"view": "me", "name": "m5"}, 2),
        ({"view": "around_me", "name": "m5"}, 2),
        ({"view": "around_me", "name": "absent"}, 1),
        ({"view": "top_and_around_me", "name": "m1"}, 2),
        ({"view": "top_and_around_me", "name": "m5"}, 3),
        ({"view": "top_and_around_me", "name": "absent"}, 2),
    ],
)
def test_each_view_makes_the_documented_number_of_momento_calls(
    workflows: WorkflowRunner, boards: dict[str, str], document: dict[str, Any], calls: int
) -> None:
    run = workflows("get-leaderboard", {"leaderboard": boards["desc"], **document})
    assert run.status == "SUCCEEDED", run.cause
    assert _momento_calls(workflows, run) == calls


@pytest.mark.parametrize(
    ("document", "cause"),
    [
        ({}, "leaderboard: is required"),
        ({"startRank": -1}, "startRank: must not be negative"),
        ({"endRank": -3}, "endRank: must not be negative"),
        ({"startRank": 1.5}, "startRank: must be an integer"),
        ({"startRank": "0"}, "startRank: must be an integer"),
        (
            {"startRank": 4, "endRank": 4},
            "endRank: must be greater than startRank (ranks are 0-based, endRank exclusive)",
        ),
        (
            {"endRank": 0},
            "endRank: must be greater than startRank (ranks are 0-based, endRank exclusive)",
        ),
        (
            {"startRank": 5, "endRank": 15},
            "endRank: a page holds at most 9 ranks on this board (startRank 5 to endRank 15 is 10)",
        ),
        (
            {"view": "sideways"},
            "view: must be one of me, top, around_me, top_and_around_me, group (got sideways)",
        ),
        ({"view": 3}, "view: must be one of me, top, around_me, top_and_around_me, group"),
        ({"view": "me"}, "name: is required for view me"),
        ({"view": "around_me"}, "name: is required for view around_me"),
        ({"view": "top_and_around_me", "name": ""}, "name: must not be empty"),
        ({"view": "top", "name": "m1"}, "name: is not used by view top"),
        ({"view": "me", "name": "m1", "limit": 2}, "limit: is not used by view me"),
        ({"view": "top", "limit": 0}, "limit: must be at least 1"),
        ({"view": "top", "limit": 2.5}, "limit: must be an integer"),
        ({"view": "top", "limit": 10}, "limit: must be at most 9 for view top on this board"),
        (
            {"view": "around_me", "name": "m1", "limit": 5},
            "limit: must be at most 4 for view around_me on this board (members above and below)",
        ),
        (
            {"view": "top", "startRank": 0},
            "startRank: cannot be combined with view (views choose their own ranks)",
        ),
        ({"name": "m1"}, "name: is used only with a view (me, around_me or top_and_around_me)"),
        ({"view": "group"}, "names: is required for view group"),
        ({"view": "group", "names": "m1"}, "names: must be an array of member names"),
        ({"view": "group", "names": []}, "names: must hold at least one name"),
        (
            {"view": "group", "names": ["m1", "m 2"]},
            "names[1]: may contain only letters, digits and _ . ~ -",
        ),
        ({"view": "group", "names": ["m1", 7]}, "names[1]: must be a string"),
        ({"view": "group", "names": ["m1", "m2", "m1"]}, "names[2]: repeats names[0] (m1)"),
        (
            {"view": "group", "names": [f"m{i}" for i in range(101)]},
            "names: must hold at most 100 names (got 101)",
        ),
        (
            {"view": "group", "names": [f"m{i}" for i in range(10)]},
            "names: must hold at most 9 names on this board (its maxPageSize)",
        ),
        (
            {"view": "group", "names": ["m1"], "name": "m1"},
            "name: is not used by view group (it takes names)",
        ),
        ({"view": "group", "names": ["m1"], "limit": 2}, "limit: is not used by view group"),
        ({"names": ["m1"]}, "names: is used only with view group"),
        ({"view": "me", "name": "m1", "names": ["m1"]}, "names: is used only with view group"),
        ({"limit": 3}, "limit: is used only with a view (top, around_me or top_and_around_me)"),
        (
            {"colour": "red"},
            "colour: unknown field "
            "(allowed: leaderboard, startRank, endRank, view, name, names, limit, period)",
        ),
    ],
)
def test_bad_requests_are_validation_errors_naming_the_field(
    workflows: WorkflowRunner, boards: dict[str, str], document: dict[str, Any], cause: str
) -> None:
    full = document if document == {} else {"leaderboard": boards["desc"], **document}
    run = workflows("get-leaderboard", full)
    assert (run.status, run.error, run.cause) == ("FAILED", "Leaderboard.ValidationError", cause)


def test_a_read_that_keeps_failing_is_store_unavailable(
    workflows: WorkflowRunner, boards: dict[str, str], faults: FaultInjector
) -> None:
    faults.add(FaultRule(operation="sortedset.fetch_by_rank", status=503))
    run = workflows("get-leaderboard", {"leaderboard": boards["desc"], "view": "top"})
    assert (run.status, run.error) == ("FAILED", "Leaderboard.StoreUnavailable")
    assert run.cause is not None
    assert run.cause.startswith("leaderboard unavailable: States.Http.StatusCode.503")


def test_a_throttled_read_is_retried(
    workflows: WorkflowRunner, boards: dict[str, str], faults: FaultInjector
) -> None:
    faults.add(FaultRule(operation="sortedset.rank", status=429, times=1))
    document = {"leaderboard": boards["asc"], "view": "around_me", "name": "m3"}
    run = workflows("get-leaderboard", document)
    assert run.output == {"leaderboard": view(TEN, "asc", "around_me", "m3", 2)}
    assert _momento_calls(workflows, run) == 3
