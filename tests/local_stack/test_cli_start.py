"""The CLI's client commands start without the local runtime's heavy imports: `--help`,
`start-execution` and `trace` run in a fresh interpreter against the running stack, and moto,
the Momento server and jsonschema must never be imported on the way."""

import json

from leaderboard.local.stack import LocalStack
from tests.packaging.fresh_interpreter import loaded_modules, third_party

SERVER_SIDE = {"moto", "momento", "grpc", "cheroot", "jsonschema", "jsonata", "aws_cdk"}


def _cli(*argv: str) -> str:
    return f"from leaderboard.local import cli\nassert cli.main({list(argv)!r}) == 0"


def test_help_loads_nothing_of_the_servers() -> None:
    code = (
        "import contextlib\nfrom leaderboard.local import cli\n"
        "with contextlib.suppress(SystemExit):\n    cli.main(['--help'])"
    )
    assert third_party(loaded_modules(code)) & SERVER_SIDE == set()


def test_start_execution_and_trace_run_without_the_servers_modules(stack: LocalStack) -> None:
    sfn = stack.client("stepfunctions")
    run = sfn.start_sync_execution(
        stateMachineArn=stack.state_machine_arn("submit-score"),
        input=json.dumps({"leaderboard": "cli-start", "name": "ada", "score": 3}),
    )
    assert run["status"] == "SUCCEEDED"
    where = ("--endpoint-url", stack.endpoint_url, "--stage", stack.stage)
    standing = json.dumps({"leaderboard": "cli-start", "name": "ada"})
    start = _cli("start-execution", "get-standing", standing, *where)
    trace = _cli("trace", run["executionArn"], *where)
    assert third_party(loaded_modules(f"{start}\n{trace}")) & SERVER_SIDE == set()
