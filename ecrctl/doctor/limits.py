"""Service-limit headroom: images in the repository and repositories in the
region against their quotas, from the Service Quotas API when the caller may
read it, else AWS's documented defaults (named as such). Warns from 80 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ecrctl.aws.access import items, registry_kwargs
from ecrctl.doctor.facts import DoctorFacts
from ecrctl.doctor.model import CheckOutcome, failure, ok, warning

WARN_RATIO = 0.8

# "Amazon ECR service quotas" in today's user guide (the 2019 guide said 1,000 for both).
IMAGES_PER_REPOSITORY = ("Images per repository", 100_000)
REPOSITORIES_PER_REGION = ("Registered repositories", 100_000)


@dataclass(frozen=True)
class Quota:
    value: int
    source: str  # "Service Quotas" or "documented default (...)"


def service_quotas(facts: DoctorFacts) -> dict[str, int]:
    """ECR's quotas by name (applied values, else AWS defaults) from Service Quotas."""

    def ask() -> dict[str, int]:
        client = facts.client("service-quotas")
        found: dict[str, int] = {}
        for operation in ("list_aws_default_service_quotas", "list_service_quotas"):
            for quota in items(client, operation, "Quotas", page_size=0, ServiceCode="ecr"):
                found[str(quota["QuotaName"]).lower()] = int(quota["Value"])
        return found

    return facts.once("service quotas", ask)


def quota(facts: DoctorFacts, name: str, default: int) -> Quota:
    from ecrctl.aws.access import error_code

    try:
        found = service_quotas(facts).get(name.lower())
        why = "not listed by Service Quotas"
    except Exception as exc:
        found = None
        why = f"Service Quotas not readable: {error_code(exc) or type(exc).__name__}"
    if found is not None:
        return Quota(found, "Service Quotas")
    return Quota(default, f"documented default; {why}")


def headroom(used: int, what: str, limit: Quota, fix: str) -> CheckOutcome:
    share = used / limit.value if limit.value else 1.0
    said = f"{used:,} of {limit.value:,} {what} ({share:.0%}; quota from {limit.source})"
    if used >= limit.value:
        return failure(f"{said}: at the limit", fix)
    if share >= WARN_RATIO:
        return warning(f"{said}: 80 % or more used", fix)
    return ok(said)


def _registry(facts: DoctorFacts) -> dict[str, Any]:
    return registry_kwargs(facts.aws.settings.registry_id)


ASK_FOR_MORE = "aws service-quotas request-service-quota-increase --service-code ecr"


def _count_against(
    facts: DoctorFacts, listed: Iterable[Any], what: str, quota_of: tuple[str, int], remedy: str
) -> CheckOutcome:
    """How many ``listed`` there are against the quota ``quota_of`` (name, default)."""
    used = sum(1 for _ in listed)
    fix = f"{remedy}, or ask for more: {ASK_FOR_MORE}"
    return headroom(used, what, quota(facts, *quota_of), fix)


def check_images(facts: DoctorFacts) -> CheckOutcome:
    from ecrctl.doctor.repository import repository

    repository(facts)
    name = facts.request.repository
    details = items(
        facts.ecr(), "describe_images", "imageDetails", repositoryName=name, **_registry(facts)
    )
    return _count_against(
        facts,
        details,
        f"images in {name}",
        IMAGES_PER_REPOSITORY,
        "expire old images with a lifecycle policy (ecrctl policy lifecycle template --help)",
    )


def check_repositories(facts: DoctorFacts) -> CheckOutcome:
    facts.caller()
    found = items(facts.ecr(), "describe_repositories", "repositories", **_registry(facts))
    return _count_against(
        facts,
        found,
        f"repositories in {facts.region()}",
        REPOSITORIES_PER_REGION,
        "delete unused repositories (ecrctl repo delete NAME)",
    )
