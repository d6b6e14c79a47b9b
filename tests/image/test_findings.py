"""An image's scan findings read through the real botocore from the scanning stand-in
(tests/image/scan_standin.py): both shapes DescribeImageScanFindings answers, both in
one answer, every page, the answers that mean "no scan" and "no image", the one
severity scale and the order findings are shown in."""

from __future__ import annotations

import pytest

from ecrctl.distribution.reference import parse_reference
from ecrctl.errors import NotFound
from ecrctl.image.findings import (
    Package,
    ScanFinding,
    ScanResult,
    counts,
    read_scan,
    severity_of,
    show_findings,
)
from tests.image.scan_standin import (
    ACCOUNT,
    DIGEST,
    PUSHED,
    REPOSITORY,
    EcrStandIn,
    basic_finding,
    enhanced_finding,
    error,
    scan_answer,
)
from tests.image.test_scan import run

IMAGE = {"imageDigest": DIGEST}


def _read(standin: EcrStandIn) -> ScanResult | None:
    return read_scan(standin.aws.ecr, REPOSITORY, IMAGE, registry_id=ACCOUNT)


def test_basic_findings(standin: EcrStandIn) -> None:
    standin.scans = [scan_answer("COMPLETE", basic=[basic_finding("CVE-2023-1", "high")])]
    result = _read(standin)
    assert result is not None
    assert (result.status, result.description) == ("COMPLETE", "COMPLETE.")
    assert (result.image_digest, result.image_tag) == (DIGEST, "1.0")
    assert result.has_basic and not result.has_enhanced and result.shape_kind == "BASIC"
    assert result.completed_at is not None and result.completed_at.timestamp() == PUSHED + 300
    assert result.source_updated_at is not None
    assert result.source_updated_at.timestamp() == PUSHED + 240
    assert result.findings == [
        ScanFinding(
            id="CVE-2023-1",
            severity="HIGH",
            kind="BASIC",
            packages=(Package("busybox", "1.36.1", None),),
            score=7.5,
            uri="https://security-tracker.debian.org/tracker/CVE-2023-1",
            description="A flaw in busybox.",
        )
    ]


def test_enhanced_findings(standin: EcrStandIn) -> None:
    raw = enhanced_finding("CVE-2023-0464", "HIGH", fix="PARTIAL", score=8.1)
    standin.scans = [scan_answer("ACTIVE", enhanced=[raw])]
    result = _read(standin)
    assert result is not None
    assert result.has_enhanced and not result.has_basic and result.shape_kind == "ENHANCED"
    [finding] = result.findings
    assert finding == ScanFinding(
        id="CVE-2023-0464",
        severity="HIGH",
        kind="ENHANCED",
        packages=(Package("openssl", "3.0.8-r0", "3.0.8-r1"),),
        fix_available="PARTIAL",
        score=8.1,
        uri="https://nvd.nist.gov/vuln/detail/CVE-2023-0464",
        description="A flaw in openssl.",
        status="ACTIVE",
    )
    assert finding.to_json() == {
        "id": "CVE-2023-0464",
        "severity": "HIGH",
        "scanType": "ENHANCED",
        "packages": [
            {"name": "openssl", "installedVersion": "3.0.8-r0", "fixedVersion": "3.0.8-r1"}
        ],
        "fixAvailable": "PARTIAL",
        "score": 8.1,
        "uri": "https://nvd.nist.gov/vuln/detail/CVE-2023-0464",
        "description": "A flaw in openssl.",
        "status": "ACTIVE",
    }


def test_an_answer_with_both_lists_keeps_every_finding(standin: EcrStandIn) -> None:
    standin.scans = [
        scan_answer(
            "COMPLETE",
            basic=[basic_finding("CVE-B", "LOW")],
            enhanced=[enhanced_finding("CVE-E", "MEDIUM")],
        )
    ]
    result = _read(standin)
    assert result is not None and result.has_basic and result.has_enhanced
    assert [(f.id, f.kind) for f in result.findings] == [("CVE-B", "BASIC"), ("CVE-E", "ENHANCED")]
    assert result.shape_kind == "ENHANCED"


def test_empty_lists_still_show_the_shape(standin: EcrStandIn) -> None:
    standin.scans = [scan_answer("COMPLETE", enhanced=[])]
    enhanced = _read(standin)
    assert enhanced is not None and enhanced.has_enhanced and enhanced.shape_kind == "ENHANCED"
    standin.reset(scans=[scan_answer("COMPLETE", basic=[], completed=None)])
    basic = _read(standin)
    assert basic is not None and basic.has_basic and basic.findings == []
    assert basic.shape_kind is None and basic.completed_at is None  # empty: not shown by shape


