"""The credential checks against real backends: docker's credential for the registry
(from a helper, a store or ``auths``), whether the registry accepts it, its account,
region and expiry, and ecrctl's login record."""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ecrctl import paths
from ecrctl.doctor.credentials import lookup, token_expiry
from ecrctl.login import dockerconfig
from tests.conftest import ACCOUNT, REGION
from tests.doctor.checks import run
from tests.doctor.conftest import log_in

OTHER_ACCOUNT = "210987654321"


def test_credential_for_another_region(healthy: str) -> None:
    log_in(healthy, "whatever", region="eu-west-1")
    checks = run()
    match = checks["registry.match"]
    assert match.status == "fail"
    assert "issued for account" in match.detail and "eu-west-1" in match.detail
    assert match.fix == f"ecrctl login --region {REGION}"


def test_credential_for_another_account(healthy: str) -> None:
    from tests.conftest import Runner

    result = Runner()("login", "--registry-id", OTHER_ACCOUNT)
    assert result.exit_code == 0, result.stderr
    checks = run()
    assert checks["registry.match"].status == "fail"
    assert OTHER_ACCOUNT in checks["registry.match"].detail
    assert checks["registry.match"].fix == f"ecrctl login --region {REGION}"
    assert checks["registry.login"].status == "fail"  # the registry rejects that token
    assert "HTTP 401" in checks["registry.login"].detail


def test_credential_the_registry_rejects(healthy: str) -> None:
    dockerconfig.store(healthy, "AWS", "not-the-htpasswd-password")
    checks = run()
    assert checks["registry.credential"].status == "ok"
    login = checks["registry.login"]
    assert login.status == "fail"
    assert "rejected docker's credential" in login.detail
    assert login.fix == f"ecrctl login --region {REGION}"


def test_no_credential_at_all(healthy: str) -> None:
    dockerconfig.erase(healthy)
    checks = run(region="us-east-1", registry_id=ACCOUNT)
    assert checks["registry.credential"].status == "fail"
    assert checks["registry.credential"].fix == (
        f"ecrctl login --region {REGION} --registry-id {ACCOUNT}"
    )


FAILING_HELPER = "#!/bin/sh\necho 'error getting credentials: the vault is locked' >&2\nexit 3\n"


def test_creds_store_helper_that_fails(
    healthy: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    helper = bindir / "docker-credential-broken"
    helper.write_text(FAILING_HELPER)
    helper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    config = dockerconfig.read_config()
    config["credsStore"] = "broken"
    paths.docker_config_file().write_text(json.dumps(config))
    checks = run()
    credential = checks["registry.credential"]
    assert credential.status == "fail"
    assert "docker-credential-broken get failed: error getting credentials" in credential.detail
    assert "credsStore" in (credential.fix or "")
    assert checks["registry.login"].status == "skip"


def test_expired_ecrctl_login(healthy: str, docker_env: Any) -> None:
    log_in(healthy, docker_env.password, hours=-1)
    check = run()["registry.ecrctl-login"]
    assert check.status == "fail"
    assert "expired" in check.detail
    assert check.fix == f"ecrctl login --region {REGION}"


def test_expired_ecr_token_in_docker_config(healthy: str) -> None:
    import base64

    payload = {"payload": "x", "datakey": "y", "version": "2", "type": "DATA_KEY"}
    payload["expiration"] = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
    secret = base64.b64encode(json.dumps(payload).encode()).decode()
    dockerconfig.store(healthy, "AWS", secret)
    credential = run()["registry.credential"]
    assert credential.status == "fail"
    assert "expired at" in credential.detail and "tokens last 12 hours" in credential.detail
    assert credential.fix == f"ecrctl login --region {REGION}"


def _ecr_token(expiration: Any) -> str:
    payload = {"payload": "x", "datakey": "y", "version": "2", "type": "DATA_KEY"}
    payload["expiration"] = expiration
    return base64.b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("secret", "expiry"),
    [
        (_ecr_token(1_700_000_000), datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        (_ecr_token("1700000000"), datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        (_ecr_token(None), None),
        ("not-base64!", None),
        (base64.b64encode(b"[1, 2]").decode(), None),
        ("", None),
    ],
)
def test_token_expiry_reads_what_an_ecr_password_carries(
    secret: str, expiry: datetime | None
) -> None:
    assert token_expiry(secret) == expiry


HOST = "127.0.0.1:5000"


@pytest.mark.parametrize(
    ("auths", "username"),
    [
        ({HOST: {"auth": base64.b64encode(b"AWS:pw").decode()}}, "AWS"),
        ({f"https://{HOST}": {"username": "u", "password": "pw"}}, "u"),
        ({f"http://{HOST}": {"auth": base64.b64encode(b"AWS:pw").decode()}}, "AWS"),
        ({HOST: {}}, None),  # docker's empty entry beside a credential store
        ({"other:5000": {"username": "u", "password": "pw"}}, None),
    ],
)
def test_lookup_reads_auths_as_docker_does(auths: dict[str, Any], username: str | None) -> None:
    found = lookup({"auths": auths}, HOST)
    assert (found.username if found else None) == username
    if found:
        assert found.secret == "pw"
        assert "pw" not in repr(found)


def test_lookup_asks_the_configured_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    helper = bindir / "docker-credential-fixed"
    helper.write_text(
        "#!/bin/sh\nread host\n"
        'if [ "$host" = "127.0.0.1:5000" ]; then echo \'{"Username":"AWS","Secret":"s3"}\'; '
        "else echo 'credentials not found in native keychain' >&2; exit 1; fi\n"
    )
    helper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    config = {"credHelpers": {HOST: "fixed", "other:5000": "fixed"}}
    found = lookup(config, HOST)
    assert found is not None and (found.username, found.secret) == ("AWS", "s3")
    assert "fixed" in found.where
    assert lookup(config, "other:5000") is None
