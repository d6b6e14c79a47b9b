"""The usage scan's results: image URIs as ECS and Lambda write them, who uses
each image and how, what the scan covered, and what it could not see.

Pure data and string handling; no AWS call here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecrctl.distribution.hosts import parse_ecr_host
from ecrctl.distribution.reference import parse_reference
from ecrctl.errors import InvalidInput

IN_USE = "in use"
NOT_IN_USE = "not in use"
UNKNOWN = "unknown"

# how a user names the image
BY_TAG = "tag"
BY_DIGEST = "digest"
RUNNING = "running"  # the digest ECS reports for a task's container, or Lambda's resolved one

# one emulator answers Lambda's ResolvedImageUri for a function created from
# REPO@sha256:<hex> as REPO@sha256@sha256:<hex>: read as the digest it repeats
GARBLED_DIGEST = "@sha256@sha256:"

KIND_TEXT = {
    "ecs-task": "task",
    "ecs-service": "service",
    "ecs-task-definition": "task definition",
    "lambda-function": "function",
}


@dataclass(frozen=True)
class ImageUri:
    """An ECR image reference: ``ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME[:TAG][@DIGEST]``."""

    registry_id: str
    region: str
    repository: str
    tag: str | None
    digest: str | None


def parse_image_uri(uri: str) -> ImageUri | None:
    """The parts of an ECR image URI; ``None`` for any other registry's image, and for
    text that is no image reference (nothing of ECR's can match it)."""
    text = uri.strip().replace(GARBLED_DIGEST, "@sha256:")
    try:
        ref = parse_reference(text, tag_and_digest=True)
    except InvalidInput:
        return None
    parsed = parse_ecr_host(ref.host) if ref.host else None
    if parsed is None:
        return None
    tag = ref.tag if ref.tag or ref.digest else "latest"  # what docker and ECS pull
    return ImageUri(parsed.account, parsed.region, ref.repository, tag, ref.digest)


@dataclass(frozen=True, order=True)
class User:
    """Something that runs or will launch an image."""

    kind: str  # a key of KIND_TEXT
    name: str  # "cluster/service", "family:revision", "cluster/task-id", "function:version"
    arn: str
    aliases: tuple[str, ...] = ()  # Lambda aliases pointing at this version

    def text(self) -> str:
        shown = f"{KIND_TEXT.get(self.kind, self.kind)} {self.name}"
        if self.aliases:
            shown += f" (alias {', '.join(self.aliases)})"
        return shown

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind, "name": self.name, "arn": self.arn}
        if self.aliases:
            data["aliases"] = list(self.aliases)
        return data


def short_text(users: list[User], most: int = 3) -> str:
    """``service prod/web, task def web:3, 2 task(s)``: tasks counted, ``most`` names."""
    names = []
    for user in users:
        if user.kind == "ecs-service":
            names.append("service " + user.name.split(" (", 1)[0])
        elif user.kind == "lambda-function":
            aliases = f" ({', '.join(user.aliases)})" if user.aliases else ""
            names.append(f"function {user.name}{aliases}")
        elif user.kind != "ecs-task":
            names.append(f"task def {user.name}")
    tasks = sum(user.kind == "ecs-task" for user in users)
    shown = names[:most] + ([f"{tasks} task(s)"] if tasks else [])
    if len(names) > most:
        shown.append(f"{len(names) - most} more")
    return ", ".join(shown)


@dataclass(frozen=True)
class Reference:
    """One user's reference to one image, as written (``uri``) and parsed."""

    user: User
    uri: str
    image: ImageUri
    how: str  # BY_TAG, BY_DIGEST or RUNNING


@dataclass(frozen=True)
class Use:
    """A user of one image, and how it names it (``tag v1``, ``digest``, ``running``)."""

    user: User
    how: str

    def text(self) -> str:
        return f"{self.user.text()} [{self.how}]"

    def to_json(self) -> dict[str, Any]:
        return {**self.user.to_json(), "via": self.how}


@dataclass(frozen=True)
class Gap:
    """An action the caller may not perform: that part of the usage is unknown."""

    action: str  # e.g. "ecs:ListClusters"
    message: str

    def warning(self) -> str:
        return f"no permission for {self.action}: image usage is unknown ({self.message})"


@dataclass
class Scope:
    """What the scan covered, so "not in use" can be read for what it means."""

    region: str
    revisions: int
    clusters: int = 0
    services: int = 0
    tasks: int = 0
    families: int = 0
    task_definitions: int = 0
    functions: int = 0
    versions: int = 0
    aliases: int = 0

    def text(self) -> str:
        return (
            f"ECS and Lambda in {self.region}: {self.clusters} cluster(s), "
            f"{self.services} service(s), {self.tasks} running or pending task(s), "
            f"the newest {self.revisions} revision(s) of {self.families} task-definition "
            f"family(ies) ({self.task_definitions} task definition(s) read); "
            f"{self.functions} image function(s), {self.versions} version(s), "
            f"{self.aliases} alias(es)"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "ecs": {
                "clusters": self.clusters,
                "services": self.services,
                "tasks": self.tasks,
                "taskDefinitionFamilies": self.families,
                "revisionsPerFamily": self.revisions,
                "taskDefinitionsRead": self.task_definitions,
            },
            "lambda": {
                "imageFunctions": self.functions,
                "versions": self.versions,
                "aliases": self.aliases,
            },
        }


@dataclass
class Usage:
    """Every reference the scan found, what it covered and what it could not read."""

    scope: Scope
    references: list[Reference] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    # (registry id, region, repository) -> tag -> digest, for references by tag
    tags: dict[tuple[str, str, str], dict[str, str]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.gaps


@dataclass
class RepositoryUsage:
    """The users of one repository's images, by digest and by tag."""

    repository: str
    registry_id: str
    usage: Usage
    by_digest: dict[str, list[Use]] = field(default_factory=dict)
    by_tag: dict[str, list[Use]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.usage.complete

    def users(self, digest: str) -> list[Use]:
        return self.by_digest.get(digest, [])

    def status(self, digest: str) -> str:
        """IN_USE, NOT_IN_USE, or UNKNOWN when the scan missed something."""
        if self.by_digest.get(digest):
            return IN_USE
        return NOT_IN_USE if self.complete else UNKNOWN

    def in_use_json(self, digest: str) -> bool | None:
        """``inUse`` in JSON: true, false, or null for unknown."""
        status = self.status(digest)
        return None if status == UNKNOWN else status == IN_USE

    def users_text(self, digest: str) -> str:
        """The cell of an IN USE column: who uses it, in short, ``-``, or ``unknown``."""
        uses = self.users(digest)
        if not uses:
            return "-" if self.complete else UNKNOWN
        return short_text([use.user for use in uses])

    def to_json(self) -> dict[str, Any]:
        """The scan's scope and gaps, as ``usage`` in JSON output."""
        return {
            "complete": self.complete,
            "scope": self.usage.scope.to_json(),
            "missingPermissions": sorted({gap.action for gap in self.usage.gaps}),
        }
