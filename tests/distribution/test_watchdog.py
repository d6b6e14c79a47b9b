"""A request's deadline (connect, headers and body together): a registry that trickles
its headers or its body ends in bounded time, with one line naming the host, through the
watchdog that cuts a connection still busy when its deadline passes."""

from __future__ import annotations

from tests.distribution.hostile import Answer, Hostile
from tests.distribution.test_bounds import OCI_MANIFEST, limited, one_line


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
