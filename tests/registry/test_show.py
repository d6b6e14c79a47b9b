"""The caller's private registry, against moto's ECR: its id, its replication rules
(none: an empty list), and the registry host docker talks to in its partition, or the
address ``ECRCTL_REGISTRY_URL`` names."""

from __future__ import annotations

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.login.registries import Registries
from ecrctl.registry.show import show_registry
from tests.conftest import ACCOUNT

pytestmark = pytest.mark.usefixtures("moto")


def test_the_registry_its_region_and_host() -> None:
    shown = show_registry(Registries.of(Aws(AwsSettings(region="eu-west-1"))))
    assert shown == {
        "registryId": ACCOUNT,
        "region": "eu-west-1",
        "registryUri": f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com",
        "replicationConfiguration": {"rules": []},
    }


def test_a_china_region_has_its_partitions_host() -> None:
    shown = show_registry(Registries.of(Aws(AwsSettings(region="cn-north-1"))))
    assert shown["registryUri"] == f"{ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn"


def test_the_replication_rules_are_shown_as_ecr_keeps_them() -> None:
    aws = Aws(AwsSettings(region="us-east-1"))
    rules = [{"destinations": [{"region": "eu-west-1", "registryId": ACCOUNT}]}]
    aws.ecr.put_replication_configuration(replicationConfiguration={"rules": rules})
    assert show_registry(Registries.of(aws))["replicationConfiguration"] == {"rules": rules}


def test_the_address_of_ecrctl_registry_url_is_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECRCTL_REGISTRY_URL", "http://127.0.0.1:5000/")
    shown = show_registry(Registries.of(Aws(AwsSettings(region="us-east-1"))))
    assert shown["registryUri"] == "127.0.0.1:5000"
