"""The scanning stand-in shared by the scan test modules of tests/image/: one server for
the module, its answers as new for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.image.scan_standin import EcrStandIn, running


@pytest.fixture(scope="module")
def served() -> Iterator[EcrStandIn]:
    with running(EcrStandIn()) as standin:
        yield standin


@pytest.fixture
def standin(served: EcrStandIn) -> EcrStandIn:
    """The module's stand-in, its answers as new."""
    served.reset()
    return served
