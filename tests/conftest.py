"""Fixtures shared by every test: isolation from the machine, moto's ECR, and
a runner for the real ``main()`` wrapper (errors, exit codes and all)."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import backends  # noqa: E402

REGION = "us-east-1"
ACCOUNT = backends.MOTO_ACCOUNT

# Backends started by scripts/test (read before any fixture clears the environment);
# when absent, the session fixtures start their own.
EXTERNAL_MOTO = os.environ.get("ECRCTL_TEST_MOTO_URL")
EXTERNAL_REGISTRY = os.environ.get("ECRCTL_TEST_REGISTRY")
EXTERNAL_DOCKER_HOST = os.environ.get("ECRCTL_TEST_DOCKER_HOST")
# ECRCTL_TEST_STDLIB_HTTP=0: every test's registry requests through requests
STDLIB_HTTP = os.environ.get("ECRCTL_TEST_STDLIB_HTTP")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HOME, XDG dirs, docker config and keyring; no AWS_* from the machine."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "ECRCTL_", "DOCKER_", "XDG_")) or name in {"NO_COLOR"}:
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("DOCKER_CONFIG", str(home / ".docker"))
    # a stand-in for an OS store: the token cache refuses plaintext backends
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.store_keyring.StoreKeyring")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("ECRCTL_MAX_ATTEMPTS", "2")
    # never ask the instance metadata service (a non-loopback address) for credentials
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    if STDLIB_HTTP is not None:  # the whole run on one registry HTTP stack
        monkeypatch.setenv("ECRCTL_STDLIB_HTTP", STDLIB_HTTP)
    return home


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto's in-process ECR, with ECR's digest and size rules. It answers only
    botocore's calls: a token is asked through botocore here, not signed by ecrctl
    and sent to AWS's endpoint (ecrctl.login.direct_token)."""
    monkeypatch.setenv("ECRCTL_DIRECT_TOKEN", "0")
    backends.apply_moto_fixes()
    from moto import mock_aws

    with mock_aws():
        yield


@pytest.fixture
def fresh_tokens(moto: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process moto's tokens expire 12 hours after issue, as ECR's and moto_server's
    do (scripts/backends.py); moto's own expired in 2015, and ``ecrctl login`` refuses
    an expired token."""
    from moto.ecr.responses import ECRResponse

    handler = backends.expiring_tokens(ECRResponse.get_authorization_token)
    monkeypatch.setattr(ECRResponse, "get_authorization_token", handler)


@pytest.fixture
def ecr(moto: None) -> Any:
    import boto3

    return boto3.client("ecr", region_name=REGION)


@pytest.fixture
def repo(ecr: Any) -> str:
    """An empty repository team/app in moto."""
    ecr.create_repository(repositoryName="team/app")
    return "team/app"


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Any]]:
    """An ECR client under botocore's Stubber, for what moto cannot answer (pagination,
    throttling, AccessDenied, AWS's lifecycle preview); every queued answer must be used."""
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("ecr", region_name=REGION)
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        import json

        return json.loads(self.stdout)


class Runner:
    """Runs ``ecrctl ARGS`` in-process through the real main() wrapper."""

    def __call__(self, *args: str, input: str | None = None, app: Any = None) -> Result:
        """``app``: an App to use (e.g. one whose ``ecr`` client is stubbed)."""
        from ecrctl.cli.app import App
        from ecrctl.cli.main import run

        out, err = io.StringIO(), io.StringIO()
        old = sys.stdin, sys.stdout, sys.stderr
        sys.stdin = io.StringIO(input or "")
        sys.stdout, sys.stderr = out, err
        try:
            code = run(list(args), app or App())
        finally:
            sys.stdin, sys.stdout, sys.stderr = old
        return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli() -> Runner:
    return Runner()


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A moto_server process on 127.0.0.1 (with the digest fixes); yields its URL."""
    if EXTERNAL_MOTO:
        yield EXTERNAL_MOTO
        return
    workdir = tmp_path_factory.mktemp("moto-server")
    backends.start(workdir, ["moto"])
    url = (workdir / "env").read_text().split("AWS_ENDPOINT_URL_ECR=")[1].split()[0]
    try:
        yield url
    finally:
        backends.stop(workdir)


def reset_moto(url: str) -> str:
    """Every state of the moto_server at ``url`` dropped; ``url``."""
    import urllib.request

    request = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    urllib.request.urlopen(request).close()
    return url


@pytest.fixture
def moto_url(moto_server: str) -> str:
    """The moto_server URL, with all state reset for this test."""
    return reset_moto(moto_server)


@dataclass
class DockerBackends:
    """A real docker-registry (htpasswd accepting moto's token) and a real dockerd."""

    registry: str  # 127.0.0.1:PORT
    docker_host: str  # unix:///.../docker.sock
    image: str  # a small local image built offline, e.g. "ecrctl-test/busybox:1"
    password: str = backends.MOTO_PASSWORD


@pytest.fixture(scope="session")
def docker_backends(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DockerBackends]:
    workdir = tmp_path_factory.mktemp("docker-backends")
    if EXTERNAL_REGISTRY and EXTERNAL_DOCKER_HOST:
        image = backends.build_test_image(EXTERNAL_DOCKER_HOST, "ecrctl-test/busybox:1", workdir)
        yield DockerBackends(EXTERNAL_REGISTRY, EXTERNAL_DOCKER_HOST, image)
        return
    env = backends.start(workdir, ["registry", "dockerd"])
    try:
        image = backends.build_test_image(env["DOCKER_HOST"], "ecrctl-test/busybox:1", workdir)
        yield DockerBackends(env["ECRCTL_TEST_REGISTRY"], env["DOCKER_HOST"], image)
    finally:
        backends.stop(workdir)


@pytest.fixture
def docker_env(docker_backends: DockerBackends, monkeypatch: pytest.MonkeyPatch) -> DockerBackends:
    """DOCKER_HOST set to the test dockerd for this test (DOCKER_CONFIG stays private)."""
    monkeypatch.setenv("DOCKER_HOST", docker_backends.docker_host)
    return docker_backends
