"""Image references on any registry: ``[HOST/]REPO[:TAG|@DIGEST]``.

No host means the caller's own ECR registry. A first component with a dot or
a colon, or ``localhost``, is a host; Docker Hub's one-part names get the
``library/`` prefix, as the docker CLI gives them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecrctl.distribution.refs import check_digest, check_image_tag, check_repository_name
from ecrctl.errors import InvalidInput

DOCKER_HUB = ("docker.io", "index.docker.io", "registry-1.docker.io")


@dataclass(frozen=True)
class RemoteRef:
    host: str | None  # None: the caller's ECR registry
    repository: str
    tag: str | None = None
    digest: str | None = None

    @property
    def ref(self) -> str:
        """What to ask the registry for: the digest, else the tag, else latest."""
        return self.digest or self.tag or "latest"

    def with_host(self, host: str) -> RemoteRef:
        return RemoteRef(host, self.repository, self.tag, self.digest)

    def __str__(self) -> str:
        name = f"{self.host}/{self.repository}" if self.host else self.repository
        if self.digest:
            return f"{name}@{self.digest}"
        return f"{name}:{self.tag}" if self.tag else name


def _is_host(part: str) -> bool:
    return "." in part or ":" in part or part == "localhost"


def parse_remote_ref(text: str, *, what: str = "image reference") -> RemoteRef:
    """``[HOST/]REPO[:TAG|@DIGEST]``, checked; a missing tag stays ``None``."""
    value = text.strip()
    if not value or value.startswith("/") or value.endswith("/"):
        raise InvalidInput(
            f"invalid {what} {text!r}", hint="write [HOST/]REPO[:TAG|@DIGEST], e.g. team/app:1.0"
        )
    name, _, digest = value.partition("@")
    tag: str | None = None
    head, sep, tail = name.rpartition(":")
    if sep and "/" not in tail:
        name, tag = head, tail
    first, slash, rest = name.partition("/")
    host = first if slash and _is_host(first) else None
    repository = rest if host else name
    if host in DOCKER_HUB and "/" not in repository:
        repository = f"library/{repository}"
    return RemoteRef(
        host=host,
        repository=check_repository_name(repository),
        tag=check_image_tag(tag) if tag else None,
        digest=check_digest(digest) if digest else None,
    )
