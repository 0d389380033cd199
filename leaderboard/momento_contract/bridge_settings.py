"""The names the bridge Lambda and whoever deploys it (the CDK stack, the local stack) share.

They live in the core, not in `functions/`, so the local runtime installed from the wheel
(which carries no `functions/`) configures the bridge with the same names the bridge reads.
"""

from typing import Final

# Sent by the stage's EventBridge connection on every HTTP Task request; checked first.
CALLER_SECRET_HEADER: Final = "x-leaderboard-caller-secret"  # noqa: S105 - a header name
# The caller secret's ARN (never its value) in the bridge's environment.
CALLER_SECRET_ARN_VARIABLE: Final = "BRIDGE_CALLER_SECRET_ARN"  # noqa: S105 - a variable name
# The stage's Momento endpoint: the only host the bridge ever connects to.
ENDPOINT_VARIABLE: Final = "MOMENTO_ENDPOINT"
# Tests and local runs: plaintext gRPC to the local Momento server at host:port.
LOCAL_ADDRESS_VARIABLE: Final = "MOMENTO_LOCAL_ADDRESS"
