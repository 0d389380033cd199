"""``events:putEvents`` from a state machine, handed straight to moto's EventBridge backend.

Going through a boto3 client costs a request build, a signature, moto's dispatch and a
response parse (several times the backend's own work) for a call that never leaves the
process. The backend call and the response below are exactly what moto's ``PutEvents``
handler does. Entries carrying ``Time`` still take the boto3 path, where botocore turns
the timestamp into the number the backend expects; so does every other EventBridge action.
"""

from typing import Any

from botocore.exceptions import ClientError
from moto.core.exceptions import JsonRESTError
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.events.models import events_backends


class LocalEventsClient:
    """An EventBridge client: ``put_events`` in-process, anything else by ``fallback``."""

    def __init__(self, region: str, fallback: Any) -> None:
        self._region = region
        self._fallback = fallback

    def put_events(self, **params: Any) -> dict[str, Any]:
        entries = params.get("Entries", [])
        if set(params) != {"Entries"} or any("Time" in entry for entry in entries):
            return dict(self._fallback.put_events(**params))
        # moto answers credentials it does not know, such as the runtime's, as this account.
        backend = events_backends[DEFAULT_ACCOUNT_ID][self._region]
        try:
            results = backend.put_events(entries)
        except JsonRESTError as error:  # what botocore raises for moto's error response
            raise ClientError(
                {
                    "Error": {"Code": error.error_type, "Message": error.message},
                    "ResponseMetadata": {"HTTPStatusCode": error.code},
                },
                "PutEvents",
            ) from error
        return {
            "FailedEntryCount": sum("ErrorCode" in result for result in results),
            "Entries": results,
        }

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fallback, name)
