"""``image scan``'s core against a loopback stand-in of ECR's scanning calls (why a
stand-in and not moto: tests/image/scan_standin.py), one test per scan status and
answer shape, with a hand-written clock so that waiting costs nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from ecrctl.distribution.reference import parse_reference
from ecrctl.errors import ExitCode, ScanDenied
from ecrctl.image.gate import Gate
from ecrctl.image.scan import Clock, ScanOptions, scan_image
from ecrctl.image.scanreport import ScanReport
from tests.image.scan_standin import (
    ACCOUNT,
    PUSHED,
    EcrStandIn,
    basic_finding,
    denied,
    enhanced_finding,
    error,
    scan_answer,
)

NOW = datetime.fromtimestamp(PUSHED + 3600, UTC)  # an hour after the push


@dataclass
class FakeClock:
    """Time that passes only when slept."""

    t: float = 0.0
    slept: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds

    def clock(self, now: datetime = NOW) -> Clock:
        return Clock(monotonic=lambda: self.t, sleep=self.sleep, now=lambda: now)


def run(
    standin: EcrStandIn,
    *,
    fail_on: str | None = "HIGH",
    wait: bool = True,
    timeout: float = 900,
    settle: float = 120,
    clock: FakeClock | None = None,
    now: datetime = NOW,
) -> ScanReport:
    gate = Gate(date(2024, 1, 1), fail_on)
    ticks = clock or FakeClock()
    options = ScanOptions(wait, timeout, settle, gate, clock=ticks.clock(now))
    return scan_image(standin.registries, parse_reference("team/app:1.0"), options)


# -- enhanced scanning: the shape decides, and "final" is "settled" ---------------------------


def test_active_enhanced_findings_are_final_once_settled(standin: EcrStandIn) -> None:
    standin.scans = [scan_answer("ACTIVE", enhanced=[enhanced_finding("CVE-2023-0464", "HIGH")])]
    ticks = FakeClock()
    report = run(standin, clock=ticks)
    assert report.outcome == "failed" and report.exit_code == ExitCode.FAILED
    assert report.decision.kind == "ENHANCED"
    assert report.waited >= 120 and sum(ticks.slept) >= 120  # read at least twice, 120 s apart
    assert "StartImageScan" not in standin.operations()  # Inspector scans on its own
    assert report.gate is not None
    [failing] = report.gate.failing
    assert failing.finding.id == "CVE-2023-0464"
    assert failing.finding.packages[0].fixed_version == "3.0.8-r1"


def test_complete_with_enhanced_findings_is_enhanced_not_basic(standin: EcrStandIn) -> None:
    # AWS has answered COMPLETE *with* enhancedFindings: read by the shape, not the status
    standin.scan_type = "BASIC"  # even when the registry says otherwise
    standin.scans = [scan_answer("COMPLETE", enhanced=[enhanced_finding("CVE-1", "CRITICAL")])]
    report = run(standin)
    assert report.decision.kind == "ENHANCED"
    assert report.outcome == "failed" and report.waited >= 120


def test_complete_then_filled_in_later_fails_the_gate(standin: EcrStandIn) -> None:
    # enhanced scan on push: COMPLETE with no findings at first, the findings come later;
    # a gate that trusted the first COMPLETE would pass a vulnerable image
    empty = scan_answer("COMPLETE", enhanced=[])
    filled = scan_answer("COMPLETE", enhanced=[enhanced_finding("CVE-2024-1", "CRITICAL")])
    standin.scans = [empty, empty, filled]
    report = run(standin)
    assert report.outcome == "failed" and report.gate is not None
    assert [j.finding.id for j in report.gate.failing] == ["CVE-2024-1"]
    assert report.waited >= 120 + 12.5  # settled from the read that brought the findings


def test_active_with_an_empty_basic_list_waits_for_inspector(standin: EcrStandIn) -> None:
    # what aws-cli users saw: ACTIVE with "findings": [] before Inspector filled anything in
    standin.scans = [
        scan_answer("ACTIVE", basic=[], completed=None),
        scan_answer("ACTIVE", enhanced=[enhanced_finding("CVE-2", "MEDIUM")]),
    ]
    report = run(standin, fail_on="MEDIUM")
    assert report.decision.kind == "ENHANCED" and report.outcome == "failed"


def test_pending_then_active_clean_passes_after_settling(standin: EcrStandIn) -> None:
    standin.scans = [scan_answer("PENDING", completed=None), scan_answer("ACTIVE", enhanced=[])]
    ticks = FakeClock()
    report = run(standin, clock=ticks, settle=30)
    assert report.outcome == "passed" and report.exit_code == ExitCode.OK
    assert report.decision.reason == "the findings did not change for 30 s"


def test_no_scan_yet_under_enhanced_scanning_is_waited_for(standin: EcrStandIn) -> None:
    standin.scans = [
        error("ScanNotFoundException", "Image scan does not exist"),
        scan_answer("ACTIVE", enhanced=[]),
    ]
    report = run(standin, settle=5)
    assert report.outcome == "passed"
    assert "StartImageScan" not in standin.operations()


def test_a_repository_enhanced_scanning_leaves_out_has_no_result(standin: EcrStandIn) -> None:
    standin.frequency = "MANUAL"
    report = run(standin)
    assert report.outcome == "no-result" and report.exit_code == ExitCode.NO_RESULT
    assert "no rule's filter matches it" in report.decision.reason
    assert "DescribeImageScanFindings" not in standin.operations()


# -- basic scanning: started when needed, the 24-hour limit ---------------------------------


def test_in_progress_then_complete_basic_scan(standin: EcrStandIn) -> None:
    standin.scan_type, standin.frequency = "BASIC", "MANUAL"
    standin.scans = [
        error("ScanNotFoundException", "Image scan does not exist"),
        scan_answer("IN_PROGRESS", completed=None),
        scan_answer("COMPLETE", basic=[basic_finding("CVE-7", "HIGH")]),
    ]
    ticks = FakeClock()
    report = run(standin, clock=ticks)
    assert report.started and report.outcome == "failed"
    assert report.decision.kind == "BASIC"
    assert standin.operations().count("StartImageScan") == 1
    assert ticks.slept == [5.0]  # the first poll; a basic result is final when COMPLETE


def test_a_clean_basic_result_is_final_at_once(standin: EcrStandIn) -> None:
    standin.scan_type, standin.frequency = "BASIC", "SCAN_ON_PUSH"
    standin.scans = [scan_answer("COMPLETE", basic=[])]
    report = run(standin, now=datetime.fromtimestamp(PUSHED + 3600, UTC))
    assert report.outcome == "passed" and report.waited == 0


def test_a_result_under_24_hours_old_is_reused(standin: EcrStandIn) -> None:
    standin.scan_type, standin.frequency = "BASIC", "MANUAL"
    standin.scans = [scan_answer("COMPLETE", basic=[basic_finding("CVE-8", "LOW")])]
    report = run(standin, now=datetime.fromtimestamp(PUSHED + 300 + 2 * 3600, UTC))
    assert report.reused and not report.started
    assert "StartImageScan" not in standin.operations()
    assert any("reusing the scan completed 2 h ago" in note for note in report.notes)


def test_a_result_over_24_hours_old_is_scanned_again(standin: EcrStandIn) -> None:
    standin.scan_type, standin.frequency = "BASIC", "MANUAL"
    standin.scans = [scan_answer("COMPLETE", basic=[]), scan_answer("COMPLETE", basic=[])]
    report = run(standin, now=datetime.fromtimestamp(PUSHED + 300 + 25 * 3600, UTC))
    assert report.started and standin.operations().count("StartImageScan") == 1


def test_limit_exceeded_reuses_the_last_result(standin: EcrStandIn) -> None:
    standin.scan_type, standin.frequency = "BASIC", "MANUAL"
    standin.scans = [scan_answer("COMPLETE", basic=[basic_finding("CVE-9", "CRITICAL")])]
    standin.answers["StartImageScan"] = lambda body: error(
        "LimitExceededException", "The scan quota per image has been exceeded. Wait and try again."
    )
    report = run(standin, now=datetime.fromtimestamp(PUSHED + 300 + 30 * 3600, UTC))
    assert report.reused and report.outcome == "failed"
    assert any("ECR refused a new scan" in note for note in report.notes)


def test_an_unsupported_image_type_has_no_result(standin: EcrStandIn) -> None:
    standin.scan_type, standin.frequency = "BASIC", "MANUAL"
    standin.answers["StartImageScan"] = lambda body: error(
        "UnsupportedImageTypeException", "The image type is not supported."
    )
    report = run(standin)
    assert report.outcome == "no-result" and report.exit_code == ExitCode.NO_RESULT


# -- the statuses that end without a result, and the timeout --------------------------------


def test_waiting_ends_at_the_timeout_with_backoff(standin: EcrStandIn) -> None:
    standin.scans = [scan_answer("IN_PROGRESS", completed=None)]
    standin.scan_type = "BASIC"
    ticks = FakeClock()
    report = run(standin, timeout=60, clock=ticks)
    assert report.outcome == "timed-out" and report.exit_code == ExitCode.TIMED_OUT
    assert ticks.slept[:4] == [5.0, 7.5, 11.25, 16.875]
    assert sum(ticks.slept) == pytest.approx(60)


# -- permissions and other registries -------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "action"),
    [
        ("DescribeImageScanFindings", "ecr:DescribeImageScanFindings"),
        ("DescribeImageScanFindings", "inspector2:ListFindings"),
        ("GetRegistryScanningConfiguration", "ecr:GetRegistryScanningConfiguration"),
        ("BatchGetRepositoryScanningConfiguration", "ecr:BatchGetRepositoryScanningConfiguration"),
        ("DescribeImages", "ecr:DescribeImages"),
    ],
)
def test_a_missing_permission_names_the_action(
    standin: EcrStandIn, operation: str, action: str
) -> None:
    standin.answers[operation] = lambda body: denied(action)
    with pytest.raises(ScanDenied) as caught:
        run(standin)
    assert caught.value.exit_code == ExitCode.DENIED == 5
    assert f"needs {action}" in caught.value.one_line()


def test_start_image_scan_refused_names_it(standin: EcrStandIn) -> None:
    standin.scan_type, standin.frequency = "BASIC", "MANUAL"
    standin.answers["StartImageScan"] = lambda body: denied("ecr:StartImageScan")
    with pytest.raises(ScanDenied, match="needs ecr:StartImageScan"):
        run(standin)


def test_another_accounts_registry_is_judged_strictly(standin: EcrStandIn) -> None:
    config = standin.configuration()
    standin.answers["GetRegistryScanningConfiguration"] = lambda body: (
        200,
        {**config, "registryId": "210987654321"},
    )
    standin.scans = [scan_answer("COMPLETE", basic=[]), scan_answer("COMPLETE", basic=[])]
    ticks = FakeClock()
    report = run(standin, clock=ticks, settle=20)
    assert report.registry_scan_type is None and report.registry_id == ACCOUNT
    assert report.decision.kind == "ENHANCED"  # unknown: the stricter reading, settled
    assert report.outcome == "passed" and report.waited >= 20
