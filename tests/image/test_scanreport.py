"""``image scan``'s report: one outcome and one exit code for every decision and gate
verdict, the error line of the outcomes that have one, and its JSON."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ecrctl.errors import ExitCode, NoScanResult, ScanTimedOut
from ecrctl.image.findings import Package, ScanFinding, ScanResult
from ecrctl.image.gate import Gate, judge
from ecrctl.image.scanreport import ScanReport
from ecrctl.image.scanstate import ScanDecision
from tests.image.scan_standin import ACCOUNT, DIGEST, EcrStandIn, scan_answer
from tests.image.test_scan import run

COMPLETED = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
FINDINGS = [
    ScanFinding("CVE-L", "LOW", "BASIC", (Package("busybox", "1.36.1", None),), score=2.0),
    ScanFinding("CVE-H", "HIGH", "BASIC", score=7.5, uri="https://example.org/CVE-H"),
]


def _report(verdict: str, **kwargs: object) -> ScanReport:
    result = ScanResult("COMPLETE", "The scan was completed successfully.", list(FINDINGS))
    result.completed_at = COMPLETED
    report = ScanReport("team/app", ACCOUNT, DIGEST, tag="1.0", settle=120.0, result=result)
    report.decision = ScanDecision(verdict, "the basic scan is complete", "BASIC", "a hint")
    for name, value in kwargs.items():
        setattr(report, name, value)
    return report


@pytest.mark.parametrize(
    ("verdict", "fail_on", "timed_out", "judging", "outcome", "code"),
    [
        ("final", None, False, False, "passed", ExitCode.OK),
        ("final", "CRITICAL", False, True, "passed", ExitCode.OK),
        ("final", "HIGH", False, True, "failed", ExitCode.FAILED),
        ("wait", "HIGH", True, True, "timed-out", ExitCode.TIMED_OUT),
        ("wait", "HIGH", False, True, "not-final", ExitCode.TIMED_OUT),
        ("wait", None, False, False, "not-final", ExitCode.OK),
        ("no-result", "HIGH", False, True, "no-result", ExitCode.NO_RESULT),
    ],
)
def test_outcomes_and_exit_codes(
    verdict: str, fail_on: str | None, timed_out: bool, judging: bool, outcome: str, code: int
) -> None:
    gate = judge(FINDINGS, Gate(date(2024, 1, 1), fail_on)) if fail_on else None
    report = _report(verdict, gate=gate, timed_out=timed_out, judging=judging)
    assert (report.outcome, report.exit_code) == (outcome, code)


def test_the_error_lines() -> None:
    assert _report("final").error() is None
    assert _report("wait").error() is None  # not final, and no verdict was asked for
    missing = _report("no-result").error()
    assert isinstance(missing, NoScanResult) and missing.hint == "a hint"
    assert missing.message == (
        f"no scan result to judge for team/app@{DIGEST} (1.0): the basic scan is complete "
        "(status COMPLETE: The scan was completed successfully.)"
    )
    late = _report("wait", timed_out=True, waited=61.4).error()
    assert isinstance(late, ScanTimedOut)
    assert late.message == (
        f"the scan of team/app@{DIGEST} (1.0) was not final after 61 s: the basic scan is complete"
    )
    early = _report("wait", judging=True).error()
    assert isinstance(early, ScanTimedOut) and early.hint == "add --wait to wait for it"


def test_its_json_without_a_gate() -> None:
    report = _report("final", registry_scan_type="BASIC", scan_frequency="MANUAL", waited=5.04)
    report.started, report.notes = True, ["started a scan"]
    assert report.to_json() == {
        "repositoryName": "team/app",
        "registryId": ACCOUNT,
        "imageDigest": DIGEST,
        "imageTag": "1.0",
        "registryScanType": "BASIC",
        "scanFrequency": "MANUAL",
        "scanType": "BASIC",
        "scanStarted": True,
        "reusedScan": False,
        "status": "COMPLETE",
        "statusDescription": "The scan was completed successfully.",
        "imageScanCompletedAt": COMPLETED,
        "vulnerabilitySourceUpdatedAt": None,
        "outcome": "passed",
        "reason": "the basic scan is complete",
        "waitedSeconds": 5.0,
        "settleSeconds": 120.0,
        "notes": ["started a scan"],
        "counts": {
            "CRITICAL": 0,
            "HIGH": 1,
            "MEDIUM": 0,
            "LOW": 1,
            "INFORMATIONAL": 0,
            "UNDEFINED": 0,
        },
        "gate": None,
        "findings": [FINDINGS[1].to_json(), FINDINGS[0].to_json()],  # most severe first
    }


def test_its_json_with_a_gate_lists_the_judged_findings() -> None:
    gate = judge(FINDINGS, Gate(date(2024, 1, 1), "HIGH"))
    shown = _report("final", gate=gate).to_json()
    assert shown["outcome"] == "failed" and shown["gate"] == gate.to_json()
    assert shown["findings"] == [j.to_json() for j in gate.judged]


def test_its_json_without_a_result() -> None:
    report = ScanReport("team/app", ACCOUNT, DIGEST)
    shown = report.to_json()
    assert shown["status"] is None and shown["findings"] == [] and shown["scanType"] is None
    assert shown["reason"] == "not read yet" and shown["outcome"] == "not-final"
    assert report.image == f"team/app@{DIGEST}"


def test_without_wait_a_running_scan_is_not_final(standin: EcrStandIn) -> None:
    standin.scans = [scan_answer("IN_PROGRESS", completed=None)]
    judged = run(standin, wait=False)
    assert judged.outcome == "not-final" and judged.exit_code == ExitCode.TIMED_OUT
    unjudged = run(standin, wait=False, fail_on=None)
    assert unjudged.exit_code == ExitCode.OK
