"""The Docker Engine checks: a stopped engine against a dead socket, the version and
proxy rules as tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecrctl.doctor.docker import _covered, _parse
from tests.doctor.checks import run


def test_dockerd_stopped(healthy: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/dead.sock")
    checks = run()
    assert checks["docker.engine"].status == "fail"
    assert "does not answer" in checks["docker.engine"].detail
    assert "DOCKER_HOST" in (checks["docker.engine"].fix or "")
    assert checks["docker.version"].status == "skip"
    assert checks["docker.disk"].status == "skip"


@pytest.mark.parametrize(
    ("version", "parsed"),
    [
        ("20.10.24", (20, 10, 24)),
        ("24.0.7-1ubuntu1", (24, 0, 7)),
        ("1.9", (1, 9)),
        ("20.10.5+dfsg1", (20, 10)),  # the first piece that is no number ends it
        ("dev", ()),
        ("", ()),
    ],
)
def test_engine_versions_compare_as_numbers(version: str, parsed: tuple[int, ...]) -> None:
    assert _parse(version) == parsed


@pytest.mark.parametrize(
    ("host", "no_proxy", "covered"),
    [
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com", ".amazonaws.com", True),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com", "*.amazonaws.com", True),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com", "example.com, amazonaws.com", True),
        ("127.0.0.1:5000", "127.0.0.1", True),
        ("127.0.0.1:5000", "*", True),
        ("127.0.0.1:5000", "localhost", False),
        ("registry.example.com", "", False),
    ],
)
def test_no_proxy_entries_cover_a_host(host: str, no_proxy: str, covered: bool) -> None:
    assert _covered(host, no_proxy) is covered


def test_a_running_engine_reports_version_and_proxy(healthy: str) -> None:
    checks = run()
    assert checks["docker.engine"].status == "ok"
    assert checks["docker.version"].detail.endswith("(1.10 or later)")
    assert checks["docker.proxy"].detail == "the engine uses no proxy"
