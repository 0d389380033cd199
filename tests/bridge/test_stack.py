"""The bridge construct: synthesized once per session, its asset unpacked and inspected.

The first synthesis downloads the Linux wheels with pip (a few seconds); later ones reuse
`.local/bridge-bundles`. No Docker is involved.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from stacks.cdk_context import cdk_json_context
from stacks.momento_bridge import MomentoBridge
from stacks.momento_bridge_bundling import (
    BUNDLED_PACKAGES,
    PROJECT_ROOT,
    BridgeBundle,
    BundlingError,
    bundled_sources,
)

ELF_MAGIC = b"\x7fELF"
EM_AARCH64 = 183


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> tuple[Template, Path]:
    outdir = tmp_path_factory.mktemp("cdk.out")
    app = cdk.App(outdir=str(outdir), context=cdk_json_context())
    stack = cdk.Stack(app, "BridgeTest", env=cdk.Environment(region="ap-northeast-1"))
    MomentoBridge(
        stack,
        "Bridge",
        stage="test",
        momento_endpoint="cell-ap-northeast-1-1.prod.a.momentohq.com",
        reserved_concurrency=7,
    )
    template = Template.from_stack(stack)
    app.synth()
    return template, outdir


def function_asset(template: Template, outdir: Path) -> Path:
    (function,) = template.find_resources("AWS::Lambda::Function").values()
    asset_hash = function["Properties"]["Code"]["S3Key"].removesuffix(".zip")
    return outdir / f"asset.{asset_hash}"


def test_function_runtime_architecture_and_guards(synthesized: tuple[Template, Path]) -> None:
    template, _ = synthesized
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "FunctionName": "leaderboard-test-momento-bridge",
            "Runtime": "python3.14",
            "Architectures": ["arm64"],
            "Handler": "functions.momento_bridge.handler.handler",
            "ReservedConcurrentExecutions": 7,
            "TracingConfig": {"Mode": "Active"},
        },
    )
    (function,) = template.find_resources("AWS::Lambda::Function").values()
    # No key (it comes with each request) and no secret value: the caller secret's ARN only.
    variables = function["Properties"]["Environment"]["Variables"]
    assert set(variables) == {
        "POWERTOOLS_SERVICE_NAME",
        "POWERTOOLS_METRICS_NAMESPACE",
        "POWERTOOLS_LOG_LEVEL",
        "MOMENTO_ENDPOINT",
        "BRIDGE_CALLER_SECRET_ARN",
    }
    assert variables["MOMENTO_ENDPOINT"] == "cell-ap-northeast-1-1.prod.a.momentohq.com"
    assert set(variables["BRIDGE_CALLER_SECRET_ARN"]) == {"Ref"}
    template.has_resource_properties(
        "AWS::Logs::LogGroup",
        {"LogGroupName": "/aws/lambda/leaderboard-test-momento-bridge", "RetentionInDays": 30},
    )


def test_function_url_is_public_https_with_the_key_checked_in_the_handler(
    synthesized: tuple[Template, Path],
) -> None:
    template, _ = synthesized
    template.has_resource_properties("AWS::Lambda::Url", {"AuthType": "NONE"})
    template.has_resource_properties(
        "AWS::Lambda::Permission",
        {"Action": "lambda:InvokeFunctionUrl", "Principal": "*", "FunctionUrlAuthType": "NONE"},
    )
    outputs = [json.dumps(output["Value"]) for output in template.find_outputs("*").values()]
    assert ["FunctionUrl" in value for value in outputs] == [True, False]
    assert "CallerSecret" in outputs[1]  # its ARN, for rotations; never its value


def test_asset_carries_linux_arm64_grpc_for_the_runtime_python(
    synthesized: tuple[Template, Path],
) -> None:
    asset = function_asset(*synthesized)
    (native,) = asset.glob("grpc/_cython/cygrpc*.so")
    assert "cpython-314" in native.name
    header = native.read_bytes()[:20]
    assert header[:4] == ELF_MAGIC
    assert header[4] == 2  # ELFCLASS64
    assert int.from_bytes(header[18:20], "little") == EM_AARCH64
    assert not list(asset.rglob("*.cpython-311*"))  # nothing built for this machine's Python


def test_asset_carries_every_module_of_the_bundled_packages(
    synthesized: tuple[Template, Path],
) -> None:
    asset = function_asset(*synthesized)
    for package in BUNDLED_PACKAGES:
        on_disk = {
            path.relative_to(PROJECT_ROOT) for path in (PROJECT_ROOT / package).rglob("*.py")
        }
        in_asset = {path.relative_to(asset) for path in (asset / package).rglob("*.py")}
        assert in_asset == on_disk, package
    assert (asset / "functions" / "__init__.py").is_file()


def test_asset_holds_nothing_of_the_local_runtime(synthesized: tuple[Template, Path]) -> None:
    """`leaderboard` is a namespace package holding only the contract: no `__init__` (which
    would make the local runtime's siblings importable by name), no `local`, no moto."""
    asset = function_asset(*synthesized)
    assert not (asset / "leaderboard" / "__init__.py").exists()
    assert [path.name for path in (asset / "leaderboard").iterdir()] == ["momento_contract"]
    assert not (asset / "leaderboard" / "local").exists()
    assert not (asset / "moto").exists()  # not a dependency of the bridge's requirements
    for package in ("functions", "leaderboard"):
        for module in (asset / package).rglob("*.py"):
            imported = imported_names(module.read_text())
            assert not {name for name in imported if name.startswith("leaderboard.local")}, module
            assert not {name for name in imported if name.split(".")[0] == "moto"}, module


def test_a_platform_without_wheels_fails_the_synth_loudly(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("grpcio==1.0.0\n")  # no build of it for Python 3.14 on aarch64
    bundle = BridgeBundle("3.14", "arm64", requirements=requirements)
    with pytest.raises(BundlingError, match=r"no wheels for Python 3\.14 on manylinux"):
        bundle.build(tmp_path / "out")


def imported_names(code: str) -> set[str]:
    """Every module `code` imports (from-imports may name modules, so their names are listed)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def project_imports(code: str) -> set[str]:
    """The modules of this repository that `code` imports."""
    project = ("functions", "leaderboard", "stacks")
    return {name for name in imported_names(code) if name.split(".")[0] in project}


def test_bundled_modules_import_only_bundled_project_modules() -> None:
    """The asset holds a subset of the repository; an import outside it would fail in Lambda."""
    sources = bundled_sources()
    modules = {s.removesuffix(".py").removesuffix("/__init__").replace("/", ".") for s in sources}
    packages = {module.rpartition(".")[0] for module in modules}  # namespace packages
    for source in sources:
        for name in project_imports((PROJECT_ROOT / source).read_text()):
            parent = name.rpartition(".")[0]
            # `from pkg.module import name` also lists `pkg.module.name`, a symbol, not a module
            assert name in modules | packages or parent in modules, f"{source}: {name}"
