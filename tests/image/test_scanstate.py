"""When a scan's result is final: every ScanStatus ECR answers, read in every answer
shape (basic findings, enhanced findings, neither), under every registry scan type;
the settle window; and the statuses end to end through the scanning stand-in."""

from __future__ import annotations

import pytest

from ecrctl.errors import ExitCode
from ecrctl.image.findings import ScanFinding, ScanResult
from ecrctl.image.scanstate import STATUSES, Settle, decide, scan_kind
from tests.image.scan_standin import EcrStandIn, enhanced_finding, scan_answer
from tests.image.test_scan import FakeClock, run

# status -> what one read means when the findings have not settled yet: wait, judge or
# no-result (written out here, not read from STATUSES, so that a change to it shows)
OUTCOMES = {
    "IN_PROGRESS": "wait",
    "PENDING": "wait",
    "COMPLETE": "judge",
    "ACTIVE": "judge",
    "FAILED": "no-result",
    "UNSUPPORTED_IMAGE": "no-result",
    "SCAN_ELIGIBILITY_EXPIRED": "no-result",
    "FINDINGS_UNAVAILABLE": "no-result",
    "LIMIT_EXCEEDED": "no-result",
    "IMAGE_ARCHIVED": "no-result",
    "IMAGE_SIZE_EXCEEDED": "no-result",
    "A_STATUS_FROM_THE_FUTURE": "no-result",
}
# statuses that only Amazon Inspector answers: enhanced, whatever the shape
INSPECTOR_ONLY = {"PENDING", "ACTIVE", "SCAN_ELIGIBILITY_EXPIRED", "FINDINGS_UNAVAILABLE"}
# shape -> (the answer had basic findings, had enhancedFindings, the registry's scan type)
SHAPES = {
    "basic findings": (True, False, "ENHANCED"),
    "enhanced findings": (False, True, "BASIC"),
    "neither, basic registry": (False, False, "BASIC"),
    "neither, enhanced registry": (False, False, "ENHANCED"),
    "neither, another account's registry": (False, False, None),
}
BASIC_SHAPED = {"basic findings", "neither, basic registry"}


def _result(status: str, shape: str) -> tuple[ScanResult, str | None]:
    basic, enhanced, registry_type = SHAPES[shape]
    findings = [ScanFinding("CVE-1", "HIGH", "BASIC")] if basic else []
    result = ScanResult(status, f"{status}.", findings, has_enhanced=enhanced, has_basic=basic)
    return result, registry_type


def test_the_table_covers_every_status_ecrctl_knows() -> None:
    assert set(STATUSES) == set(OUTCOMES) - {"A_STATUS_FROM_THE_FUTURE"}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("status", OUTCOMES)
def test_every_status_in_every_shape(status: str, shape: str) -> None:
    result, registry_type = _result(status, shape)
    kind = "BASIC" if shape in BASIC_SHAPED and status not in INSPECTOR_ONLY else "ENHANCED"
    assert scan_kind(result, registry_type) == kind
    settle = Settle(60)
    decision = decide(result, registry_type=registry_type, settle=settle, now=0, expect_scan=True)
    assert decision.kind == kind
    outcome = OUTCOMES[status]
    if outcome == "no-result":
        assert decision.verdict == "no-result" and decision.recheck is None
        assert decision.hint == STATUSES.get(status, ("", "", None))[2]
    elif outcome == "wait":
        assert decision.verdict == "wait" and decision.recheck is None
    elif kind == "BASIC":
        assert (decision.verdict, decision.reason) == ("final", "the basic scan is complete")
    else:  # enhanced: final only once the findings settle
        assert decision.verdict == "wait" and decision.recheck == 60
        assert "waiting for its findings to settle (0 of 60 s)" in decision.reason
        later = decide(result, registry_type=registry_type, settle=settle, now=60, expect_scan=True)
        assert (later.verdict, later.reason) == ("final", "the findings did not change for 60 s")


