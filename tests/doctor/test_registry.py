"""The registry checks: a registry that does not answer, and a docker config whose
helper hides the token ``auths`` holds."""

from __future__ import annotations

import json

import pytest

from ecrctl import paths
from ecrctl.login import dockerconfig
from tests.conftest import REGION
from tests.doctor.checks import run
from tests.doctor.conftest import closed_port


def test_registry_that_does_not_answer(healthy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    host = f"127.0.0.1:{closed_port()}"
    monkeypatch.setenv("ECRCTL_REGISTRY_URL", host)
    checks = run()
    assert checks["registry.reachable"].status == "fail"
    assert "connection refused" in checks["registry.reachable"].detail
    assert host in (checks["registry.reachable"].fix or "")
    assert checks["registry.credential"].status == "fail"  # nobody logged in to that port
    assert checks["registry.credential"].fix == f"ecrctl login --region {REGION}"
    assert checks["registry.login"].status == "skip"


def test_helper_configured_while_auths_holds_a_token(healthy: str) -> None:
    config = dockerconfig.read_config()
    config["credHelpers"] = {healthy: "ecr-login"}
    paths.docker_config_file().write_text(json.dumps(config))
    conflicts = run()["registry.conflicts"]
    assert conflicts.status == "warn"
    assert "ecr-login" in conflicts.detail
    assert conflicts.fix == f'remove "auths"."{healthy}" from {paths.docker_config_file()}'
