"""The hostile registries the distribution tests talk to: ``registry`` on 127.0.0.1 (the
host the user named) and ``other`` on 127.0.0.2 (a host it points at); ``stack``, for
the modules that use it, runs each test over both registry HTTP stacks: the standard
library's (the plain case) and requests (a proxy set, or ``ECRCTL_STDLIB_HTTP=0``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.distribution.hostile import Hostile


@pytest.fixture
def registry() -> Iterator[Hostile]:
    with Hostile("127.0.0.1") as server:
        yield server


@pytest.fixture
def other() -> Iterator[Hostile]:
    with Hostile("127.0.0.2") as server:
        yield server


@pytest.fixture(params=["stdlib", "requests"])
def stack(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "requests":
        monkeypatch.setenv("ECRCTL_STDLIB_HTTP", "0")
    return str(request.param)
