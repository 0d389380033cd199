"""The Momento key: required before any Momento call, clients kept only for accepted keys,
never logged."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes import LambdaFunctionUrlEvent
from momento import CacheClient, Configurations, CredentialProvider

from functions.momento_bridge import handler as bridge
from functions.momento_bridge.caller_secret import CallerSecret
from functions.momento_bridge.clients import ClientPool, ConnectionSettings
from leaderboard.local.momento_server.server import MomentoServer
from leaderboard.momento_contract.bridge_settings import CALLER_SECRET_HEADER
from tests.bridge.conftest import API_KEY, BRIDGE_CACHE, CALLER_SECRET, NEXT_API_KEY
from tests.bridge.function_url import LambdaContext, function_url_event

LENGTH = f"/sortedset/{BRIDGE_CACHE}/length"


class CountedClient(CacheClient):
    """A real SDK client that tells its factory when it is closed."""

    def __init__(self, provider: CredentialProvider, factory: CountingFactory) -> None:
        super().__init__(Configurations.Lambda.latest(), provider, timedelta(minutes=1))
        self._factory = factory

    def __exit__(self, *exc: Any) -> None:
        self._factory.closed += 1
        super().__exit__(*exc)


class CountingFactory:
    """Creates real SDK clients and counts creations and closes."""

    def __init__(self) -> None:
        self.created = 0
        self.closed = 0

    def __call__(self, provider: CredentialProvider) -> CacheClient:
        self.created += 1
        return CountedClient(provider, self)


@pytest.fixture
def factory() -> CountingFactory:
    return CountingFactory()


@pytest.fixture
def counted_pool(local_settings: ConnectionSettings, factory: CountingFactory) -> ClientPool:
    return ClientPool(local_settings, size=2, factory=factory)


def length_event(
    key: str | None, *, set_key: str = "k", token: str | None = None
) -> dict[str, Any]:
    """A length request as the stage's connection sends it (caller secret included)."""
    query = f"key={set_key}" + (f"&token={token}" if token else "")
    headers = {CALLER_SECRET_HEADER: CALLER_SECRET}
    if key is not None:
        headers["Authorization"] = key
    return function_url_event("POST", LENGTH, query=query, headers=headers)


Answer = Callable[[dict[str, Any], ClientPool], tuple[int, Any]]


@pytest.fixture
def answer(caller_secret: CallerSecret) -> Answer:
    def answer(event: dict[str, Any], pool: ClientPool) -> tuple[int, Any]:
        result = bridge.answer(LambdaFunctionUrlEvent(event), pool, caller_secret)
        return result.status, result.body

    return answer


def test_no_key_is_401_without_creating_a_client(
    counted_pool: ClientPool, factory: CountingFactory, answer: Answer
) -> None:
    assert answer(length_event(None), counted_pool) == (
        401,
        {"error": "unauthenticated", "message": "Missing API key"},
    )
    assert answer(length_event(""), counted_pool)[0] == 401
    assert factory.created == 0


def test_key_in_header_and_token_is_400_without_a_client(
    counted_pool: ClientPool, factory: CountingFactory, answer: Answer
) -> None:
    status, body = answer(length_event(API_KEY, token=API_KEY), counted_pool)
    assert (status, body["error"]) == (400, "invalid_argument")
    assert body["message"].startswith("token:")
    assert factory.created == 0


def test_key_as_token_parameter_reaches_momento(counted_pool: ClientPool, answer: Answer) -> None:
    assert answer(length_event(None, token=API_KEY), counted_pool)[1] == {
        "error": "not_found",
        "message": "Sorted Set Not Found",
    }


def test_one_client_per_accepted_key_reused_and_bounded(
    counted_pool: ClientPool, factory: CountingFactory, answer: Answer
) -> None:
    for _ in range(3):
        assert answer(length_event(API_KEY), counted_pool)[0] == 404  # reached Momento: a miss
    assert (factory.created, len(counted_pool)) == (1, 1)
    answer(length_event(NEXT_API_KEY), counted_pool)  # a rotation: both keys kept
    assert (factory.created, factory.closed, len(counted_pool)) == (2, 0, 2)
    answer(length_event(API_KEY), counted_pool)
    assert factory.created == 2


def test_keys_momento_refuses_never_displace_the_workflows_client(
    counted_pool: ClientPool, factory: CountingFactory, answer: Answer
) -> None:
    assert answer(length_event(API_KEY), counted_pool)[0] == 404
    for stranger in range(10):
        assert answer(length_event(f"guessed-key-{stranger}"), counted_pool)[0] == 401
    # Each refused key had its client for one request, closed right after; the workflows'
    # client was never evicted, so its next request builds nothing.
    assert (factory.created, factory.closed, len(counted_pool)) == (11, 10, 1)
    assert answer(length_event(API_KEY), counted_pool)[0] == 404
    assert factory.created == 11


def test_an_answer_momento_did_not_give_keeps_no_client(
    counted_pool: ClientPool, factory: CountingFactory, answer: Answer
) -> None:
    # A set name that is not UTF-8: the shared contract refuses it before any client is built,
    # so the unproven key is kept nowhere.
    not_text = function_url_event(
        "POST",
        LENGTH,
        query="key_base64=%2Fw%3D%3D",  # b"\xff"
        headers={"authorization": "guessed-key", CALLER_SECRET_HEADER: CALLER_SECRET},
    )
    assert answer(not_text, counted_pool)[0] == 400
    assert (factory.created, factory.closed, len(counted_pool)) == (0, 0, 0)


def test_a_wrong_key_is_refused_by_momento(counted_pool: ClientPool, answer: Answer) -> None:
    status, body = answer(length_event("not-the-key"), counted_pool)
    assert (status, body["error"]) == (401, "unauthenticated")


def test_the_key_is_never_logged(
    bridge_handler: bridge.Handler,
    momento_server: MomentoServer,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POWERTOOLS_LOGGER_LOG_EVENT", "true")  # even when asked to log events
    bridge.logger.setLevel(logging.DEBUG)
    caplog.set_level(logging.DEBUG)  # every logger, the SDK's and gRPC's included
    wrong = "wrong-key-" + API_KEY[-12:][::-1]
    events = [
        length_event(API_KEY),  # miss
        length_event(wrong),  # refused by Momento
        length_event(None, token=API_KEY),  # key in the query string
        function_url_event(
            "POST",
            LENGTH,
            query="key=k&start_rank=x",
            headers={"authorization": API_KEY, CALLER_SECRET_HEADER: CALLER_SECRET},
        ),
        function_url_event(
            "PUT",
            f"/sortedset/{BRIDGE_CACHE}",
            query="key=k&ttl_seconds=60",
            headers={"authorization": API_KEY, CALLER_SECRET_HEADER: CALLER_SECRET},
            body=json.dumps({"elements": [{"value": "a", "score": 1}]}).encode(),
        ),
    ]
    statuses = [bridge_handler(event, LambdaContext())["statusCode"] for event in events]
    assert statuses == [404, 401, 404, 400, 204]
    logged = capsys.readouterr().out + caplog.text
    assert "answered" in logged  # the capture works: the handler's own lines are there
    for secret in (API_KEY, wrong, CALLER_SECRET):
        fragments = {secret[i : i + 8] for i in range(len(secret) - 7)}
        assert not [fragment for fragment in fragments if fragment in logged]
