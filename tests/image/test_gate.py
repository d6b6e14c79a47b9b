"""The scan gate: the ignore file, what counts, and the property that no vulnerable
image passes: every finding at or above the threshold fails the gate, whichever scan
type, shape, status or fix state it comes with."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecrctl.distribution.reference import parse_reference
from ecrctl.errors import ExitCode, InvalidInput
from ecrctl.image.findings import RANK, SEVERITIES, THRESHOLDS, from_basic, from_enhanced
from ecrctl.image.gate import Gate, IgnoreEntry, judge, parse_ignore_file
from ecrctl.image.scan import ScanOptions, scan_image
from tests.image.scan_standin import (
    EcrStandIn,
    basic_finding,
    enhanced_finding,
    scan_answer,
)
from tests.image.test_scan import FakeClock

TODAY = date(2025, 6, 1)

# -- the ignore file ---------------------------------------------------------------------------


def test_ignore_file_entries_comments_and_reasons() -> None:
    text = (
        "# ID             EXPIRES     REASON\n"
        "CVE-2023-0464    2025-12-31  not reachable: the binary is never run\n"
        "\n"
        "ghsa-xxxx-yyyy   2025-06-01  vendor fix due  # tracked in OPS-12\n"
    )
    entries = parse_ignore_file(text, ".ecr-ignore")
    assert entries == (
        IgnoreEntry(
            "CVE-2023-0464", date(2025, 12, 31), "not reachable: the binary is never run", 2
        ),
        IgnoreEntry("ghsa-xxxx-yyyy", date(2025, 6, 1), "vendor fix due", 4),
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("CVE-1\n", ".ecr-ignore:1: 'CVE-1' has no expiry date and no reason"),
        ("CVE-1 2025-01-01\n", ".ecr-ignore:1: 'CVE-1' has no reason"),
        ("CVE-1 31/12/2025 why\n", "'31/12/2025' is not a date; write it as YYYY-MM-DD"),
        ("CVE-1 2025-02-30 why\n", "'2025-02-30' is not a date"),
        ("CVE-1 2025-01-01 a\ncve-1 2025-02-01 b\n", ":2: cve-1 is already listed on line 1"),
    ],
)
def test_bad_ignore_lines_are_named(text: str, words: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_ignore_file(text, ".ecr-ignore")
    assert words in caught.value.one_line()


def _gate(fail_on: str | None = "HIGH", **kwargs: Any) -> Gate:
    return Gate(TODAY, fail_on, **kwargs)


def test_an_ignored_finding_does_not_count_until_its_entry_expires() -> None:
    finding = from_enhanced(enhanced_finding("CVE-2023-0464", "CRITICAL"))
    live = IgnoreEntry("cve-2023-0464", date(2025, 6, 1), "not reachable")  # the last day
    passed = judge([finding], _gate(ignores=(live,)))
    assert passed.passed and passed.judged[0].excluded == "ignored until 2025-06-01: not reachable"
    gone = IgnoreEntry("CVE-2023-0464", date(2025, 5, 31), "not reachable")
    failed = judge([finding], _gate(ignores=(gone,)))
    assert not failed.passed
    assert failed.gate.expired_ignores() == [gone]
    assert failed.to_json()["expiredIgnores"] == [
        {"id": "CVE-2023-0464", "expires": "2025-05-31", "reason": "not reachable"}
    ]


def test_fixable_only_counts_fixes_and_every_basic_finding() -> None:
    findings = [
        from_enhanced(enhanced_finding("CVE-A", "HIGH", fix="NO", fixed=None)),
        from_enhanced(enhanced_finding("CVE-B", "HIGH", fix="PARTIAL")),
        from_basic(basic_finding("CVE-C", "HIGH")),
    ]
    result = judge(findings, _gate(fixable_only=True))
    excluded = {j.finding.id: j.excluded for j in result.judged}
    assert excluded == {"CVE-A": "no fix available (--fixable-only)", "CVE-B": None, "CVE-C": None}
    assert result.basic_without_fix_data
    assert [j.finding.id for j in result.failing] == ["CVE-B", "CVE-C"]


def test_suppressed_or_closed_in_inspector_does_not_count() -> None:
    findings = [
        from_enhanced(enhanced_finding("CVE-D", "CRITICAL", status="SUPPRESSED")),
        from_enhanced(enhanced_finding("CVE-E", "CRITICAL", status="CLOSED")),
    ]
    result = judge(findings, _gate())
    assert result.passed
    assert result.counts()["CRITICAL"] == {"findings": 2, "excluded": 2, "counted": 0}


def test_without_fail_on_nothing_fails() -> None:
    result = judge([from_basic(basic_finding("CVE-F", "CRITICAL"))], _gate(None))
    assert result.passed and result.counted


def test_untriaged_counts_only_at_informational() -> None:
    finding = from_enhanced(enhanced_finding("CVE-G", "UNTRIAGED"))
    assert finding.severity == "UNDEFINED"
    assert judge([finding], _gate("LOW")).passed
    assert not judge([finding], _gate("INFORMATIONAL")).passed


# -- the property: a vulnerable image never passes ---------------------------------------------

RAW = st.one_of(
    st.builds(
        lambda cve, sev: basic_finding(cve, sev),
        st.from_regex(r"CVE-20[0-9]{2}-[0-9]{4,5}", fullmatch=True),
        st.sampled_from(["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"]),
    ).map(from_basic),
    st.builds(
        lambda cve, sev, fix, status: enhanced_finding(cve, sev, fix=fix, status=status),
        st.from_regex(r"CVE-20[0-9]{2}-[0-9]{4,5}", fullmatch=True),
        st.sampled_from(["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNTRIAGED"]),
        st.sampled_from(["YES", "PARTIAL", "NO"]),
        st.sampled_from(["ACTIVE", "SUPPRESSED", "CLOSED"]),
    ).map(from_enhanced),
)


@settings(max_examples=300, deadline=None)
@given(
    findings=st.lists(RAW, max_size=8),
    threshold=st.sampled_from(THRESHOLDS),
    fixable_only=st.booleans(),
    expired=st.lists(st.from_regex(r"CVE-20[0-9]{2}-[0-9]{4,5}", fullmatch=True), max_size=3),
)
def test_every_counted_finding_at_or_above_the_threshold_fails(
    findings: list[Any], threshold: str, fixable_only: bool, expired: list[str]
) -> None:
    ignores = tuple(IgnoreEntry(i, date(2025, 5, 1), "old") for i in dict.fromkeys(expired))
    result = judge(findings, Gate(TODAY, threshold, fixable_only, ignores))
    vulnerable = [
        f
        for f in findings
        if RANK[f.severity] >= RANK[threshold]
        and f.status not in {"SUPPRESSED", "CLOSED"}
        and not (fixable_only and f.fix_available == "NO")
    ]
    assert result.passed == (not vulnerable)
    assert len(result.failing) == len(vulnerable)


@pytest.mark.parametrize("threshold", THRESHOLDS)
@pytest.mark.parametrize("severity", SEVERITIES)
@pytest.mark.parametrize("shape", ["basic", "enhanced"])
def test_through_the_wire_no_vulnerable_image_passes(
    standin: EcrStandIn, shape: str, severity: str, threshold: str
) -> None:
    """One finding of ``severity`` among clean ones, read from ECR's answer and judged."""
    if shape == "basic":
        standin.scan_type, standin.frequency = "BASIC", "MANUAL"
        standin.scans = [scan_answer("COMPLETE", basic=[basic_finding("CVE-2000-0001", severity)])]
    else:
        standin.scan_type, standin.frequency = "ENHANCED", "CONTINUOUS_SCAN"
        finding = enhanced_finding(
            "CVE-2000-0001", "UNTRIAGED" if severity == "UNDEFINED" else severity
        )
        standin.scans = [scan_answer("ACTIVE", enhanced=[finding])]
    clock = FakeClock().clock()
    options = ScanOptions(
        wait=True, timeout=900, settle=60, gate=Gate(TODAY, threshold), clock=clock
    )
    report = scan_image(standin.registries, parse_reference("team/app:1.0"), options)
    vulnerable = RANK[severity] >= RANK[threshold]
    assert report.exit_code == (ExitCode.FAILED if vulnerable else ExitCode.OK)
