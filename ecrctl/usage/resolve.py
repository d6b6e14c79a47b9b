"""One repository's usage out of a scan: its users by digest (tags resolved to
what they point at now) and by tag, the reasons its usage is unknown (the scan's
gaps that concern it, and each reference to it that does not read), and the
runners whose running image is gone. A replica's users count as the repository's.
"""

from __future__ import annotations

from ecrctl.usage.causes import UNREADABLE, Gap, Missing, RepositoryKey
from ecrctl.usage.model import (
    BY_DIGEST,
    RUNNING,
    ImageUri,
    Reference,
    RepositoryUsage,
    Unreadable,
    Usage,
    Use,
)


def for_repository(usage: Usage, key: RepositoryKey) -> RepositoryUsage:
    """``usage`` narrowed to one repository: users by digest (tags resolved) and by tag."""
    keys = [key, *usage.replicas.get(key, [])]
    result = RepositoryUsage(key[2], key[0], usage)
    result.gaps = [gap for gap in usage.gaps if any(gap.concerns(k) for k in keys)]
    for ref in usage.references:
        image = ref.image
        if isinstance(image, Unreadable):
            if any(image.covers(k) for k in keys):
                _unreadable(result, ref, image, key)
        elif image.key in keys:
            _count(result, usage, ref, image, image.key != key)
    return result


def _unreadable(
    result: RepositoryUsage, ref: Reference, image: Unreadable, key: RepositoryKey
) -> None:
    gap = Gap(
        "",
        image.why,
        UNREADABLE,
        account=image.registry_id,
        region=image.region,
        user=ref.user,
        reference=ref.uri,
        key=key,
    )
    if result.gaps is not None and gap not in result.gaps:
        result.gaps.append(gap)


def _count(
    result: RepositoryUsage, usage: Usage, ref: Reference, image: ImageUri, replica: bool
) -> None:
    where = f" (replica in {image.region})" if replica else ""
    if image.digest:
        digest: str | None = image.digest
        how = RUNNING if ref.how == RUNNING else BY_DIGEST
        listed = usage.digests.get(image.key)
        if ref.how == RUNNING and listed is not None and image.digest not in listed:
            missing = Missing(ref.user, ref.uri, image.digest, image.repository)
            if missing not in result.missing:
                result.missing.append(missing)
    else:
        digest = usage.tags.get(image.key, {}).get(str(image.tag))
        how = f"tag {image.tag}"
        if not replica:  # the tag of this repository: removing it breaks the next launch
            _add(result.by_tag, str(image.tag), Use(ref.user, how))
    if digest:
        _add(result.by_digest, digest, Use(ref.user, how + where))


def _add(table: dict[str, list[Use]], key: str, use: Use) -> None:
    """One entry per user and key: the first way it names the image wins."""
    uses = table.setdefault(key, [])
    if all(u.user != use.user for u in uses):
        uses.append(use)
