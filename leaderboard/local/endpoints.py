"""Default loopback addresses of the local runtime, in one place for the CLI, tests and docs."""

from typing import Final

LOCAL_HOST: Final = "127.0.0.1"
MOMENTO_GRPC_PORT: Final = 8080  # the official SDK's `for_momento_local` default
MOMENTO_HTTP_PORT: Final = 8081
AWS_ENDPOINT_PORT: Final = 8083
HTTP_API_PORT: Final = 8084
# The local HTTP API's key for its write route. Not a secret: the local runtime listens on
# loopback only and its AWS endpoint accepts any credentials; it exists so a client sends the
# `x-api-key` header it will need on AWS (docs/http-api.md).
HTTP_API_LOCAL_KEY: Final = "local-write-key"
