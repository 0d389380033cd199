"""One reference engine (a Node process) for the whole session; the local engine as installed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from leaderboard.local import moto_extensions
from tests.jsonata_fidelity.reference import ReferenceEngine


@pytest.fixture(scope="session")
def reference() -> Iterator[ReferenceEngine]:
    moto_extensions.install()  # the local engine exactly as the local runtime runs it
    engine = ReferenceEngine()
    yield engine
    engine.close()
