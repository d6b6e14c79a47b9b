"""Names in a registry: repository names, registry ids, tags, digests, and the
references that combine them; checked before any call, so that bad input creates nothing.

Each check raises :class:`InvalidInput` naming the bad value and the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecrctl.errors import InvalidInput

# ECR's API model: 2-256 characters of this pattern.
REPOSITORY_NAME = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")
REPOSITORY_ARN = re.compile(r"arn:aws[a-z-]*:ecr:[a-z0-9-]+:\d{12}:repository/(?P<name>.+)")
REGISTRY_ID = re.compile(r"\d{12}")
# ECR takes 1-300 characters; docker's rule for the characters (ASCII only: dockerd
# refuses a tag like "tä" after ECR has accepted it)
IMAGE_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,299}")
DIGEST = re.compile(r"sha256:[a-f0-9]{64}")


def check_repository_name(name: str) -> str:
    """A repository name, or the name inside a repository ARN."""
    match = REPOSITORY_ARN.fullmatch(name)
    candidate = match["name"] if match else name
    if not 2 <= len(candidate) <= 256:
        raise InvalidInput(
            f"invalid repository name {name!r}: it must be 2 to 256 characters long",
            hint="e.g. team/app",
        )
    if not REPOSITORY_NAME.fullmatch(candidate):
        lowered = candidate.lower()
        fix = (
            f"use lowercase: {lowered!r}"
            if REPOSITORY_NAME.fullmatch(lowered)
            else "use lowercase letters and digits, separated by single . _ - or / (e.g. team/app)"
        )
        raise InvalidInput(f"invalid repository name {name!r}", hint=fix)
    return candidate


def check_repository_prefix(prefix: str) -> str:
    """The start of a repository name (``team/``): what a name may start with."""
    candidate = prefix.rstrip("/._-") or "ab"
    if len(prefix) > 256 or not REPOSITORY_NAME.fullmatch(candidate):
        lowered = candidate.lower()
        fix = (
            f"use lowercase: {prefix.lower()!r}"
            if REPOSITORY_NAME.fullmatch(lowered)
            else "give the start of a name such as team/ (lowercase letters, digits, . _ - /)"
        )
        raise InvalidInput(f"no repository name can start with {prefix!r}", hint=fix)
    return prefix


def check_registry_id(value: str) -> str:
    if not REGISTRY_ID.fullmatch(value):
        raise InvalidInput(
            f"invalid registry id {value!r}: it must be a 12-digit AWS account id",
            hint="e.g. --registry-id 123456789012",
        )
    return value


def check_image_tag(tag: str) -> str:
    if not tag:
        raise InvalidInput("empty image tag", hint="give a tag such as latest or v1.0")
    if not IMAGE_TAG.fullmatch(tag):
        raise InvalidInput(
            f"invalid image tag {tag!r}",
            hint="a tag is 1-300 characters: ASCII letters, digits, _ . - "
            "(not starting with . or -)",
        )
    return tag


def check_digest(digest: str) -> str:
    if not DIGEST.fullmatch(digest):
        raise InvalidInput(
            f"invalid image digest {digest!r}",
            hint="a digest is sha256: followed by 64 lowercase hex digits",
        )
    return digest


# -- references -------------------------------------------------------------------


@dataclass(frozen=True)
class ImageRef:
    """A tag or a digest naming one image of a repository."""

    tag: str | None = None
    digest: str | None = None

    @property
    def image_id(self) -> dict[str, str]:
        return {"imageDigest": self.digest} if self.digest else {"imageTag": str(self.tag)}

    def __str__(self) -> str:
        return self.digest or str(self.tag)


def parse_ref(ref: str) -> ImageRef:
    """``TAG``, ``sha256:<64 hex>`` or ``@sha256:...`` as an ImageRef (checked)."""
    text = ref[1:] if ref.startswith("@") else ref
    if ":" in text or text.startswith("sha256"):
        if not text.startswith("sha256:"):
            raise InvalidInput(
                f"invalid image reference {ref!r}: only sha256 digests are used by ECR",
                hint="give a tag, or a digest sha256:<64 hex digits>",
            )
        return ImageRef(digest=check_digest(text))
    return ImageRef(tag=check_image_tag(text))


def check_reference(reference: str, *, what: str, digest: bool) -> str:
    """``[HOST/]REPO[:TAG]`` (and ``@DIGEST`` when ``digest``), checked before any call:
    an empty tag or digest, a digest where a tag is needed, a bad tag or digest."""
    name, at, pinned = reference.partition("@")
    if at and not digest:
        raise InvalidInput(
            f"{what} {reference!r} names a digest; a digest cannot be pushed to",
            hint=f"give a tag instead: {name}:TAG",
        )
    if at:
        if not pinned:
            raise InvalidInput(
                f"{what} {reference!r} has nothing after '@'",
                hint=f"give {name}@sha256:<64 hex digits> or {name}:TAG",
            )
        check_digest(pinned)
    head, colon, tag = name.rpartition(":")
    if colon and "/" not in tag:
        if not tag:
            raise InvalidInput(
                f"{what} {reference!r} has an empty tag after ':'",
                hint=f"give a tag ({head}:latest) or leave out the ':'",
            )
        if at:
            raise InvalidInput(
                f"{what} {reference!r} has both a tag and a digest", hint="give one of them"
            )
        check_image_tag(tag)
    return reference
