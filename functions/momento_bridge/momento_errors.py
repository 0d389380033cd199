"""Momento SDK errors as the HTTP statuses and bodies the local server's HTTP door answers.

The local door answers 401/403 for keys, 429 for limits, 503 when unavailable, 400 for bad
input, 404 for a missing cache and 500 otherwise; the SDK reports the same situations as
`MomentoErrorCode`s. The message is Momento's detail when it gave one (it never holds the
key), with the protobuf field it names (`set_name`) replaced by the route's parameter (`key`).
"""

from __future__ import annotations

from typing import Final

from momento.errors import MomentoErrorCode, SdkException

from functions.momento_bridge.answers import HttpAnswer, error_answer

_STATUS: Final[dict[MomentoErrorCode, tuple[int, str]]] = {
    MomentoErrorCode.INVALID_ARGUMENT_ERROR: (400, "invalid_argument"),
    MomentoErrorCode.BAD_REQUEST_ERROR: (400, "invalid_argument"),
    # A type clash (sorted-set call on a scalar key): the local door's 400 "wrong_type".
    MomentoErrorCode.FAILED_PRECONDITION_ERROR: (400, "wrong_type"),
    MomentoErrorCode.NOT_FOUND_ERROR: (404, "not_found"),
    MomentoErrorCode.AUTHENTICATION_ERROR: (401, "unauthenticated"),
    MomentoErrorCode.PERMISSION_ERROR: (403, "permission_denied"),
    MomentoErrorCode.LIMIT_EXCEEDED_ERROR: (429, "limit_exceeded"),
    MomentoErrorCode.SERVER_UNAVAILABLE: (503, "unavailable"),
    MomentoErrorCode.CONNECTION_ERROR: (503, "unavailable"),
    MomentoErrorCode.TIMEOUT_ERROR: (503, "unavailable"),
    MomentoErrorCode.CANCELLED_ERROR: (503, "unavailable"),
}
_INTERNAL: Final = (500, "internal")
_PARAMETERS: Final = {"set_name": "key"}


def error_of(error: SdkException) -> HttpAnswer:
    status, code = _STATUS.get(error.error_code, _INTERNAL)
    if status == 404:
        return error_answer(404, code, "Cache Not Found")
    return error_answer(status, code, _detail(error))


def _detail(error: SdkException) -> str:
    details = error.transport_details
    if details is None or not details.grpc.details:
        return error.message
    # A gRPC message names the protobuf field; the HTTP caller set the route's parameter.
    field, colon, problem = details.grpc.details.partition(":")
    return (
        f"{_PARAMETERS[field]}{colon}{problem}"
        if colon and field in _PARAMETERS
        else details.grpc.details
    )
