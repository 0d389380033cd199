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


def test_checking_boards_json_and_rendering_need_the_standard_library_only() -> None:
    # The core's one check of boards.json runs where the CDK app and the local runtime run,
    # and in a backend that renders definitions: no jsonschema, boto3, moto or CDK.
    loaded = loaded_modules(
        "from leaderboard.definitions import DefinitionSettings, substitutions\n"
        "from leaderboard.period_rules import close_schedules\n"
        "settings = DefinitionSettings('https://a', 'https://b', 'cache', 'arn', 'bus')\n"
        "substitutions(settings)\n"
        "close_schedules(settings.board_rules)"
    )
    # zoneinfo reads the build's sysconfig data (a standard library module of its own name).
    assert {name for name in third_party(loaded) if not name.startswith("_sysconfigdata")} == set()
