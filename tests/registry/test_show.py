"""The caller's private registry as moto's ECR describes it (in-process): its id and
replication rules, with the region and the registry host, in every partition's DNS
suffix, or where ``ECRCTL_REGISTRY_URL`` or config.toml says docker talks to it (the
command's table: tests/cli/test_registry.py)."""

from __future__ import annotations

from typing import Any

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.login.registries import Registries
from ecrctl.paths import ecrctl_config_file
from ecrctl.registry.show import describe_registry, show_registry
from tests.conftest import ACCOUNT, REGION

pytestmark = pytest.mark.usefixtures("moto")

RULE = {
    "destinations": [{"region": "eu-west-1", "registryId": ACCOUNT}],
    "repositoryFilters": [{"filter": "team/", "filterType": "PREFIX_MATCH"}],
}


def test_describe_registry_is_its_id_and_rules(ecr: Any) -> None:
    assert describe_registry(Aws(AwsSettings())) == {
        "registryId": ACCOUNT,
        "replicationConfiguration": {"rules": []},
    }
    ecr.put_replication_configuration(replicationConfiguration={"rules": [RULE]})
    found = describe_registry(Aws(AwsSettings()))
    assert found["replicationConfiguration"] == {"rules": [RULE]}


@pytest.mark.parametrize(
    ("region", "host"),
    [
        (REGION, f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"),
        ("eu-west-1", f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com"),
        ("cn-north-1", f"{ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn"),
    ],
)
def test_the_registry_host_in_the_regions_partition(region: str, host: str) -> None:
    shown = show_registry(Registries.of(Aws(AwsSettings(region=region))))
    assert shown == {
        "registryId": ACCOUNT,
        "region": region,
        "registryUri": host,
        "replicationConfiguration": {"rules": []},
    }


def test_the_address_docker_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECRCTL_REGISTRY_URL", "http://127.0.0.1:5000")
    assert show_registry(Registries.of(Aws(AwsSettings())))["registryUri"] == "127.0.0.1:5000"


def test_a_host_config_toml_maps_to_the_registry() -> None:
    config = ecrctl_config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        f'[registries."registry.example.com"]\naccount = "{ACCOUNT}"\nregion = "{REGION}"\n'
    )
    assert show_registry(Registries.of(Aws(AwsSettings())))["registryUri"] == (
        "registry.example.com"
    )
    # mapped to another region: not this registry's host
    other = show_registry(Registries.of(Aws(AwsSettings(region="eu-west-1"))))
    assert other["registryUri"] == f"{ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com"
