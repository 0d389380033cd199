"""Every shell and Python example in README.md and docs/*.md runs, as written, against a
local stack: the docs cannot drift from the product without this test failing.

A reader runs the examples after `make up`, with the environment `up` prints. The test does
the same on ephemeral ports (other runs may hold the documented ones): it gives every example
`up`'s environment for the running stack and rewrites the documented default addresses
(`http://127.0.0.1:8083`, `:8081`, `:8084`) to the stack's. The examples of one page
run in order, as a reader goes down it: Python in one namespace, shell in one `bash` session.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest

from leaderboard.local.cli import backend_environment
from leaderboard.local.endpoints import (
    AWS_ENDPOINT_PORT,
    HTTP_API_PORT,
    LOCAL_HOST,
    MOMENTO_HTTP_PORT,
)
from leaderboard.local.stack import LocalStack
from tests.docs.code_blocks import (
    NOT_EXAMPLES,
    NOT_RUN_MARKER,
    PYTHON,
    REPOSITORY,
    SHELL,
    CodeBlock,
    all_code_blocks,
    pages,
)

# A page's shell examples together; bounded so a hanging command fails instead of blocking.
SHELL_TIMEOUT_SECONDS: Final = 120
_BLOCKS: Final = all_code_blocks()
_RUNNABLE: Final = [
    block for block in _BLOCKS if block.language in SHELL | PYTHON and block.not_run is None
]


def _pages_with(languages: frozenset[str]) -> list[str]:
    return sorted({block.page for block in _RUNNABLE if block.language in languages})


def test_every_code_block_says_what_it_is() -> None:
    """A fence names a known language, so the test knows whether it is an example."""
    unknown = [
        f"{block.where}: ```{block.language}"
        for block in _BLOCKS
        if block.language not in SHELL | PYTHON | NOT_EXAMPLES
    ]
    assert unknown == [], "give these fences a language (sh, python, json, mermaid, text, js)"


def test_every_not_run_marker_excuses_an_example() -> None:
    """A marker away from its fence (or before data) excuses nothing: a page edit that moved
    it would otherwise go unnoticed."""
    excused = {(block.page, block.line - 1) for block in _BLOCKS if block.not_run is not None}
    examples = {
        (block.page, block.line - 1)
        for block in _BLOCKS
        if block.not_run is not None and block.language in SHELL | PYTHON
    }
    markers = {
        (str(page.relative_to(REPOSITORY)), number)
        for page in pages()
        for number, line in enumerate(page.read_text().splitlines(), start=1)
        if NOT_RUN_MARKER in line
    }
    assert markers == excused == examples


def _documented_addresses(stack: LocalStack) -> dict[str, str]:
    return {
        f"http://{LOCAL_HOST}:{AWS_ENDPOINT_PORT}": stack.endpoint_url,
        f"http://{LOCAL_HOST}:{MOMENTO_HTTP_PORT}": stack.momento.http_url,
        f"http://{LOCAL_HOST}:{HTTP_API_PORT}": stack.http_api_url,
    }


def _for_this_stack(block: CodeBlock, stack: LocalStack) -> str:
    text = block.text
    for documented, running in _documented_addresses(stack).items():
        text = text.replace(documented, running)
    return text


@pytest.fixture
def reader_environment(stack: LocalStack, tmp_path: Path) -> dict[str, str]:
    """What a reader's shell holds after pasting `up`'s exports: no AWS profile or config of
    the machine running the tests, the project's virtualenv first on PATH."""
    home = tmp_path / "home"
    home.mkdir()
    return {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(REPOSITORY),  # the reader works in the checkout
        "AWS_CONFIG_FILE": str(home / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-credentials"),
        **backend_environment(stack.endpoint_url),
    }


@pytest.fixture
def in_reader_environment(
    reader_environment: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in reader_environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    yield


def _assert_printed(blocks: list[CodeBlock], printed: str) -> None:
    missing = [
        f"{block.where}: {output}"
        for block in blocks
        for output in block.documented_outputs
        if output not in printed
    ]
    assert missing == [], f"documented output not printed; the run printed:\n{printed}"


@pytest.mark.parametrize("page", _pages_with(PYTHON))
def test_python_examples_run(
    page: str,
    stack: LocalStack,
    in_reader_environment: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocks = [block for block in _RUNNABLE if block.page == page and block.language in PYTHON]
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in blocks:
        # Blank lines first, so a traceback names the page's own line numbers.
        source = "\n" * block.line + _for_this_stack(block, stack)
        exec(compile(source, block.page, "exec"), namespace)
    _assert_printed(blocks, capsys.readouterr().out)


@pytest.mark.parametrize("page", _pages_with(SHELL))
def test_shell_examples_run(
    page: str, stack: LocalStack, reader_environment: dict[str, str], tmp_path: Path
) -> None:
    blocks = [block for block in _RUNNABLE if block.page == page and block.language in SHELL]
    script = ["set -euo pipefail"]
    for block in blocks:
        script += [f"echo '>>> {block.where}' >&2", _for_this_stack(block, stack)]
    finished = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        env=reader_environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=SHELL_TIMEOUT_SECONDS,
        check=False,
    )
    assert finished.returncode == 0, (
        f"exit {finished.returncode}\n--- stdout\n{finished.stdout}\n--- stderr\n{finished.stderr}"
    )
    _assert_printed(blocks, finished.stdout)
