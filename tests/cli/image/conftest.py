"""What the ``image scan`` and ``image findings`` CLI tests share: the loopback stand-in
of ECR's scanning calls (why a stand-in: tests/image/scan_standin.py), started once a
module and pointed at through AWS_ENDPOINT_URL_ECR."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.image.scan_standin import EcrStandIn, running


@pytest.fixture(scope="module")
def served() -> Iterator[EcrStandIn]:
    with running(EcrStandIn()) as standin:
        yield standin


@pytest.fixture
def standin(served: EcrStandIn, monkeypatch: pytest.MonkeyPatch) -> EcrStandIn:
    """The module's stand-in, its answers as new, the one ECR endpoint ecrctl uses."""
    served.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", served.url)
    return served
