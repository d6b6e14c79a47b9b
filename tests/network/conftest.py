"""The network tests' AWS: moto_server's EC2 and ECS (reset for each test), with
ecrctl pointed at it through AWS_ENDPOINT_URL_EC2 and AWS_ENDPOINT_URL_ECS."""

from __future__ import annotations

from typing import Any

import pytest

from tests.network.world import REGION


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    import boto3

    for service in ("EC2", "ECS", "ECR", "STS"):
        monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", moto_url)
    return {
        "url": moto_url,
        "ec2": boto3.client("ec2", region_name=REGION, endpoint_url=moto_url),
        "ecs": boto3.client("ecs", region_name=REGION, endpoint_url=moto_url),
    }
