"""`python -m leaderboard.local <command>`: run the local stack and look inside it.

`up` and `momento` run servers in this process until Ctrl-C; the other commands are
clients of a running `up`, talking to it through the AWS-compatible endpoint exactly as a
backend or the AWS CLI would (so they also work against anything else serving that API).
"""

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError, EndpointConnectionError
from rich.console import Console

from leaderboard.board_rules import BOARDS_FILE
from leaderboard.definitions import definition_sources, workflow
from leaderboard.local.aws_client import ACCOUNT_ID, REGION, local_client
from leaderboard.local.control import ADVANCE_PATH, CLOCK_PATH
from leaderboard.local.durations import parse_duration
from leaderboard.local.endpoints import (
    AWS_ENDPOINT_PORT,
    HTTP_API_PORT,
    LOCAL_HOST,
    MOMENTO_GRPC_PORT,
    MOMENTO_HTTP_PORT,
)
from leaderboard.local.trace import render_timeline
from leaderboard.local.trace_html import write_trace_html
from leaderboard.naming import api_key_secret_name, events_queue_name, state_machine_name

if TYPE_CHECKING:
    from leaderboard.local.stack import LocalStack

DEFAULT_ENDPOINT_URL: Final = f"http://{LOCAL_HOST}:{AWS_ENDPOINT_PORT}"
DEFAULT_STAGE: Final = "local"
WATCH_INTERVAL_SECONDS: Final = 1.0
POLL_INTERVAL_SECONDS: Final = 0.1
CONTROL_TIMEOUT_SECONDS: Final = 60
_STOPPED: Final = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})

# soft_wrap: ARNs and exports stay on one line, whole, for copying and for scripts.
console = Console(soft_wrap=True)


class CommandError(Exception):
    """A problem the user can fix; printed without a traceback, exit status 1."""


def _wait_for_signal() -> None:
    """Blocks until Ctrl-C or SIGTERM, so `up` shuts down cleanly either way."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()


def _watched_files_signature(boards_file: Path) -> tuple[float, ...]:
    """The definitions, their shared fragments and the boards file: a save of any redeploys."""
    return tuple(each.stat().st_mtime for each in (*definition_sources(), boards_file))


def cmd_up(args: argparse.Namespace) -> None:
    # Imported here: moto and the Momento server take seconds to import, and only the
    # commands that run servers need them (`trace` and the others start in well under 1 s).
    from leaderboard.local.stack import LocalStack  # noqa: PLC0415

    try:
        stack = LocalStack(
            boards_file=args.boards_file,
            stage=args.stage,
            momento_grpc_port=args.momento_grpc_port,
            momento_http_port=args.momento_http_port,
            aws_port=args.aws_port,
            http_api_port=args.http_api_port,
            require_key=args.require_key,
        )
        stack.start()
    except ValueError as error:
        raise CommandError(str(error)) from error
    except OSError as error:
        raise CommandError(f"cannot listen ({error}); is another `up` running?") from error
    try:
        console.print(f"[bold green]local stack up[/] (stage [bold]{stack.stage}[/])")
        console.print(f"  AWS endpoint      {stack.endpoint_url}  (account {ACCOUNT_ID}, {REGION})")
        console.print(f"  HTTP API          {stack.http_api_url}  (docs/http-api.md)")
        console.print(f"  Momento HTTP      {stack.momento.http_url}")
        console.print(f"  Momento gRPC      {LOCAL_HOST}:{stack.momento.grpc_port}")
        console.print(f"  Momento API key   {_key_hint(stack)}", highlight=False)
        console.print(f"  cache             {stack.cache_name}")
        console.print(f"  event bus         {stack.event_bus_name}")
        for deployment in stack.deployments:
            console.print(f"  {deployment.workflow.name:<17} {deployment.state_machine_arn}")
        console.print("\n[bold]for a backend or the AWS CLI:[/]")
        for name, value in backend_environment(stack.endpoint_url).items():
            console.print(f"  export {name}={value}")
        for schedule in stack.scheduler.schedules:
            due = stack.scheduler.next_due(schedule.leaderboard).isoformat()
            console.print(f"  close schedule    {schedule.leaderboard}: next at {due}")
        stack.scheduler.start()
        # The files as `up` deployed them, read before it says it is ready: a save right after
        # that is a change even if the watcher thread has not run yet.
        seen = _watched_files_signature(stack.boards_file)
        console.print(
            f"\nEdits to statemachines/ and {stack.boards_file} redeploy on save (data kept)."
            " Ctrl-C stops everything."
        )
        watcher = threading.Thread(target=_redeploy_on_change, args=(stack, seen), daemon=True)
        watcher.start()
        _wait_for_signal()
    finally:
        stack.stop()
    console.print("stopped")


def _key_hint(stack: "LocalStack") -> str:
    """How to get the key, never the key: it would end up in terminals' scrollback and logs."""
    if not stack.require_key:
        return "none required (any key is accepted, e.g. CredentialProvider.for_momento_local())"
    return (
        "required; read it with `python -m leaderboard.local momento-key` or "
        f"`aws secretsmanager get-secret-value --secret-id {api_key_secret_name(stack.stage)} "
        "--query SecretString --output text`"
    )


