"""Plain values of a registry: repository names (ECR's rule), registry ids, tags,
digests, and :class:`ImageRef`, the tag or digest that names one image of a
repository. Checked before any call, so that bad input creates nothing.

References that combine them (``[HOST/]REPO[:TAG][@DIGEST]``) are parsed in
:mod:`ecrctl.distribution.reference`, and only there. Each check raises
:class:`InvalidInput` naming the bad value and the fix.
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
# any algorithm, as the OCI grammar writes a digest: the algorithm is named when it is not sha256
ANY_DIGEST = re.compile(
    r"(?P<algorithm>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):[0-9a-fA-F]{32,}"
)


def repository_name_error(
    name: str, pattern: re.Pattern[str] = REPOSITORY_NAME, *, shown: str | None = None
) -> InvalidInput:
    """The error for a name ``pattern`` refuses (``shown``: as the user wrote it, e.g.
    an ARN): lowercase when that is the fix."""
    fix = _lowercase_or(
        name,
        name,
        "use lowercase letters and digits, separated by single . _ - or / (e.g. team/app)",
        pattern,
    )
    return InvalidInput(f"invalid repository name {shown or name!r}", hint=fix)


def _lowercase_or(
    candidate: str, given: str, otherwise: str, pattern: re.Pattern[str] = REPOSITORY_NAME
) -> str:
    """The hint for a refused name: lowercase ``given`` when that makes ``candidate``
    what ``pattern`` takes, else ``otherwise``."""
    if pattern.fullmatch(candidate.lower()):
        return f"use lowercase: {given.lower()!r}"
    return otherwise


def check_repository_name(name: str) -> str:
    """A repository name as ECR takes it, or the name inside a repository ARN."""
    match = REPOSITORY_ARN.fullmatch(name)
    candidate = match["name"] if match else name
    if not 2 <= len(candidate) <= 256:
        raise InvalidInput(
            f"invalid repository name {name!r}: it must be 2 to 256 characters long",
            hint="e.g. team/app",
        )
    if not REPOSITORY_NAME.fullmatch(candidate):
        raise repository_name_error(candidate, shown=name)
    return candidate


def check_repository_prefix(prefix: str) -> str:
    """The start of a repository name (``team/``): what a name may start with."""
    candidate = prefix.rstrip("/._-") or "ab"
    if len(prefix) > 256 or not REPOSITORY_NAME.fullmatch(candidate):
        fix = _lowercase_or(
            candidate,
            prefix,
            "give the start of a name such as team/ (lowercase letters, digits, . _ - /)",
        )
        raise InvalidInput(f"no repository name can start with {prefix!r}", hint=fix)
    return prefix


def fullmatched(pattern: re.Pattern[str], value: str, what: str, hint: str, why: str = "") -> str:
    """``value`` when ``pattern`` takes all of it; else the error that names it as an
    invalid ``what`` (``why``: what it must be), with ``hint``."""
    if not pattern.fullmatch(value):
        raise InvalidInput(f"invalid {what} {value!r}{why}", hint=hint)
    return value


def check_registry_id(value: str) -> str:
    why = ": it must be a 12-digit AWS account id"
    return fullmatched(REGISTRY_ID, value, "registry id", "e.g. --registry-id 123456789012", why)


def check_image_tag(tag: str) -> str:
    if not tag:
        raise InvalidInput("empty image tag", hint="give a tag such as latest or v1.0")
    rule = "a tag is 1-300 characters: ASCII letters, digits, _ . - (not starting with . or -)"
    return fullmatched(IMAGE_TAG, tag, "image tag", rule)


def check_digest(digest: str) -> str:
    """``sha256:<64 lowercase hex>``: the only digests ECR uses; another algorithm is named."""
    if DIGEST.fullmatch(digest):
        return digest
    if digest.startswith("sha256:"):
        raise InvalidInput(
            f"invalid image digest {digest!r}",
            hint="a digest is sha256: followed by 64 lowercase hex digits",
        )
    other = ANY_DIGEST.fullmatch(digest)
    algorithm = f"its algorithm is {other['algorithm']}; " if other else ""
    raise InvalidInput(
        f"invalid image digest {digest!r}: {algorithm}only sha256 digests are used by ECR",
        hint="give a digest sha256:<64 lowercase hex digits>, or a tag",
    )


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
