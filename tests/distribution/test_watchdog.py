"""A request's deadline (connect, headers and body together): a registry that trickles
its headers or its body ends in bounded time, with one line naming the host, through the
watchdog that cuts a connection still busy when its deadline passes."""

from __future__ import annotations

import pytest

from tests.distribution.hostile import Answer, Hostile
from tests.distribution.test_bounds import OCI_MANIFEST, limited, one_line

pytestmark = pytest.mark.usefixtures("stack")  # each test over both HTTP stacks


def test_a_registry_trickling_its_headers_ends_at_the_deadline(registry: Hostile) -> None:
    registry.on("GET", "/manifests/", Answer(200, {"X-Slow": "a" * 100}, b"{}", 0.5, True))
    result, seconds = limited(
        "image", "inspect", f"{registry.host}/app:1", "--registry-timeout", "2"
    )
    assert result.returncode == 1
    assert f"registry {registry.host} did not finish answering within 2 s" in one_line(result)
    assert seconds < 15  # not retried: 2 s, and the start of the command


def test_a_registry_trickling_its_body_ends_at_the_deadline(registry: Hostile) -> None:
    parts = (b"{" if i == 0 else b" " for i in range(10_000))
    registry.on("GET", "/manifests/", Answer(200, {"Content-Type": OCI_MANIFEST}, parts, 0.5))
    result, seconds = limited(
        "image", "inspect", f"{registry.host}/app:1", env={"ECRCTL_REGISTRY_TIMEOUT": "2"}
    )
    assert result.returncode == 1
    assert "did not finish answering within 2 s" in one_line(result)
    assert seconds < 15


def test_an_answer_that_ends_its_connection_is_still_cut_at_the_deadline(
    registry: Hostile,
) -> None:
    """``Connection: close``: the HTTP client hands the socket to the answer, and the
    watchdog must still find it to end a body that trickles."""
    parts = (b"{" if i == 0 else b" " for i in range(10_000))
    headers = {"Content-Type": OCI_MANIFEST, "Connection": "close", "Content-Length": "10000"}
    registry.on("GET", "/manifests/", Answer(200, headers, parts, 0.5))
    result, seconds = limited(
        "image", "inspect", f"{registry.host}/app:1", env={"ECRCTL_REGISTRY_TIMEOUT": "2"}
    )
    assert result.returncode == 1
    assert "did not finish answering within 2 s" in one_line(result)
    assert seconds < 15