def _redeploy_on_change(stack: "LocalStack", seen: tuple[float, ...]) -> None:
    """Polls the definition files, their fragments and the boards file; a change updates the
    machines in place and the close schedules, keeping every score (`LocalStack.deploy`)."""
    while True:
        time.sleep(WATCH_INTERVAL_SECONDS)
        current = _watched_files_signature(stack.boards_file)
        if current == seen:
            continue
        seen = current
        try:
            for deployment in stack.deploy():
                if deployment.action != "unchanged":
                    console.print(f"{deployment.action} {deployment.state_machine_arn}")
            names = ", ".join(each.leaderboard for each in stack.scheduler.schedules) or "none"
            console.print(f"close schedules: {names}")
        except (ValueError, ClientError) as error:
            console.print(f"[red]redeploy failed, previous definitions kept:[/] {error}")


def backend_environment(endpoint_url: str) -> dict[str, str]:
    """What a backend needs to reach the stack: the endpoint, a region, any fake credentials."""
    return {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        # StartSyncExecution's "sync-" host prefix would send SDKs to "sync-127.0.0.1".
        "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
    }


def cmd_momento(args: argparse.Namespace) -> None:
    from leaderboard.local.momento_server.server import MomentoServer  # noqa: PLC0415 (see cmd_up)

    with MomentoServer(grpc_port=args.grpc_port, http_port=args.http_port) as server:
        console.print("[bold green]Momento server up[/] (no API key required)")
        console.print(f"  gRPC  {LOCAL_HOST}:{server.grpc_port}")
        console.print(f"  HTTP  {server.http_url}")
        console.print("Ctrl-C stops it.")
        _wait_for_signal()
    console.print("stopped")


def cmd_momento_key(args: argparse.Namespace) -> int:
    """Prints the stack's Momento API key, read from the local Secrets Manager as a function
    would (only when asked: `up` never prints it)."""
    secrets = local_client("secretsmanager", args.endpoint_url)
    secret = secrets.get_secret_value(SecretId=api_key_secret_name(args.stage))
    console.print(secret["SecretString"], highlight=False)
    return 0


