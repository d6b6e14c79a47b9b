"""Where the usage scan looks: the accounts and regions that may pull from the
registry, each with the credentials to scan it.

Regions: ``--usage-regions``, else the registry's region plus the destinations
of its replication configuration (DescribeRegistry) whose filters take the
repository; a replica in another account is scanned only with a role for that
account, and is a gap without one. Accounts: the caller's, and one per
``--usage-role`` (STS AssumeRole, session name ``ecrctl-usage-scan``); a role
that cannot be assumed is a gap for its account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecrctl.aws.regions import check_region
from ecrctl.errors import InvalidInput
from ecrctl.usage.calls import WORKERS, Calls
from ecrctl.usage.causes import UNSCANNED, Gap, RepositoryKey
from ecrctl.usage.scope import Scope

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws
    from ecrctl.usage.external import External

SESSION_NAME = "ecrctl-usage-scan"
ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]{1,512}")
DEFAULT_REVISIONS = 5


@dataclass(frozen=True)
class UsageOptions:
    """What the scan covers beyond the caller's account in the registry's region."""

    revisions: int = DEFAULT_REVISIONS  # the newest N revisions of each task-definition family
    workers: int = WORKERS  # calls in flight at once
    regions: tuple[str, ...] = ()  # (): the registry's region and its replicas' regions
    roles: tuple[str, ...] = ()  # role ARNs to scan other accounts with
    external: External | None = None  # --usage-from

    def __post_init__(self) -> None:
        if self.revisions < 1:
            raise InvalidInput(
                f"--usage-revisions {self.revisions} is not a count", hint="give 1 or more"
            )
        for region in self.regions:
            check_region(region, "--usage-regions")
        for role in self.roles:
            role_account(role)


def role_account(arn: str) -> str:
    """The account of a role ARN; InvalidInput for anything else."""
    match = ROLE_ARN.fullmatch(arn)
    if match is None:
        raise InvalidInput(
            f"--usage-role {arn!r} is not an IAM role ARN",
            hint="give arn:aws:iam::ACCOUNT:role/NAME",
        )
    return match.group(1)


@dataclass
class ScanTarget:
    """One account and region to scan, with the AWS access that scans it."""

    aws: Aws
    scope: Scope
    where: str  # "" for the registry's own account and region


@dataclass
class ScanPlan:
    """Every target, and the copies of the repository that count as itself."""

    targets: list[ScanTarget] = field(default_factory=list)
    replicas: list[RepositoryKey] = field(default_factory=list)


def caller_account(aws: Aws) -> str:
    """The caller's account, or "" when STS does not say (it only names the scope)."""
    try:
        return str(aws.sts.get_caller_identity()["Account"])
    except Exception:
        return ""


def in_region(aws: Aws, region: str) -> Aws:
    """``aws`` in another region: the same settings and credentials source."""
    from ecrctl.aws.clients import Aws

    return aws if region == aws.region else Aws(aws.settings.replace(region=region))


def _matches(rule: dict[str, Any], repository: str) -> bool:
    filters = rule.get("repositoryFilters") or []
    return not filters or any(repository.startswith(str(f.get("filter", ""))) for f in filters)


def replication(aws: Aws, calls: Calls, key: RepositoryKey) -> list[RepositoryKey]:
    """The replicas of ``key``: (registry, region, name) of each destination."""
    response = calls.call(aws.ecr, "ecr", "describe_registry")
    if not response or str(response.get("registryId")) != key[0]:
        return []
    found: list[RepositoryKey] = []
    for rule in (response.get("replicationConfiguration") or {}).get("rules") or []:
        if not _matches(rule, key[2]):
            continue
        for destination in rule.get("destinations") or []:
            copy = (str(destination.get("registryId")), str(destination.get("region")), key[2])
            if copy != key and copy not in found:
                found.append(copy)
    return found


def plan(
    aws: Aws, calls: Calls, options: UsageOptions, key: RepositoryKey | None, account: str
) -> ScanPlan:
    """The targets of a scan of ``key`` (None: every repository) by ``account``."""
    home = key[1] if key else aws.region
    result = ScanPlan()
    if key is not None and not options.regions and account in ("", key[0]):
        result.replicas = replication(aws, calls, key)  # the caller's registry only
    regions = list(options.regions) or [home]
    for _, region, _ in result.replicas:
        if region not in regions:
            regions.append(region)
    for region in regions:
        where = "" if region == home else (f"account {account}, {region}" if account else region)
        scope = Scope(region, options.revisions, account)
        result.targets.append(ScanTarget(in_region(aws, region), scope, where))
    scanned = {account}
    for role in options.roles:
        scanned.add(role_account(role))
        result.targets += _role_targets(aws, calls, role, regions, options.revisions)
    for registry, region, _ in result.replicas:
        if registry not in scanned:
            where = f"account {registry}, {region}"
            name = key[2] if key else "the repository"
            message = f"a replica of {name} lives there; give --usage-role for its account"
            calls.gap(Gap("", message, UNSCANNED, where, registry, region))
    return result


def _role_targets(
    aws: Aws, calls: Calls, role: str, regions: list[str], revisions: int
) -> list[ScanTarget]:
    account = role_account(role)
    response = calls.at(account, aws.region, f"account {account}").call(
        aws.sts, "sts", "assume_role", RoleArn=role, RoleSessionName=SESSION_NAME
    )
    credentials = response.get("Credentials")
    if not credentials:  # the gap says why
        return []
    from ecrctl.aws.clients import Aws

    targets = []
    for region in regions:
        assumed = Aws(aws.settings.replace(region=region, registry_id=None))
        assumed.session.set_credentials(
            credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"]
        )
        scope = Scope(region, revisions, account, role)
        targets.append(ScanTarget(assumed, scope, f"account {account}, {region}"))
    return targets
