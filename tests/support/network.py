"""What the ``network`` tests share: moto_server's EC2 and ECS (reset for each test) with
ecrctl pointed at it through AWS_ENDPOINT_URL_EC2 and AWS_ENDPOINT_URL_ECS, and the
installed ecrctl run as a console script (``network create`` through a loopback EC2
proxy is pointed at by an environment variable of its own process).

Import the fixture into a conftest with
``from tests.support.network import aws_fixture  # noqa: F401``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.network.world import REGION

BIN = Path(sys.executable).parent
SERVICE = ("--ecs-service", "prod/web")


@pytest.fixture(name="aws")
def aws_fixture(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    import boto3

    for service in ("EC2", "ECS", "ECR", "STS"):
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", moto_url)
    return {
        "url": moto_url,
        "ec2": boto3.client("ec2", region_name=REGION, endpoint_url=moto_url),
        "ecs": boto3.client("ecs", region_name=REGION, endpoint_url=moto_url),
    }


def ecrctl(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "ecrctl"), *args],
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def create(*args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    done = ecrctl("network", "create", *SERVICE, *args, "-o", "json", **env)
    return done, json.loads(done.stdout) if done.stdout else {}


def state(ec2: Any, vpc: str) -> Any:
    """Everything create could change: endpoints, groups, the VPC's DNS attributes."""
    in_vpc = [{"Name": "vpc-id", "Values": [vpc]}]
    endpoints = sorted(
        (
            e["VpcEndpointId"],
            e["ServiceName"],
            e.get("PolicyDocument"),
            sorted(e.get("RouteTableIds") or []),
            e.get("PrivateDnsEnabled"),
            sorted(g["GroupId"] for g in e.get("Groups") or []),
        )
        for e in ec2.describe_vpc_endpoints(Filters=in_vpc)["VpcEndpoints"]
    )
    groups = sorted(
        (g["GroupId"], json.dumps(g["IpPermissions"], sort_keys=True))
        for g in ec2.describe_security_groups(Filters=in_vpc)["SecurityGroups"]
    )
    attributes = [
        ec2.describe_vpc_attribute(VpcId=vpc, Attribute=a)
        for a in ("enableDnsSupport", "enableDnsHostnames")
    ]
    return endpoints, groups, [sorted(a.items())[0] for a in attributes]


def passes_check() -> bool:
    done = ecrctl("network", "check", *SERVICE, "-o", "json")
    assert done.returncode in (0, 1), done.stderr
    return done.returncode == 0
