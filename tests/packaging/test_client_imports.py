"""A backend that installs `leaderboard[client]` gets boto3 and nothing else: the client's import
path must not reach jsonschema, moto, CDK or the Momento SDK."""

from tests.packaging.fresh_interpreter import import_names_of, loaded_modules, third_party

HEAVY = {"jsonschema", "moto", "aws_cdk", "constructs", "momento", "grpc", "rich", "jsonata"}
# botocore/httpsession.py uses certifi's CA bundle when it is installed (here: for requests).
BOTOCORE_OPTIONAL = {"certifi"}


def test_the_client_loads_only_boto3_and_the_standard_library() -> None:
    loaded = loaded_modules("import leaderboard.client")
    assert third_party(loaded) & HEAVY == set()
    assert third_party(loaded) <= import_names_of("boto3") | BOTOCORE_OPTIONAL
    project = {name for name in loaded if name.startswith("leaderboard")}
    assert {name.split(".")[1] for name in project if "." in name} == {"client", "naming"}
