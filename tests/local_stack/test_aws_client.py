"""The CLI's light client module states moto's account and region without importing moto."""

from moto.core.models import DEFAULT_ACCOUNT_ID

from leaderboard.local.aws_client import ACCOUNT_ID, REGION
from leaderboard.local.stack import LocalStack


def test_the_account_is_the_one_moto_maps_every_key_to(stack: LocalStack) -> None:
    assert ACCOUNT_ID == DEFAULT_ACCOUNT_ID
    identity = stack.client("sts").get_caller_identity()
    assert identity["Account"] == ACCOUNT_ID
    assert stack.client("stepfunctions").meta.region_name == REGION
