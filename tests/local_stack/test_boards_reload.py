"""boards.json reloads without losing data: a stack redeploys with the edited rules (new
rules apply to the next submission, schedules follow) and every score stays.

In process through `LocalStack.deploy()` (what `up`'s watcher calls on save), and once
through `up --boards-file` as a real process, editing the file it watches.
"""

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from leaderboard.board_rules import BOARDS_FILE
from leaderboard.local.aws_client import local_client
from leaderboard.local.stack import LocalStack

BOARD = "reload-board"
DAILY = "reload-daily"


def _rules_with(boards: dict[str, Any]) -> str:
    rules = json.loads(BOARDS_FILE.read_text())
    rules.pop("$schema", None)
    rules["boards"] = {**rules["boards"], **boards}
    return json.dumps(rules)


def _save(path: Path, text: str) -> None:
    """Writes, and moves the mtime on by a second if the file system's clock did not: a
    watcher comparing mtimes sees every save."""
    before = path.stat().st_mtime if path.exists() else None
    path.write_text(text)
    if before is not None and path.stat().st_mtime <= before:
        os.utime(path, (before + 1, before + 1))


@pytest.fixture
def boards_file(tmp_path: Path) -> Path:
    path = tmp_path / "boards.json"
    _save(path, _rules_with({}))
    return path


@pytest.fixture
def reload_stack(boards_file: Path) -> Iterator[LocalStack]:
    with LocalStack(
        stage="reload",
        momento_grpc_port=0,
        momento_http_port=0,
        aws_port=0,
        boards_file=boards_file,
    ) as running:
        yield running


def _run(stack: LocalStack, workflow: str, execution_input: dict[str, Any]) -> dict[str, Any]:
    result = stack.client("stepfunctions").start_sync_execution(
        stateMachineArn=stack.state_machine_arn(workflow), input=json.dumps(execution_input)
    )
    assert result["status"] == "SUCCEEDED", result
    output: dict[str, Any] = json.loads(result["output"])
    return output


def _scores(stack: LocalStack) -> dict[str, float]:
    page = _run(stack, "get-leaderboard", {"leaderboard": BOARD})
    return {entry["name"]: entry["score"] for entry in page["leaderboard"]}


def _scheduled(stack: LocalStack) -> list[str]:
    listed = stack.client("scheduler").list_schedules(
        GroupName=f"leaderboard-{stack.stage}-close-period"
    )["Schedules"]
    return sorted(each["Name"] for each in listed)


def test_a_saved_boards_file_applies_to_the_next_submission_and_keeps_the_scores(
    reload_stack: LocalStack, boards_file: Path
) -> None:
    _run(reload_stack, "submit-score", {"leaderboard": BOARD, "name": "ada", "score": 10})
    _run(reload_stack, "submit-score", {"leaderboard": BOARD, "name": "bo", "score": 7})
    _run(reload_stack, "submit-score", {"leaderboard": BOARD, "name": "ada", "score": 5})
    assert _scores(reload_stack) == {"bo": 7, "ada": 5}  # the defaults: replace
    assert _scheduled(reload_stack) == ["steps"]

    _save(
        boards_file,
        _rules_with({BOARD: {"updateMode": "best"}, DAILY: {"period": "daily"}}),
    )
    reload_stack.deploy()

    _run(reload_stack, "submit-score", {"leaderboard": BOARD, "name": "ada", "score": 3})
    assert _scores(reload_stack) == {"bo": 7, "ada": 5}  # best kept 5; bo's score stayed
    assert _scheduled(reload_stack) == [DAILY, "steps"]
    assert sorted(each.leaderboard for each in reload_stack.scheduler.schedules) == [DAILY, "steps"]


def test_a_bad_boards_file_changes_nothing(reload_stack: LocalStack, boards_file: Path) -> None:
    before = reload_stack.client("stepfunctions").describe_state_machine(
        stateMachineArn=reload_stack.state_machine_arn("submit-score")
    )["definition"]
    _save(boards_file, _rules_with({BOARD: {"updateMode": "sometimes"}}))
    with pytest.raises(ValueError, match=re.escape(f'boards."{BOARD}".updateMode')):
        reload_stack.deploy()
    after = reload_stack.client("stepfunctions").describe_state_machine(
        stateMachineArn=reload_stack.state_machine_arn("submit-score")
    )["definition"]
    assert after == before
    assert _scheduled(reload_stack) == ["steps"]


def test_up_redeploys_when_its_boards_file_is_saved(boards_file: Path) -> None:
    """No deadline of its own (pytest-timeout guards a hang): `up` prints each reload."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "leaderboard.local",
            "up",
            "--stage",
            "reloadup",
            "--aws-port",
            "0",
            "--momento-grpc-port",
            "0",
            "--momento-http-port",
            "0",
            "--boards-file",
            str(boards_file),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "250", "PYTHONUNBUFFERED": "1"},
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []

        def read_until(marker: str) -> str:
            while not any(marker in line for line in lines):
                line = process.stdout.readline() if process.stdout else ""
                assert line, "".join(lines)  # `up` ended
                lines.append(line)
            return "".join(lines)

        output = read_until("Ctrl-C")
        endpoint = re.search(r"export AWS_ENDPOINT_URL=(\S+)", output)
        assert endpoint is not None, output
        _save(boards_file, _rules_with({DAILY: {"period": "daily"}}))
        assert f"close schedules: {DAILY}, steps" in read_until("close schedules:")
        scheduler = local_client("scheduler", endpoint.group(1))
        listed = scheduler.list_schedules(GroupName="leaderboard-reloadup-close-period")
        assert sorted(each["Name"] for each in listed["Schedules"]) == [DAILY, "steps"]
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate()
        assert process.returncode == 0, rest
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
