"""The HTTP API's routes on the local stack, through a real HTTP client (httpx).

Each request runs the real workflow through StartSyncExecution on the local endpoint; the
answers are the workflows' outputs and errors mapped as docs/http-api.md says.
"""

import httpx
import pytest

from leaderboard.local.endpoints import HTTP_API_LOCAL_KEY
from leaderboard.local.momento_server.faults import FaultRule
from leaderboard.local.stack import LocalStack

WRITE = {"x-api-key": HTTP_API_LOCAL_KEY}


def _submit(http: httpx.Client, board: str, name: str, score: object) -> httpx.Response:
    return http.post(f"/{board}/{name}", json={"score": score}, headers=WRITE)


def test_submitted_score_is_read_back_by_standing_and_page(http: httpx.Client, board: str) -> None:
    submitted = _submit(http, board, "mario", 42)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["rank"] == 0
    _submit(http, board, "luigi", 50)
    _submit(http, board, "peach", 7)

    standing = http.get(f"/{board}/mario")
    assert (standing.status_code, standing.json()) == (200, {"score": 42, "rank": 1})
    assert standing.headers["access-control-allow-origin"] == "*"

    page = http.get(f"/{board}", params={"startRank": 1, "endRank": 3})
    assert page.status_code == 200
    assert page.json() == {
        "leaderboard": [
            {"name": "mario", "score": 42, "rank": 1},
            {"name": "peach", "score": 7, "rank": 2},
        ]
    }


def test_views_are_query_parameters(http: httpx.Client, board: str) -> None:
    for rank, name in enumerate(["a", "b", "c", "d", "e"]):
        _submit(http, board, name, 100 - rank)
    around = http.get(f"/{board}", params={"view": "around_me", "name": "c", "limit": 1})
    assert around.status_code == 200, around.text
    assert [entry["name"] for entry in around.json()["leaderboard"]] == ["b", "c", "d"]
    top = http.get(f"/{board}", params={"view": "top", "limit": 2})
    assert [entry["name"] for entry in top.json()["leaderboard"]] == ["a", "b"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"startRank": "-1"}, "startRank: must not be negative"),
        ({"startRank": "abc"}, "startRank: must be an integer"),
        ({"startRank": "07"}, "startRank: must be an integer"),
        ({"view": "sideways"}, "view: must be one of me, top, around_me, top_and_around_me"),
        ({"view": "around_me"}, "name: is required for view around_me"),
    ],
)
def test_validation_error_is_400_with_the_workflows_message(
    http: httpx.Client, board: str, query: dict[str, str], message: str
) -> None:
    response = http.get(f"/{board}", params=query)
    assert response.status_code == 400
    assert response.json()["error"] == "Leaderboard.ValidationError"
    assert response.json()["message"].startswith(message)


def test_bad_score_is_400_and_stores_nothing(http: httpx.Client, board: str) -> None:
    response = _submit(http, board, "cheater", "lots")
    assert response.status_code == 400
    assert response.json()["message"].startswith("score: ")
    assert http.get(f"/{board}").json() == {"leaderboard": []}


def test_write_route_needs_the_api_key(http: httpx.Client, board: str) -> None:
    for headers in ({}, {"x-api-key": "wrong"}):
        response = http.post(f"/{board}/sneaky", json={"score": 1}, headers=headers)
        assert response.status_code == 403
    assert http.get(f"/{board}").json() == {"leaderboard": []}


def test_body_outside_the_model_is_refused_before_the_workflow(
    http: httpx.Client, board: str
) -> None:
    unknown = http.post(f"/{board}/x", json={"score": 1, "bonus": 5}, headers=WRITE)
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "BadRequest"
    assert "bonus" in unknown.json()["message"]
    not_json = http.post(
        f"/{board}/x",
        content=b"score=1",
        headers={**WRITE, "content-type": "application/x-www-form-urlencoded"},
    )
    assert not_json.status_code == 415


def test_unknown_route_is_404(http: httpx.Client) -> None:
    assert http.get("/a/b/c").status_code == 404
    assert http.delete("/a/b").status_code == 404


def test_preflight_allows_the_write_route_from_a_browser(http: httpx.Client) -> None:
    response = http.options(
        "/any/one",
        headers={"origin": "https://game.example", "access-control-request-method": "POST"},
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "x-api-key" in response.headers["access-control-allow-headers"].lower()


def test_store_unavailable_is_503_without_momentos_error(
    http: httpx.Client, stack: LocalStack, board: str
) -> None:
    rule = stack.momento.faults.add(FaultRule(operation="*", status=503))
    try:
        response = http.get(f"/{board}/someone")
    finally:
        stack.momento.faults.remove(rule)
    assert response.status_code == 503
    assert response.json() == {
        "error": "Leaderboard.StoreUnavailable",
        "message": "standing unavailable",
    }
