"""`python -m bench.door_fuzz [N]`: N (default 5,000) hostile requests to both sorted-set doors.

Sends the corpus of `tests/bridge/two_doors.py` (derandomized: the same requests every run)
to the local server's HTTP door and to the bridge handler, and counts each door's 5xx answers
and the requests the two answer differently (status or body). Prints a few examples of each.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import uuid
import warnings
from collections import Counter

# Before the handler is imported: its logger would print a line per request.
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")

import httpx
from hypothesis import HealthCheck, Phase, given, settings

from functions.momento_bridge import handler as bridge
from functions.momento_bridge.caller_secret import CallerSecret
from leaderboard.local.aws_client import local_client
from leaderboard.local.momento_server.server import MomentoServer
from leaderboard.local.stepfunctions.endpoint import AwsEndpoint
from leaderboard.momento_contract.bridge_settings import LOCAL_ADDRESS_VARIABLE
from tests.bridge.two_doors import (
    Answer,
    HostileRequest,
    bridge_answer,
    door_answer,
    hostile_requests,
)

CACHE = "fuzz-cache"
EXAMPLES_SHOWN = 8


def main(count: int) -> int:
    api_key = f"fuzz-key-{uuid.uuid4().hex}"
    servers = [
        MomentoServer(grpc_port=0, http_port=0, api_keys=[api_key], caches=[CACHE])
        for _ in range(2)
    ]
    door_server, bridge_server = (server.start() for server in servers)
    os.environ[LOCAL_ADDRESS_VARIABLE] = f"127.0.0.1:{bridge_server.grpc_port}"
    # The requests come through the stage's connection: the caller secret, from local Secrets
    # Manager as the bridge reads it on AWS.
    aws = AwsEndpoint(port=0)
    aws.start()
    caller_secret = secrets.token_urlsafe(32)
    secrets_client = local_client("secretsmanager", aws.url)
    arn = secrets_client.create_secret(Name="door-fuzz-caller", SecretString=caller_secret)["ARN"]
    bridge._caller_secret = CallerSecret.reading(arn, secrets_client)
    sent = 0
    door_5xx: Counter[int] = Counter()
    bridge_5xx: Counter[int] = Counter()
    mismatches: list[tuple[HostileRequest, Answer, Answer]] = []
    failures: list[tuple[str, HostileRequest, Answer]] = []
    try:
        with httpx.Client(base_url=door_server.http_url, timeout=30) as door:

            @settings(
                max_examples=count,
                derandomize=True,
                database=None,
                phases=[Phase.generate],
                deadline=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(hostile_requests(api_key, CACHE))
            def send(request: HostileRequest) -> None:
                nonlocal sent
                sent += 1
                door_said, bridge_said = (
                    door_answer(door, request),
                    bridge_answer(bridge.handler, request, caller_secret),
                )
                if door_said[0] >= 500:
                    door_5xx[door_said[0]] += 1
                    failures.append(("door", request, door_said))
                if bridge_said[0] >= 500:
                    bridge_5xx[bridge_said[0]] += 1
                    failures.append(("bridge", request, bridge_said))
                if door_said != bridge_said:
                    mismatches.append((request, door_said, bridge_said))

            # The handler's metrics go to stdout, one EMF document per request.
            with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
                warnings.simplefilter("ignore")
                send()
    finally:
        bridge.client_pool().close()
        for server in servers:
            server.stop()
        aws.stop()
    print(f"requests: {sent}")
    print(f"door 5xx: {sum(door_5xx.values())} {dict(door_5xx)}")
    print(f"bridge 5xx: {sum(bridge_5xx.values())} {dict(bridge_5xx)}")
    print(f"answers that differ: {len(mismatches)}")
    kinds = Counter((d[0], b[0]) for _, d, b in mismatches)
    print(f"  by (door status, bridge status): {dict(kinds.most_common())}")
    for who, request, said in failures[:EXAMPLES_SHOWN]:
        print(f"  5xx {who}: {request.method} {request.path}?{request.query[:120]} -> {said}")
    for request, door_said, bridge_said in mismatches[:EXAMPLES_SHOWN]:
        print(f"  differ: {request.method} {request.path}?{request.query[:120]}")
        print(f"    door   {str(door_said)[:200]}\n    bridge {str(bridge_said)[:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5_000))
