"""When a scan's result is final, and what every scan status means to ``image scan``.

The scan type is read from the answer's shape first (``enhancedFindings``, or a
status only Amazon Inspector reports, means enhanced; basic ``findings`` that are
there mean basic), and only when the answer shows neither from the registry's
scanning configuration; when that is unknown too (another account's registry), the
result is treated as enhanced, the stricter of the two. The status alone decides
nothing: enhanced scanning has answered COMPLETE with empty findings and filled them
in later, and COMPLETE with ``enhancedFindings``.

========================  ==========================================================
status                    outcome
========================  ==========================================================
IN_PROGRESS, PENDING      not final: wait
COMPLETE                  basic: final. enhanced: final once the findings settle
ACTIVE                    enhanced, monitored continuously: final once they settle
FAILED, UNSUPPORTED_IMAGE no result (exit 4), with ECR's description
SCAN_ELIGIBILITY_EXPIRED  no result: Inspector no longer monitors the image
FINDINGS_UNAVAILABLE      no result
LIMIT_EXCEEDED            no result
IMAGE_ARCHIVED            no result: archived images are not scanned
anything else             no result, naming the status
========================  ==========================================================

"Settle": an enhanced result is final when its status and findings have not changed
for the settle window (``--settle``), measured between reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecrctl.image.findings import ScanResult

WAIT, JUDGE, NO_RESULT = "wait", "judge", "no-result"

# status -> (what ecrctl does, what it means, the fix when there is no result)
STATUSES: dict[str, tuple[str, str, str | None]] = {
    "IN_PROGRESS": (WAIT, "the scan is running", None),
    "PENDING": (WAIT, "Amazon Inspector has not scanned the image yet", None),
    "COMPLETE": (JUDGE, "the scan is complete", None),
    "ACTIVE": (JUDGE, "Amazon Inspector monitors the image continuously", None),
    "FAILED": (NO_RESULT, "the scan failed", "retry after 24 hours, or push the image again"),
    "UNSUPPORTED_IMAGE": (
        NO_RESULT,
        "the scanner does not support this image",
        "check its operating system against the scanner's list; an image index is scanned "
        "by its platform images (ecrctl image show lists their digests)",
    ),
    "SCAN_ELIGIBILITY_EXPIRED": (
        NO_RESULT,
        "Amazon Inspector no longer monitors the image (its scan duration expired)",
        "push or pull the image again, or raise the scan duration in Amazon Inspector",
    ),
    "FINDINGS_UNAVAILABLE": (
        NO_RESULT,
        "Amazon Inspector has no findings for the image",
        "check Amazon Inspector's coverage of the repository",
    ),
    "LIMIT_EXCEEDED": (NO_RESULT, "a scanning limit was exceeded", "retry later"),
    "IMAGE_ARCHIVED": (
        NO_RESULT,
        "the image is archived, and archived images are not scanned",
        "restore it to the standard storage class first",
    ),
    "IMAGE_SIZE_EXCEEDED": (NO_RESULT, "the image is too large to scan", None),
}


def scan_kind(result: ScanResult, registry_type: str | None) -> str:
    """BASIC or ENHANCED: by the answer's shape, else the registry's configuration."""
    shape = result.shape_kind
    if shape is not None:
        return shape
    return "BASIC" if registry_type == "BASIC" else "ENHANCED"


@dataclass
class Settle:
    """How long the result has stayed the same, read by read."""

    seconds: float
    fingerprint: Any = None
    since: float = 0.0

    def observe(self, fingerprint: Any, now: float) -> float:
        if fingerprint != self.fingerprint:
            self.fingerprint, self.since = fingerprint, now
        return now - self.since


@dataclass(frozen=True)
class ScanDecision:
    """final, wait or no-result; ``recheck``: seconds until settling may make it final."""

    verdict: str
    reason: str
    kind: str | None = None
    hint: str | None = None
    recheck: float | None = None


def decide(
    result: ScanResult | None,
    *,
    registry_type: str | None,
    settle: Settle,
    now: float,
    expect_scan: bool,
) -> ScanDecision:
    """What one read of the scan means."""
    if result is None:
        if expect_scan:
            return ScanDecision("wait", "no scan result yet")
        return ScanDecision(
            "no-result", "the image has no scan result", hint="start one with --wait"
        )
    status = result.status or "(none)"
    kind = scan_kind(result, registry_type)
    stable = settle.observe(result.fingerprint(), now)
    action, meaning, hint = STATUSES.get(
        status, (NO_RESULT, f"ECR answered the unknown scan status {status}", None)
    )
    if action == NO_RESULT:
        return ScanDecision("no-result", meaning, kind, hint)
    if action == WAIT:
        return ScanDecision("wait", meaning, kind)
    if kind == "BASIC":
        return ScanDecision("final", "the basic scan is complete", kind)
    if stable >= settle.seconds:
        return ScanDecision("final", f"the findings did not change for {stable:.0f} s", kind)
    return ScanDecision(
        "wait",
        f"{meaning}; waiting for its findings to settle ({stable:.0f} of {settle.seconds:.0f} s)",
        kind,
        recheck=settle.seconds - stable,
    )
