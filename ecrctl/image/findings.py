"""An image's scan findings, read in both shapes DescribeImageScanFindings answers:
basic scanning's ``imageScanFindings.findings`` (``name``, ``severity``, ``uri`` and
``attributes`` such as package_name, package_version, CVSS2_SCORE) and enhanced
scanning's ``imageScanFindings.enhancedFindings`` (Amazon Inspector's:
``packageVulnerabilityDetails`` with its vulnerable packages and fixed versions,
``fixAvailable``, ``severity``, ``score``, ``status``). Every page is read (botocore's
paginator), and both lists are kept when an answer has both: no finding is dropped.

One severity scale for both: CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, then
UNDEFINED (basic's UNDEFINED, Inspector's UNTRIAGED, or a severity ecrctl does not
know), which ranks with INFORMATIONAL.

Pure functions over an ECR client; no click, no rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import error_code, pages, registry_kwargs
from ecrctl.errors import NotFound
from ecrctl.jsonrecord import record_json

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

    from ecrctl.distribution.reference import ImageReference
    from ecrctl.login.registries import Registries

SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED")
THRESHOLDS = SEVERITIES[:-1]  # what --fail-on and --severity take
RANK = {"CRITICAL": 5, "HIGH": 4, "MEDIUM": 3, "LOW": 2, "INFORMATIONAL": 1, "UNDEFINED": 1}
# statuses only enhanced scanning (Amazon Inspector) reports
ENHANCED_STATUSES = frozenset(
    {"ACTIVE", "PENDING", "SCAN_ELIGIBILITY_EXPIRED", "FINDINGS_UNAVAILABLE"}
)
PAGE_SIZE = 1000  # DescribeImageScanFindings' maxResults


def severity_of(value: Any) -> str:
    text = str(value or "").upper()
    return text if text in RANK else "UNDEFINED"


def at_or_above(severity: str, threshold: str) -> bool:
    return RANK[severity] >= RANK[threshold]


@dataclass(frozen=True)
class Package:
    name: str
    installed_version: str | None
    fixed_version: str | None

    def to_json(self) -> dict[str, Any]:
        return record_json(self)


@dataclass(frozen=True)
class ScanFinding:
    """One finding of either shape; ``kind`` says which (BASIC or ENHANCED)."""

    id: str
    severity: str
    kind: str
    packages: tuple[Package, ...] = ()
    fix_available: str | None = None  # enhanced only: YES, NO or PARTIAL
    score: float | None = None
    uri: str | None = None
    description: str | None = None
    status: str | None = None  # enhanced only: ACTIVE, SUPPRESSED or CLOSED

    def sort_key(self) -> tuple[int, float, str]:
        """Most severe first, then the highest score, then by id."""
        return (SEVERITIES.index(self.severity), -(self.score or 0), self.id)

    def to_json(self) -> dict[str, Any]:
        return record_json(self, kind="scanType")


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def from_basic(raw: Any) -> ScanFinding:
    attributes = {str(a.get("key")): a.get("value") for a in raw.get("attributes") or []}
    name = attributes.get("package_name")
    packages = (Package(str(name), attributes.get("package_version"), None),) if name else ()
    score = _number(attributes.get("CVSS3_SCORE")) or _number(attributes.get("CVSS2_SCORE"))
    return ScanFinding(
        id=str(raw.get("name") or "?"),
        severity=severity_of(raw.get("severity")),
        kind="BASIC",
        packages=packages,
        score=score,
        uri=raw.get("uri"),
        description=raw.get("description"),
    )


def _installed(package: Any) -> str | None:
    version = package.get("version")
    if version is None:
        return None
    text = str(version)
    if package.get("release"):
        text = f"{text}-{package['release']}"
    if package.get("epoch"):
        text = f"{package['epoch']}:{text}"
    return text


def from_enhanced(raw: Any) -> ScanFinding:
    details = raw.get("packageVulnerabilityDetails") or {}
    packages = tuple(
        Package(str(p.get("name") or "?"), _installed(p), p.get("fixedInVersion"))
        for p in details.get("vulnerablePackages") or []
    )
    references = details.get("referenceUrls") or []
    recommended = ((raw.get("remediation") or {}).get("recommendation") or {}).get("url")
    score = _number(raw.get("score"))
    if score is None:
        score = _number(((raw.get("scoreDetails") or {}).get("cvss") or {}).get("score"))
    return ScanFinding(
        id=str(details.get("vulnerabilityId") or raw.get("title") or raw.get("findingArn") or "?"),
        severity=severity_of(raw.get("severity")),
        kind="ENHANCED",
        packages=packages,
        fix_available=raw.get("fixAvailable"),
        score=score,
        uri=details.get("sourceUrl") or (references[0] if references else None) or recommended,
        description=raw.get("description") or raw.get("title"),
        status=raw.get("status"),
    )


@dataclass
class ScanResult:
    """One read of DescribeImageScanFindings, every page joined."""

    status: str | None
    description: str | None = None
    findings: list[ScanFinding] = field(default_factory=list)
    has_enhanced: bool = False  # the answer had imageScanFindings.enhancedFindings
    has_basic: bool = False  # the answer had imageScanFindings.findings
    completed_at: datetime | None = None
    source_updated_at: datetime | None = None
    image_digest: str | None = None
    image_tag: str | None = None

    @property
    def shape_kind(self) -> str | None:
        """ENHANCED or BASIC as the answer's shape shows it; None when it shows neither."""
        if self.has_enhanced or self.status in ENHANCED_STATUSES:
            return "ENHANCED"
        if any(f.kind == "BASIC" for f in self.findings):
            return "BASIC"
        return None

    def sorted_findings(self) -> list[ScanFinding]:
        return sorted(self.findings, key=ScanFinding.sort_key)

    def fingerprint(self) -> tuple[Any, ...]:
        """What must stay the same for enhanced findings to count as settled."""
        return (self.status, tuple(sorted(map(repr, self.findings))))


