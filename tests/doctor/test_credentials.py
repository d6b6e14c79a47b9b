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


# -- the token cache ----------------------------------------------------------------------

CACHE_CHECK = (
    "import json\n"
    "from ecrctl.aws.clients import Aws\n"
    "from ecrctl.doctor.credentials import check_token_cache\n"
    "from ecrctl.doctor.facts import DoctorFacts\n"
    "from ecrctl.doctor.model import Request\n"
    "found = check_token_cache(DoctorFacts(Aws(), Request()))\n"
    "print(json.dumps([found.status, found.detail, found.fix]))\n"
)


def token_cache_check(*wrapper: str) -> list[str | None]:
    """The check run in its own process (``wrapper``: e.g. under a seccomp filter)."""
    import subprocess
    import sys

    done = subprocess.run(
        [*wrapper, sys.executable, "-c", CACHE_CHECK],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # the check says it; nothing else does
    result: list[str | None] = json.loads(done.stdout)
    return result


def test_token_cache_in_the_os_keyring() -> None:
    assert token_cache_check() == [
        "ok",
        "tokens are cached in the OS keyring (tests.store_keyring.StoreKeyring)",
        None,
    ]


def test_token_cache_in_the_kernel_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    status, detail, _ = token_cache_check()
    assert (status, detail) == (
        "ok",
        "tokens are cached in the kernel keyring (this user's keyring @u, in kernel memory only)",
    )


def test_no_token_cache_where_the_kernel_refuses_is_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.login.cache_support import refused

    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    status, detail, fix = token_cache_check(*refused([]))
    assert status == "warn"
    assert detail is not None and detail.startswith("no token cache: no OS keyring")
    assert "the kernel refused its keyring (EPERM, " in detail
    assert fix is not None and fix.startswith("export ECRCTL_TOKEN_CACHE=file")


def test_a_refused_keyring_backend_is_a_warning_though_the_kernel_caches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    status, detail, fix = token_cache_check()
    assert status == "warn"
    assert detail is not None and "tokens are cached in the kernel keyring" in detail
    assert fix == "unset PYTHON_KEYRING_BACKEND"


def test_a_cache_turned_off_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECRCTL_NO_CACHE", "1")
    assert token_cache_check()[:2] == [
        "skip",
        "the token cache is off (ECRCTL_NO_CACHE): every credential-helper call asks AWS",
    ]
