"""``ecrctl registry scanning``: show, set and delete the registry's scanning
configuration, each with a local preview of which repository gets which scan
frequency under the rules' WILDCARD filters (:mod:`ecrctl.repo.scanning` matches them
as ECR does), so that a change is seen before it is made.

``delete`` has no API of its own: it puts ECR's default back (BASIC, no rules: every
repository MANUAL). The configuration is the caller's registry's (the API takes no
registryId), so ``--registry-id`` is refused rather than ignored.

Pure functions over an ECR client; no click, no rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl.errors import InvalidInput
from ecrctl.repo.repository import iter_repositories
from ecrctl.repo.scanning import (
    DEFAULT,
    RepositoryScanning,
    ScanningConfiguration,
    get_scanning_configuration,
    put_scanning_configuration,
)

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient


def check_own_registry(registry_id: str | None) -> None:
    if registry_id:
        raise InvalidInput(
            f"--registry-id {registry_id}: the scanning configuration is the caller's own "
            "registry's (the API takes no registry id)",
            hint="drop --registry-id, or use --profile with credentials of that account",
        )


def repository_names(ecr: ECRClient) -> list[str]:
    return sorted(str(r["repositoryName"]) for r in iter_repositories(ecr))


def frequency_text(scanning: RepositoryScanning) -> str:
    """How a table shows a repository's frequency: MANUAL under enhanced scanning is none."""
    return scanning.scan_frequency if scanning.scanned else "NONE (not scanned)"


@dataclass(frozen=True)
class Change:
    """One repository's scanning now and after the change."""

    before: RepositoryScanning
    after: RepositoryScanning

    @property
    def name(self) -> str:
        return self.after.repository_name

    @property
    def changed(self) -> bool:
        return (self.before.scan_type, self.before.scan_frequency) != (
            self.after.scan_type,
            self.after.scan_frequency,
        )

    def to_json(self) -> dict[str, Any]:
        before, after = self.before.to_json(), self.after.to_json()
        return {
            "repositoryName": self.name,
            "before": {k: v for k, v in before.items() if k != "repositoryName"},
            "after": {k: v for k, v in after.items() if k != "repositoryName"},
            "changed": self.changed,
        }


@dataclass
class ScanningPlan:
    """A new configuration, the one it replaces, and what it does to every repository."""

    current: ScanningConfiguration
    new: ScanningConfiguration
    changes: list[Change] = field(default_factory=list)
    applied: bool = False

    @property
    def changed(self) -> list[Change]:
        return [c for c in self.changes if c.changed]

    def summary(self) -> str:
        moved = len(self.changed)
        what = f"{moved} of {len(self.changes)} repositories change scan frequency"
        if self.current.scan_type != self.new.scan_type:
            what = f"scan type {self.current.scan_type} -> {self.new.scan_type}; {what}"
        return what

    def to_json(self) -> dict[str, Any]:
        return {
            "scanningConfiguration": self.new.to_api(),
            "previousScanningConfiguration": self.current.to_api(),
            "repositories": [c.to_json() for c in self.changes],
            "applied": self.applied,
        }


def show_scanning(ecr: ECRClient, *, registry_id: str | None = None) -> dict[str, Any]:
    """``{"registryId", "scanningConfiguration", "repositories"}``: the rules, and the
    frequency each repository gets under them (matched locally, ECR's rule)."""
    check_own_registry(registry_id)
    config = get_scanning_configuration(ecr)
    return {
        "registryId": config.registry_id,
        "scanningConfiguration": config.to_api(),
        "repositories": [config.scanning_of(name).to_json() for name in repository_names(ecr)],
    }


def plan_scanning(
    ecr: ECRClient, new: ScanningConfiguration | None, *, registry_id: str | None = None
) -> ScanningPlan:
    """What ``new`` (None: ECR's default, i.e. delete) would do to today's repositories."""
    check_own_registry(registry_id)
    target = new or DEFAULT
    current = get_scanning_configuration(ecr)
    names = repository_names(ecr)
    changes = [Change(current.scanning_of(n), target.scanning_of(n)) for n in names]
    return ScanningPlan(current, target, changes)


def apply_scanning(ecr: ECRClient, plan: ScanningPlan) -> ScanningPlan:
    """Put the plan's configuration (one PutRegistryScanningConfiguration call)."""
    put_scanning_configuration(ecr, plan.new)
    plan.applied = True
    return plan
