"""Fixtures of the doctor tests: moto_server as every AWS endpoint, the Debian
docker-registry as the registry host, a real dockerd, a docker login made by
ecrctl's own login workflow, and a guard that fails any test whose process
tries to reach an address other than loopback."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import ACCOUNT, REGION, DockerBackends

MOTO_ARN = f"arn:aws:sts::{ACCOUNT}:user/moto"


def _loopback(host: Any) -> bool:
    if not isinstance(host, str):
        return True
    if host in {"localhost", ""}:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse, and record, any connection or name lookup that is not loopback."""
    tried: list[str] = []
    connect = socket.socket.connect
    getaddrinfo = socket.getaddrinfo

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
            tried.append(str(address))
            raise ConnectionRefusedError(f"test guard: {address} is not loopback")
        return connect(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and not _loopback(name):
            tried.append(str(name))
            raise socket.gaierror(socket.EAI_NONAME, f"test guard: {name} is not loopback")
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    yield tried
    assert not tried, f"the test tried to reach {tried}"


@pytest.fixture
def aws_env(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every AWS service at moto_server (ECR, STS, Service Quotas); no instance metadata."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return moto_url


@pytest.fixture
def healthy(aws_env: str, docker_env: DockerBackends, monkeypatch: pytest.MonkeyPatch) -> str:
    """moto, the registry at ECRCTL_REGISTRY_URL, dockerd, and docker logged in to the
    registry by ecrctl (with a realistic expiry: moto's tokens expired in 2015)."""
    monkeypatch.setenv("ECRCTL_REGISTRY_URL", docker_env.registry)
    log_in(docker_env.registry, docker_env.password)
    keep_a_trail()
    return docker_env.registry


def keep_a_trail() -> None:
    """A logging multi-region trail in moto, as a healthy account keeps ECR's history."""
    import boto3

    boto3.client("s3", region_name=REGION).create_bucket(Bucket="trail-logs")
    cloudtrail = boto3.client("cloudtrail", region_name=REGION)
    cloudtrail.create_trail(Name="main", S3BucketName="trail-logs", IsMultiRegionTrail=True)
    cloudtrail.start_logging(Name="main")


def log_in(
    host: str,
    password: str,
    *,
    account: str = ACCOUNT,
    region: str = REGION,
    hours: float = 12,
) -> None:
    """docker logged in to ``host`` through ecrctl's login workflow."""
    from ecrctl.aws.clients import Aws
    from ecrctl.aws.settings import AwsSettings
    from ecrctl.login.token import RegistryAuth
    from ecrctl.login.workflow import login

    auth = RegistryAuth(
        registry_id=account,
        host=host,
        proxy_endpoint=f"https://{account}.dkr.ecr.{region}.amazonaws.com",
        username="AWS",
        password=password,
        expires_at=datetime.now(UTC) + timedelta(hours=hours),
    )
    login(Aws(AwsSettings(region=region)), [auth], helper=False)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
