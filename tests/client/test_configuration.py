"""How the client finds its state machines: by stage, through boto3's standard settings."""

from __future__ import annotations

import pytest

from leaderboard.client import LeaderboardClient, LeaderboardError
from leaderboard.local.stack import LocalStack
from tests.client.conftest import STAND_IN_STAGE, StandIns, fake_session

PASS_THROUGH = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}


def test_state_machines_are_resolved_by_stage(
    client: LeaderboardClient, stack: LocalStack, stand_ins: StandIns
) -> None:
    stand_ins.deploy("submit-score", PASS_THROUGH, "EXPRESS")
    other = LeaderboardClient(
        STAND_IN_STAGE, session=fake_session(), endpoint_url=stack.endpoint_url
    )
    assert client.state_machine_arn("submit-score") == stack.state_machine_arn("submit-score")
    assert other.state_machine_arn("submit-score").endswith(
        ":stateMachine:leaderboard-clientstandin-submit-score"
    )


def test_a_stage_that_is_not_deployed_says_so(stack: LocalStack) -> None:
    nowhere = LeaderboardClient("nowhere", session=fake_session(), endpoint_url=stack.endpoint_url)
    with pytest.raises(LeaderboardError) as raised:
        nowhere.submit_score("board", "mario", 1)
    assert raised.value.error == "Leaderboard.NotDeployed"
    assert "leaderboard-nowhere-submit-score" in raised.value.cause
    assert raised.value.execution_arn is None


def test_explicit_region_name_needs_no_region_in_the_environment(
    stack: LocalStack, board: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(variable, raising=False)
    client = LeaderboardClient("client", endpoint_url=stack.endpoint_url, region_name="us-east-1")
    assert client.submit_score(board, "mario", 3).rank == 0


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SFN"])
def test_standard_environment_settings_reach_the_local_endpoint(
    stack: LocalStack, board: str, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """What `python -m leaderboard.local up` tells a backend to export; no client arguments."""
    monkeypatch.setenv(variable, stack.endpoint_url)
    monkeypatch.setenv("AWS_DISABLE_HOST_PREFIX_INJECTION", "true")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "local")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "local")
    result = LeaderboardClient("client").submit_score(board, "mario", 5)
    assert (result.score, result.rank, result.size) == (5.0, 0, 1)


def test_a_local_endpoint_works_without_the_host_prefix_setting(
    stack: LocalStack, board: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """StartSyncExecution's `sync-` host prefix is dropped for any non-AWS endpoint."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", stack.endpoint_url)
    monkeypatch.delenv("AWS_DISABLE_HOST_PREFIX_INJECTION", raising=False)
    result = LeaderboardClient("client", session=fake_session()).submit_score(board, "mario", 6)
    assert result.rank == 0


def test_aws_endpoints_keep_the_host_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    """Against AWS, StartSyncExecution must go to `sync-states.{region}.amazonaws.com`.
    Nothing is sent: the request is only prepared, and a botocore hook reads its URL."""
    for variable in (
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_SFN",
        "AWS_DISABLE_HOST_PREFIX_INJECTION",
    ):
        monkeypatch.delenv(variable, raising=False)
    session = fake_session()
    urls: list[str] = []

    def capture(request: object, **_: object) -> None:
        urls.append(request.url)  # type: ignore[attr-defined]
        raise _NotSentError

    session.events.register("before-send.sfn", capture)
    client = LeaderboardClient("client", session=session, region_name="eu-west-1")
    client._arns["submit-score"] = (
        "arn:aws:states:eu-west-1:123456789012:stateMachine:leaderboard-client-submit-score"
    )
    with pytest.raises(_NotSentError):
        client.submit_score("board", "mario", 1)
    assert urls == ["https://sync-states.eu-west-1.amazonaws.com/"]


class _NotSentError(Exception):
    """Ends the call before anything leaves the machine."""
