"""Basic scanning end to end: the installed ecrctl against moto_server, whose ECR starts
basic scans, answers DescribeImageScanFindings (one finding, CVE-9999-9999 HIGH, unless
results are queued through its ``/moto-api/static/ecr/scan-finding-results``) and
allows one StartImageScan per image per day (LimitExceededException)."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import ACCOUNT, REGION
from tests.test_installed import ecrctl

MANIFEST = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 2,
            "digest": "sha256:" + "c" * 64,
        },
        "layers": [],
    }
)


@pytest.fixture
def image(moto_url: str) -> tuple[Any, str]:
    """team/app:v1 in moto; the client and the image's digest."""
    import boto3

    client = boto3.client("ecr", endpoint_url=moto_url)
    client.create_repository(repositoryName="team/app")
    put = client.put_image(repositoryName="team/app", imageTag="v1", imageManifest=MANIFEST)
    return client, put["image"]["imageId"]["imageDigest"]


def _queue(url: str, digest: str, status: str, findings: list[Any], completed: datetime) -> None:
    """A DescribeImageScanFindings answer for moto to give for this image."""
    result = {
        "registryId": ACCOUNT,
        "repositoryName": "team/app",
        "imageId": {"imageDigest": digest},
        "imageScanStatus": {"status": status, "description": f"{status} (queued)"},
        "imageScanFindings": {
            "imageScanCompletedAt": completed.isoformat(),
            "findings": findings,
            "findingSeverityCounts": {},
        },
    }
    body = json.dumps({"results": [result], "region": REGION}).encode()
    request = urllib.request.Request(
        f"{url}/moto-api/static/ecr/scan-finding-results", data=body, method="POST"
    )
    urllib.request.urlopen(request).close()


def test_a_vulnerable_image_fails_then_its_scan_is_reused(moto_url: str, image: Any) -> None:
    first = ecrctl("image", "scan", "team/app:v1", "--wait", "--fail-on", "HIGH", env_url=moto_url)
    assert first.returncode == 1, first.stderr
    assert "started a basic scan (StartImageScan)" in first.stderr
    row = next(line for line in first.stdout.splitlines() if line.startswith("CVE-9999-9999"))
    assert row.split()[:4] == ["CVE-9999-9999", "HIGH", "moto_fake", "9.9.9"]

    again = ecrctl(
        "image", "scan", "team/app:v1", "--wait", "--fail-on", "CRITICAL", "-o", "json",
        env_url=moto_url,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr  # moto would refuse a second scan today
    data = json.loads(again.stdout)
    assert (data["reusedScan"], data["scanStarted"], data["outcome"]) == (True, False, "passed")
    assert "ago: ECR allows one scan per image per 24 hours" in again.stderr
    assert "reusing the scan completed " in again.stderr


def test_an_old_result_is_rescanned_and_the_daily_limit_reuses_it(
    moto_url: str, image: Any
) -> None:
    client, digest = image
    client.start_image_scan(repositoryName="team/app", imageId={"imageDigest": digest})
    old = datetime.now(UTC) - timedelta(days=2)
    _queue(moto_url, digest, "COMPLETE", [], old)
    result = ecrctl(
        "image", "scan", f"team/app@{digest}", "--wait", "--fail-on", "INFORMATIONAL",
        env_url=moto_url,
    )  # fmt: skip
    # the result is two days old, so ecrctl asks for a scan; moto (one a day) refuses
    assert result.returncode == 0, result.stderr
    assert "ECR refused a new scan (one per image per 24 hours" in result.stderr


def test_a_failed_scan_exits_4(moto_url: str, image: Any) -> None:
    _, digest = image
    _queue(moto_url, digest, "FAILED", [], datetime.now(UTC))
    result = ecrctl("image", "scan", "team/app:v1", "--wait", "--fail-on", "HIGH", env_url=moto_url)
    assert result.returncode == 4, result.stderr
    assert "ecrctl: error: no scan result to judge for team/app@" in result.stderr
    assert "(status FAILED: FAILED (queued))" in result.stderr


def test_findings_after_a_scan(moto_url: str, image: Any) -> None:
    client, digest = image
    never = ecrctl("image", "findings", "team/app:v1", env_url=moto_url)
    assert never.returncode == 1 and "has no scan result" in never.stderr
    client.start_image_scan(repositoryName="team/app", imageId={"imageTag": "v1"})
    found = ecrctl("image", "findings", "team/app:v1", "-o", "json", env_url=moto_url)
    assert found.returncode == 0, found.stderr
    data = json.loads(found.stdout)
    assert data["imageDigest"] == digest and data["scanType"] == "BASIC"
    assert [(f["id"], f["severity"]) for f in data["findings"]] == [("CVE-9999-9999", "HIGH")]
    filtered = ecrctl(
        "image", "findings", "team/app:v1", "--severity", "CRITICAL", "-o", "json",
        env_url=moto_url,
    )  # fmt: skip
    assert json.loads(filtered.stdout)["findings"] == []


def test_a_missing_image_is_named(moto_url: str, image: Any) -> None:
    result = ecrctl("image", "scan", "team/app:v9", "--wait", env_url=moto_url)
    assert result.returncode == 1
    assert "no image with tag v9 in repository 'team/app'" in result.stderr
