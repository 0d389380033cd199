"""The backend client: start the leaderboard workflows with the AWS SDK and get typed results.

It works unchanged against AWS and against the local endpoint: boto3 picks the endpoint from
the usual places (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_SFN`, a profile's `endpoint_url`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from leaderboard.client import validation
from leaderboard.client.errors import (
    ExecutionTimedOutError,
    LeaderboardError,
    ThrottledError,
    error_for,
)
from leaderboard.client.results import (
    ClosedPeriod,
    LeaderboardPage,
    RankedMember,
    Standing,
    SubmitScoreResult,
)
from leaderboard.naming import check_stage, state_machine_name

_THROTTLING_CODES: Final = frozenset(
    {"ThrottlingException", "TooManyRequestsException", "ExecutionLimitExceeded"}
)
# Standard retry mode backs off with jitter on throttling before we give up and raise.
_SDK_CONFIG: Final = Config(retries={"mode": "standard", "max_attempts": 5})


def _is_aws_endpoint(url: str) -> bool:
    host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host.endswith((".amazonaws.com", ".amazonaws.com.cn"))


def _stepfunctions_client(
    session: boto3.Session, endpoint_url: str | None, region_name: str | None
) -> Any:
    client = session.client(
        "stepfunctions", endpoint_url=endpoint_url, region_name=region_name, config=_SDK_CONFIG
    )
    if _is_aws_endpoint(client.meta.endpoint_url):
        return client
    # StartSyncExecution carries the host prefix "sync-"; a local endpoint has no such host name.
    no_prefix = _SDK_CONFIG.merge(Config(inject_host_prefix=False))
    return session.client(
        "stepfunctions", endpoint_url=endpoint_url, region_name=region_name, config=no_prefix
    )


def close_period_execution_name(leaderboard: str, period: str) -> str:
    """One execution name per (board, period): Step Functions then refuses a second close."""
    return f"{leaderboard}-{period}"


class LeaderboardClient:
    """Starts the workflows of one stage and returns their results as typed values.

    Workflow failures are raised as the exception types in `leaderboard.client.errors`.
    """

    def __init__(
        self,
        stage: str = "dev",
        *,
        session: boto3.Session | None = None,
        endpoint_url: str | None = None,
        region_name: str | None = None,
        standard_wait_seconds: float = 300.0,
    ) -> None:
        """`session`, `endpoint_url` and `region_name` default to boto3's usual sources
        (environment, profile); `region_name` spares a process that talks to one region from
        configuring it. `standard_wait_seconds` bounds how long a STANDARD run is awaited."""
        self.stage = check_stage(stage)
        self._sfn = _stepfunctions_client(session or boto3.Session(), endpoint_url, region_name)
        self._standard_wait_seconds = standard_wait_seconds
        self._arns: dict[str, str] = {}

    def submit_score(
        self,
        leaderboard: str,
        name: str,
        score: float,
        *,
        submission_id: str | None = None,
        occurred_at: datetime | None = None,
    ) -> SubmitScoreResult:
        """Write a score and return the member's standing right after it."""
        validation.check_leaderboard(leaderboard)
        validation.check_name(name)
        validation.check_score(score)
        validation.check_submission_id(submission_id)
        validation.check_occurred_at(occurred_at)
        request: dict[str, Any] = {"leaderboard": leaderboard, "name": name, "score": score}
        if submission_id is not None:
            request["submissionId"] = submission_id
        if occurred_at is not None:
            request["occurredAt"] = occurred_at.isoformat()
        output, execution_arn = self._run_express("submit-score", request)
        return SubmitScoreResult.from_output(output, execution_arn)

    def get_standing(self, leaderboard: str, name: str, *, period: str | None = None) -> Standing:
        """Score and rank of one member (both None when the member is not on the board)."""
        validation.check_leaderboard(leaderboard)
        validation.check_name(name)
        validation.check_period(period)
        request = _without_none({"leaderboard": leaderboard, "name": name, "period": period})
        output, _ = self._run_express("get-standing", request)
        score, rank = output.get("score"), output.get("rank")
        return Standing(
            leaderboard=leaderboard,
            name=name,
            score=None if score is None else float(score),
            rank=None if rank is None else int(rank),
        )

    def get_leaderboard(
        self,
        leaderboard: str,
        *,
        start_rank: int | None = None,
        end_rank: int | None = None,
        view: str | None = None,
        name: str | None = None,
        limit: int | None = None,
        period: str | None = None,
    ) -> LeaderboardPage:
        """A page by rank (`start_rank`/`end_rank`) or a view (`me`, `top`, `around_me`,
        `top_and_around_me`)."""
        validation.check_leaderboard(leaderboard)
        validation.check_rank("startRank", start_rank)
        validation.check_rank("endRank", end_rank)
        validation.check_limit(limit)
        validation.check_period(period)
        validation.check_view(view, name)
        if name is not None:
            validation.check_name(name)
        validation.check_page_shape(start_rank, end_rank, view, name, limit)
        request = _without_none(
            {
                "leaderboard": leaderboard,
                "startRank": start_rank,
                "endRank": end_rank,
                "view": view,
                "name": name,
                "limit": limit,
                "period": period,
            }
        )
        output, _ = self._run_express("get-leaderboard", request)
        entries = tuple(RankedMember.from_json(row) for row in output["leaderboard"])
        return LeaderboardPage(leaderboard=leaderboard, entries=entries)

    def group(
        self, leaderboard: str, names: Sequence[str], *, period: str | None = None
    ) -> LeaderboardPage:
        """The view group: `names` (1-100 distinct members, a team or a friend list) ranked
        among themselves in the board's order and tieRank; members without a score are left
        out. One Momento call, however many names."""
        validation.check_leaderboard(leaderboard)
        validation.check_names(names)
        validation.check_period(period)
        request = _without_none(
            {"leaderboard": leaderboard, "view": "group", "names": list(names), "period": period}
        )
        output, _ = self._run_express("get-leaderboard", request)
        entries = tuple(RankedMember.from_json(row) for row in output["leaderboard"])
        return LeaderboardPage(leaderboard=leaderboard, entries=entries)

    def close_period(self, leaderboard: str, period: str | None = None) -> ClosedPeriod:
        """Close a period (default: the one that just ended), archive it and reset the board.

        Closing the same period twice is safe: the second call waits for (or returns) the first
        run when the period is given. A first run that failed (started too early, Momento down)
        does not block the period: the next call closes it under the next attempt's name.
        """
        validation.check_leaderboard(leaderboard)
        validation.check_period(period)
        request = _without_none({"leaderboard": leaderboard, "period": period})
        name = None if period is None else close_period_execution_name(leaderboard, period)
        output, execution_arn = self._run_standard("close-period", request, name)
        return ClosedPeriod.from_output(output, execution_arn)

    def state_machine_arn(self, workflow: str) -> str:
        """The ARN of `leaderboard-{stage}-{workflow}`, looked up once and cached."""
        if workflow not in self._arns:
            wanted = state_machine_name(self.stage, workflow)
            for page in self._sfn.get_paginator("list_state_machines").paginate():
                for machine in page["stateMachines"]:
                    if machine["name"] == wanted:
                        self._arns[workflow] = machine["stateMachineArn"]
            if workflow not in self._arns:
                raise LeaderboardError(
                    "Leaderboard.NotDeployed", f"no state machine named {wanted} in this account"
                )
        return self._arns[workflow]

    def _run_express(self, workflow: str, request: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
        arn = self.state_machine_arn(workflow)
        try:
            response = self._sfn.start_sync_execution(
                stateMachineArn=arn, input=json.dumps(request)
            )
        except ClientError as error:
            raise _from_client_error(error) from error
        return _finished(response)

    def _run_standard(
        self, workflow: str, request: Mapping[str, Any], name: str | None
    ) -> tuple[dict[str, Any], str]:
        arn = self.state_machine_arn(workflow)
        start: dict[str, Any] = {"stateMachineArn": arn, "input": json.dumps(request)}
        if name is not None:
            start["name"] = name
        try:
            execution_arn = self._sfn.start_execution(**start)["executionArn"]
        except ClientError as error:
            if error.response["Error"]["Code"] != "ExecutionAlreadyExists" or name is None:
                raise _from_client_error(error) from error
            execution_arn = arn.replace(":stateMachine:", ":execution:") + f":{name}"
            named = self._wait(execution_arn)
            if named["status"] == "SUCCEEDED":
                return _finished(named)
            # The name ended without a result and stays so: a run of its own hands over to
            # the workflow's next attempt (close-period names them {name}-r2, -r3, ...).
            return self._run_standard(workflow, request, None)
        return _finished(self._wait(execution_arn))

    def _wait(self, execution_arn: str) -> dict[str, Any]:
        deadline = time.monotonic() + self._standard_wait_seconds
        delay = 0.05
        while True:
            execution: dict[str, Any] = self._sfn.describe_execution(executionArn=execution_arn)
            if execution["status"] != "RUNNING":
                return execution
            if time.monotonic() >= deadline:
                raise ExecutionTimedOutError(
                    "Client.WaitTimeout",
                    f"still running after {self._standard_wait_seconds:.0f}s",
                    execution_arn,
                )
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def _finished(execution: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    execution_arn = str(execution["executionArn"])
    status = execution["status"]
    if status == "SUCCEEDED":
        output: dict[str, Any] = json.loads(execution["output"])
        return output, execution_arn
    if status == "TIMED_OUT":
        raise ExecutionTimedOutError(
            "States.Timeout", execution.get("cause", "execution timed out"), execution_arn
        )
    raise error_for(
        execution.get("error", f"Execution.{status}"), execution.get("cause", ""), execution_arn
    )


def _from_client_error(error: ClientError) -> LeaderboardError:
    code = error.response["Error"]["Code"]
    message = error.response["Error"].get("Message", "")
    if code in _THROTTLING_CODES:
        return ThrottledError(code, message)
    return LeaderboardError(code, message)


def _without_none(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}
