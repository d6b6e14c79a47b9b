"""What the commands ask of the usage scan: refuse to delete an image (or the
tag) something runs or will launch, or anything while usage is unknown; mark the
images a lifecycle policy would expire, and annotate image details and preview
results for JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from ecrctl.aws.access import error_code
from ecrctl.errors import Conflict
from ecrctl.usage.model import IN_USE, UNKNOWN, RepositoryUsage, Use

if TYPE_CHECKING:
    from mypy_boto3_ecr import ECRClient

    from ecrctl.aws.clients import Aws
    from ecrctl.usage.calls import Progress
    from ecrctl.usage.causes import Gap
    from ecrctl.usage.scan import UsageOptions

IMAGE_DELETED = "IMAGE_DELETED"  # a delete plan item's action when the image goes
SHOWN_USERS = 3  # per image in the refusal line


class DeleteTarget(Protocol):
    """A planned deletion: an image id (by tag or digest), its image's digest, what goes."""

    image_id: dict[str, str]
    digest: str
    action: str


def blocked(usage: RepositoryUsage, targets: Iterable[DeleteTarget]) -> list[tuple[str, list[Use]]]:
    """The targets something uses, as ``(what, users)``: an image that goes and
    is in use, or a tag that a task definition, service or function launches by."""
    found = []
    for target in targets:
        tag = target.image_id.get("imageTag")
        uses = list(usage.by_tag.get(tag, [])) if tag else []
        if target.action == IMAGE_DELETED:
            uses += [u for u in usage.users(target.digest) if u not in uses]
        if uses:
            what = f"{usage.repository}:{tag}" if tag else f"{usage.repository}@{target.digest}"
            found.append((what, uses))
    return found


def refusal(found: Sequence[tuple[str, list[Use]]]) -> Conflict:
    """One line naming each in-use image and who uses it."""
    parts = []
    for what, uses in found:
        users = ", ".join(use.text() for use in uses[:SHOWN_USERS])
        if len(uses) > SHOWN_USERS:
            users += f" and {len(uses) - SHOWN_USERS} more"
        parts.append(f"{what} is used by {users}")
    return Conflict(
        f"refusing to delete {len(found)} image(s) or tag(s) in use: " + "; ".join(parts),
        hint="stop using them first, or pass --force to delete anyway",
    )


def unknown_refusal(usage: RepositoryUsage, targets: Sequence[DeleteTarget]) -> Conflict:
    """One line naming what would go while the scan could not see everything."""
    names = []
    for target in targets:
        tag = target.image_id.get("imageTag")
        names.append(f"{usage.repository}:{tag}" if tag else f"{usage.repository}@{target.digest}")
    shown = ", ".join(names[:SHOWN_USERS]) + (
        f" and {len(names) - SHOWN_USERS} more" if len(names) > SHOWN_USERS else ""
    )
    causes = len(usage.causes)
    return Conflict(
        f"refusing to delete {len(names)} image(s) or tag(s) whose usage is unknown ({shown}): "
        f"the usage scan could not see everything ({causes} cause(s), each a warning above)",
        hint="grant or fix what the warnings name, or pass --force to delete anyway",
    )


def check_delete(usage: RepositoryUsage, targets: Sequence[DeleteTarget]) -> None:
    """Raise :class:`~ecrctl.errors.Conflict` (exit 1) when a planned deletion removes
    an image or tag in use, or anything at all while usage is unknown."""
    found = blocked(usage, targets)
    if found:
        raise refusal(found)
    if targets and not usage.complete:
        raise unknown_refusal(usage, targets)


def guard_delete(
    aws: Aws,
    repository: str,
    targets: Sequence[DeleteTarget],
    options: UsageOptions | None = None,
    progress: Progress | None = None,
) -> RepositoryUsage:
    """Scan usage, then :func:`check_delete`. Returns the usage."""
    from ecrctl.usage.scan import repository_usage

    usage = repository_usage(aws, repository, options, progress)
    check_delete(usage, targets)
    return usage


def usage_fields(usage: RepositoryUsage, digest: str) -> dict[str, Any]:
    """``inUse`` (true, false or null for unknown) and ``inUseBy`` for one image."""
    return {
        "inUse": usage.in_use_json(digest),
        "inUseBy": [use.to_json() for use in usage.users(digest)],
    }


def annotate(usage: RepositoryUsage, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Image details or preview results, each with :func:`usage_fields` added."""
    return [{**record, **usage_fields(usage, str(record["imageDigest"]))} for record in records]


def link_graph(
    usage: RepositoryUsage,
    ecr: ECRClient,
    details: list[dict[str, Any]],
    *,
    complete: bool,
) -> Gap | None:
    """Tie the users of each image to its index, children, subject and referrers
    (:func:`ecrctl.image.graph.usage_links`; ``details``: every image of the repository
    when ``complete``). A graph ECR will not show (no ``ecr:BatchGetImage``) is one
    more reason usage is unknown, as any permission the scan lacks: the gap is added
    to ``usage`` and returned, for its warning."""
    from ecrctl.image.graph import usage_links
    from ecrctl.usage.calls import DENIED_CODES
    from ecrctl.usage.causes import Gap

    repository, registry_id = usage.repository, usage.registry_id or None
    try:
        usage.linked = usage_links(
            ecr, repository, details, complete=complete, registry_id=registry_id
        )
    except Exception as exc:
        if error_code(exc) not in DENIED_CODES:
            raise
        why = "the indexes' manifests, which tie each index to its children, could not be read"
        gap = Gap("ecr:BatchGetImage", why)
        usage.causes.append(gap)
        return gap
    return None


def in_use_counts(usage: RepositoryUsage, digests: Iterable[str]) -> dict[str, int]:
    """How many of ``digests`` are in use, and how many unknown."""
    counts = {IN_USE: 0, UNKNOWN: 0}
    for digest in digests:
        status = usage.status(digest)
        if status in counts:
            counts[status] += 1
    return counts
