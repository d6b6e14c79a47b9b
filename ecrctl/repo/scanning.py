"""The registry's scanning configuration as the repositories see it: the scan type and
rules (GetRegistryScanningConfiguration, PutRegistryScanningConfiguration), which scan
frequency each repository gets from the rules' WILDCARD filters (ECR's matching, done
here without a call), and what ECR says a repository gets
(BatchGetRepositoryScanningConfiguration, 25 names a call).

ECR's matching (User Guide, "Filters to choose which repositories are scanned"): a filter
without ``*`` matches every name that contains it; a filter with ``*`` must match the
whole name, each ``*`` standing for zero or more characters. A repository two rules
match is scanned continuously (CONTINUOUS_SCAN wins over SCAN_ON_PUSH). A repository
no rule matches is MANUAL: with basic scanning it is scanned when asked
(StartImageScan), with enhanced scanning it is not scanned at all.

Pure functions over an ECR client; no click, no rich.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ecrctl.errors import NotFound

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

SCAN_TYPES = ("BASIC", "ENHANCED")
FREQUENCIES = ("SCAN_ON_PUSH", "CONTINUOUS_SCAN", "MANUAL")
# which rule wins when several match one repository
PRECEDENCE = {"CONTINUOUS_SCAN": 2, "SCAN_ON_PUSH": 1, "MANUAL": 0}
BATCH_NAMES = 25  # BatchGetRepositoryScanningConfiguration takes 1-25 names


@lru_cache(maxsize=1024)
def _wildcard(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


def filter_matches(pattern: str, name: str) -> bool:
    """Whether a WILDCARD filter matches a repository name, by ECR's rule."""
    if "*" not in pattern:
        return pattern in name
    return _wildcard(pattern).fullmatch(name) is not None


@dataclass(frozen=True)
class RepositoryScanning:
    """The scan frequency a repository gets, and the filters that gave it."""

    repository_name: str
    scan_type: str
    scan_frequency: str
    applied_scan_filters: tuple[str, ...] = ()

    @property
    def scanned(self) -> bool:
        """False when enhanced scanning leaves the repository out (no rule matches it)."""
        return not (self.scan_type == "ENHANCED" and self.scan_frequency == "MANUAL")

    def to_json(self) -> dict[str, Any]:
        return {
            "repositoryName": self.repository_name,
            "scanFrequency": self.scan_frequency,
            "appliedScanFilters": [
                {"filter": f, "filterType": "WILDCARD"} for f in self.applied_scan_filters
            ],
        }


@dataclass(frozen=True)
class ScanningConfiguration:
    """A registry's scan type and rules, as the API writes them."""

    scan_type: str
    rules: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (scanFrequency, filters)
    registry_id: str | None = None

    @classmethod
    def from_api(cls, data: Any, registry_id: str | None = None) -> ScanningConfiguration:
        rules = tuple(
            (
                str(rule.get("scanFrequency", "")),
                tuple(str(f.get("filter", "")) for f in rule.get("repositoryFilters") or []),
            )
            for rule in data.get("rules") or []
        )
        return cls(str(data.get("scanType") or "BASIC"), rules, registry_id)

    def to_api(self) -> dict[str, Any]:
        """``{"scanType", "rules"}``: PutRegistryScanningConfiguration's arguments."""
        return {
            "scanType": self.scan_type,
            "rules": [
                {
                    "scanFrequency": frequency,
                    "repositoryFilters": [{"filter": f, "filterType": "WILDCARD"} for f in filters],
                }
                for frequency, filters in self.rules
            ],
        }

    def scanning_of(self, name: str) -> RepositoryScanning:
        """The frequency ``name`` gets: the matching rule of highest precedence, else MANUAL."""
        best = "MANUAL"
        applied: tuple[str, ...] = ()
        for frequency, filters in self.rules:
            matched = tuple(f for f in filters if filter_matches(f, name))
            if matched and PRECEDENCE.get(frequency, 0) > PRECEDENCE[best]:
                best, applied = frequency, matched
        return RepositoryScanning(name, self.scan_type, best, applied)


DEFAULT = ScanningConfiguration("BASIC")  # a registry nobody configured: manual scans only


def get_scanning_configuration(ecr: ECRClient) -> ScanningConfiguration:
    """The caller's registry's scan type and rules (the API has no registryId)."""
    answer: Any = ecr.get_registry_scanning_configuration()
    registry_id = answer.get("registryId")
    return ScanningConfiguration.from_api(
        answer.get("scanningConfiguration") or {}, str(registry_id) if registry_id else None
    )


def put_scanning_configuration(
    ecr: ECRClient, config: ScanningConfiguration
) -> ScanningConfiguration:
    answer: Any = ecr.put_registry_scanning_configuration(**config.to_api())
    return ScanningConfiguration.from_api(answer.get("registryScanningConfiguration") or {})


def repository_scanning(ecr: ECRClient, names: list[str]) -> dict[str, dict[str, Any]]:
    """ECR's own answer for each name: scanFrequency, appliedScanFilters, scanOnPush.

    A name ECR does not know raises :class:`NotFound` naming it.
    """
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(names), BATCH_NAMES):
        answer: Any = ecr.batch_get_repository_scanning_configuration(
            repositoryNames=names[start : start + BATCH_NAMES]
        )
        for failure in answer.get("failures") or []:
            name = failure.get("repositoryName", "?")
            raise NotFound(
                f"repository {name!r} not found ({failure.get('failureCode', 'no code')})",
                hint="check the name and --region (ecrctl repo list shows them)",
            )
        for config in answer.get("scanningConfigurations") or []:
            found[str(config.get("repositoryName"))] = dict(config)
    return found
