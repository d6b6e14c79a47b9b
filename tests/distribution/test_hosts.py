"""The one registry-host parser: every row of amazon-ecr-credential-helper's
``TestExtractRegistry`` (ecr-login/api/client_test.go), then suffix attacks,
made-up regions, and the scheme, path and :443 forms docker hands over."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ecrctl.distribution import hosts
from ecrctl.distribution.hosts import (
    EcrHost,
    is_public_host,
    parse_ecr_host,
    parse_registry_host,
    partition_of,
    server_host,
)

A = "123456789012"
C = "210987654321"
PUBLIC = EcrHost("", "us-east-1", False, "aws", public=True)
PUBLIC_DUAL = EcrHost("", "us-east-1", False, "aws", dual_stack=True, public=True)

# The credential helper's table, row for row (its Registry{ID, FIPS, Region, Service}).
HELPER_TABLE: list[tuple[str, EcrHost | None]] = [
    (
        f"https://{A}.dkr.ecr.us-east-1.amazonaws.com/v2/blah/blah",
        EcrHost(A, "us-east-1", False, "aws"),
    ),
    (f"{A}.dkr.ecr.us-west-2.amazonaws.com", EcrHost(A, "us-west-2", False, "aws")),
    (f"{A}.dkr-ecr.us-west-2.on.aws", EcrHost(A, "us-west-2", False, "aws", dual_stack=True)),
    (f"{A}.dkr-ecr-fips.us-west-2.on.aws", EcrHost(A, "us-west-2", True, "aws", dual_stack=True)),
    (f"{C}.dkr.ecr.cn-north-1.amazonaws.com.cn/foo", EcrHost(C, "cn-north-1", False, "aws-cn")),
    (
        f"{C}.dkr.ecr.cn-north-1.on.amazonwebservices.com.cn",
        EcrHost(C, "cn-north-1", False, "aws-cn", dual_stack=True),
    ),
    (f"{C}.dkr.ecr.us-iso-east-1.c2s.ic.gov", EcrHost(C, "us-iso-east-1", False, "aws-iso")),
    (
        f"{A}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov",
        EcrHost(A, "us-isob-east-1", False, "aws-iso-b"),
    ),
    (
        f"{A}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk",
        EcrHost(A, "eu-isoe-west-1", False, "aws-iso-e"),
    ),
    (
        f"{A}.dkr.ecr.us-isof-east-1.csp.hci.ic.gov",
        EcrHost(A, "us-isof-east-1", False, "aws-iso-f"),
    ),
    (
        f"{A}.dkr-ecr.us-gov-east-1.on.aws",
        EcrHost(A, "us-gov-east-1", False, "aws-us-gov", dual_stack=True),
    ),
    (
        f"{A}.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
        EcrHost(A, "us-gov-west-1", True, "aws-us-gov"),
    ),
    (
        f"{A}.dkr-ecr-fips.us-gov-east-1.on.aws",
        EcrHost(A, "us-gov-east-1", True, "aws-us-gov", dual_stack=True),
    ),
    (
        f"{A}.dkr.ecr.eusc-de-east-1.amazonaws.eu",
        EcrHost(A, "eusc-de-east-1", False, "aws-eusc"),
    ),
    ("https://public.ecr.aws", PUBLIC),
    ("https://ecr-public.aws.com", PUBLIC_DUAL),
    ("public.ecr.aws", PUBLIC),
    ("ecr-public.aws.com", PUBLIC_DUAL),
    ("https://public.ecr.aws/amazonlinux", PUBLIC),
    ("https://ecr-public.aws.com/amazonlinux", PUBLIC_DUAL),
    (".dkr.ecr.not-real.amazonaws.com", None),
    ("not.ecr.io", None),
    (f"https://{A}.dkr.ecr.us-west-2.amazonaws.com.fake.example.com/image:latest", None),
    (f"{A}.dkr.ecr.us-west-2.amazonaws.com.fake.example.com", None),
    (f"{A}.dkr.ecr-fips.us-gov-west-1.amazonaws.com.fake.example.com", None),
    (f"{C}.dkr.ecr.cn-north-1.amazonaws.com.cn.fake.example.com.cn", None),
    (f"{C}.dkr.ecr.cn-north-1.on.aws.com.cn", None),
    ("https://public.ecr.aws.fake.example.com", None),
    ("public.ecr.aws.fake.example.com", None),
]

MORE_ROWS: list[tuple[str, EcrHost | None]] = [
    # the isolated partitions and the European sovereign cloud, by the regions
    (
        f"{A}.dkr.ecr.us-isof-south-1.csp.hci.ic.gov",
        EcrHost(A, "us-isof-south-1", False, "aws-iso-f"),
    ),
    (
        f"{C}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn",
        EcrHost(C, "cn-north-1", False, "aws-cn", dual_stack=True),
    ),
    (f"{A}.dkr.ecr-fips.us-east-1.amazonaws.com", EcrHost(A, "us-east-1", True, "aws")),
    # scheme, path, :443 and case: what docker and users type
    (f"{A}.dkr.ecr.us-west-2.amazonaws.com:443", EcrHost(A, "us-west-2", False, "aws")),
    (
        f"https://{A}.dkr-ecr.us-west-2.on.aws:443/v2/",
        EcrHost(A, "us-west-2", False, "aws", dual_stack=True),
    ),
    (f"http://{A}.dkr.ecr.eu-west-1.amazonaws.com/team/app", EcrHost(A, "eu-west-1", False, "aws")),
    (f"{A}.DKR.ECR.US-EAST-1.AMAZONAWS.COM", EcrHost(A, "us-east-1", False, "aws")),
    ("public.ecr.aws:443", PUBLIC),
    ("HTTPS://PUBLIC.ECR.AWS/nginx/nginx", PUBLIC),
    # a made-up region, a region of another partition, a suffix of another partition
    (f"{A}.dkr.ecr.xx-fake-9.amazonaws.com", None),
    (f"{A}.dkr.ecr.us-east-99.amazonaws.com", None),
    (f"{A}.dkr.ecr.cn-north-1.amazonaws.com", None),
    (f"{A}.dkr.ecr.us-east-1.amazonaws.com.cn", None),
    (f"{A}.dkr.ecr.us-iso-east-1.amazonaws.com", None),
    (f"{A}.dkr.ecr.eusc-de-east-1.amazonaws.com", None),
    (f"{A}.dkr-ecr.cn-north-1.on.aws", None),
    (f"{A}.dkr-ecr.us-west-2.amazonaws.com", None),  # dual-stack name on the IPv4 suffix
    (f"{A}.dkr.ecr.aws-global.amazonaws.com", None),  # a pseudo-region
    # other ports, other accounts, other shapes
    (f"{A}.dkr.ecr.us-east-1.amazonaws.com:5000", None),
    (f"1{A}.dkr.ecr.us-east-1.amazonaws.com", None),
    (f"{A[1:]}.dkr.ecr.us-east-1.amazonaws.com", None),
    (f"evil.example/{A}.dkr.ecr.us-east-1.amazonaws.com", None),
    (f"{A}.dkr.ecr.us-east-1.amazonaws.com.", None),
    ("public.ecr.aws.", None),
    ("ecr-public.aws", None),
    ("", None),
]


@pytest.mark.parametrize(("server", "expected"), HELPER_TABLE + MORE_ROWS)
def test_registry_hosts(server: str, expected: EcrHost | None) -> None:
    assert parse_registry_host(server) == expected


def test_the_helper_table_has_all_29_rows() -> None:
    assert len(HELPER_TABLE) == 29


@pytest.mark.parametrize(("server", "expected"), HELPER_TABLE)
def test_parse_ecr_host_is_for_private_registries_only(
    server: str, expected: EcrHost | None
) -> None:
    private = expected if expected is not None and not expected.public else None
    assert parse_ecr_host(server) == private
    assert is_public_host(server) == (expected is not None and expected.public)


@pytest.mark.parametrize(
    ("host", "endpoint"),
    [
        (f"{A}.dkr.ecr.us-west-2.amazonaws.com", None),
        (f"{A}.dkr.ecr-fips.us-east-1.amazonaws.com", "https://ecr-fips.us-east-1.amazonaws.com"),
        (
            f"{A}.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
            "https://ecr-fips.us-gov-west-1.amazonaws.com",
        ),
        (f"{A}.dkr-ecr.us-west-2.on.aws", "https://ecr.us-west-2.api.aws"),
        (f"{A}.dkr-ecr-fips.us-gov-east-1.on.aws", "https://ecr-fips.us-gov-east-1.api.aws"),
        (
            f"{C}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn",
            "https://ecr.cn-north-1.api.amazonwebservices.com.cn",
        ),
        ("public.ecr.aws", None),
    ],
)
def test_api_endpoint_for_fips_and_dual_stack_hosts(host: str, endpoint: str | None) -> None:
    parsed = parse_registry_host(host)
    assert parsed is not None
    assert parsed.api_endpoint() == endpoint


def test_fips_and_dual_stack_endpoints_are_the_ones_botocore_builds() -> None:
    import botocore.session
    from botocore.config import Config

    session = botocore.session.Session()
    for host in (
        f"{A}.dkr.ecr-fips.us-east-1.amazonaws.com",
        f"{A}.dkr-ecr.us-east-2.on.aws",
        f"{A}.dkr-ecr-fips.us-gov-west-1.on.aws",
    ):
        parsed = parse_registry_host(host)
        assert parsed is not None
        config = Config(use_fips_endpoint=parsed.fips, use_dualstack_endpoint=parsed.dual_stack)
        client = session.create_client(
            "ecr",
            region_name=parsed.region,
            config=config,
            aws_access_key_id="k",
            aws_secret_access_key="s",
        )
        assert client.meta.endpoint_url == parsed.api_endpoint()


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("cn-north-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
        ("eu-isoe-west-1", "aws-iso-e"),
        ("us-isof-south-1", "aws-iso-f"),
        ("eusc-de-east-1", "aws-eusc"),
        ("us-isof-west-7", "aws-iso-f"),  # unlisted: by the partition's region pattern
        ("xx-fake-9", "aws"),  # botocore's default
    ],
)
def test_partition_of(region: str, partition: str) -> None:
    assert partition_of(region) == partition


def test_every_region_botocore_lists_makes_a_host() -> None:
    for partition in hosts.partitions():
        for region in partition.regions:
            host = f"{A}.dkr.ecr.{region}.{partition.dns_suffix}"
            assert parse_ecr_host(host) == EcrHost(A, region, False, partition.name), host


def test_a_region_added_to_the_data_files_works_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AWS_DATA_PATH's partitions.json comes first, as in botocore."""
    builtin = hosts.partitions.__wrapped__()
    source = next(d for d in hosts._data_dirs() if (d / "partitions.json").is_file())
    data = json.loads((source / "partitions.json").read_text())
    data["partitions"][0]["regions"]["us-north-9"] = {"description": "tomorrow"}
    (tmp_path / "partitions.json").write_text(json.dumps(data))
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    hosts.partitions.cache_clear()
    try:
        assert parse_ecr_host(f"{A}.dkr.ecr.us-north-9.amazonaws.com") == EcrHost(
            A, "us-north-9", False, "aws"
        )
    finally:
        hosts.partitions.cache_clear()
    assert "us-north-9" not in builtin[0].regions


def test_the_parser_does_not_import_botocore() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from ecrctl.distribution.hosts import parse_ecr_host;"
        f"assert parse_ecr_host('{A}.dkr-ecr.us-west-2.on.aws');"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'botocore','boto3'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("server", "host"),
    [
        ("https://h.example:5000/v2/", "h.example:5000"),
        ("http://127.0.0.1:5000", "127.0.0.1:5000"),
        ("  h.example/path \n", "h.example"),
        ("h.example:443", "h.example"),
        ("https://public.ecr.aws/nginx/nginx:latest", "public.ecr.aws"),
    ],
)
def test_server_host(server: str, host: str) -> None:
    assert server_host(server) == host
