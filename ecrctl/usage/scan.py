"""The usage scan: in every account and region of :mod:`~ecrctl.usage.targets`,
what ECS, Lambda, AWS Batch, EventBridge (rules and Scheduler) and SageMaker
run or will launch, plus what ``--usage-from`` names; then every reference by tag
resolved to the digest the tag points at now (ListImages, ACTIVE and, when
something is not found there, ARCHIVED).

:func:`scan_usage` covers every repository; :func:`repository_usage` one
repository (and its replicas), grouping its users by digest and by tag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import registry_kwargs
from ecrctl.usage.awsbatch import BatchScan
from ecrctl.usage.awslambda import LambdaScan
from ecrctl.usage.calls import Calls, Progress, service_client
from ecrctl.usage.ecs import EcsScan
from ecrctl.usage.model import ImageUri, Reference, Usage
from ecrctl.usage.resolve import for_repository
from ecrctl.usage.sagemaker import ModelScan
from ecrctl.usage.schedules import RuleScan, ScheduleScan
from ecrctl.usage.targets import (
    DEFAULT_REVISIONS,
    ScanTarget,
    UsageOptions,
    caller_account,
    in_region,
    plan,
)

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws
    from ecrctl.usage.model import RepositoryUsage

__all__ = [
    "DEFAULT_REVISIONS",
    "UsageOptions",
    "for_repository",
    "repository_usage",
    "scan_usage",
]

RepositoryKey = tuple[str, str, str]  # registry id, region, repository name


def _scan_target(target: ScanTarget, calls: Calls) -> list[Reference]:
    """Every reference of one account and region's runners."""
    aws, scope = target.aws, target.scope
    launched = RuleScan(service_client(aws, "events"), calls, scope).run()
    launched += ScheduleScan(service_client(aws, "scheduler"), calls, scope).run()
    found = EcsScan(service_client(aws, "ecs"), calls, scope).run(launched)
    found += LambdaScan(service_client(aws, "lambda"), calls, scope).run()
    found += BatchScan(service_client(aws, "batch"), calls, scope).run()
    found += ModelScan(service_client(aws, "sagemaker"), calls, scope).run()
    return found


def scan_usage(
    aws: Aws,
    options: UsageOptions | None = None,
    progress: Progress | None = None,
    *,
    repositories: set[RepositoryKey] | None = None,
    key: RepositoryKey | None = None,
) -> Usage:
    """Every ECR image the runners use in the scan's accounts and regions; tags
    resolved for ``repositories`` only (None: every repository referenced). With
    ``key``, the scan is that repository's: its region and its replicas."""
    options = options or UsageOptions()
    calls = Calls(progress, options.workers)
    try:
        account = caller_account(aws)
        planned = plan(aws, calls, options, key, account)
        usage = Usage(planned.targets[0].scope, others=[t.scope for t in planned.targets[1:]])
        if key is not None:
            usage.replicas[key] = planned.replicas
        for target in planned.targets:
            bound = calls.at(target.scope.account, target.scope.region, target.where)
            usage.references += _scan_target(target, bound)
        if options.external is not None:
            usage.references += options.external.references
            usage.external = options.external.counts()
        wanted = repositories
        if wanted is not None and key is not None:
            wanted = wanted | set(planned.replicas)
        _resolve_tags(aws, calls, usage, wanted)
    finally:
        calls.close()
    usage.gaps = list(calls.gaps)
    return usage


def _listed(ecr: Any, calls: Calls, key: RepositoryKey, status: dict[str, str]) -> list[Any]:
    kwargs: dict[str, Any] = {"repositoryName": key[2], **registry_kwargs(key[0])}
    if status:
        kwargs["filter"] = status
    return calls.items(ecr, "ecr", "list_images", "imageIds", **kwargs)


def _resolve_tags(
    aws: Aws, calls: Calls, usage: Usage, repositories: set[RepositoryKey] | None
) -> None:
    wanted: dict[RepositoryKey, list[ImageUri]] = {}
    for ref in usage.references:
        if isinstance(ref.image, ImageUri):
            wanted.setdefault(ref.image.key, []).append(ref.image)
    keys = sorted(k for k in wanted if repositories is None or k in repositories)
    clients: dict[str, Any] = {aws.region: aws.ecr}
    for region in sorted({key[1] for key in keys} - set(clients)):
        clients[region] = in_region(aws, region).client("ecr")

    def images_of(key: RepositoryKey) -> tuple[dict[str, str], set[str]]:
        bound = calls.at(key[0], key[1], "" if key[1] == aws.region else key[1], key)
        tags: dict[str, str] = {}
        digests: set[str] = set()
        for status in ({}, {"imageStatus": "ARCHIVED"}):
            for image in _listed(clients[key[1]], bound, key, status):
                digests.add(str(image["imageDigest"]))
                if image.get("imageTag"):
                    tags[str(image["imageTag"])] = str(image["imageDigest"])
            if all(_found(image, tags, digests) for image in wanted[key]):
                break
        return tags, digests

    for key, (tags, digests) in zip(keys, calls.map("ECR images", images_of, keys), strict=True):
        usage.tags[key] = tags
        usage.digests[key] = digests


def _found(image: ImageUri, tags: dict[str, str], digests: set[str]) -> bool:
    return image.digest in digests if image.digest else str(image.tag) in tags


def repository_usage(
    aws: Aws,
    repository: str,
    options: UsageOptions | None = None,
    progress: Progress | None = None,
) -> RepositoryUsage:
    """The users of ``repository``'s images (in ``--registry-id``'s registry, or the caller's)."""
    described = aws.ecr.describe_repositories(
        repositoryNames=[repository], **registry_kwargs(aws.registry_id)
    )
    key = (str(described["repositories"][0]["registryId"]), aws.region, repository)
    usage = scan_usage(aws, options, progress, repositories={key}, key=key)
    return for_repository(usage, key)
