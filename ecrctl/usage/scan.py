"""The usage scan: ECS and Lambda in the ECR client's region, then every
reference by tag resolved to the digest the tag points at now (ListImages).

:func:`scan_usage` covers every repository; :func:`repository_usage` resolves
only one repository's tags and groups its users by digest and by tag.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecrctl.aws.access import registry_kwargs
from ecrctl.errors import InvalidInput
from ecrctl.usage.awslambda import LambdaScan
from ecrctl.usage.calls import WORKERS, Calls, Progress, service_client
from ecrctl.usage.ecs import EcsScan
from ecrctl.usage.model import BY_DIGEST, RUNNING, RepositoryUsage, Scope, Usage, Use

if TYPE_CHECKING:
    from ecrctl.aws.clients import Aws

DEFAULT_REVISIONS = 5
RepositoryKey = tuple[str, str, str]  # registry id, region, repository name


@dataclass(frozen=True)
class ScanOptions:
    """What the scan covers beyond the running tasks, services and functions."""

    revisions: int = DEFAULT_REVISIONS  # the newest N revisions of each task-definition family
    workers: int = WORKERS  # calls in flight at once

    def __post_init__(self) -> None:
        if self.revisions < 1:
            raise InvalidInput(
                f"--usage-revisions {self.revisions} is not a count", hint="give 1 or more"
            )


def scan_usage(
    aws: Aws,
    options: ScanOptions | None = None,
    progress: Progress | None = None,
    *,
    repositories: set[RepositoryKey] | None = None,
) -> Usage:
    """Every ECR image ECS and Lambda use in the region; tags resolved for
    ``repositories`` only (None: every repository referenced in the region)."""
    options = options or ScanOptions()
    region = aws.region
    calls = Calls(progress, options.workers)
    try:
        usage = Usage(Scope(region, options.revisions))
        usage.references += EcsScan(service_client(aws, "ecs"), calls, usage.scope).run()
        usage.references += LambdaScan(service_client(aws, "lambda"), calls, usage.scope).run()
        _resolve_tags(aws, calls, usage, repositories)
    finally:
        calls.close()
    usage.gaps = list(calls.gaps)
    return usage


def _resolve_tags(
    aws: Aws, calls: Calls, usage: Usage, repositories: set[RepositoryKey] | None
) -> None:
    region = usage.scope.region
    keys = sorted(
        {
            (ref.image.registry_id, ref.image.region, ref.image.repository)
            for ref in usage.references
            if ref.image.digest is None and ref.image.region == region
        }
    )
    if repositories is not None:
        keys = [key for key in keys if key in repositories]
    ecr = aws.ecr

    def tags_of(key: RepositoryKey) -> dict[str, str]:
        listed = calls.items(
            ecr,
            "ecr",
            "list_images",
            "imageIds",
            repositoryName=key[2],
            filter={"tagStatus": "TAGGED"},
            **registry_kwargs(key[0]),
        )
        return {str(i["imageTag"]): str(i["imageDigest"]) for i in listed if i.get("imageTag")}

    for key, tags in zip(keys, calls.map("ECR tags", tags_of, keys), strict=True):
        usage.tags[key] = tags


def repository_usage(
    aws: Aws,
    repository: str,
    options: ScanOptions | None = None,
    progress: Progress | None = None,
) -> RepositoryUsage:
    """The users of ``repository``'s images (in ``--registry-id``'s registry, or the caller's)."""
    described = aws.ecr.describe_repositories(
        repositoryNames=[repository], **registry_kwargs(aws.registry_id)
    )
    key = (str(described["repositories"][0]["registryId"]), aws.region, repository)
    usage = scan_usage(aws, options, progress, repositories={key})
    return for_repository(usage, key)


def for_repository(usage: Usage, key: RepositoryKey) -> RepositoryUsage:
    """``usage`` narrowed to one repository: users by digest (tags resolved) and by tag."""
    result = RepositoryUsage(key[2], key[0], usage)
    tags = usage.tags.get(key, {})
    for ref in usage.references:
        image = ref.image
        if (image.registry_id, image.region, image.repository) != key:
            continue
        if image.digest:
            digest: str | None = image.digest
            how = RUNNING if ref.how == RUNNING else BY_DIGEST
        else:
            digest = tags.get(str(image.tag))
            how = f"tag {image.tag}"
            _add(result.by_tag, str(image.tag), Use(ref.user, how))
        if digest:
            _add(result.by_digest, digest, Use(ref.user, how))
    return result


def _add(table: dict[str, list[Use]], key: str, use: Use) -> None:
    """One entry per user and key: the first way it names the image wins."""
    uses = table.setdefault(key, [])
    if all(u.user != use.user for u in uses):
        uses.append(use)