def test_every_page_is_read_and_joined(standin: EcrStandIn) -> None:
    first = scan_answer("ACTIVE", enhanced=[enhanced_finding("CVE-P1", "LOW")], next_token="t1")
    second = scan_answer(
        "ACTIVE", enhanced=[enhanced_finding("CVE-P2", "CRITICAL")], completed=PUSHED + 999
    )
    standin.scans = [first, second]
    result = _read(standin)
    assert result is not None
    assert [f.id for f in result.findings] == ["CVE-P1", "CVE-P2"]
    assert result.completed_at is not None and result.completed_at.timestamp() == PUSHED + 300
    calls = [body for name, body in standin.calls if name == "DescribeImageScanFindings"]
    assert len(calls) == 2
    assert calls[0] == {
        "repositoryName": REPOSITORY,
        "imageId": IMAGE,
        "registryId": ACCOUNT,
        "maxResults": 1000,
    }
    assert calls[1]["nextToken"] == "t1"


def test_no_scan_is_none(standin: EcrStandIn) -> None:
    assert _read(standin) is None  # the stand-in answers ScanNotFoundException


def test_no_image_is_not_found(standin: EcrStandIn) -> None:
    standin.scans = [error("ImageNotFoundException", "The image does not exist")]
    with pytest.raises(NotFound) as caught:
        _read(standin)
    assert f"no image {DIGEST} in repository 'team/app'" in caught.value.one_line()
    assert caught.value.hint == "list its images with: ecrctl image list team/app"


@pytest.mark.parametrize(
    ("raw", "severity"),
    [
        ("critical", "CRITICAL"),
        ("HIGH", "HIGH"),
        ("Informational", "INFORMATIONAL"),
        ("UNDEFINED", "UNDEFINED"),
        ("UNTRIAGED", "UNDEFINED"),
        (None, "UNDEFINED"),
        ("SEVERE", "UNDEFINED"),
    ],
)
def test_one_severity_scale(raw: str | None, severity: str) -> None:
    assert severity_of(raw) == severity


def test_most_severe_first_then_the_highest_score_then_by_id() -> None:
    findings = [
        ScanFinding("CVE-d", "LOW", "BASIC", score=9.0),
        ScanFinding("CVE-c", "HIGH", "ENHANCED", score=7.0),
        ScanFinding("CVE-b", "HIGH", "ENHANCED", score=8.0),
        ScanFinding("CVE-a", "HIGH", "ENHANCED", score=7.0),
        ScanFinding("CVE-e", "UNDEFINED", "BASIC"),
        ScanFinding("CVE-f", "CRITICAL", "BASIC"),
    ]
    ordered = ScanResult("COMPLETE", findings=findings).sorted_findings()
    assert [f.id for f in ordered] == ["CVE-f", "CVE-b", "CVE-a", "CVE-c", "CVE-d", "CVE-e"]
    assert counts(findings) == {
        "CRITICAL": 1,
        "HIGH": 3,
        "MEDIUM": 0,
        "LOW": 1,
        "INFORMATIONAL": 0,
        "UNDEFINED": 1,
    }


def test_show_findings_filters_but_counts_every_finding(standin: EcrStandIn) -> None:
    standin.scans = [
        scan_answer(
            "COMPLETE",
            basic=[basic_finding("CVE-L", "LOW"), basic_finding("CVE-C", "CRITICAL")],
        )
    ]
    shown = show_findings(standin.registries, parse_reference("team/app:1.0"), min_severity="HIGH")
    assert [f["id"] for f in shown["findings"]] == ["CVE-C"]
    assert shown["counts"]["LOW"] == 1 and shown["counts"]["CRITICAL"] == 1
    assert (shown["scanType"], shown["status"], shown["imageDigest"]) == (
        "BASIC",
        "COMPLETE",
        DIGEST,
    )


def test_show_findings_without_a_scan_says_how_to_scan(standin: EcrStandIn) -> None:
    with pytest.raises(NotFound) as caught:
        show_findings(standin.registries, parse_reference("team/app:1.0"))
    assert caught.value.hint == "scan it: ecrctl image scan team/app:1.0 --wait"


def test_every_page_of_enhanced_findings_is_read(standin: EcrStandIn) -> None:
    first = scan_answer("ACTIVE", enhanced=[enhanced_finding("CVE-5", "LOW")], next_token="t1")
    second = scan_answer("ACTIVE", enhanced=[enhanced_finding("CVE-6", "CRITICAL")])
    standin.scans = [first, second, first, second]
    report = run(standin, settle=0, fail_on="CRITICAL")
    assert report.outcome == "failed"
    calls = [body for name, body in standin.calls if name == "DescribeImageScanFindings"]
    assert calls[1].get("nextToken") == "t1" and calls[0]["maxResults"] == 1000
