"""A local stack and one headless chromium for the trace page tests.

CI installs Debian's `chromium` (see `.ci/run`), so there these tests always run; on a
machine without it they are skipped, saying how to install it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from leaderboard.local.stack import LocalStack
from tests.trace_browser.devtools import CHROMIUM, chromium

STAGE = "tracebrowser"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is absent: apt-get install -y --no-install-recommends chromium"
    )
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    with LocalStack(stage=STAGE, momento_grpc_port=0, momento_http_port=0, aws_port=0) as running:
        yield running


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The DevTools websocket URL of a chromium with a fresh profile."""
    with chromium(tmp_path_factory.mktemp("chromium")) as url:
        yield url