def _control(endpoint_url: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """A call to a running `up`'s local control routes (`leaderboard.local.control`)."""
    if not endpoint_url.startswith(("http://", "https://")):
        raise CommandError(f"--endpoint-url: {endpoint_url!r} is not an http(s) URL")
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
        endpoint_url.rstrip("/") + path,
        data=data,
        headers={"Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=CONTROL_TIMEOUT_SECONDS) as response:  # noqa: S310
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        try:
            message = json.loads(error.read())["message"]
        except (ValueError, KeyError, TypeError):
            message = f"HTTP {error.code} (is {endpoint_url} a local stack's endpoint?)"
        raise CommandError(message) from error
    except urllib.error.URLError as error:
        raise CommandError(f"no local stack at {endpoint_url}: start it with `make up`") from error


def _print_clock(state: dict[str, Any]) -> None:
    console.print(f"now {state['now']} (local clock {state['offsetSeconds']:+g} s from real time)")
    for schedule in state["schedules"]:
        console.print(
            f"  close schedule {schedule['leaderboard']}: {schedule['expression']} "
            f"{schedule['timezone']}, next at {schedule['nextFiring']}",
            highlight=False,
        )


def cmd_clock_show(args: argparse.Namespace) -> int:
    _print_clock(_control(args.endpoint_url, CLOCK_PATH))
    return 0


def cmd_clock_advance(args: argparse.Namespace) -> int:
    """Moves the clock of a running `up`; the closes it makes due start at once, and (unless
    --no-wait) this waits for them and prints how each ended."""
    try:
        by = parse_duration(args.duration)
    except ValueError as error:
        raise CommandError(f"DURATION: {error}") from error
    state = _control(args.endpoint_url, ADVANCE_PATH, {"seconds": by.total_seconds()})
    _print_clock(state)
    sfn = local_client("stepfunctions", args.endpoint_url)
    failed = False
    for firing in state["fired"]:
        arn = firing["executionArn"]
        console.print(
            f"fired close of {firing['leaderboard']} scheduled at {firing['scheduledTime']}",
            highlight=False,
        )
        if args.no_wait:
            console.print(f"  started {arn}", highlight=False)
            continue
        result = _wait_for_execution(sfn, arn, args.timeout)
        failed = failed or result["status"] != "SUCCEEDED"
        console.print(f"  {result['status']} {arn}", highlight=False)
        if result["status"] == "SUCCEEDED":
            console.print_json(result.get("output") or "null")
    return 1 if failed else 0


def state_machine_arn(stage: str, workflow_name: str) -> str:
    """ARNs are predictable locally: fixed account and region, names from the definitions."""
    name = state_machine_name(stage, workflow(workflow_name).name)
    return f"arn:aws:states:{REGION}:{ACCOUNT_ID}:stateMachine:{name}"


def _parse_input(text: str) -> str:
    try:
        json.loads(text)
    except ValueError as error:
        raise CommandError(f"INPUT_JSON: not valid JSON ({error})") from error
    return text


def _wait_for_execution(sfn: Any, execution_arn: str, timeout_seconds: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_seconds
    while True:
        described: dict[str, Any] = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] in _STOPPED:
            return described
        if time.monotonic() > deadline:
            raise CommandError(f"{execution_arn} still running after {timeout_seconds:g} s")
        time.sleep(POLL_INTERVAL_SECONDS)


def cmd_start_execution(args: argparse.Namespace) -> int:
    try:
        chosen = workflow(args.workflow)
    except ValueError as error:
        raise CommandError(f"WORKFLOW: {error}") from error
    execution_input = _parse_input(args.input_json)
    sfn = local_client("stepfunctions", args.endpoint_url)
    arn = state_machine_arn(args.stage, chosen.name)
    # Without --name, Step Functions picks a UUID, as on AWS.
    start: dict[str, str] = {"stateMachineArn": arn, "input": execution_input}
    if args.name is not None:
        start["name"] = args.name
    if chosen.type == "EXPRESS":
        result = sfn.start_sync_execution(**start)
    else:
        started = sfn.start_execution(**start)
        result = _wait_for_execution(sfn, started["executionArn"], args.timeout)
    console.print(f"{result['status']} {result['executionArn']}", highlight=False)
    if result["status"] == "SUCCEEDED":
        console.print_json(result.get("output") or "null")
        return 0
    console.print(f"[bold red]error:[/] {result.get('error')}")
    console.print(f"[red]cause:[/] {result.get('cause')}", highlight=False)
    return 1


def _history(sfn: Any, execution_arn: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for page in sfn.get_paginator("get_execution_history").paginate(executionArn=execution_arn):
        events.extend(page["events"])
    return events


def cmd_trace(args: argparse.Namespace) -> int:
    sfn = local_client("stepfunctions", args.endpoint_url)
    events = _history(sfn, args.execution_arn)
    console.print(render_timeline(events, title=args.execution_arn))
    if args.html is not None:
        machine_arn = sfn.describe_execution(executionArn=args.execution_arn)["stateMachineArn"]
        definition = sfn.describe_state_machine(stateMachineArn=machine_arn)["definition"]
        write_trace_html(args.html, definition, events, title=args.execution_arn)
        console.print(f"wrote {args.html}")
    return 0


def cmd_events(args: argparse.Namespace) -> int:
    sqs = local_client("sqs", args.endpoint_url)
    queue_url = sqs.get_queue_url(QueueName=events_queue_name(args.stage))["QueueUrl"]
    wait = args.wait  # only for the first event; then print what is there and stop
    while True:
        messages = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait
        ).get("Messages", [])
        for message in messages:
            console.print_json(message["Body"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        if not messages and not args.follow:
            return 0
        wait = args.wait if args.follow else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m leaderboard.local", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="start the whole local stack until Ctrl-C")
    up.add_argument("--stage", default=DEFAULT_STAGE)
    up.add_argument("--aws-port", type=int, default=AWS_ENDPOINT_PORT)
    up.add_argument("--momento-grpc-port", type=int, default=MOMENTO_GRPC_PORT)
    up.add_argument("--momento-http-port", type=int, default=MOMENTO_HTTP_PORT)
    up.add_argument("--http-api-port", type=int, default=HTTP_API_PORT)
    up.add_argument(
        "--boards-file",
        type=Path,
        default=BOARDS_FILE,
        help="the board rules (default: the repository's boards.json)",
    )
    up.add_argument(
        "--require-key",
        action="store_true",
        help="Momento accepts only the stack's key (default: any key, as Momento Local)",
    )
    up.set_defaults(run=cmd_up)

    momento = commands.add_parser("momento", help="start only the Momento server until Ctrl-C")
    momento.add_argument("--grpc-port", type=int, default=MOMENTO_GRPC_PORT)
    momento.add_argument("--http-port", type=int, default=MOMENTO_HTTP_PORT)
    momento.set_defaults(run=cmd_momento)

    def client_command(name: str, help_text: str) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text)
        # The variable `up` tells a backend to export: a shell set up for the stack needs no flag.
        command.add_argument(
            "--endpoint-url",
            default=os.environ.get("AWS_ENDPOINT_URL", DEFAULT_ENDPOINT_URL),
            help=f"default: $AWS_ENDPOINT_URL, else {DEFAULT_ENDPOINT_URL}",
        )
        command.add_argument("--stage", default=DEFAULT_STAGE)
        return command

    start = client_command("start-execution", "run a workflow and print its output or error")
    start.add_argument("workflow", metavar="WORKFLOW", help="e.g. submit-score")
    start.add_argument("input_json", metavar="INPUT_JSON", help="the execution input, as JSON")
    start.add_argument("--name", help="execution name (default: a random UUID)")
    start.add_argument("--timeout", type=float, default=300, help="STANDARD: seconds to wait")
    start.set_defaults(run=cmd_start_execution)

    trace = client_command("trace", "show an execution's history as a timeline")
    trace.add_argument("execution_arn", metavar="EXECUTION_ARN")
    trace.add_argument("--html", type=Path, help="also write a self-contained HTML page here")
    trace.set_defaults(run=cmd_trace)

    events = client_command("events", "print (and consume) the events the bus delivered")
    events.add_argument("--follow", action="store_true", help="keep waiting for more")
    events.add_argument("--wait", type=int, default=1, help="seconds to wait for an event")
    events.set_defaults(run=cmd_events)

    clock = commands.add_parser("clock", help="show or move the local clock of a running `up`")
    clock_commands = clock.add_subparsers(dest="clock_command", required=True)

    def clock_command(name: str, help_text: str) -> argparse.ArgumentParser:
        command = clock_commands.add_parser(name, help=help_text)
        command.add_argument(
            "--endpoint-url",
            default=os.environ.get("AWS_ENDPOINT_URL", DEFAULT_ENDPOINT_URL),
            help=f"default: $AWS_ENDPOINT_URL, else {DEFAULT_ENDPOINT_URL}",
        )
        return command

    show = clock_command("show", "the local time and when each close schedule fires next")
    show.set_defaults(run=cmd_clock_show)
    advance = clock_command("advance", "move the clock forward and run the closes now due")
    advance.add_argument("duration", metavar="DURATION", help="e.g. 1d, 12h, 2h30m, 90s")
    advance.add_argument("--no-wait", action="store_true", help="do not wait for the closes")
    advance.add_argument("--timeout", type=float, default=300, help="seconds to wait per close")
    advance.set_defaults(run=cmd_clock_advance)

    key = client_command("momento-key", "print the Momento API key of a `up --require-key`")
    key.set_defaults(run=cmd_momento_key)

    close = client_command("close-period", "close a period now: archive, announce, reset")
    close.add_argument("leaderboard", metavar="LEADERBOARD")
    close.add_argument("--period", help="e.g. 2026-11-22 (default: the period that just ended)")
    close.add_argument("--timeout", type=float, default=300, help="seconds to wait")
    close.set_defaults(run=cmd_close_period)
    return parser


def cmd_close_period(args: argparse.Namespace) -> int:
    """close-period under a fresh name: the workflow hands over to `{leaderboard}-{period}`,
    so closing a period that is already closed prints the first close's result."""
    request = {"leaderboard": args.leaderboard}
    if args.period is not None:
        request["period"] = args.period
    args.workflow, args.input_json, args.name = "close-period", json.dumps(request), None
    return cmd_start_execution(args)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        return int(args.run(args) or 0)
    except CommandError as error:
        console.print(f"[red]{error}[/]", highlight=False)
        return 1
    except EndpointConnectionError:
        console.print(f"[red]no local stack at {args.endpoint_url}: start it with `make up`[/]")
        return 1
    except ClientError as error:
        console.print(f"[red]{error}[/]", highlight=False)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
