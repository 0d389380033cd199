"""Default loopback addresses of the local runtime, in one place for the CLI, tests and docs."""

from typing import Final

LOCAL_HOST: Final = "127.0.0.1"
MOMENTO_GRPC_PORT: Final = 8080  # the official SDK's `for_momento_local` default
MOMENTO_HTTP_PORT: Final = 8081
AWS_ENDPOINT_PORT: Final = 8083
