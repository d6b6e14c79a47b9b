"""Region names and endpoint URLs: the form checks, and the did-you-mean from
botocore's own partition data."""

from __future__ import annotations

import json
from pathlib import Path

import botocore
import pytest

from ecrctl.aws.regions import (
    check_endpoint_url,
    check_known_region,
    check_region,
    closest_region,
)
from ecrctl.errors import InvalidInput

ENDPOINTS = json.loads((Path(botocore.__file__).parent / "data" / "endpoints.json").read_text())
KNOWN = [name for part in ENDPOINTS["partitions"] for name in part["regions"]]


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-2", "us-gov-west-1", "local"])
def test_well_formed_regions_pass_the_form_check(region: str) -> None:
    assert check_region(region, "--region") == region


@pytest.mark.parametrize(
    ("region", "message"),
    [
        ("not a region!", "invalid region 'not a region!' (from --region); e.g. us-east-1"),
        ("US-EAST-1", "invalid region 'US-EAST-1' (from --region); use lowercase: us-east-1"),
        ("a" * 5000, "invalid region '" + "a" * 40 + "...' (from --region)"),
        ("us--east-1", "invalid region 'us--east-1' (from --region)"),
    ],
)
def test_malformed_regions_are_named_with_their_source(region: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_region(region, "--region")
    assert caught.value.one_line().startswith(message)


@pytest.mark.parametrize(
    ("typo", "meant"),
    [("us-esat-1", "us-east-1"), ("eu-wset-2", "eu-west-2"), ("useast1", "us-east-1")],
)
def test_typos_get_the_nearest_known_region(typo: str, meant: str) -> None:
    assert closest_region(typo, KNOWN) == meant
    with pytest.raises(InvalidInput) as caught:
        check_known_region(typo, "AWS_REGION", ENDPOINTS, custom_endpoint=True)
    assert caught.value.one_line() == (
        f"unknown region {typo!r} (from AWS_REGION); did you mean {meant}?"
    )


@pytest.mark.parametrize(
    ("region", "custom"),
    [
        ("us-east-1", False),
        ("us-east-9", False),  # a region AWS may open before botocore lists it
        ("ap-southwest-3", False),
        ("local", True),  # an emulator's own name, with its endpoint
    ],
)
def test_regions_botocore_can_build_an_endpoint_for_go_ahead(region: str, custom: bool) -> None:
    assert check_known_region(region, "--region", ENDPOINTS, custom_endpoint=custom) == region


def test_an_unknown_name_without_an_endpoint_is_refused() -> None:
    with pytest.raises(InvalidInput, match="AWS has no region of that name"):
        check_known_region("atlantis", "--region", ENDPOINTS, custom_endpoint=False)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("not a url", "the scheme must be http or https"),
        ("ftp://127.0.0.1", "the scheme must be http or https"),
        ("http://127.0.0.1:99999", "port out of range"),
        ("http://127.0.0.1:x", "port could not be cast"),
        ("https://", "it has no host"),
        ("http://h:0", "port 0 is not a port"),
    ],
)
def test_bad_endpoint_urls(url: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_endpoint_url(url, "AWS_ENDPOINT_URL_ECR")
    assert f"invalid endpoint URL {url!r} (from AWS_ENDPOINT_URL_ECR): {problem}" in str(
        caught.value.one_line()
    )


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:5000", "https://ecr.us-east-1.amazonaws.com", "http://[::1]:80/"]
)
def test_good_endpoint_urls(url: str) -> None:
    assert check_endpoint_url(url, "--endpoint-url") == url
