"""The output of ``arn:aws:states:::lambda:invoke`` as Step Functions returns it on AWS.

AWS returns the Invoke response with the SDK's metadata alongside the payload:
``ExecutedVersion``, ``Payload``, ``SdkHttpMetadata`` (``AllHttpHeaders``, ``HttpHeaders``,
``HttpStatusCode``), ``SdkResponseMetadata`` (``RequestId``) and ``StatusCode``. moto keeps
only the Invoke fields. A bare function ARN still outputs the payload alone. AWS's
``X-Amzn-Trace-Id`` header is left out: there is no X-Ray trace to name locally.
"""

import email.utils
import json
from typing import Any

from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

from leaderboard.local.patching import replace_attribute

_moto_integration = lambda_eval_utils.execute_lambda_function_integration


def _http_headers(metadata: dict[str, Any], executed_version: str) -> dict[str, str]:
    headers = metadata.get("HTTPHeaders", {})
    return {
        "Connection": "keep-alive",
        "Content-Length": str(headers.get("content-length", "0")),
        "Content-Type": "application/json",
        "Date": email.utils.formatdate(usegmt=True),
        "X-Amz-Executed-Version": executed_version,
        "x-amzn-Remapped-Content-Length": "0",
        "x-amzn-RequestId": str(metadata["RequestId"]),
    }


def _execute_integration(
    env: Any, parameters: dict[str, Any], region: str, state_credentials: Any
) -> None:
    """Replacement for moto's ``execute_lambda_function_integration``: AWS's output fields."""
    if env.is_mocked_mode():
        _moto_integration(env, parameters, region, state_credentials)
        return
    response = lambda_eval_utils._invoke_lambda_function(
        parameters=parameters, region=region, state_credentials=state_credentials
    )
    function_error = response.get("FunctionError")
    if function_error:
        payload = json.dumps(response["Payload"], separators=(",", ":"))
        raise lambda_eval_utils.LambdaFunctionErrorException(function_error, payload)
    metadata = response["ResponseMetadata"]
    headers = _http_headers(metadata, response["ExecutedVersion"])
    env.stack.append(
        {
            "ExecutedVersion": response["ExecutedVersion"],
            "Payload": response["Payload"],
            "SdkHttpMetadata": {
                "AllHttpHeaders": {name: [value] for name, value in headers.items()},
                "HttpHeaders": headers,
                "HttpStatusCode": metadata["HTTPStatusCode"],
            },
            "SdkResponseMetadata": {"RequestId": metadata["RequestId"]},
            "StatusCode": response["StatusCode"],
        }
    )


def install() -> None:
    """Shape every Lambda invocation's output as AWS does."""
    replace_attribute(
        lambda_eval_utils, "execute_lambda_function_integration", _execute_integration
    )
