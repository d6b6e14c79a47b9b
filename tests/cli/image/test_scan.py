"""``ecrctl image scan`` and ``image findings`` (ecrctl/cli/image/scan.py): the exit
codes, the one error line, the JSON document, the ignore file, and bad input refused
before any call. Through the real main() wrapper against the loopback stand-in of ECR's
scanning calls (why a stand-in: tests/image/scan_standin.py); basic scanning end to end
with the installed ecrctl against moto_server, whose ECR starts basic scans, answers
DescribeImageScanFindings (one finding, CVE-9999-9999 HIGH, unless results are queued
through its ``/moto-api/static/ecr/scan-finding-results``) and allows one
StartImageScan per image per day (LimitExceededException)."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ACCOUNT, REGION, Runner
from tests.image.scan_standin import (
    DIGEST,
    EcrStandIn,
    basic_finding,
    denied,
    enhanced_finding,
    error,
    scan_answer,
)
from tests.image_samples import EMPTY_SCHEMA2
from tests.test_installed import ecrctl


def _one_error_line(stderr: str, words: str) -> None:
    errors = [line for line in stderr.splitlines() if line.startswith("ecrctl: error: ")]
    assert len(errors) == 1 and words in errors[0], stderr
    assert "Traceback" not in stderr


def test_json_is_one_document_with_the_outcome(standin: EcrStandIn, cli: Runner) -> None:
    standin.scans = [scan_answer("ACTIVE", enhanced=[enhanced_finding("CVE-1", "CRITICAL")])]
    result = cli("image", "scan", "team/app:1.0", "--wait", "--settle", "1", "-o", "json")
    assert result.exit_code == 0, result.stderr  # no --fail-on: nothing fails
    data = result.json
    assert data["outcome"] == "passed" and data["scanType"] == "ENHANCED"
    assert data["imageDigest"] == DIGEST and data["scanStarted"] is False
    assert data["counts"]["CRITICAL"] == 1
    assert data["findings"][0]["packages"] == [
        {"name": "openssl", "installedVersion": "3.0.8-r0", "fixedVersion": "3.0.8-r1"}
    ]


def test_a_failed_scan_exits_4_after_printing_the_report(standin: EcrStandIn, cli: Runner) -> None:
    standin.scans = [scan_answer("FAILED", description="The scan failed: layer too large.")]
    result = cli("image", "scan", "team/app:1.0", "--wait", "--fail-on", "HIGH", "-o", "json")
    assert result.exit_code == 4
    assert result.json["outcome"] == "no-result"
    _one_error_line(result.stderr, "the scan failed (status FAILED: The scan failed: layer too")


def test_timing_out_exits_3(standin: EcrStandIn, cli: Runner) -> None:
    standin.scans = [scan_answer("IN_PROGRESS", completed=None)]
    result = cli("image", "scan", "team/app:1.0", "--wait", "--timeout", "1", "--settle", "0")
    assert result.exit_code == 3
    _one_error_line(result.stderr, "was not final after 1 s: the scan is running; raise --timeout")


def test_fail_on_without_wait_on_a_running_scan_exits_3(standin: EcrStandIn, cli: Runner) -> None:
    standin.scans = [scan_answer("IN_PROGRESS", completed=None)]
    result = cli("image", "scan", "team/app:1.0", "--fail-on", "HIGH")
    assert result.exit_code == 3
    _one_error_line(result.stderr, "is not final yet: the scan is running; add --wait")
    started = cli("image", "scan", "team/app:1.0")
    assert started.exit_code == 0
    assert "the result is not final yet: add --wait" in started.stderr


def test_a_missing_permission_exits_5_naming_the_action(standin: EcrStandIn, cli: Runner) -> None:
    standin.answers["DescribeImageScanFindings"] = lambda body: denied("inspector2:ListFindings")
    result = cli("image", "scan", "team/app:1.0", "--wait", "--fail-on", "HIGH")
    assert result.exit_code == 5
    _one_error_line(result.stderr, "the scan gate needs inspector2:ListFindings")
    assert result.stdout == ""


def test_ignore_file_live_and_expired_entries(
    standin: EcrStandIn, cli: Runner, tmp_path: Path
) -> None:
    standin.scans = [
        scan_answer(
            "ACTIVE",
            enhanced=[enhanced_finding("CVE-A", "CRITICAL"), enhanced_finding("CVE-B", "HIGH")],
        )
    ]
    ignore = tmp_path / ".ecr-ignore"
    ignore.write_text("CVE-A 2999-12-31 not reachable\nCVE-B 2001-01-01 fixed upstream\n")
    args = ["image", "scan", "team/app:1.0", "--wait", "--settle", "1", "--fail-on", "HIGH"]
    result = cli(*args, "--ignore", str(ignore))
    assert result.exit_code == 1
    assert (
        "ecrctl: warning: ignore entry CVE-B expired on 2001-01-01 (line 2): "
        "its findings count again" in result.stderr
    )
    ignore.write_text("CVE-A 2999-12-31 not reachable\nCVE-B 2999-12-31 fixed upstream\n")
    assert cli(*args, "--ignore", str(ignore)).exit_code == 0


@pytest.mark.parametrize(
    ("args", "files", "words"),
    [
        (["--wait", "--settle", "60", "--timeout", "60"], {}, "--settle 60 is not shorter"),
        (["--ignore", "{d}/ig"], {"ig": "CVE-1 tomorrow why\n"}, "ig:1: 'tomorrow' is not a date"),
        (["--sarif", "{d}/no/such/out.sarif"], {}, "the directory"),
        (["--fail-on", "SEVERE"], {}, "'SEVERE' is not one of"),
    ],
)
def test_bad_input_is_refused_before_any_call(
    standin: EcrStandIn,
    cli: Runner,
    tmp_path: Path,
    args: list[str],
    files: dict[str, str],
    words: str,
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    given = [a.replace("{d}", str(tmp_path)) for a in args]
    result = cli("image", "scan", "team/app:1.0", *given)
    assert result.exit_code == 2
    _one_error_line(result.stderr, words)
    assert standin.calls == []


def test_findings_sorted_filtered_and_both_shapes(standin: EcrStandIn, cli: Runner) -> None:
    standin.scans = [
        scan_answer(
            "COMPLETE",
            basic=[basic_finding("CVE-L", "LOW")],
            enhanced=[enhanced_finding("CVE-M", "MEDIUM"), enhanced_finding("CVE-C", "CRITICAL")],
        )
    ]
    result = cli("image", "findings", "team/app:1.0", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert [f["id"] for f in result.json["findings"]] == ["CVE-C", "CVE-M", "CVE-L"]
    assert [f["scanType"] for f in result.json["findings"]] == ["ENHANCED", "ENHANCED", "BASIC"]
    assert "StartImageScan" not in standin.operations()
    high = cli("image", "findings", "team/app:1.0", "--severity", "MEDIUM")
    rows = [line.split()[0] for line in high.stdout.splitlines() if line.startswith("CVE-")]
    assert rows == ["CVE-C", "CVE-M"]


def test_findings_of_an_image_never_scanned(standin: EcrStandIn, cli: Runner) -> None:
    standin.scans = [error("ScanNotFoundException", "Image scan does not exist")]
    result = cli("image", "findings", "team/app:1.0")
    assert result.exit_code == 1
    _one_error_line(result.stderr, "team/app:1.0 has no scan result; scan it: ecrctl image scan")


# -- basic scanning end to end: the installed ecrctl against moto_server -----------------------


@pytest.fixture
def image(moto_url: str) -> tuple[Any, str]:
    """team/app:v1 in moto; the client and the image's digest."""
    import boto3

    client = boto3.client("ecr", endpoint_url=moto_url)
    client.create_repository(repositoryName="team/app")
    put = client.put_image(repositoryName="team/app", imageTag="v1", imageManifest=EMPTY_SCHEMA2)
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
