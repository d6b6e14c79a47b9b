"""What a repository says about tags: which image each tag points at, and
whether its mutability setting (with exclusion filters) lets a tag move.

Pure functions over an ECR client; no click, no rich.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ecrctl.aws.access import registry_kwargs
from ecrctl.distribution.manifest import ACCEPTED_MEDIA_TYPES
from ecrctl.image.query import GET_BATCH

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient


def tag_digests(
    ecr: ECRClient, repository: str, tags: list[str], *, registry_id: str | None = None
) -> dict[str, str]:
    """Which digest each tag points at now (tags that do not exist are left out).

    Decided from the tags asked about and each image's own tag list: some
    ECR-compatible servers answer BatchGetImage by tag with another tag of the
    same image, so the answer's ``imageTag`` is never trusted.
    """
    reg = registry_kwargs(registry_id)
    digests: set[str] = set()
    for start in range(0, len(tags), GET_BATCH):
        response = ecr.batch_get_image(
            repositoryName=repository,
            imageIds=[{"imageTag": t} for t in tags[start : start + GET_BATCH]],
            acceptedMediaTypes=ACCEPTED_MEDIA_TYPES,
            **reg,
        )
        digests |= {
            str(i["imageId"]["imageDigest"])
            for i in response.get("images", [])
            if i.get("imageId", {}).get("imageDigest")
        }
    wanted, current = set(tags), {}
    ordered = sorted(digests)
    for start in range(0, len(ordered), GET_BATCH):
        page = ecr.describe_images(
            repositoryName=repository,
            imageIds=[{"imageDigest": d} for d in ordered[start : start + GET_BATCH]],
            **reg,
        )
        for detail in page.get("imageDetails", []):
            for tag in detail.get("imageTags") or []:
                if tag in wanted:
                    current[tag] = str(detail["imageDigest"])
    return current


def _wildcard(pattern: str) -> re.Pattern[str]:
    """An exclusion filter (``*`` = any run of characters) as a regular expression."""
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")))


class Mutability:
    """A repository's imageTagMutability and exclusion filters, read once when needed."""

    def __init__(self, ecr: ECRClient, repository: str, registry_id: str | None) -> None:
        self.ecr = ecr
        self.repository = repository
        self.registry_id = registry_id
        self._repo: dict[str, Any] | None = None

    def _repository(self) -> dict[str, Any]:
        if self._repo is None:
            found = self.ecr.describe_repositories(
                repositoryNames=[self.repository], **registry_kwargs(self.registry_id)
            )
            self._repo = dict(found["repositories"][0])
        return self._repo

    @property
    def mode(self) -> str:
        return str(self._repository().get("imageTagMutability", "MUTABLE"))

    def pinned(self, tag: str) -> bool:
        """Whether the mutability setting (and its exclusion filters) pins ``tag``."""
        mode = self.mode
        filters = self._repository().get("imageTagMutabilityExclusionFilters") or []
        excluded = any(_wildcard(str(f.get("filter", ""))).fullmatch(tag) for f in filters)
        if mode == "IMMUTABLE_WITH_EXCLUSION":
            return not excluded
        if mode == "MUTABLE_WITH_EXCLUSION":
            return excluded
        return mode == "IMMUTABLE"

    def why_pinned(self, tag: str) -> str:
        """Why ECR refuses to move ``tag``, in the words of the repository's setting."""
        mode, repo = self.mode, f"repository {self.repository!r}"
        if mode == "IMMUTABLE":
            return f"{repo} is IMMUTABLE: its tags cannot be moved"
        if mode == "IMMUTABLE_WITH_EXCLUSION":
            return (
                f"{repo} is IMMUTABLE_WITH_EXCLUSION: {tag!r} matches none of its "
                "exclusion filters, so it cannot be moved"
            )
        if mode == "MUTABLE_WITH_EXCLUSION":
            return (
                f"{repo} is MUTABLE_WITH_EXCLUSION: {tag!r} matches one of its "
                "exclusion filters, so it cannot be moved"
            )
        return f"ECR refused to move it although {repo} is {mode} (changed meanwhile?)"
