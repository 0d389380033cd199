"""The backend client against one local stack (stage `client`) on ephemeral ports.

The client talks to the local AWS-compatible endpoint exactly as a backend would talk to AWS:
through boto3, with a region and (fake) credentials from a session. Each test uses its own
leaderboard, so tests share the stack without seeing each other's members.

Some error paths cannot be produced by the product's own workflows on demand (an execution
that exceeds its time limit, an error name the client does not know). For those, `StandIns`
deploys a small state machine under the name the client resolves for another stage, and the
real local engine runs it: the client code under test is unchanged, only the definition is.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Iterator
from typing import Any, Literal

import boto3
import pytest

from leaderboard.board_rules import parse_board_rules
from leaderboard.client import LeaderboardClient
from leaderboard.definitions import WORKFLOWS, DefinitionSettings
from leaderboard.local.aws_client import REGION
from leaderboard.local.stack import LocalStack
from leaderboard.local.stepfunctions.deploy import role_arn
from leaderboard.naming import state_machine_name
from leaderboard.periods import PeriodRule

STAGE = "client"
STAND_IN_STAGE = "clientstandin"
DAILY_PREFIX = "daily-"
# Boards named `daily-...` are cut into Tokyo days and close without settling; every other
# board gets the built-in defaults (all-time, higher is better, latest score replaces).
CLIENT_BOARD_RULES = parse_board_rules(
    {
        "prefixes": {
            DAILY_PREFIX: {"period": "daily", "timezone": "Asia/Tokyo", "closeSettleSeconds": 0}
        }
    },
    source="client tests",
)


class ClientStack(LocalStack):
    """The local stack deployed with CLIENT_BOARD_RULES instead of the repository's boards."""

    def definition_settings(self) -> DefinitionSettings:
        return dataclasses.replace(super().definition_settings(), board_rules=CLIENT_BOARD_RULES)


def daily_rule() -> PeriodRule:
    return CLIENT_BOARD_RULES.for_board(f"{DAILY_PREFIX}board").period_rule


def fake_session() -> boto3.Session:
    """A region and credentials the local endpoint accepts and AWS would refuse."""
    return boto3.Session(
        region_name=REGION, aws_access_key_id="local", aws_secret_access_key="local"
    )


def client_recording_requests(stack: LocalStack) -> tuple[LeaderboardClient, list[str]]:
    """A client on the local stack, and the list of Step Functions calls it sends (for tests
    that the client refused input before sending anything)."""
    session = fake_session()
    sent: list[str] = []
    session.events.register("before-call.sfn", lambda model, **_: sent.append(model.name))
    return LeaderboardClient("client", session=session, endpoint_url=stack.endpoint_url), sent


def deployed(workflow_name: str) -> bool:
    """Whether the workflow's definition is in this tree (the read and close workflows land
    with their own issues; their client tests run as soon as they do)."""
    return any(each.name == workflow_name for each in WORKFLOWS)


def needs_workflow(workflow_name: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not deployed(workflow_name),
        reason=f"statemachines/{workflow_name}.asl.json is not registered in WORKFLOWS yet",
    )


class StandIns:
    """Deploys stand-in state machines named `leaderboard-clientstandin-{workflow}`."""

    def __init__(self, stack: LocalStack) -> None:
        self._sfn = stack.client("stepfunctions")
        self._arns: list[str] = []

    def deploy(
        self, workflow_name: str, definition: dict[str, Any], kind: Literal["EXPRESS", "STANDARD"]
    ) -> None:
        arn = self._sfn.create_state_machine(
            name=state_machine_name(STAND_IN_STAGE, workflow_name),
            definition=json.dumps(definition),
            roleArn=role_arn(STAND_IN_STAGE),
            type=kind,
        )["stateMachineArn"]
        self._arns.append(arn)

    def remove_all(self) -> None:
        for arn in self._arns:
            self._sfn.delete_state_machine(stateMachineArn=arn)
        self._arns.clear()


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    with ClientStack(stage=STAGE, momento_grpc_port=0, momento_http_port=0, aws_port=0) as running:
        yield running


@pytest.fixture(scope="session")
def client(stack: LocalStack) -> LeaderboardClient:
    return LeaderboardClient(STAGE, session=fake_session(), endpoint_url=stack.endpoint_url)


@pytest.fixture
def board() -> str:
    """A leaderboard no other test uses."""
    return f"board-{uuid.uuid4().hex[:16]}"


@pytest.fixture
def daily_board() -> str:
    """A daily board no other test uses."""
    return f"{DAILY_PREFIX}{uuid.uuid4().hex[:16]}"


@pytest.fixture
def stand_ins(stack: LocalStack) -> Iterator[StandIns]:
    deployer = StandIns(stack)
    yield deployer
    deployer.remove_all()


@pytest.fixture
def stand_in_client(stack: LocalStack) -> LeaderboardClient:
    """A client of the stand-in stage."""
    return LeaderboardClient(
        STAND_IN_STAGE, session=fake_session(), endpoint_url=stack.endpoint_url
    )