def _add_page(result: ScanResult, page: Any) -> None:
    found = page.get("imageScanFindings") or {}
    if "findings" in found:
        result.has_basic = True
        result.findings.extend(from_basic(f) for f in found["findings"] or [])
    if "enhancedFindings" in found:
        result.has_enhanced = True
        result.findings.extend(from_enhanced(f) for f in found["enhancedFindings"] or [])
    result.completed_at = result.completed_at or found.get("imageScanCompletedAt")
    result.source_updated_at = result.source_updated_at or found.get("vulnerabilitySourceUpdatedAt")


def read_scan(
    ecr: ECRClient, repository: str, image_id: dict[str, str], *, registry_id: str | None = None
) -> ScanResult | None:
    """The image's last scan, every page; None when it has none (ScanNotFoundException)."""
    result: ScanResult | None = None
    try:
        for page in pages(
            ecr,
            "describe_image_scan_findings",
            page_size=PAGE_SIZE,
            repositoryName=repository,
            imageId=image_id,
            **registry_kwargs(registry_id),
        ):
            if result is None:
                status = page.get("imageScanStatus") or {}
                ids = page.get("imageId") or {}
                result = ScanResult(
                    status.get("status"),
                    status.get("description"),
                    image_digest=ids.get("imageDigest"),
                    image_tag=ids.get("imageTag"),
                )
            _add_page(result, page)
    except Exception as exc:
        if error_code(exc) == "ScanNotFoundException":
            return None
        if error_code(exc) == "ImageNotFoundException":
            shown = image_id.get("imageDigest") or image_id.get("imageTag")
            raise NotFound(
                f"no image {shown} in repository {repository!r}",
                hint=f"list its images with: ecrctl image list {repository}",
            ) from None
        raise
    return result


def counts(findings: list[ScanFinding]) -> dict[str, int]:
    """Findings by severity, every severity present (0 when none)."""
    found = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        found[finding.severity] += 1
    return found


def show_findings(
    registries: Registries, reference: ImageReference, *, min_severity: str | None = None
) -> dict[str, Any]:
    """The findings of the image's last scan, most severe first; with ``min_severity``,
    only those at or above it (``counts`` always covers every finding)."""
    served = registries.private(reference.host)
    assert served.aws is not None  # a private registry has its AWS side
    result = read_scan(
        served.aws.ecr, reference.repository, reference.image_id, registry_id=served.account
    )
    if result is None:
        raise NotFound(
            f"{reference.without_host()} has no scan result",
            hint=f"scan it: ecrctl image scan {reference.without_host()} --wait",
        )
    found = result.sorted_findings()
    shown = [f for f in found if min_severity is None or at_or_above(f.severity, min_severity)]
    return {
        "repositoryName": reference.repository,
        "imageDigest": result.image_digest,
        "imageTag": result.image_tag,
        "scanType": result.shape_kind,
        "status": result.status,
        "statusDescription": result.description,
        "imageScanCompletedAt": result.completed_at,
        "vulnerabilitySourceUpdatedAt": result.source_updated_at,
        "counts": counts(found),
        "findings": [f.to_json() for f in shown],
    }
