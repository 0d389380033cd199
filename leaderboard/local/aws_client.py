"""How anything outside the endpoint's process talks to the local AWS endpoint.

Kept apart from `stepfunctions/endpoint.py` (which serves the endpoint with moto) so the CLI
commands that are only clients of a running stack start without importing moto.
"""

from typing import Any, Final

import boto3
from botocore.config import Config

# moto's DEFAULT_ACCOUNT_ID: moto maps any unknown access key to it, and the local runtime
# never sets another (tests/local_stack/test_aws_client.py checks the two agree).
ACCOUNT_ID: Final = "123456789012"
REGION: Final = "us-east-1"
# StartSyncExecution's "sync-" host prefix would turn 127.0.0.1 into a name that resolves nowhere.
_CLIENT_CONFIG: Final = Config(inject_host_prefix=False)
# Credentials moto accepts and AWS rejects: a misrouted call fails instead of reaching an account.
FAKE_CREDENTIALS: Final = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


def local_client(service: str, endpoint_url: str) -> Any:
    """A boto3 client for `service` at `endpoint_url`: never AWS, whatever the environment says."""
    return boto3.session.Session(region_name=REGION, **FAKE_CREDENTIALS).client(
        service, endpoint_url=endpoint_url, config=_CLIENT_CONFIG
    )
