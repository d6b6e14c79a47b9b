"""The registry host in an image reference decides the account, region and token."""

from __future__ import annotations

import pytest

from ecrctl.aws.clients import Aws
from ecrctl.aws.settings import AwsSettings
from ecrctl.distribution.reference import parse_reference
from ecrctl.errors import InvalidInput
from ecrctl.image.target import aws_for_host


@pytest.mark.parametrize(
    ("reference", "host"),
    [
        ("app:1", None),
        ("team/app:1", None),
        (
            "999999999999.dkr.ecr.eu-west-1.amazonaws.com/app:1",
            "999999999999.dkr.ecr.eu-west-1.amazonaws.com",
        ),
        ("127.0.0.1:5000/app@sha256:" + "a" * 64, "127.0.0.1:5000"),
        ("localhost/app", "localhost"),
    ],
)
def test_the_reference_names_the_host(reference: str, host: str | None) -> None:
    assert parse_reference(reference).host == host


def test_another_accounts_ecr_host_gets_that_registry_and_region() -> None:
    aws = Aws(AwsSettings(region="us-east-1"))
    other, registry_id, url = aws_for_host(
        aws, "999999999999.dkr.ecr.eu-west-1.amazonaws.com", None
    )
    assert registry_id == "999999999999" and url is None
    assert other.settings.region == "eu-west-1"


def test_a_mapped_host_gets_its_mapping(isolated: object, tmp_path: object) -> None:
    from ecrctl.login.mappings import RegistryMapping, save_mapping

    save_mapping(RegistryMapping("127.0.0.1:5999", "111111111111", "eu-central-1"))
    other, registry_id, url = aws_for_host(Aws(AwsSettings()), "127.0.0.1:5999", None)
    assert (registry_id, url, other.settings.region) == (
        "111111111111",
        "127.0.0.1:5999",
        "eu-central-1",
    )


@pytest.mark.parametrize("host", ["example.com", "127.0.0.1:5998"])
def test_other_hosts_are_refused_with_the_docker_hint(host: str) -> None:
    with pytest.raises(InvalidInput, match="not an ECR registry host") as info:
        aws_for_host(Aws(AwsSettings()), host, None)
    assert info.value.exit_code == 2 and host in info.value.one_line()
    assert "use docker for it" in info.value.one_line()


@pytest.mark.parametrize(
    ("host", "public"),
    [
        ("public.ecr.aws", True),
        ("ecr-public.aws.com", True),
        ("PUBLIC.ECR.AWS", True),
        ("127.0.0.1:5997", True),  # mapped with public = true below
        ("127.0.0.1:5996", False),  # mapped to a private account
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com", False),
        ("example.com", False),
        (None, False),
    ],
)
def test_is_public_address(isolated: object, host: str | None, public: bool) -> None:
    from ecrctl.login.hostaws import is_public_address
    from ecrctl.login.mappings import RegistryMapping, save_mapping

    save_mapping(RegistryMapping("127.0.0.1:5997", "", "us-east-1", public=True))
    save_mapping(RegistryMapping("127.0.0.1:5996", "111111111111", "eu-central-1"))
    assert is_public_address(host) is public


def test_an_ecr_public_host_is_not_taken_for_a_private_registry() -> None:
    with pytest.raises(InvalidInput, match=r"public\.ecr\.aws is ECR Public") as info:
        aws_for_host(Aws(AwsSettings()), "public.ecr.aws", None)
    assert info.value.exit_code == 2
