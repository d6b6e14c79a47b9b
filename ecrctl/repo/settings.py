"""A repository's settings after creation: tag mutability (with exclusion filters)
and scan on push (PutImageTagMutability, PutImageScanningConfiguration).

Every value is checked before the first call, so bad input changes nothing; the
settings are read back afterwards (DescribeRepositories), so what is printed is
what ECR holds. Pure functions over an ECR client; no click, no rich.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import registry_kwargs
from ecrctl.errors import EcrctlError, InvalidInput
from ecrctl.repo.repository import describe_repository

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

MUTABILITIES = ("MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION")
WITH_EXCLUSION = ("IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION")
MAX_EXCLUSIONS = 5  # imageTagMutabilityExclusionFilters: 1-5 (API model)
# ImageTagMutabilityExclusionFilterValue (API model): 1-128 of these characters
EXCLUSION_FILTER = re.compile(r"[0-9a-zA-Z._*-]{1,128}")


@dataclass(frozen=True)
class SettingsChange:
    """What ``repo set`` asked for (None: leave as it is)."""

    mutability: str | None = None
    exclusions: tuple[str, ...] = ()
    scan_on_push: bool | None = None

    @property
    def empty(self) -> bool:
        return self.mutability is None and self.scan_on_push is None


@dataclass
class SettingsResult:
    """The repository's settings as ECR holds them after the change."""

    repository: dict[str, Any]
    changed: list[str] = field(default_factory=list)
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {**settings_of(self.repository), "changed": self.changed, "dryRun": self.dry_run}


def settings_of(repository: dict[str, Any]) -> dict[str, Any]:
    """The settings ``repo set`` changes and ``repo show`` shows, from a Repository."""
    return {
        "repositoryName": repository.get("repositoryName"),
        "registryId": repository.get("registryId"),
        "imageTagMutability": repository.get("imageTagMutability", "MUTABLE"),
        "imageTagMutabilityExclusionFilters": [
            dict(f) for f in repository.get("imageTagMutabilityExclusionFilters") or []
        ],
        "imageScanningConfiguration": {
            "scanOnPush": bool(
                (repository.get("imageScanningConfiguration") or {}).get("scanOnPush")
            )
        },
        "encryptionConfiguration": dict(repository.get("encryptionConfiguration") or {}),
    }


def check_change(
    mutability: str | None, exclusions: tuple[str, ...], scan_on_push: bool | None
) -> SettingsChange:
    """The change, or InvalidInput naming the first bad value and the fix."""
    if mutability is not None:
        mutability = _check_mutability(mutability)
    if exclusions and mutability not in WITH_EXCLUSION:
        base = "MUTABLE" if mutability is None else mutability.replace("_WITH_EXCLUSION", "")
        raise InvalidInput(
            "--exclude needs --mutability IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION",
            hint=f"e.g. --mutability {base}_WITH_EXCLUSION --exclude {exclusions[0]!r}",
        )
    if mutability in WITH_EXCLUSION:
        _check_exclusions(mutability, exclusions)
    change = SettingsChange(mutability, exclusions, scan_on_push)
    if change.empty:
        raise InvalidInput(
            "nothing to set",
            hint="give --mutability (with --exclude) and/or --scan-on-push/--no-scan-on-push",
        )
    return change


def _check_mutability(value: str) -> str:
    upper = value.upper().replace("-", "_")
    if upper in MUTABILITIES:
        return upper
    raise InvalidInput(
        f"invalid --mutability {value!r}", hint="use one of " + ", ".join(MUTABILITIES)
    )


def _check_exclusions(mutability: str, exclusions: tuple[str, ...]) -> None:
    if not exclusions:
        raise InvalidInput(
            f"--mutability {mutability} needs at least one --exclude TAG_FILTER",
            hint="e.g. --exclude 'latest' --exclude 'dev-*' (the tags that behave the other way)",
        )
    if len(exclusions) > MAX_EXCLUSIONS:
        raise InvalidInput(
            f"{len(exclusions)} --exclude filters; ECR takes at most {MAX_EXCLUSIONS}",
            hint="merge them with * wildcards",
        )
    seen: set[str] = set()
    for value in exclusions:
        if not EXCLUSION_FILTER.fullmatch(value):
            raise InvalidInput(
                f"invalid --exclude {value!r}: a filter is 1-128 letters, digits, '.', '_', "
                "'-' and '*' wildcards",
                hint="e.g. --exclude 'release-*'",
            )
        if value in seen:
            raise InvalidInput(f"--exclude {value!r} is given twice", hint="give it once")
        seen.add(value)


def apply_change(
    ecr: ECRClient,
    name: str,
    change: SettingsChange,
    *,
    registry_id: str | None = None,
    dry_run: bool = False,
) -> SettingsResult:
    """Make the calls ``change`` needs (none with ``dry_run``), then read the settings back."""
    before = describe_repository(ecr, name, registry_id=registry_id)
    wanted = _requests(name, change, registry_id)
    changed = [key for key, _ in wanted]
    if dry_run:
        return SettingsResult(_preview(before, change), changed, dry_run=True)
    done: list[str] = []
    for key, (operation, kwargs) in wanted:
        try:
            getattr(ecr, operation)(**kwargs)
        except Exception as exc:
            half = _half_done(ecr, exc, done, key) if done else None
            if half is None:
                raise
            raise half from exc
        done.append(key)
    return SettingsResult(describe_repository(ecr, name, registry_id=registry_id), changed)


def _requests(
    name: str, change: SettingsChange, registry_id: str | None
) -> list[tuple[str, tuple[str, dict[str, Any]]]]:
    common = {"repositoryName": name, **registry_kwargs(registry_id)}
    calls: list[tuple[str, tuple[str, dict[str, Any]]]] = []
    if change.mutability is not None:
        kwargs: dict[str, Any] = {**common, "imageTagMutability": change.mutability}
        if change.exclusions:
            kwargs["imageTagMutabilityExclusionFilters"] = [
                {"filterType": "WILDCARD", "filter": f} for f in change.exclusions
            ]
        calls.append(("imageTagMutability", ("put_image_tag_mutability", kwargs)))
    if change.scan_on_push is not None:
        scanning = {"scanOnPush": change.scan_on_push}
        calls.append(
            (
                "scanOnPush",
                (
                    "put_image_scanning_configuration",
                    {**common, "imageScanningConfiguration": scanning},
                ),
            )
        )
    return calls


def _preview(repository: dict[str, Any], change: SettingsChange) -> dict[str, Any]:
    shown = dict(repository)
    if change.mutability is not None:
        shown["imageTagMutability"] = change.mutability
        shown["imageTagMutabilityExclusionFilters"] = [
            {"filterType": "WILDCARD", "filter": f} for f in change.exclusions
        ]
    if change.scan_on_push is not None:
        shown["imageScanningConfiguration"] = {"scanOnPush": change.scan_on_push}
    return shown


def _half_done(ecr: Any, exc: Exception, done: list[str], failed: str) -> EcrctlError | None:
    """A later call's error as a partial failure (exit 1, not "nothing changed"),
    saying which earlier changes took effect; None for a bug."""
    from ecrctl.errors import PartialFailure
    from ecrctl.translate import translate

    error = translate(exc, region=getattr(ecr.meta, "region_name", None))
    if error is None:
        return None
    message = f"{error.message} ({', '.join(done)} was set; {failed} was not changed)"
    return PartialFailure(message, hint=error.hint)
