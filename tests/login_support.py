"""Helpers shared by the login, cache and credential-helper tests: seeding the
token cache through its own API, and a fresh keyring backend per test."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecrctl.aws.settings import AwsSettings, resolve
from ecrctl.login import cache as tokencache
from tests.conftest import ACCOUNT, REGION

MOTO_PASSWORD = f"{ACCOUNT}-auth-token"
MOTO_ARN = f"arn:aws:sts::{ACCOUNT}:user/moto"
BIN = Path(sys.executable).parent
HELPER = str(BIN / "docker-credential-ecrctl")
ECRCTL = str(BIN / "ecrctl")


VAULT_HELPER = """#!/bin/sh
# a docker credential helper that keeps what it is given in $TEST_VAULT
case "$1" in
  store) cat > "$TEST_VAULT/stored.json" ;;
  erase) cat > "$TEST_VAULT/erased.txt" ;;
  get) cat "$TEST_VAULT/stored.json" ;;
  list) echo '{}' ;;
  *) exit 1 ;;
esac
"""


def install_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``docker-credential-testvault`` on PATH, storing into the returned dir."""
    bindir = tmp_path / "vault-bin"
    bindir.mkdir()
    helper = bindir / "docker-credential-testvault"
    helper.write_text(VAULT_HELPER)
    helper.chmod(0o755)
    store = tmp_path / "vault"
    store.mkdir()
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("TEST_VAULT", str(store))
    return store


def ecr_host(account: str = ACCOUNT, region: str = REGION) -> str:
    return f"{account}.dkr.ecr.{region}.amazonaws.com"


def seed_token(
    password: str,
    *,
    account: str = ACCOUNT,
    region: str = REGION,
    arn: str = MOTO_ARN,
    profile: str | None = None,
    endpoint: str | None = None,
    host: str = "",
    issued_ago: timedelta = timedelta(0),
    lifetime: timedelta = timedelta(hours=12),
) -> tokencache.CacheKey:
    """Put a caller identity and a token for ``account`` into the real cache."""
    cache = tokencache.open_cache()
    assert cache.usable, cache.reason
    endpoint = resolve(AwsSettings(endpoint_url=endpoint)).endpoint_url
    cache.remember_identity(
        credential_source(profile, endpoint),
        tokencache.Identity(arn=arn, account=arn.split(":")[4]),
    )
    key = tokencache.CacheKey(
        tokencache.partition_of(region), account, region, tokencache.principal_of(arn), endpoint
    )
    issued = datetime.now(UTC) - issued_ago
    token = tokencache.CachedToken(
        username="AWS",
        password=password,
        proxy_endpoint=f"https://{ecr_host(account, region)}",
        expires_at=issued + lifetime,
        issued_at=issued,
        host=host or ecr_host(account, region),
    )
    assert cache.put(key, token, now=issued)
    return key


def use_keyring_backend(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Select a keyring backend by import path for this process and its children."""
    import keyring.core

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", name)
    root = str(Path(__file__).resolve().parent.parent)
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    )
    keyring.core.init_backend()


@pytest.fixture(autouse=True)
def fresh_keyring() -> Iterator[None]:
    """keyring keeps its backend in a global: start and end each test with the pinned one."""
    import keyring

    from tests.store_keyring import StoreKeyring

    keyring.set_keyring(StoreKeyring())
    yield
    keyring.set_keyring(StoreKeyring())


def credential_source(profile: str | None = None, endpoint: str | None = None) -> str:
    """The token cache's credential source for these settings, as ecrctl resolves it."""
    return resolve(AwsSettings(profile=profile, endpoint_url=endpoint)).credential_source()
