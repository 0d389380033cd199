"""The shared secret that tells the workflows' requests from a stranger's.

The function URL is public (the HTTP Task cannot sign). The stage's EventBridge connection adds
`HEADER` to every request its HTTP Tasks send, with a random value kept in Secrets Manager;
the bridge compares it, in constant time, before it reads anything else of the request.
The bridge reads the value from Secrets Manager and caches it for `MAX_AGE_SECONDS`; only the
secret's ARN is in its environment, so the value is never in a template, a variable or a log.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Mapping
from typing import Final

from aws_lambda_powertools.utilities.parameters import SecretsProvider

HEADER: Final = "x-leaderboard-caller-secret"
SECRET_ARN_VARIABLE: Final = "BRIDGE_CALLER_SECRET_ARN"  # noqa: S105 - a variable name
# A stranger cannot make the bridge read the secret more often than this, whatever it sends.
MAX_AGE_SECONDS: Final = 300

# botocore logs every response body at DEBUG, GetSecretValue's included: whatever level the
# root logger is given (AWS_LAMBDA_LOG_LEVEL, a debugging session), never this one's bodies.
logging.getLogger("botocore.parsers").setLevel(logging.INFO)


class CallerSecret:
    """The expected header value, read from Secrets Manager at most every `MAX_AGE_SECONDS`."""

    def __init__(self, secret_arn: str, provider: SecretsProvider) -> None:
        self._secret_arn = secret_arn
        self._provider = provider

    @staticmethod
    def from_environment() -> CallerSecret:
        secret_arn = os.environ.get(SECRET_ARN_VARIABLE)
        if not secret_arn:
            raise ValueError(f"{SECRET_ARN_VARIABLE}: required (the caller secret's ARN)")
        return CallerSecret(secret_arn, SecretsProvider())

    def admits(self, headers: Mapping[str, str]) -> bool:
        """Whether the request carries the secret; `headers` have lower-case names.

        Raises `GetParameterError` when Secrets Manager cannot be read.
        """
        expected = self._provider.get(self._secret_arn, max_age=MAX_AGE_SECONDS)
        if not isinstance(expected, str) or not expected:
            raise ValueError(f"{SECRET_ARN_VARIABLE}: the secret must hold a non-empty string")
        sent = headers.get(HEADER, "")
        return hmac.compare_digest(sent.encode(), expected.encode())
