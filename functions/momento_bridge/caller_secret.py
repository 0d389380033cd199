"""The shared secret that tells the workflows' requests from a stranger's.

The function URL is public (the HTTP Task cannot sign). The stage's EventBridge connection adds
`CALLER_SECRET_HEADER` to every request its HTTP Tasks send, with a random value kept in
Secrets Manager; the bridge compares it, in constant time, before it reads anything else.
The bridge reads the value from Secrets Manager and caches it for `MAX_AGE_SECONDS`; only the
secret's ARN is in its environment, so the value is never in a template, a variable or a log.

Both the current and the previous version are accepted, so the secret rotates without a
refusal: put a new value, wait `MAX_AGE_SECONDS`, then give it to the connection
(docs/momento-bridge.md).
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Mapping
from typing import Any, Final

from aws_lambda_powertools.utilities.parameters import SecretsProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

from leaderboard.momento_contract.bridge_settings import (
    CALLER_SECRET_ARN_VARIABLE,
    CALLER_SECRET_HEADER,
)

# A stranger cannot make the bridge read the secret more often than this, whatever it sends.
MAX_AGE_SECONDS: Final = 300

# botocore logs every response body at DEBUG, GetSecretValue's included: whatever level the
# root logger is given (AWS_LAMBDA_LOG_LEVEL, a debugging session), never this one's bodies.
logging.getLogger("botocore.parsers").setLevel(logging.INFO)


class CallerSecret:
    """The accepted header values, read from Secrets Manager at most every `MAX_AGE_SECONDS`."""

    def __init__(
        self, secret_arn: str, current: SecretsProvider, previous: SecretsProvider
    ) -> None:
        """Two providers: Powertools caches by name only, and the versions share one name."""
        self._secret_arn = secret_arn
        self._current = current
        self._previous = previous
        self._no_previous_until = 0.0

    @staticmethod
    def reading(secret_arn: str, client: Any = None) -> CallerSecret:
        """The secret read with `client` (a boto3 Secrets Manager client; default: Lambda's)."""
        return CallerSecret(
            secret_arn,
            SecretsProvider(boto3_client=client),
            SecretsProvider(boto3_client=client),
        )

    @staticmethod
    def from_environment() -> CallerSecret:
        secret_arn = os.environ.get(CALLER_SECRET_ARN_VARIABLE)
        if not secret_arn:
            raise ValueError(f"{CALLER_SECRET_ARN_VARIABLE}: required (the caller secret's ARN)")
        return CallerSecret.reading(secret_arn)

    def admits(self, headers: Mapping[str, str]) -> bool:
        """Whether the request carries the secret; `headers` have lower-case names.

        Raises `GetParameterError` when Secrets Manager cannot be read.
        """
        sent = headers.get(CALLER_SECRET_HEADER, "").encode()
        return any(hmac.compare_digest(sent, accepted) for accepted in self._accepted())

    def _accepted(self) -> list[bytes]:
        values = [_text(self._current.get(self._secret_arn, max_age=MAX_AGE_SECONDS))]
        if time.monotonic() >= self._no_previous_until:
            try:
                previous = self._previous.get(
                    self._secret_arn, max_age=MAX_AGE_SECONDS, VersionStage="AWSPREVIOUS"
                )
            except GetParameterError:  # none yet (never rotated): ask again in a while
                self._no_previous_until = time.monotonic() + MAX_AGE_SECONDS
            else:
                values.append(_text(previous))
        return values


def _text(value: object) -> bytes:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{CALLER_SECRET_ARN_VARIABLE}: the secret must hold a non-empty string")
    return value.encode()
