"""What ``image scan`` found: the image, how its scan type was known, what was
started or reused, the last answer, the decision on it and the gate's verdict, as
one report with one outcome and one exit code.

Outcomes: ``passed`` (exit 0), ``failed`` (1: a counted finding at or above
``--fail-on``), ``timed-out`` (3: ``--wait`` ended before a final result),
``not-final`` (no ``--wait``: 3 when ``--fail-on`` asked for a verdict, else 0),
``no-result`` (4: the scan failed, is unsupported, or there is nothing to judge).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecrctl.errors import EcrctlError, ExitCode, NoScanResult, ScanTimedOut
from ecrctl.image.findings import ScanResult, counts
from ecrctl.image.gate import GateResult
from ecrctl.image.scanstate import ScanDecision


@dataclass
class ScanReport:
    repository: str
    registry_id: str
    digest: str
    tag: str | None = None
    settle: float = 0.0
    judging: bool = False  # --fail-on was given: a verdict is expected
    registry_scan_type: str | None = None
    scan_frequency: str | None = None
    started: bool = False
    reused: bool = False
    notes: list[str] = field(default_factory=list)
    result: ScanResult | None = None
    decision: ScanDecision = field(default_factory=lambda: ScanDecision("wait", "not read yet"))
    waited: float = 0.0
    timed_out: bool = False
    gate: GateResult | None = None

    @property
    def image(self) -> str:
        return f"{self.repository}@{self.digest}" + (f" ({self.tag})" if self.tag else "")

    @property
    def outcome(self) -> str:
        verdict = self.decision.verdict
        if verdict == "no-result":
            return "no-result"
        if verdict == "final":
            return "failed" if self.gate is not None and not self.gate.passed else "passed"
        return "timed-out" if self.timed_out else "not-final"

    @property
    def exit_code(self) -> int:
        return {
            "passed": ExitCode.OK,
            "failed": ExitCode.FAILED,
            "timed-out": ExitCode.TIMED_OUT,
            "no-result": ExitCode.NO_RESULT,
            "not-final": ExitCode.TIMED_OUT if self.judging else ExitCode.OK,
        }[self.outcome]

    def error(self) -> EcrctlError | None:
        """The error line of an outcome that has one (timed out, no result)."""
        decision = self.decision
        status = self.result.status if self.result else None
        described = self.result.description if self.result else None
        if self.outcome == "no-result":
            text = f"no scan result to judge for {self.image}: {decision.reason}"
            if status:
                text += f" (status {status}" + (f": {described})" if described else ")")
            return NoScanResult(text, hint=decision.hint)
        if self.outcome == "timed-out":
            return ScanTimedOut(
                f"the scan of {self.image} was not final after {self.waited:.0f} s: "
                f"{decision.reason}",
                hint="raise --timeout (enhanced results also need --settle seconds unchanged)",
            )
        if self.outcome == "not-final" and self.judging:
            return ScanTimedOut(
                f"the scan of {self.image} is not final yet: {decision.reason}",
                hint="add --wait to wait for it",
            )
        return None

    def to_json(self) -> dict[str, Any]:
        result = self.result
        found = result.sorted_findings() if result else []
        return {
            "repositoryName": self.repository,
            "registryId": self.registry_id,
            "imageDigest": self.digest,
            "imageTag": self.tag,
            "registryScanType": self.registry_scan_type,
            "scanFrequency": self.scan_frequency,
            "scanType": self.decision.kind,
            "scanStarted": self.started,
            "reusedScan": self.reused,
            "status": result.status if result else None,
            "statusDescription": result.description if result else None,
            "imageScanCompletedAt": result.completed_at if result else None,
            "vulnerabilitySourceUpdatedAt": result.source_updated_at if result else None,
            "outcome": self.outcome,
            "reason": self.decision.reason,
            "waitedSeconds": round(self.waited, 1),
            "settleSeconds": self.settle,
            "notes": list(self.notes),
            "counts": counts(found),
            "gate": self.gate.to_json() if self.gate else None,
            "findings": [j.to_json() for j in self.gate.judged]
            if self.gate
            else [f.to_json() for f in found],
        }
