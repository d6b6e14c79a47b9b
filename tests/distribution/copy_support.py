"""Fixtures for the registry-API tests: two Debian docker-registry servers on
loopback standing for two AWS accounts (each with its own htpasswd user: that
account's moto token), mapped in ecrctl's config.toml to moto accounts in two
regions, and the ECR API of moto_server behind both; a counting proxy in front of the
second (``proxy_b``), ecrctl's own registry clients of both (``wire_clients``), and
skopeo, an independent client that authenticates to both through
docker-credential-ecrctl (``skopeo``).

Import the fixtures into a test module with
``from tests.distribution.copy_support import copy_env_fixture, registries_fixture  # noqa: F401``.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ecrctl.distribution.client import Credential, RegistryClient
from tests.conftest import ACCOUNT, backends
from tests.distribution.images import Pushed, Registry
from tests.distribution.proxy import Proxy
from tests.login_support import BIN
from tests.support.names import unique

SECOND = backends.SECOND_ACCOUNT
REGION_A = "us-east-1"
REGION_B = "eu-west-1"


@dataclass
class Registries:
    a: Registry  # account ACCOUNT, us-east-1
    b: Registry  # account SECOND, eu-west-1
    workdir: Path


@pytest.fixture(scope="session", name="registries")
def registries_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registries]:
    workdir = tmp_path_factory.mktemp("copy-registries")
    env = backends.start(workdir, ["registry", "registry2"])
    try:
        yield Registries(
            Registry(env["ECRCTL_TEST_REGISTRY"], backends.MOTO_PASSWORD),
            Registry(env["ECRCTL_TEST_REGISTRY2"], backends.SECOND_PASSWORD),
            workdir,
        )
    finally:
        backends.stop(workdir)


def wire_clients(registries: Registries) -> tuple[RegistryClient, RegistryClient]:
    """ecrctl's registry clients of A and B, each logged in with its account's token."""
    a = RegistryClient(
        registries.a.host, Credential("AWS", backends.MOTO_PASSWORD, "the test"), basic=True
    )
    b = RegistryClient(
        registries.b.host, Credential("AWS", backends.SECOND_PASSWORD, "the test"), basic=True
    )
    return a, b


@dataclass
class CopyEnv:
    a: Registry
    b: Registry
    moto_url: str
    config: Path

    def ecr(self, region: str = REGION_A) -> Any:
        import boto3

        return boto3.client("ecr", region_name=region, endpoint_url=self.moto_url)

    def create_repo(self, name: str, *, second: bool = False, immutable: bool = False) -> None:
        self.ecr(REGION_B if second else REGION_A).create_repository(
            repositoryName=name,
            registryId=SECOND if second else ACCOUNT,
            imageTagMutability="IMMUTABLE" if immutable else "MUTABLE",
        )

    def image_to_copy(self, tag: str, **push: Any) -> tuple[str, str, Pushed]:
        """A new repository in A holding an image pushed as ``tag``, and a new empty one
        in B: (the source's name, the destination's, the image pushed)."""
        return self._to_copy(lambda src: self.a.push_image(src, tag, **push))

    def index_to_copy(self, tag: str, *, oci: bool) -> tuple[str, str, Pushed]:
        """As :meth:`image_to_copy`, with an index (or manifest list) of two platforms."""
        return self._to_copy(lambda src: self.a.push_index(src, tag, oci=oci))

    def _to_copy(self, push: Callable[[str], Pushed]) -> tuple[str, str, Pushed]:
        src, dst = unique(), unique()
        pushed = push(src)
        self.create_repo(dst, second=True)
        return src, dst, pushed

    def map_host(self, host: str, *, second: bool = False, endpoint_url: str = "") -> None:
        """Map another address (a proxy) to account A (or B) in config.toml, with
        moto's ECR API (or ``endpoint_url``) behind it."""
        account, region = (SECOND, REGION_B) if second else (ACCOUNT, REGION_A)
        with self.config.open("a") as handle:
            handle.write(
                f'\n[registries."{host}"]\naccount = "{account}"\nregion = "{region}"\n'
                f'endpoint_url = "{endpoint_url or self.moto_url}"\n'
            )


@pytest.fixture(name="copy_env")
def copy_env_fixture(
    registries: Registries, moto_url: str, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> CopyEnv:
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", moto_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", moto_url)
    monkeypatch.setenv("ECRCTL_REGISTRY_ATTEMPTS", "3")
    config = isolated / ".config" / "ecrctl" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("")
    env = CopyEnv(registries.a, registries.b, moto_url, config)
    env.map_host(registries.a.host)
    env.map_host(registries.b.host, second=True)
    return env


@pytest.fixture(name="proxy_b")
def proxy_b_fixture(copy_env: CopyEnv) -> Iterator[Proxy]:
    """A counting proxy in front of registry B, mapped to account B."""
    with Proxy(copy_env.b.host) as proxy:
        copy_env.map_host(proxy.host, second=True)
        yield proxy


class Skopeo:
    """``skopeo --insecure-policy ARGS`` with a private auth file of credHelpers."""

    def __init__(self, authfile: Path) -> None:
        self.authfile = str(authfile)
        self.env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}

    def __call__(self, *args: str) -> str:
        done = subprocess.run(
            ["skopeo", "--insecure-policy", *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout


@pytest.fixture(name="skopeo")
def skopeo_fixture(copy_env: CopyEnv, tmp_path: Path) -> Skopeo:
    """skopeo with both registries' credentials from docker-credential-ecrctl."""
    authfile = tmp_path / "auth.json"
    helpers = {copy_env.a.host: "ecrctl", copy_env.b.host: "ecrctl"}
    authfile.write_text(json.dumps({"credHelpers": helpers}))
    return Skopeo(authfile)
