"""Fixtures: the SQS extensions are served by the same kind of moto server as Step Functions'."""

from tests.stepfunctions.conftest import aws, endpoint_url

__all__ = ["aws", "endpoint_url"]