def test_an_unknown_status_is_named() -> None:
    result, registry_type = _result("A_STATUS_FROM_THE_FUTURE", "enhanced findings")
    decision = decide(
        result, registry_type=registry_type, settle=Settle(0), now=0, expect_scan=True
    )
    assert decision.reason == "ECR answered the unknown scan status A_STATUS_FROM_THE_FUTURE"


def test_an_answer_without_a_status_has_no_result() -> None:
    result = ScanResult(None)
    decision = decide(result, registry_type="BASIC", settle=Settle(0), now=0, expect_scan=True)
    assert decision.verdict == "no-result"
    assert decision.reason == "ECR answered the unknown scan status (none)"


@pytest.mark.parametrize(
    ("expect_scan", "verdict", "reason", "hint"),
    [
        (True, "wait", "no scan result yet", None),
        (False, "no-result", "the image has no scan result", "start one with --wait"),
    ],
)
def test_no_scan_at_all(expect_scan: bool, verdict: str, reason: str, hint: str | None) -> None:
    decision = decide(None, registry_type="BASIC", settle=Settle(0), now=0, expect_scan=expect_scan)
    assert (decision.verdict, decision.reason, decision.hint) == (verdict, reason, hint)


def test_settle_counts_from_the_last_change() -> None:
    settle = Settle(30)
    assert settle.observe("a", 100.0) == 0
    assert settle.observe("a", 110.0) == 10
    assert settle.observe("b", 115.0) == 0  # a change starts the window again
    assert settle.observe("b", 145.0) == 30


def test_a_changed_finding_list_is_not_settled() -> None:
    settle = Settle(10)
    one = ScanResult(
        "ACTIVE", findings=[ScanFinding("CVE-3", "LOW", "ENHANCED")], has_enhanced=True
    )
    two = ScanResult("ACTIVE", findings=[*one.findings, ScanFinding("CVE-4", "LOW", "ENHANCED")])
    two.has_enhanced = True
    assert decide(one, registry_type=None, settle=settle, now=0, expect_scan=True).verdict == "wait"
    assert decide(one, registry_type=None, settle=settle, now=10, expect_scan=True).verdict == (
        "final"
    )
    moved = decide(two, registry_type=None, settle=settle, now=12, expect_scan=True)
    assert moved.verdict == "wait" and moved.recheck == 10


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("FAILED", "the scan failed"),
        ("UNSUPPORTED_IMAGE", "does not support this image"),
        ("SCAN_ELIGIBILITY_EXPIRED", "no longer monitors the image"),
        ("FINDINGS_UNAVAILABLE", "has no findings"),
        ("LIMIT_EXCEEDED", "limit was exceeded"),
        ("IMAGE_ARCHIVED", "archived"),
        ("A_STATUS_FROM_THE_FUTURE", "unknown scan status A_STATUS_FROM_THE_FUTURE"),
    ],
)
def test_statuses_without_a_result(standin: EcrStandIn, status: str, words: str) -> None:
    standin.scans = [scan_answer(status, enhanced=[enhanced_finding("CVE-10", "CRITICAL")])]
    report = run(standin)
    assert report.outcome == "no-result" and report.exit_code == ExitCode.NO_RESULT
    assert words in report.decision.reason
    problem = report.error()
    assert problem is not None and problem.exit_code == ExitCode.NO_RESULT
    assert f"status {status}: {status}." in problem.message  # ECR's description is kept


def test_a_change_while_settling_starts_the_window_again(standin: EcrStandIn) -> None:
    one = scan_answer("ACTIVE", enhanced=[enhanced_finding("CVE-3", "LOW")])
    two = scan_answer(
        "ACTIVE", enhanced=[enhanced_finding("CVE-3", "LOW"), enhanced_finding("CVE-4", "LOW")]
    )
    standin.scans = [one, one, two]
    ticks = FakeClock()
    report = run(standin, clock=ticks, settle=10, fail_on="LOW")
    assert report.result is not None and len(report.result.findings) == 2
    assert report.waited >= 10 + ticks.slept[0]  # settled on the second list, not the first
